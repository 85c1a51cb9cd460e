"""The statistics of step 5: an interrupted time series on weekly data (see :mod:`.effect` for the
method), its robust covariance and the Dutch verdict. Pure functions on arrays and frames: no store."""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from scipy.linalg import toeplitz

from signalen_lib.vocab.fmt import fmt_pct

YEAR_WEEKS = 365.25 / 7


# ---- design and covariance -------------------------------------------------------------------
def design_matrix(weeks: pd.Series, start: pd.Timestamp, *, seasonal: bool = True, harmonics: int = 2) -> tuple[np.ndarray, list[str]]:
    """Intercept, trend (years since start), Fourier terms of the day of year, step at ``start``."""
    w = pd.to_datetime(pd.Series(weeks)).reset_index(drop=True)
    t = ((w - start).dt.days / 365.25).to_numpy(float)
    cols, names = [np.ones(len(w)), t], ["const", "trend"]
    if seasonal:
        doy = (w.dt.day_of_year.to_numpy(float) - 1) / 365.25
        for k in range(1, harmonics + 1):
            cols += [np.sin(2 * np.pi * k * doy), np.cos(2 * np.pi * k * doy)]
            names += [f"sin{k}", f"cos{k}"]
    cols.append((w >= start).to_numpy(float))
    names.append("post")
    return np.column_stack(cols), names


def _acf(res: np.ndarray, k: int) -> float:
    den = float(np.sum(res**2))
    return float(np.sum(res[k:] * res[:-k]) / den) if den > 0 and len(res) > k else 0.0


def robust_cov(Xw: np.ndarray, res: np.ndarray) -> tuple[np.ndarray, dict[str, float]]:
    """Sandwich covariance of regression coefficients with ARMA(1,1)-shaped residual correlation.

    ``Xw``: the (working-weighted) design, ``res``: (Pearson) residuals in time order. The lag-1/2
    autocorrelations are bias-corrected by (1 + 3·0.3)/n + p/n (Kendall; regression dof)."""
    n, p = Xw.shape
    corr = (1 + 3 * 0.3) / n + p / n
    r1, r2 = _acf(res, 1) + corr, _acf(res, 2) + corr
    if r1 > 0.05 and r2 > 0:
        phi = float(np.clip(r2 / r1, r1, 0.95))
        c = float(min(1.0, r1 / phi))
    else:
        phi, c = float(np.clip(r1, 0.0, 0.95)), 1.0
    rk = c * phi ** np.arange(n)
    rk[0] = 1.0
    R = toeplitz(rk)
    s2 = float(np.sum(res**2) / max(1, n - p))
    bread = np.linalg.pinv(Xw.T @ Xw)
    V = s2 * bread @ Xw.T @ R @ Xw @ bread
    V_iid = s2 * bread
    V = np.where(np.eye(p, dtype=bool), np.maximum(np.diag(V), np.diag(V_iid)), V)
    return V, {"acf1": round(r1, 3), "phi": round(phi, 3), "c": round(c, 3), "scale": round(s2, 4)}


def _seasonal_ok(weeks: pd.Series, start: pd.Timestamp) -> bool:
    return int((pd.to_datetime(weeks) < start).sum()) >= 52


# ---- the two models --------------------------------------------------------------------------
def its_volume(series: pd.DataFrame, start, *, alpha: float = 0.05, seasonal: bool | None = None) -> dict[str, Any]:
    """Interrupted time series on weekly counts. ``series``: week, count, denominator (optional;
    without it, rates are per signal count = 1). Returns estimate (relative change), ci_low,
    ci_high, p_value, fitted / counterfactual rates and model details."""
    start = pd.Timestamp(start)
    s = series.sort_values("week").reset_index(drop=True)
    y = s["count"].to_numpy(float)
    den = s["denominator"].to_numpy(float) if "denominator" in s else np.ones(len(s))
    ok = den > 0
    s, y, den = s[ok].reset_index(drop=True), y[ok], den[ok]
    if seasonal is None:
        seasonal = _seasonal_ok(s["week"], start)
    X, names = design_matrix(s["week"], start, seasonal=seasonal)
    n, p = X.shape
    z = np.log((y + 0.5) / den)
    beta, *_ = np.linalg.lstsq(X, z, rcond=None)
    res = z - X @ beta
    V, info = robust_cov(X, res)
    df = max(3, n - p - 2)
    b, se = float(beta[-1]), float(np.sqrt(V[-1, -1]))
    tcrit = stats.t.ppf(1 - alpha / 2, df)
    pval = float(2 * stats.t.sf(abs(b / se), df)) if se > 0 else float("nan")
    fitted = np.exp(X @ beta)
    Xcf = X.copy()
    Xcf[:, -1] = 0
    cf = np.exp(Xcf @ beta)
    return {
        "estimate": float(np.expm1(b)), "ci_low": float(np.expm1(b - tcrit * se)), "ci_high": float(np.expm1(b + tcrit * se)),
        "p_value": pval, "log_effect": b, "se": se, "df": df, "seasonal": seasonal,
        "fitted_rate": fitted, "counterfactual_rate": cf, "weeks": s["week"].to_numpy(), "count": y, "denominator": den,
        "n": n, "cov": info,
    }


def its_share(series: pd.DataFrame, start, *, alpha: float = 0.05, seasonal: bool | None = None, n_sim: int = 2000,
              seed: int = 0) -> dict[str, Any]:
    """Interrupted time series on a weekly share: ``series`` has week, n_scored, n_dissatisfied.
    Binomial GLM (logit) with trend, seasonal terms and a step; effect = mean post-period ratio of
    fitted to counterfactual share - 1."""
    import statsmodels.api as sm

    start = pd.Timestamp(start)
    s = series[series["n_scored"] > 0].sort_values("week").reset_index(drop=True)
    if seasonal is None:
        seasonal = _seasonal_ok(s["week"], start)
    X, names = design_matrix(s["week"], start, seasonal=seasonal)
    n, p = X.shape
    k = s["n_dissatisfied"].to_numpy(float)
    m = s["n_scored"].to_numpy(float)
    endog = np.column_stack([k, m - k])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = sm.GLM(endog, X, family=sm.families.Binomial()).fit()
    beta = fit.params
    mu = np.clip(fit.mu, 1e-6, 1 - 1e-6)  # fitted share
    w = m * mu * (1 - mu)
    res = (k - m * mu) / np.sqrt(np.maximum(w, 1e-9))
    Xw = X * np.sqrt(w)[:, None]
    V, info = robust_cov(Xw, res)
    df = max(3, n - p - 2)
    b, se = float(beta[-1]), float(np.sqrt(V[-1, -1]))
    pval = float(2 * stats.t.sf(abs(b / se), df)) if se > 0 else float("nan")
    post = X[:, -1] == 1
    Xcf = X.copy()
    Xcf[:, -1] = 0

    def ratio(bv):
        f = 1 / (1 + np.exp(-(X[post] @ bv)))
        c = 1 / (1 + np.exp(-(Xcf[post] @ bv)))
        wt = m[post]
        return float(np.sum(wt * f) / np.sum(wt * c) - 1)

    est = ratio(beta) if post.any() else float("nan")
    rng = np.random.default_rng(seed)
    try:
        draws = rng.multivariate_normal(beta, V * (stats.t.ppf(0.975, df) / 1.959964) ** 2, size=n_sim, method="eigh")
        sims = np.array([ratio(d) for d in draws]) if post.any() else np.array([np.nan])
        lo, hi = np.nanpercentile(sims, [100 * alpha / 2, 100 * (1 - alpha / 2)])
    except (np.linalg.LinAlgError, ValueError):
        lo = hi = float("nan")
    cf = 1 / (1 + np.exp(-(Xcf @ beta)))
    return {
        "estimate": est, "ci_low": float(lo), "ci_high": float(hi), "p_value": pval, "log_odds_effect": b, "se": se,
        "df": df, "seasonal": seasonal, "fitted_share": mu, "counterfactual_share": cf, "weeks": s["week"].to_numpy(),
        "n_scored": m, "n_dissatisfied": k, "n": n, "cov": info,
    }


# ---- verdicts ------------------------------------------------------------------------------
def _interval_text(lo: float, hi: float, direction: str) -> str:
    if direction == "afname" and hi < 0:
        return f"95%-interval {round(-100 * hi)}–{round(-100 * lo)}%"
    if direction == "toename" and lo > 0:
        return f"95%-interval {round(100 * lo)}–{round(100 * hi)}%"
    return f"95%-interval {fmt_pct(lo, signed=True, digits=0)} tot {fmt_pct(hi, signed=True, digits=0)}"


def verdict_nl(estimate: float, lo: float, hi: float, p: float, *, expected: str = "afname", alpha: float = 0.05,
               what: str = "") -> tuple[str, bool]:
    """Plain-Dutch verdict and whether an effect is shown (interval excludes 0)."""
    if any(np.isnan(v) for v in (estimate, lo, hi)):
        return "nog geen aantoonbaar effect (te weinig gegevens om te schatten)", False
    what = f" {what}" if what else ""
    significant = (p < alpha) and (hi < 0 or lo > 0)
    if not significant:
        return (f"nog geen aantoonbaar effect{what} (schatting {fmt_pct(estimate, signed=True, digits=0)}, "
                f"{_interval_text(lo, hi, 'geen')})"), False
    direction = "afname" if estimate < 0 else "toename"
    text = f"{direction}{what} van {fmt_pct(abs(estimate), digits=0)} ({_interval_text(lo, hi, direction)})"
    if direction == expected:
        return text + ", waarschijnlijk door de maatregel", True
    return text + ", tegen de verwachte richting in: zoek naar een andere oorzaak", True
