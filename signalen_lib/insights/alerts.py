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
                  threshold: float = 3.0, dispersion: float = 0.1) -> pd.DataFrame:
    """Series whose volume in the ``recent_days`` up to ``as_of`` is far above expectation.

    ``daily`` has columns ``day`` (timestamp at midnight), ``keys`` and ``n``. Returns one row per
    flagged series, most unusual first, with columns :data:`ALERT_COLUMNS`: observed and expected
    counts over the recent window, their ratio, a z-score (observed vs expected, overdispersed
    Poisson), the tail probability, ``one_in_days`` (1/p: "this happens about once in N days") and
    whether the series is new. ``threshold`` is the minimal z-score; ``min_count`` the minimal
    observed count (also the small-cell rule).
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
    first_seen = {}
    nz = mat.loc[recent_start:as_of]
    for col in mat.columns:
        days_with = nz.index[nz[col] > 0]
        first_seen[col] = days_with.min() if len(days_with) else pd.NaT
    rows = []
    for col in mat.columns:
        obs = int(observed[col])
        if obs < min_count:
            continue
        exp = float(expected[col])
        is_new = bool(history[col] == 0)
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
