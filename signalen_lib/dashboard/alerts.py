"""Signalering: which categories or topics are far above their expected level right now.

The expected daily level of a series (a category, or a category/subcategory topic) for each of the
last ``recent_days`` days is the mean of the same weekday over the ``baseline_weeks`` weeks before,
multiplied by a seasonal factor: how the same weeks last year compared with last year's baseline
weeks (1 when there is no history a year back). How unusual the observed total is comes from the
Poisson tail probability of the observed count given that expected count, with the variance
inflated for overdispersion (``dispersion``). A series with no signals at all in its baseline and
last-year windows is *new*: it is reported from its first day once it reaches ``min_count``.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

ALERT_COLUMNS = ["key", "observed", "expected", "ratio", "z", "p_value", "one_in_days", "is_new", "first_seen"]


def _daily_matrix(daily: pd.DataFrame, keys: list[str], start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    d = daily[(daily["day"] >= start) & (daily["day"] <= end)]
    key = d[keys[0]].astype(str)
    for k in keys[1:]:
        key = key + " / " + d[k].astype(str)
    mat = d.assign(key=key).pivot_table(index="day", columns="key", values="n", aggfunc="sum", fill_value=0)
    return mat.reindex(pd.date_range(start, end, freq="D"), fill_value=0)


def detect_alerts(daily: pd.DataFrame, *, keys: tuple[str, ...] = ("category",), as_of=None,
                  recent_days: int = 3, baseline_weeks: int = 8, min_count: int = 5,
                  threshold: float = 3.0, dispersion: float = 0.1, new_days: int = 14) -> pd.DataFrame:
    """Series whose volume in the ``recent_days`` up to ``as_of`` is far above expectation.

    ``daily`` has columns ``day`` (timestamp at midnight), ``keys`` and ``n``. Returns one row per
    flagged series, most unusual first, with columns :data:`ALERT_COLUMNS`: observed and expected
    counts over the recent window, their ratio, a z-score (observed vs expected, overdispersed
    Poisson), the tail probability, ``one_in_days`` (1/p: "this happens about once in N days") and
    whether the series is new. ``threshold`` is the minimal z-score; ``min_count`` the minimal
    observed count (also the small-cell rule). A series whose first signal ever came within the last
    ``new_days`` days is new, counted (``observed``) from that first day, ``first_seen``.
    """
    keys = list(keys)
    if daily.empty:
        return pd.DataFrame(columns=ALERT_COLUMNS)
    daily = daily.assign(day=pd.to_datetime(daily["day"]).dt.normalize())
    as_of = pd.Timestamp(as_of).normalize() if as_of is not None else daily["day"].max()
    recent_start = as_of - pd.Timedelta(days=recent_days - 1)
    base_start = recent_start - pd.Timedelta(weeks=baseline_weeks)
    ly_start = base_start - pd.Timedelta(weeks=52)
    mat = _daily_matrix(daily, keys, ly_start, as_of)
    recent = mat.loc[recent_start:as_of]
    base = mat.loc[base_start:recent_start - pd.Timedelta(days=1)]
    # expected per recent day: same-weekday mean over the baseline weeks
    base_by_wd = base.groupby(base.index.day_of_week).mean()
    exp_days = base_by_wd.reindex(recent.index.day_of_week).to_numpy()
    expected_base = pd.Series(np.nan_to_num(exp_days).sum(axis=0), index=mat.columns)
    # seasonal factor from last year: (same recent days a year back, +/- 1 week) / (baseline a year back)
    ly = lambda ts: ts - pd.Timedelta(weeks=52)  # noqa: E731  (same weekdays)
    ly_recent = mat.loc[ly(recent_start) - pd.Timedelta(days=7):ly(as_of) + pd.Timedelta(days=7)]
    ly_base = mat.loc[ly(base_start):ly(recent_start) - pd.Timedelta(days=1)]
    have_ly = ly_base.index.min() >= daily["day"].min() if len(ly_base) else False
    if have_ly:
        ly_recent_rate = ly_recent.mean()
        ly_base_rate = ly_base.mean()
        factor = ((ly_recent_rate + 0.5) / (ly_base_rate + 0.5)).clip(0.5, 3.0)
    else:
        factor = pd.Series(1.0, index=mat.columns)
    expected = expected_base * factor
    observed = recent.sum()
    history = base.sum() + ly_base.sum() + ly_recent.loc[:ly(recent_start) - pd.Timedelta(days=1)].sum() if have_ly else base.sum()
    # a series seen for the first time within the last ``new_days`` days, with nothing before in the
    # whole window (a year and more), is new: counted from its first day, so that a topic that
    # arrives a few signals a day is still reported, with the day it started
    nz = mat.gt(0)
    first_any = nz.idxmax().where(nz.any())
    new_from = as_of - pd.Timedelta(days=new_days - 1)
    first_seen = {}
    for col in mat.columns:
        days_with = nz.index[nz[col].to_numpy()]
        recent_days_with = days_with[days_with >= recent_start]
        first_seen[col] = recent_days_with.min() if len(recent_days_with) else pd.NaT
    rows = []
    for col in mat.columns:
        started = first_any[col]
        brand_new = pd.notna(started) and started >= new_from and started > mat.index.min()
        if brand_new:
            first_seen[col] = started
            observed[col] = int(mat.loc[started:as_of, col].sum())
        obs = int(observed[col])
        if obs < min_count:
            continue
        exp = float(expected[col])
        is_new = bool(history[col] == 0) or brand_new
        lam = max(exp, 0.2)
        sd = math.sqrt(lam + dispersion * lam * lam)
        z = (obs - lam) / sd
        p = float(stats.poisson.sf(obs - 1, lam)) if dispersion == 0 else float(stats.norm.sf(z))
        p = max(p, float(stats.poisson.sf(obs - 1, lam)))  # never more extreme than plain Poisson
        if not is_new and z < threshold:
            continue
        rows.append({
            "key": col, "observed": obs, "expected": round(exp, 2),
            "ratio": (obs / exp) if exp > 0 else math.inf, "z": round(z, 2), "p_value": p,
            "one_in_days": (1.0 / p) if p > 0 else math.inf, "is_new": is_new, "first_seen": first_seen[col],
        })
    out = pd.DataFrame(rows, columns=ALERT_COLUMNS)
    if len(out):
        out = out.sort_values(["is_new", "z"], ascending=[False, False]).reset_index(drop=True)
    return out


# ---- history: what fired on which day (the pipeline's alerts step) ----------------------------
HISTORY_DAYS = 90
LEVELS = (("categorie", ("category",)), ("onderwerp", ("category", "subcategory")))


def daily_counts(db, model_version: str, start, end) -> pd.DataFrame:
    """Signals per day, category and subcategory (rank 1 of ``model_version``) in [start, end]."""
    df = db.query_df(
        "SELECT date_trunc('day', s.received_at) AS day, c.category AS category, "
        "COALESCE(c.subcategory, c.category) AS subcategory, count(*) AS n FROM signals s "
        "JOIN signal_categories c ON c.signal_id = s.signal_id AND c.model_version = ? AND c.rank = 1 "
        "WHERE s.received_at >= ? AND s.received_at < ? GROUP BY 1, 2, 3",
        [model_version, pd.Timestamp(start).to_pydatetime(), (pd.Timestamp(end) + pd.Timedelta(days=1)).to_pydatetime()])
    if len(df):
        df["day"] = pd.to_datetime(df["day"])
    return df


def alerts_on(daily: pd.DataFrame, day, *, min_count: int = 5) -> pd.DataFrame:
    """The alerts of one day at both levels (category, category/subcategory), as history rows."""
    rows = []
    for level, keys in LEVELS:
        found = detect_alerts(daily, keys=keys, as_of=day, min_count=min_count)
        for r in found.itertuples(index=False):
            parts = str(r.key).split(" / ")
            rows.append({"day": pd.Timestamp(day), "level": level, "category": parts[0],
                         "subcategory": parts[1] if len(parts) > 1 else "", "observed": int(r.observed),
                         "expected": float(r.expected), "ratio": None if math.isinf(r.ratio) else float(r.ratio),
                         "z": float(r.z), "p_value": float(r.p_value), "is_new": bool(r.is_new),
                         "first_seen": r.first_seen})
    return pd.DataFrame(rows)


def record_alert_history(store, settings, *, days: int | None = None) -> dict:
    """Detect the alerts of each day (as they would have fired on that day) and store them in
    ``alert_history``, replacing those days; older history stays. ``days``: the last N days of data;
    default: every day since the last recorded one (a few days back, as late deliveries change them),
    or, on the first run, every day from 8 weeks after the first signal (the baseline needs them)."""
    from datetime import datetime

    from signalen_lib.vocab.models import current_topic_model

    db = store.shared
    mv = current_topic_model(db)
    if mv is None:
        return {"skipped": "nog geen onderwerpmodel"}
    last = db.scalar("SELECT max(received_at) FROM signals")
    if last is None:
        return {"skipped": "nog geen signalen"}
    last = pd.Timestamp(last).normalize()
    if days is not None:
        first_day = last - pd.Timedelta(days=days - 1)
    else:
        recorded = db.scalar("SELECT max(day) FROM alert_history")
        if recorded is not None:
            first_day = min(pd.Timestamp(recorded).normalize() - pd.Timedelta(days=3), last)
        else:
            first_day = pd.Timestamp(db.scalar("SELECT min(received_at) FROM signals")).normalize() + pd.Timedelta(weeks=8)
            first_day = min(first_day, last)
    daily = daily_counts(db, mv, first_day - pd.Timedelta(weeks=62), last)
    window = pd.Timedelta(weeks=62)  # what detect_alerts looks back: baseline + the same weeks last year
    frames = [alerts_on(daily[(daily["day"] > d - window) & (daily["day"] <= d)], d, min_count=settings.min_cell_size)
              for d in pd.date_range(first_day, last, freq="D")] if len(daily) else []
    hist = pd.concat([f for f in frames if len(f)], ignore_index=True) if any(len(f) for f in frames) else pd.DataFrame()
    with db.transaction():
        db.execute("DELETE FROM alert_history WHERE day >= ?", [first_day.to_pydatetime()])
        if len(hist):
            hist["model_version"] = mv
            hist["detected_at"] = pd.Timestamp(datetime.now().replace(microsecond=0))
            db.insert_df("alert_history", hist)
    return {"days": int((last - first_day).days) + 1, "alerts": int(len(hist)),
            "new_topics": int(hist["is_new"].sum()) if len(hist) else 0}


def alert_history(db, *, since=None) -> pd.DataFrame:
    """Stored alerts, newest day first."""
    if not db.table_exists("alert_history"):
        return pd.DataFrame()
    where, params = ("WHERE day >= ?", [pd.Timestamp(since).to_pydatetime()]) if since is not None else ("", [])
    return db.query_df(f"SELECT * FROM alert_history {where} ORDER BY day DESC, is_new DESC, z DESC", params)


def alert_episodes(history: pd.DataFrame) -> pd.DataFrame:
    """One row per run of consecutive alert days of a series: the day it first fired, the last day,
    the peak, and whether it was a new topic. Newest first."""
    cols = ["level", "category", "subcategory", "first_day", "last_day", "days", "peak_observed", "peak_expected",
            "peak_ratio", "is_new"]
    if history is None or history.empty:
        return pd.DataFrame(columns=cols)
    h = history.copy()
    h["day"] = pd.to_datetime(h["day"])
    out = []
    for (level, cat, sub), g in h.sort_values("day").groupby(["level", "category", "subcategory"], sort=False):
        prev = None
        run: list = []
        for r in g.itertuples(index=False):
            if prev is not None and (r.day - prev).days > 1:
                out.append(_episode(level, cat, sub, run))
                run = []
            run.append(r)
            prev = r.day
        if run:
            out.append(_episode(level, cat, sub, run))
    return pd.DataFrame(out, columns=cols).sort_values(["first_day", "is_new"], ascending=[False, False]).reset_index(drop=True)


def _episode(level, cat, sub, run) -> dict:
    peak = max(run, key=lambda r: r.observed)
    first = run[0].day
    if any(bool(r.is_new) for r in run):
        seen = [pd.Timestamp(r.first_seen) for r in run if bool(r.is_new) and pd.notna(r.first_seen)]
        first = min([first, *seen])
    return {"level": level, "category": cat, "subcategory": sub, "first_day": first, "last_day": run[-1].day,
            "days": len(run), "peak_observed": int(peak.observed), "peak_expected": float(peak.expected),
            "peak_ratio": peak.ratio, "is_new": any(bool(r.is_new) for r in run)}
