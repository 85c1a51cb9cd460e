"""Drawing a labelling sample: stratified, reproducible, rare topics included.

Strata are source × period × predicted topic (the model's rank-1 category). Every predicted
category first gets a floor (``min_per_category`` texts, or all it has), so rare topics are
checked too; the rest of the sample is spread over the strata in proportion to their size
(largest remainder). Within a stratum texts are drawn at random with ``seed``. Texts that
already have a label are left out.
"""
from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

PERIODS = {"month": "M", "quarter": "Q", "year": "Y"}


def _allocate(sizes: pd.Series, n: int) -> pd.Series:
    """Proportional allocation of n over groups (largest remainder), capped at each group's size."""
    alloc = pd.Series(0, index=sizes.index, dtype="int64")
    remaining = n
    avail = sizes.copy()
    while remaining > 0 and avail.sum() > 0:
        share = avail / avail.sum() * remaining
        base = np.minimum(np.floor(share).astype("int64"), avail)
        rest = remaining - int(base.sum())
        if rest > 0:
            frac = (share - np.floor(share)).where(avail - base > 0, -1.0)
            order = frac.sort_values(ascending=False, kind="stable").index
            for k in order[:rest]:
                if avail[k] - base[k] > 0:
                    base[k] += 1
        alloc += base
        avail = avail - base
        remaining = n - int(alloc.sum())
        if base.sum() == 0:
            break
    return alloc


def stratified_sample(
    frame: pd.DataFrame,
    n: int = 500,
    *,
    seed: int = 0,
    strata: tuple[str, ...] = ("source", "period", "category"),
    floor_by: str | None = "category",
    min_per_category: int = 5,
) -> pd.DataFrame:
    """Pick ``n`` rows of ``frame`` (one row per signal, with the strata columns). Returns the
    picked rows with a ``stratum`` column, in a seeded random order (the order staff see)."""
    if frame.empty or n <= 0:
        out = frame.iloc[:0].copy()
        out["stratum"] = pd.Series(dtype=object)
        return out
    rng = np.random.default_rng(seed)
    df = frame.copy()
    df["stratum"] = df[list(strata)].astype(str).agg(" | ".join, axis=1)
    # a seeded random key per row: picking "the first k by key" within a group is a random draw
    df = df.sort_values("signal_id", kind="stable").reset_index(drop=True)
    df["_key"] = rng.random(len(df))
    df = df.sort_values("_key", kind="stable")
    n = min(n, len(df))
    chosen = pd.Series(False, index=df.index)
    if floor_by and min_per_category > 0:
        floor = max(0, min(min_per_category, n // max(1, df[floor_by].nunique())))
        if floor:
            firsts = df.groupby(floor_by, sort=True).head(floor).index
            chosen[firsts] = True
    left = n - int(chosen.sum())
    if left > 0:
        pool = df[~chosen]
        alloc = _allocate(pool.groupby("stratum").size(), left)
        rank = pool.groupby("stratum").cumcount()
        take = rank < pool["stratum"].map(alloc).fillna(0)
        chosen[pool.index[take.values]] = True
    out = df[chosen].drop(columns="_key")
    order = np.random.default_rng(seed + 1).permutation(len(out))
    return out.iloc[order].reset_index(drop=True)


def sampling_frame(db, *, model_version: str | None = None, period: str = "quarter") -> pd.DataFrame:
    """Signals with source, period and the model's rank-1 category (``onbekend`` when the model
    has not assigned one), excluding texts that already have a label."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}, not {period!r}")
    sig = db.query_df(
        "SELECT s.signal_id, s.source, s.received_at FROM signals s "
        "WHERE NOT EXISTS (SELECT 1 FROM labels l WHERE l.signal_id = s.signal_id)"
    )
    cats = None
    if db.table_exists("signal_categories"):
        if model_version is None and db.table_exists("topic_models"):
            model_version = db.scalar("SELECT model_version FROM topic_models WHERE is_current ORDER BY created_at DESC LIMIT 1")
        if model_version is not None:
            cats = db.query_df(
                "SELECT signal_id, category FROM signal_categories WHERE model_version = ? AND rank = 1", [model_version]
            )
    if cats is not None and len(cats):
        sig = sig.merge(cats.drop_duplicates("signal_id"), on="signal_id", how="left")
    else:
        sig["category"] = None
    sig["category"] = sig["category"].astype(object).where(sig["category"].notna(), "onbekend")
    sig["period"] = pd.to_datetime(sig["received_at"]).dt.to_period(PERIODS[period]).astype(str)
    return sig


def draw_sample(
    db,
    n: int = 500,
    *,
    seed: int = 0,
    model_version: str | None = None,
    period: str = "quarter",
    min_per_category: int = 5,
    sample_id: str | None = None,
) -> pd.DataFrame:
    """Draw a labelling sample from the store (see module doc) and, when ``sample_id`` is given,
    save it in ``label_samples`` (replacing a sample of that name)."""
    frame = sampling_frame(db, model_version=model_version, period=period)
    sample = stratified_sample(frame, n, seed=seed, min_per_category=min_per_category)
    if sample_id:
        save_sample(db, sample, sample_id, seed=seed)
    return sample


def save_sample(db, sample: pd.DataFrame, sample_id: str, *, seed: int | None = None,
                purpose: str = "validation") -> None:
    """Save a drawn sample under ``sample_id``: ``purpose`` ``validation`` (a random stratified
    sample, :func:`draw_sample`) or ``training`` (an active-learning batch)."""
    rows = pd.DataFrame(
        {
            "sample_id": sample_id,
            "signal_id": sample["signal_id"].astype(str).values,
            "position": np.arange(len(sample), dtype="int64"),
            "stratum": sample["stratum"].astype(str).values if "stratum" in sample else None,
            "seed": seed,
            "created_at": pd.Timestamp(datetime.now().replace(microsecond=0)),
            "purpose": purpose,
        }
    )
    with db.transaction():
        db.execute("DELETE FROM label_samples WHERE sample_id = ?", [sample_id])
        db.insert_df("label_samples", rows)


def load_sample(db, sample_id: str | None = None, *, purpose: str | None = None) -> pd.DataFrame:
    """A saved sample's signal ids in order (the latest sample, of ``purpose`` when given, when no
    id is given)."""
    if sample_id is None:
        where = "WHERE coalesce(purpose, 'validation') = ? " if purpose else ""
        sample_id = db.scalar(f"SELECT sample_id FROM label_samples {where}ORDER BY created_at DESC, sample_id LIMIT 1",
                              [purpose] if purpose else None)
        if sample_id is None:
            return pd.DataFrame(columns=["sample_id", "signal_id", "position", "stratum"])
    return db.query_df(
        "SELECT sample_id, signal_id, position, stratum, coalesce(purpose, 'validation') AS purpose "
        "FROM label_samples WHERE sample_id = ? ORDER BY position", [sample_id]
    )


def validation_ids(db) -> set[str]:
    """Signal ids of the validation sample: every text in a drawn validation sample and every
    validation label. Active learning never proposes these (their metrics must stay unbiased)."""
    ids = set()
    if db.table_exists("label_samples"):
        ids |= set(db.query_df("SELECT DISTINCT signal_id FROM label_samples "
                               "WHERE coalesce(purpose, 'validation') = 'validation'")["signal_id"].astype(str))
    if db.table_exists("labels"):
        ids |= set(db.query_df("SELECT DISTINCT signal_id FROM labels "
                               "WHERE coalesce(purpose, 'validation') = 'validation'")["signal_id"].astype(str))
    return ids
