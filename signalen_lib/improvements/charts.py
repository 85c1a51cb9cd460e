"""Charts of step 5 (Altair, Dutch labels)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from signalen_lib.improvements.effect import EffectResult


def effect_chart(result: EffectResult, *, width: int = 640, height: int = 260):
    """Altair chart: weekly signals per 1,000 (or dissatisfied share), the model's fit and, after
    the start, the counterfactual (dashed); a rule marks the start. Dutch labels."""
    import altair as alt

    s = result.series.copy()
    if s.empty:
        return alt.Chart(pd.DataFrame({"x": []})).mark_point().properties(title="Geen gegevens", width=width, height=height)
    if result.metric == "dissatisfaction":
        obs, fit, cf, ytitle = "share", "fitted_share", "counterfactual_share", "Aandeel ontevreden (0–6)"
        fmt = ".0%"
    else:
        obs, fit, cf, ytitle = "rate_per_1000", "fitted_per_1000", "counterfactual_per_1000", "Signalen per 1.000 contacten"
        fmt = ".1f"
    long = pd.concat([
        pd.DataFrame({"week": s["week"], "waarde": s[obs], "reeks": "gemeten"}),
        pd.DataFrame({"week": s["week"], "waarde": s.get(fit), "reeks": "model"}),
        pd.DataFrame({"week": s["week"], "waarde": s.get(cf), "reeks": "zonder maatregel (verwacht)"}),
    ]).dropna(subset=["waarde"])
    color = alt.Color("reeks:N", title=None, scale=alt.Scale(
        domain=["gemeten", "model", "zonder maatregel (verwacht)"], range=["#9ca3af", "#1d4ed8", "#dc2626"]))
    base = alt.Chart(long).encode(
        x=alt.X("week:T", title="Week"),
        y=alt.Y("waarde:Q", title=ytitle, axis=alt.Axis(format=fmt)),
        color=color,
        tooltip=[alt.Tooltip("week:T", title="Week"), alt.Tooltip("reeks:N", title="Reeks"),
                 alt.Tooltip("waarde:Q", title="Waarde", format=fmt)],
    )
    points = base.transform_filter(alt.datum.reeks == "gemeten").mark_circle(size=18, opacity=0.6)
    lines = base.transform_filter(alt.datum.reeks != "gemeten").mark_line().encode(
        strokeDash=alt.condition(alt.datum.reeks == "model", alt.value([1, 0]), alt.value([6, 4])))
    start = s.loc[s["post"], "week"].min() if "post" in s and s["post"].any() else None
    layers = [points, lines]
    lo, hi = result.ci_low, result.ci_high
    if s.get(fit) is not None and lo is not None and hi is not None and "post" in s and np.isfinite([lo, hi]).all() and lo > -1 and hi > -1:
        # the counterfactual the effect's 95%-interval allows: fitted / (1 + effect)
        band = s[s["post"]].assign(cf_lo=lambda d: d[fit] / (1 + hi), cf_hi=lambda d: d[fit] / (1 + lo)).dropna(subset=["cf_lo"])
        if len(band):
            layers.insert(0, alt.Chart(band).mark_area(opacity=0.15, color="#dc2626").encode(
                x="week:T", y="cf_lo:Q", y2="cf_hi:Q",
                tooltip=[alt.Tooltip("week:T", title="Week"), alt.Tooltip("cf_lo:Q", title="zonder maatregel, ondergrens", format=fmt),
                         alt.Tooltip("cf_hi:Q", title="zonder maatregel, bovengrens", format=fmt)]))
    if start is not None and not pd.isna(start):
        layers.append(alt.Chart(pd.DataFrame({"week": [start]})).mark_rule(color="#111827", strokeDash=[2, 2]).encode(x="week:T"))
    title = result.verdict_nl[:1].upper() + result.verdict_nl[1:]
    return alt.layer(*layers).properties(width=width, height=height, title=alt.TitleParams(title, fontSize=12, anchor="start"))
