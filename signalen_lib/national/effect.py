"""The effect of a national policy or mailing across organisations (issue 16).

Difference-in-differences per affected organisation, on weekly data: the outcome is the log ratio
of the national category's count to the count of all *other* contacts of that organisation in the
week (so a national category rising does not move its own denominator, and shocks that hit all of
an organisation's contacts cancel). For an organisation affected from ``start``, the comparison
is the mean of that log ratio over the organisations not (yet) affected in the window: the
never-affected ones, and those affected later, with the window ending the day before they are.
The difference (affected minus comparison) is regressed on a step at ``start`` with the
interrupted-time-series statistics of step 5 (``improvements/its.py``: design and the robust,
autocorrelation-aware covariance), which gives the estimate (relative change: exp(step) - 1), a
95% interval and the Dutch verdict (``its.verdict_nl``).

Placebo: the same estimate for an unaffected organisation against the other unaffected ones; a
sound method gives it no verdict in at least 95% of cases (``benchmarks/bench_national_effect.py``).

Weeks are 7-day blocks aligned on ``start`` (a week never straddles the start date).
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from signalen_lib.improvements.its import design_matrix, robust_cov, verdict_nl

MIN_WEEKS_BEFORE = 8
MIN_WEEKS_AFTER = 4


def weekly_ratio(daily: pd.DataFrame, category: str, start, end=None) -> pd.DataFrame:
    """Per organisation and week (blocks aligned on ``start``): count of ``category`` and of the
    other contacts, and their log ratio. ``daily``: org_code, day, category, n — or org_code,
    week, category, n (weeks as published; the week holding ``start`` is left out)."""
    start = pd.Timestamp(start)
    d = daily.copy()
    if "day" not in d:  # weekly input (national_aggregates: weeks from Monday): drop the week holding start
        d["day"] = pd.to_datetime(d["week"])
        d = d[~((d["day"] < start) & (d["day"] + pd.Timedelta(days=7) > start))]
        if end is not None:
            d = d[d["day"] + pd.Timedelta(days=7) <= pd.Timestamp(end)]
        g = d.groupby(["org_code", "day", d["category"] == category])["n"].sum().unstack("category", fill_value=0)
        g = g.reindex(columns=[True, False], fill_value=0).rename(columns={True: "count", False: "other"}).reset_index()
        g = g.rename(columns={"day": "week"})
        g["z"] = np.log((g["count"] + 0.5) / (g["other"] + 0.5))
        return g
    d["day"] = pd.to_datetime(d["day"])
    if end is not None:
        d = d[d["day"] < pd.Timestamp(end)]
    d["block"] = ((d["day"] - start).dt.days // 7).astype(int)
    d["is_cat"] = d["category"] == category
    g = d.groupby(["org_code", "block", "is_cat"])["n"].sum().unstack("is_cat", fill_value=0)
    g = g.reindex(columns=[True, False], fill_value=0).rename(columns={True: "count", False: "other"}).reset_index()
    # only complete blocks: the first/last may be partial
    first, last = d["day"].min(), d["day"].max()
    lo = int(np.ceil((first - start).days / 7))
    hi = int((last - start).days + 1) // 7 - 1
    g = g[(g["block"] >= lo) & (g["block"] <= hi)]
    g["week"] = start + pd.to_timedelta(g["block"] * 7, unit="D")
    g["z"] = np.log((g["count"] + 0.5) / (g["other"] + 0.5))
    return g


def did_effect(weekly: pd.DataFrame, org: str, controls: list[str], start, *, alpha: float = 0.05,
               what: str = "", expected: str = "toename") -> dict[str, Any]:
    """Difference-in-differences of ``org`` against the mean of ``controls`` (see module docstring)."""
    start = pd.Timestamp(start)
    w = weekly.pivot_table(index="week", columns="org_code", values="z")
    if org not in w or not [c for c in controls if c in w]:
        return _empty(org, "geen vergelijkingsorganisaties")
    ctrl = w[[c for c in controls if c in w]].mean(axis=1)
    diff = (w[org] - ctrl).dropna()
    before, after = int((diff.index < start).sum()), int((diff.index >= start).sum())
    if before < MIN_WEEKS_BEFORE or after < MIN_WEEKS_AFTER:
        return _empty(org, f"te weinig weken ({before} ervoor, {after} erna)")
    X, _ = design_matrix(pd.Series(diff.index), start, seasonal=False)
    X = X[:, [0, -1]]  # intercept and step: the comparison group carries trend and season
    y = diff.to_numpy(float)
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    res = y - X @ beta
    V, info = robust_cov(X, res)
    n, p = X.shape
    dof = max(3, n - p - 2)
    b, se = float(beta[-1]), float(np.sqrt(V[-1, -1]))
    tcrit = stats.t.ppf(1 - alpha / 2, dof)
    pval = float(2 * stats.t.sf(abs(b / se), dof)) if se > 0 else float("nan")
    est, lo, hi = float(np.expm1(b)), float(np.expm1(b - tcrit * se)), float(np.expm1(b + tcrit * se))
    text, shown = verdict_nl(est, lo, hi, pval, expected=expected, alpha=alpha, what=what)
    return {"org_code": org, "estimate": est, "ci_low": lo, "ci_high": hi, "p_value": pval, "verdict": text,
            "effect_shown": shown, "weeks_before": before, "weeks_after": after, "n_controls": len(controls),
            "cov": info}


def _empty(org: str, why: str) -> dict[str, Any]:
    return {"org_code": org, "estimate": float("nan"), "ci_low": float("nan"), "ci_high": float("nan"),
            "p_value": float("nan"), "verdict": f"geen schatting mogelijk ({why})", "effect_shown": False,
            "weeks_before": 0, "weeks_after": 0, "n_controls": 0, "cov": {}}


def national_effect(daily: pd.DataFrame, category: str, starts: dict[str, str | None], *,
                    placebo_start=None, alpha: float = 0.05, what: str = "") -> pd.DataFrame:
    """One row per organisation: the estimate for each affected one (``starts[org]`` its first
    affected day) against the not-yet-affected ones, and a placebo estimate for each unaffected
    one (``starts[org]`` None) at ``placebo_start`` (default: the earliest start) against the other
    unaffected ones. Columns: org_code, role (``getroffen``/``placebo``), start, estimate, ci_low,
    ci_high, p_value, verdict, effect_shown, weeks_before, weeks_after, n_controls."""
    dated = {o: pd.Timestamp(s) for o, s in starts.items() if s}
    never = [o for o, s in starts.items() if not s]
    rows = []
    for org, s in sorted(dated.items()):
        later = [o for o, t in dated.items() if t > s]
        end = min([dated[o] for o in later], default=None)
        weekly = weekly_ratio(daily[daily["org_code"].isin([org] + never + later)], category, s, end)
        r = did_effect(weekly, org, never + later, s, alpha=alpha, what=what)
        rows.append({**r, "role": "getroffen", "start": s})
    ps = pd.Timestamp(placebo_start) if placebo_start is not None else min(dated.values(), default=None)
    if ps is not None and len(never) >= 2:
        weekly = weekly_ratio(daily[daily["org_code"].isin(never)], category, ps)
        for org in never:
            r = did_effect(weekly, org, [o for o in never if o != org], ps, alpha=alpha, what=what)
            rows.append({**r, "role": "placebo", "start": ps})
    cols = ["org_code", "role", "start", "estimate", "ci_low", "ci_high", "p_value", "verdict", "effect_shown",
            "weeks_before", "weeks_after", "n_controls"]
    return pd.DataFrame(rows, columns=cols + ["cov"])[cols]


def weekly_from_store(db) -> pd.DataFrame:
    """Weekly counts per organisation and national category from a national store (both modes)."""
    return db.query_df("SELECT org_code, week, category, sum(n) AS n FROM national_aggregates "
                       "WHERE category <> 'alle' GROUP BY 1, 2, 3")


def save_effects(db, category: str, res: pd.DataFrame) -> None:
    """Replace the stored estimates of ``category`` (``national_effects``) with ``res``."""
    from datetime import datetime

    rows = res.assign(computed_at=datetime.now(), category=category, start_day=pd.to_datetime(res["start"]))
    cols = ["computed_at", "category", "org_code", "role", "start_day", "estimate", "ci_low", "ci_high", "p_value",
            "verdict", "effect_shown"]
    with db.transaction():
        db.execute("DELETE FROM national_effects WHERE category = ?", [category])
        db.insert_df("national_effects", rows[cols].astype({"effect_shown": bool}))
