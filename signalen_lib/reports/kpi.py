"""The dissatisfaction KPI as Rotterdam defines it.

Rotterdam's Dienstverleningsvisie 2022-2026 aims to reduce *ontevredenheid* by 30%: "het aantal
beoordelingen met het cijfer 0 t/m 6 met 30% laten afnemen". The KPI here is the **share** of
KTO scores 0..``settings.dissatisfied_max_score`` among all scores given (a share, not a count,
so that more or fewer survey responses do not move it), per period and any of source, channel,
cluster, afdeling, wijk (and category of the current topic model). Against a baseline window it
gives the relative change (share / baseline share - 1) and the distance to the target share
(baseline share x (1 + ``settings.kpi_target_change``)). Counts of dissatisfied ratings and
their change are reported too, since the policy text speaks of the number.

Cells with fewer than ``settings.min_cell_size`` scores are suppressed (share NaN, ``suppressed``).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from signalen_lib.store.database import _ident
from signalen_lib.store.queries import as_list, where_clause
from signalen_lib.vocab.models import current_topic_model

SIGNAL_DIMS = ("source", "channel", "cluster", "afdeling", "wijk_code", "wijk", "buurt_code", "buurt", "org_code")
CATEGORY_DIMS = ("category", "subcategory")
PERIODS = ("day", "week", "month", "quarter", "year")


def _window(w) -> tuple[pd.Timestamp, pd.Timestamp]:
    """(start, end) with an inclusive end; a date without a time includes that whole day."""
    if w is None or len(w) != 2:
        raise ValueError("a window is a (start, end) pair")
    start, end = pd.Timestamp(w[0]), pd.Timestamp(w[1])
    if end == end.normalize():
        end = end + pd.Timedelta(days=1)
    if end <= start:
        raise ValueError(f"window end {w[1]} is not after its start {w[0]}")
    return start, end


def wilson(k, n, z: float = 1.959964) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for k successes out of n (arrays)."""
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    return centre - half, centre + half


def _settings_values(settings):
    if settings is None:
        from signalen_lib.config import load_config

        settings = load_config()
    return settings.dissatisfied_max_score, settings.kpi_target_change, settings.min_cell_size


def score_counts(
    store,
    by: Sequence[str] = (),
    period: str | None = None,
    start=None,
    end=None,
    filters: dict | None = None,
    dissatisfied_max_score: int = 6,
) -> pd.DataFrame:
    """n_scored and n_dissatisfied per group (and period) from signals with a score."""
    by = as_list(by)
    for c in by:
        if c not in SIGNAL_DIMS + CATEGORY_DIMS:
            raise ValueError(f"kpi: cannot group by {c!r} (choose from {', '.join(SIGNAL_DIMS + CATEGORY_DIMS)})")
    if period is not None and period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}, not {period!r}")
    db = store.shared
    join, jparams = "", []
    filters = dict(filters or {})
    cat_filters = {k: filters.pop(k) for k in list(filters) if k in CATEGORY_DIMS}
    if any(c in CATEGORY_DIMS for c in by) or cat_filters:
        mv = current_topic_model(db)
        if mv is None:
            raise ValueError("kpi by category needs a current topic model (topic_models.is_current)")
        join = ("LEFT JOIN (SELECT signal_id, category, subcategory FROM signal_categories "
                "WHERE rank = 1 AND model_version = ?) c ON c.signal_id = s.signal_id")
        jparams = [mv]
    where, params = where_clause(start, end, filters, alias="s")
    where = (where + " AND " if where else " WHERE ") + "s.score IS NOT NULL"
    for col, val in cat_filters.items():
        vals = as_list(val)
        where += f" AND COALESCE(c.{_ident(col)}, 'overig') IN ({', '.join('?' * len(vals))})"
        params.extend(vals)
    cols = []
    for c in by:
        src = f"COALESCE(c.{c}, 'overig')" if c in CATEGORY_DIMS else f"COALESCE(s.{c}, 'onbekend')"
        cols.append(f"{src} AS {c}")
    if period:
        cols.insert(0, f"date_trunc('{period}', s.received_at) AS period")
    group = (["period"] if period else []) + list(by)
    sql = (f"SELECT {', '.join(cols + ['count(*) AS n_scored', 'sum(CASE WHEN s.score <= ? THEN 1 ELSE 0 END) AS n_dissatisfied'])} "
           f"FROM signals s {join}{where}")
    if group:
        sql += f" GROUP BY {', '.join(str(i + 1) for i in range(len(group)))} ORDER BY {', '.join(str(i + 1) for i in range(len(group)))}"
    df = db.query_df(sql, [int(dissatisfied_max_score)] + jparams + params)
    for c in ("n_scored", "n_dissatisfied"):
        df[c] = pd.to_numeric(df[c]).fillna(0).astype("int64")
    if period and len(df):
        df["period"] = pd.to_datetime(df["period"])
    return df


def kpi(
    store,
    by: str | Sequence[str] = ("source",),
    period: str = "month",
    baseline: tuple | None = None,
    current: tuple | None = None,
    *,
    settings=None,
    start=None,
    end=None,
    filters: dict | None = None,
) -> pd.DataFrame:
    """Share of dissatisfied KTO scores per ``period`` and ``by`` groups.

    ``baseline`` / ``current``: (start, end) windows, ends inclusive. Without ``current`` there
    is a row per period and group (within ``start``..``end``); with ``current`` one row per group
    for that window (``period`` = its start). With ``baseline`` every row gets the group's baseline
    share, ``change`` (relative), ``target_share``, ``distance_to_target`` (share - target share,
    in share points: <= 0 means the target is met), ``target_met`` and ``progress`` (change /
    target change: 1.0 = target reached). Columns: by..., period, n_scored, n_dissatisfied, share,
    share_ci_low, share_ci_high, suppressed, [baseline_n_scored, baseline_n_dissatisfied,
    baseline_share, change, count_change, target_share, distance_to_target, target_met, progress].
    """
    max_score, target, min_cell = _settings_values(settings)
    by = as_list(by)
    if current is not None:
        cs, ce = _window(current)
        df = score_counts(store, by, None, cs, ce, filters, max_score)
        df.insert(0, "period", cs)
        if not by and df.empty:
            df = pd.DataFrame({"period": [cs], "n_scored": [0], "n_dissatisfied": [0]})
    else:
        df = score_counts(store, by, period, start, end, filters, max_score)
    df = _add_share(df, min_cell)
    if baseline is not None:
        bs, be = _window(baseline)
        base = score_counts(store, by, None, bs, be, filters, max_score).rename(
            columns={"n_scored": "baseline_n_scored", "n_dissatisfied": "baseline_n_dissatisfied"})
        if by:
            df = df.merge(base, on=by, how="left")
        else:
            for c in ("baseline_n_scored", "baseline_n_dissatisfied"):
                df[c] = int(base[c].iloc[0]) if len(base) else 0
        for c in ("baseline_n_scored", "baseline_n_dissatisfied"):
            df[c] = pd.to_numeric(df[c]).fillna(0).astype("int64")
        with np.errstate(invalid="ignore", divide="ignore"):
            bshare = df["baseline_n_dissatisfied"] / df["baseline_n_scored"].replace(0, np.nan)
            bshare = bshare.where(df["baseline_n_scored"] >= min_cell)
            df["baseline_share"] = bshare.astype(float)
            df["change"] = df["share"] / df["baseline_share"] - 1
            df["count_change"] = (df["n_dissatisfied"] / df["baseline_n_dissatisfied"].replace(0, np.nan) - 1).astype(float)
            df["count_change"] = df["count_change"].where(~df["suppressed"])
            df["target_share"] = df["baseline_share"] * (1 + target)
            df["distance_to_target"] = df["share"] - df["target_share"]
            df["target_met"] = (df["distance_to_target"] <= 0).where(df["distance_to_target"].notna())
            df["progress"] = df["change"] / target if target else np.nan
    return df.reset_index(drop=True)


def _add_share(df: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    df = df.copy()
    n, k = df["n_scored"].to_numpy(float), df["n_dissatisfied"].to_numpy(float)
    lo, hi = wilson(k, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = k / n
    sup = n < min_cell
    df["share"] = np.where(sup, np.nan, share)
    df["share_ci_low"] = np.where(sup, np.nan, lo)
    df["share_ci_high"] = np.where(sup, np.nan, hi)
    df["suppressed"] = sup
    return df


def kpi_change_test(store, baseline: tuple, current: tuple, *, settings=None, filters=None) -> dict:
    """Overall dissatisfied share in two windows with a two-proportion z-test of the difference."""
    max_score, target, _ = _settings_values(settings)
    b = score_counts(store, (), None, *_window(baseline), filters, max_score)
    c = score_counts(store, (), None, *_window(current), filters, max_score)
    nb, kb = int(b["n_scored"].sum()), int(b["n_dissatisfied"].sum())
    nc, kc = int(c["n_scored"].sum()), int(c["n_dissatisfied"].sum())
    if nb == 0 or nc == 0:
        return {"baseline_share": np.nan, "share": np.nan, "change": np.nan, "p_value": np.nan}
    pb, pc = kb / nb, kc / nc
    pool = (kb + kc) / (nb + nc)
    se = np.sqrt(pool * (1 - pool) * (1 / nb + 1 / nc))
    z = (pc - pb) / se if se > 0 else 0.0
    return {
        "baseline_n": nb, "baseline_share": pb, "n": nc, "share": pc, "change": pc / pb - 1 if pb else np.nan,
        "target_share": pb * (1 + target), "target_met": pc <= pb * (1 + target),
        "p_value": float(2 * stats.norm.sf(abs(z))),
    }


# ---- the KPI as staff see it: one baseline (nulmeting) period, one target --------------------
def baseline_window(settings, first_day) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The nulmeting window (start, end inclusive): ``settings.kpi_baseline`` ("START:END"), else
    the first 12 months from ``first_day`` (the first day with data). Every view uses this one."""
    if getattr(settings, "kpi_baseline", None):
        parts = str(settings.kpi_baseline).replace("..", ":").split(":")
        if len(parts) != 2:
            from signalen_lib.config import ConfigError

            raise ConfigError(f"setting 'kpi_baseline': {settings.kpi_baseline!r} is not START:END (YYYY-MM-DD:YYYY-MM-DD)")
        return pd.Timestamp(parts[0]).normalize(), pd.Timestamp(parts[1]).normalize()
    start = pd.Timestamp(first_day).normalize()
    return start, start + pd.DateOffset(years=1) - pd.Timedelta(days=1)


def kpi_figures(n_scored: int, n_dissatisfied: int, base_n_scored: int, base_n_dissatisfied: int, settings) -> dict:
    """The dissatisfaction KPI from counts: share, baseline share, target share (baseline x (1 +
    ``kpi_target_change``)), relative change and whether the target is met. Shares of fewer than
    ``min_cell_size`` scores are None (suppressed). The one definition the dashboard, the monthly
    report and ``signalen kpi`` use."""
    k = settings.min_cell_size
    share = n_dissatisfied / n_scored if n_scored >= k else None
    base = base_n_dissatisfied / base_n_scored if base_n_scored >= k else None
    target = base * (1 + settings.kpi_target_change) if base is not None else None
    return {
        "n_scored": int(n_scored), "n_dissatisfied": int(n_dissatisfied), "share": share,
        "baseline_n_scored": int(base_n_scored), "baseline_share": base, "target_share": target,
        "change": (share / base - 1) if share is not None and base else None,
        "target_met": (share <= target) if share is not None and target is not None else None,
    }


def first_signal_day(store) -> pd.Timestamp | None:
    v = store.shared.scalar("SELECT min(received_at) FROM signals")
    return None if v is None else pd.Timestamp(v).normalize()


def kpi_for_window(store, settings, start, end, *, filters: dict | None = None) -> dict:
    """:func:`kpi_figures` for [start, end] (inclusive days) against the nulmeting window, from the store."""
    first = first_signal_day(store)
    if first is None:
        return kpi_figures(0, 0, 0, 0, settings) | {"baseline_window": None}
    bs, be = baseline_window(settings, first)
    cur = score_counts(store, (), None, *_window((start, end)), filters, settings.dissatisfied_max_score)
    base = score_counts(store, (), None, *_window((bs, be)), filters, settings.dissatisfied_max_score)
    out = kpi_figures(int(cur["n_scored"].sum()), int(cur["n_dissatisfied"].sum()),
                      int(base["n_scored"].sum()), int(base["n_dissatisfied"].sum()), settings)
    out["baseline_window"] = (bs, be)
    return out
