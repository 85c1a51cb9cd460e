"""The topic model against the store: fit on the shared zone's signals, assign categories.

``fit_store`` fits (seeded by the taxonomy), aligns with the previous model (stable ids and
names), measures quality, saves a version and assigns every signal. ``assign_store`` assigns the
current model's categories to every signal that lacks them (the nightly path).
"""
from __future__ import annotations

import hashlib
import time
from typing import Any

import numpy as np
import pandas as pd

from signalen_lib.config import Settings
from signalen_lib.runs.timing import timed
from signalen_lib.topics.align import DEFAULT_MAX_DISTANCE, align_topics
from signalen_lib.topics.model import TopicModel
from signalen_lib.topics.registry import load_model, save_model
from signalen_lib.vocab.models import current_topic_model
from signalen_lib.vocab.taxonomy import Taxonomy, load_taxonomy


def load_signal_texts(store, *, since=None, until=None) -> pd.DataFrame:
    """signal_id, source, received_at, text from the shared zone, ordered by signal_id (deterministic)."""
    where, params = [], []
    if since is not None:
        where.append("received_at >= ?")
        params.append(pd.Timestamp(since).to_pydatetime())
    if until is not None:
        where.append("received_at < ?")
        params.append(pd.Timestamp(until).to_pydatetime())
    sql = "SELECT signal_id, source, received_at, text FROM signals" + (" WHERE " + " AND ".join(where) if where else "")
    df = store.shared.query_df(sql + " ORDER BY signal_id", params)
    df["text"] = df["text"].fillna("").astype(str)
    return df


def heldout_mask(ids, share: float) -> np.ndarray:
    """Deterministic held-out split by a hash of the signal id."""
    if share <= 0:
        return np.zeros(len(ids), dtype=bool)
    cut = int(share * 10_000)
    return np.array([int(hashlib.md5(str(i).encode()).hexdigest()[:8], 16) % 10_000 < cut for i in ids])


def fit_store(store, settings: Settings, *, n_topics: int | None = None, seed: int | None = None,
              taxonomy: Taxonomy | str | None = "settings", passes: int | None = None, since=None, until=None,
              compare_version: str | None = "current", heldout_share: float = 0.1, coherence_sample: int = 5000,
              max_distance: float = DEFAULT_MAX_DISTANCE, make_current: bool = True, assign: bool = True,
              **params: Any) -> TopicModel:
    """Fit a topic model on the signals (optionally within [since, until)), align it with
    ``compare_version`` ("current", a version, or None), save it and (``assign``) write
    ``signal_categories``/``signal_topics`` for every signal. Returns the model (``version_``,
    ``metrics_``, ``alignment_`` set)."""
    if taxonomy == "settings":  # the taxonomy file plus staff's edits (merge, split, move-word)
        from signalen_lib.categories.edits import effective_taxonomy

        taxonomy = effective_taxonomy(store, settings)
    elif isinstance(taxonomy, str):
        taxonomy = load_taxonomy(taxonomy)
    if passes is not None:
        params["passes"] = passes
    if n_topics is not None:
        params["n_topics"] = n_topics
    model = TopicModel.from_settings(settings, seed=seed, taxonomy=taxonomy, **params)
    with timed("topics: read texts") as t:
        df = load_signal_texts(store, since=since, until=until)
        t.count = len(df)
    if df.empty:
        raise ValueError("no signals in the shared zone to fit a topic model on (run ingest first)")
    held = heldout_mask(df["signal_id"], heldout_share if len(df) >= 200 else 0.0)
    train = df.loc[~held, "text"].tolist()
    with timed("topics: fit", count=len(train)):
        model.fit(train, groups=df.loc[~held, "source"].fillna("").astype(str).tolist())
    with timed("topics: quality measures"):
        model.metrics_ = model.metrics(train[:coherence_sample] if coherence_sample else None,
                                       df.loc[held, "text"].tolist() or None)
    model.alignment_ = None
    prev_version = current_topic_model(store.shared) if compare_version == "current" else compare_version
    if prev_version:
        try:
            prev = load_model(settings, prev_version, store=store)
        except FileNotFoundError:
            prev = None
        if prev is not None:
            with timed("topics: align with previous model"):
                model.alignment_ = align_topics(model, prev, max_distance=max_distance)
            model.metrics_["new_topics"] = int(model.alignment_["is_new"].sum())
    with timed("topics: save model"):
        save_model(model, settings, store=store, metrics=model.metrics_, make_current=make_current)
    if assign:
        assign_store(store, model, settings)
    return model


def assign_frame(model: TopicModel, part: pd.DataFrame, *, n_jobs: int | None = None, category_model=None,
                 overig_threshold: float = 0.25) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Categories and topics of the signals in ``part`` (columns signal_id, text) under ``model``:
    (signal_categories rows, signal_topics rows). Each text is assigned on its own (the model's
    inference does not depend on the other texts of the batch), so any split of the signals gives
    the same rows: :func:`assign_store` calls this per batch, the Dask engine per partition
    (``n_jobs=1``: a worker is one process; see :meth:`TopicModel.transform`).

    ``category_model``: a :class:`~signalen_lib.categories.model.CategoryModel` trained on the
    training labels; it then chooses the categories (``categories.store.category_rows``:
    calibrated, up to three, ``overig`` below ``overig_threshold``) while the topic model keeps
    giving the topics. Without one the categories follow the topic -> category mapping."""
    version = getattr(model, "version_", None)
    ids = part["signal_id"].tolist()
    texts = part["text"].fillna("").astype(str).tolist()
    with timed("topics: assign (transform)", count=len(texts)):
        theta, words = model.transform(texts, n_jobs=n_jobs, return_words=True)
        a = model.assign(texts, ids, theta=theta, words=words)
    if category_model is not None:
        from signalen_lib.categories.store import category_rows

        from signalen_lib.forking import default_jobs

        with timed("categories: assign", count=len(texts)):
            a = category_rows(category_model, texts, ids, doc_topics=theta, topic_rows=a,
                              overig_threshold=overig_threshold,
                              n_jobs=default_jobs(len(texts)) if n_jobs is None else n_jobs)
    a["model_version"] = version
    cats = a[["signal_id", "model_version", "rank", "category", "subcategory", "prob"]]
    tops = model.top_topics(theta, ids)
    tops["model_version"] = version
    tops = tops[["signal_id", "model_version", "rank", "topic_id", "stable_id", "prob"]]
    return cats, tops


def assign_store(store, model: TopicModel | None = None, settings: Settings | None = None, *,
                 batch_size: int = 50_000, replace: bool = False, category_model=None,
                 map_frames=None) -> dict[str, Any]:
    """Assign up to three categories (and topics) to every signal in ``store.shared.signals`` that
    has none yet for the model (default: the current one). Returns counts and the overig share.

    ``category_model``: see :func:`assign_frame` (``categories.store.ensure_category_model`` gives
    it). ``map_frames(model, frames, category_model) -> iterable of (categories, topics)`` assigns
    the batches elsewhere (the Dask engine's, which broadcasts the models once); default:
    :func:`assign_frame` here."""
    from signalen_lib.config import load_config

    settings = settings or load_config()
    if model is None:
        model = load_model(settings, store=store)
    version = getattr(model, "version_", None)
    if version is None:
        raise ValueError("the model has no version: save it with save_model() first")
    db = store.shared
    t0 = time.perf_counter()
    if replace:
        with db.transaction():
            db.execute("DELETE FROM signal_categories WHERE model_version = ?", [version])
            db.execute("DELETE FROM signal_topics WHERE model_version = ?", [version])
    with timed("topics: find signals without categories") as t:
        todo = db.query_df(
            "SELECT s.signal_id, s.text FROM signals s WHERE NOT EXISTS (SELECT 1 FROM signal_categories c "
            "WHERE c.signal_id = s.signal_id AND c.model_version = ?) ORDER BY s.signal_id", [version])
        t.count = len(todo)
    frames = [todo.iloc[start:start + batch_size] for start in range(0, len(todo), batch_size)]
    if map_frames is None:
        results = (assign_frame(model, part, category_model=category_model,
                                overig_threshold=settings.overig_threshold) for part in frames)
    else:
        results = map_frames(model, frames, category_model)
    n_overig = 0
    for cats, tops in results:
        n_overig += int(((cats["rank"] == 1) & (cats["category"] == "overig")).sum())
        with timed("topics: write categories", count=len(cats)), db.transaction():
            db.insert_df("signal_categories", cats, on_conflict_ignore=True)
            db.insert_df("signal_topics", tops, on_conflict_ignore=True)
    n = len(todo)
    return {"model_version": version, "assigned": n, "overig": n_overig,
            "categories_by": "categoriemodel" if category_model is not None else "onderwerpmodel",
            "overig_share": (n_overig / n) if n else 0.0, "seconds": time.perf_counter() - t0}


def category_counts(store, model_version: str | None = None) -> pd.DataFrame:
    """Rank-1 category counts for a model version (default current), with the overig share."""
    version = model_version or current_topic_model(store.shared)
    df = store.shared.query_df(
        "SELECT category, count(*) AS n FROM signal_categories WHERE model_version = ? AND rank = 1 "
        "GROUP BY category ORDER BY n DESC", [version])
    df["n"] = df["n"].astype("int64")
    df["share"] = df["n"] / max(1, df["n"].sum())
    return df
