"""Letter mailings: the wave of questions after a mailing, finding mailings in a weekly series, and
how sending in batches would flatten the peak."""
from __future__ import annotations

import numpy as np
import pandas as pd


# ---- letter mailings ------------------------------------------------------------------------------
def _as_weekly(series) -> pd.Series:
    """A Series of counts indexed by week (Monday) from a Series with a DatetimeIndex or a frame
    with a week/date/day column and a count column."""
    if isinstance(series, pd.DataFrame):
        tcol = next((c for c in ("week", "date", "day", "period") if c in series.columns), None)
        vcol = next((c for c in ("count", "n", "value") if c in series.columns), None)
        if tcol is None or vcol is None:
            raise ValueError("series needs a week/date/day column and a count/n column")
        s = pd.Series(series[vcol].to_numpy(float), index=pd.to_datetime(series[tcol]))
    else:
        s = series.astype(float)
        s.index = pd.to_datetime(s.index)
    s = s.sort_index()
    return s.resample("W-MON", label="left", closed="left").sum()


def mailing_wave(series, date, weeks: int = 6, *, baseline_weeks: int = 8) -> pd.DataFrame:
    """The wave of questions after a letter mailing on ``date``.

    ``series``: daily or weekly counts (a Series with a DatetimeIndex, or a frame with week/date
    and count columns). Baseline: the median of the ``baseline_weeks`` weeks before the mailing
    week. Returns one row per week from the mailing week on (``weeks`` rows): week, weeks_after,
    count, baseline, excess (count - baseline, >= 0), share_of_wave (of the total excess) and
    cumulative_share; ``attrs`` has total_excess, peak_week and peak_excess."""
    s = _as_weekly(series)
    d = pd.Timestamp(date).normalize()
    wk = d - pd.Timedelta(days=d.weekday())
    before = s[(s.index < wk) & (s.index >= wk - pd.Timedelta(weeks=baseline_weeks))]
    base = float(before.median()) if len(before) else 0.0
    idx = pd.date_range(wk, periods=weeks, freq="7D")
    cnt = s.reindex(idx).fillna(0.0)
    excess = (cnt - base).clip(lower=0)
    total = float(excess.sum())
    out = pd.DataFrame({
        "week": idx, "weeks_after": np.arange(weeks), "count": cnt.to_numpy(), "baseline": base,
        "excess": excess.to_numpy(),
    })
    out["share_of_wave"] = out["excess"] / total if total > 0 else 0.0
    out["cumulative_share"] = out["share_of_wave"].cumsum()
    out.attrs.update({"mailing_date": d, "total_excess": total,
                      "peak_week": idx[int(np.argmax(excess.to_numpy()))] if total > 0 else None,
                      "peak_excess": float(excess.max()) if len(excess) else 0.0})
    return out


def find_mailings(series, *, z: float = 4.0, baseline_weeks: int = 8, min_excess: float = 10.0) -> list[pd.Timestamp]:
    """Weeks where a wave starts: the count jumps above the rolling median of the previous
    ``baseline_weeks`` weeks by more than ``z`` robust standard deviations (MAD) and ``min_excess``,
    and the week before did not. A guess from the data when the mailing dates are unknown."""
    s = _as_weekly(series)
    med = s.shift(1).rolling(baseline_weeks, min_periods=max(3, baseline_weeks // 2)).median()
    mad = (s.shift(1) - med).abs().rolling(baseline_weeks, min_periods=max(3, baseline_weeks // 2)).median() * 1.4826
    thr = med + np.maximum(z * mad, min_excess)
    high = (s > thr) & med.notna()
    onset = high & ~high.shift(1, fill_value=False)
    return list(s.index[onset.to_numpy()])


def batched_wave(wave: pd.DataFrame, n_batches: int = 4, interval_weeks: int = 1) -> pd.DataFrame:
    """What the load would have looked like had the letters gone out in ``n_batches`` equal
    batches ``interval_weeks`` apart: the observed excess profile, scaled by 1/n_batches and
    shifted per batch. Columns: weeks_after, load_at_once, load_batched; attrs: peak_reduction."""
    prof = wave["excess"].to_numpy(float)
    base = float(wave["baseline"].iloc[0]) if len(wave) else 0.0
    horizon = len(prof) + (n_batches - 1) * interval_weeks
    batched = np.zeros(horizon)
    for b in range(n_batches):
        off = b * interval_weeks
        batched[off: off + len(prof)] += prof / n_batches
    at_once = np.zeros(horizon)
    at_once[: len(prof)] = prof
    out = pd.DataFrame({"weeks_after": np.arange(horizon), "load_at_once": base + at_once, "load_batched": base + batched})
    peak1, peak2 = at_once.max(), batched.max()
    out.attrs["peak_reduction"] = float(1 - peak2 / peak1) if peak1 > 0 else 0.0
    return out


def mailing_wave_chart(wave: pd.DataFrame, batched: pd.DataFrame | None = None, *, width: int = 520, height: int = 220):
    """Bars: the weekly count after the mailing (baseline as a rule); with ``batched`` the load
    profiles sending all at once vs in batches as lines."""
    import altair as alt

    if batched is not None:
        long = pd.concat([
            pd.DataFrame({"week": batched["weeks_after"], "load": batched["load_at_once"], "verzending": "in één keer"}),
            pd.DataFrame({"week": batched["weeks_after"], "load": batched["load_batched"], "verzending": "in batches"}),
        ])
        red = batched.attrs.get("peak_reduction", 0)
        return alt.Chart(long).mark_line(point=True).encode(
            x=alt.X("week:O", title="Weken na verzending"), y=alt.Y("load:Q", title="Vragen per week"),
            color=alt.Color("verzending:N", title=None),
        ).properties(width=width, height=height, title=f"Piek {round(100 * red)}% lager bij verzending in batches")
    bars = alt.Chart(wave).mark_bar(color="#1d4ed8").encode(
        x=alt.X("weeks_after:O", title="Weken na verzending"), y=alt.Y("count:Q", title="Vragen per week"),
        tooltip=[alt.Tooltip("week:T", title="Week"), alt.Tooltip("count:Q", title="Aantal"),
                 alt.Tooltip("excess:Q", title="Extra", format=".0f")])
    rule = alt.Chart(wave.head(1)).mark_rule(color="#dc2626", strokeDash=[4, 3]).encode(y="baseline:Q")
    return (bars + rule).properties(width=width, height=height, title="Golf van vragen na een briefverzending")
