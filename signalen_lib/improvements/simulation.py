"""Simulated weekly series with a known effect (or none): the placebo check that measures how often
the method claims an effect that is not there (``benchmarks/bench_effect.py`` prints it)."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from signalen_lib.improvements.its import YEAR_WEEKS, its_volume


# ---- placebo check -----------------------------------------------------------------------------
def simulate_weekly_series(
    rng: np.random.Generator,
    *,
    n_weeks: int = 156,
    start_week: int = 104,
    level: float = 40.0,
    season: float = 0.3,
    trend_per_year: float = 0.1,
    rho: float = 0.4,
    sigma: float = 0.12,
    overdispersion: float = 0.05,
    effect: float = 0.0,
    first_week: str = "2022-01-03",
) -> tuple[pd.DataFrame, pd.Timestamp]:
    """A weekly category series: seasonal (annual sine, random phase), trend (random sign),
    AR(1) log-scale noise, negative-binomial counts, a varying denominator of contacts, and a
    relative ``effect`` from ``start_week`` on. Returns (series, start date)."""
    weeks = pd.date_range(first_week, periods=n_weeks, freq="7D")
    t = np.arange(n_weeks)
    doy = (weeks.day_of_year.to_numpy(float) - 1) / 365.25
    phase = rng.uniform(0, 2 * np.pi)
    e = np.zeros(n_weeks)
    e[0] = rng.normal(0, sigma)
    innov = rng.normal(0, sigma * np.sqrt(1 - rho**2), n_weeks)
    for i in range(1, n_weeks):
        e[i] = rho * e[i - 1] + innov[i]
    denom = np.round(1000 * np.exp(0.2 * np.sin(2 * np.pi * doy + 1) + rng.normal(0, 0.05, n_weeks))).astype(int)
    sign = rng.choice([-1.0, 1.0])
    mu = level * denom / 1000 * np.exp(season * np.sin(2 * np.pi * doy + phase) + sign * trend_per_year * t / YEAR_WEEKS
                                       + e + np.log1p(effect) * (t >= start_week))
    lam = rng.gamma(1 / overdispersion, mu * overdispersion) if overdispersion > 0 else mu
    y = rng.poisson(lam)
    return pd.DataFrame({"week": weeks, "count": y, "denominator": denom}), weeks[start_week]


def placebo_check(n_series: int = 200, seed: int = 0, alpha: float = 0.05, **sim_kwargs) -> dict[str, Any]:
    """Fit :func:`its_volume` to ``n_series`` simulated series with no change at the placebo date:
    the share reported as an effect (p < alpha) is the false-positive rate, which should be close
    to ``alpha``. Returns n_series, false_positive_rate, its binomial 95% interval and the
    coverage of the 95% intervals (share containing 0)."""
    rng = np.random.default_rng(seed)
    hits = 0
    for _ in range(n_series):
        s, start = simulate_weekly_series(rng, effect=0.0, **sim_kwargs)
        fit = its_volume(s, start, alpha=alpha)
        hits += fit["p_value"] < alpha
    rate = hits / n_series
    lo, hi = stats.binomtest(hits, n_series).proportion_ci(0.95)
    return {"n_series": n_series, "false_positives": int(hits), "false_positive_rate": rate,
            "rate_ci_low": float(lo), "rate_ci_high": float(hi), "alpha": alpha, "sim": sim_kwargs}
