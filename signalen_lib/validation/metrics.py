"""Agreement between the model's categories and hand labels (and between two labellers).

Everything takes plain arrays/frames so it can be tested without a store.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, cohen_kappa_score, confusion_matrix, f1_score, precision_recall_fscore_support


def _safe_kappa(y_true, y_pred) -> float:
    if len(y_true) == 0:
        return float("nan")
    k = cohen_kappa_score(y_true, y_pred)
    if np.isnan(k):  # one class only on both sides: agreement is perfect or absent
        return 1.0 if list(y_true) == list(y_pred) else 0.0
    return float(k)


def evaluate(
    y_true: Sequence[str],
    y_pred: Sequence[str],
    *,
    labels: Sequence[str] | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    ci: float = 0.95,
) -> dict:
    """Accuracy, macro-F1 and Cohen's kappa (each with a bootstrap interval), per-category
    precision/recall/F1 with bootstrap intervals, support, and the confusion matrix.

    Macro-F1 averages over the categories present in the labels (``labels`` defaults to those),
    so a category the model predicts but nobody labelled does not count as a zero."""
    yt = np.asarray([str(v) for v in y_true], dtype=object)
    yp = np.asarray([str(v) for v in y_pred], dtype=object)
    if len(yt) != len(yp):
        raise ValueError(f"y_true has {len(yt)} values, y_pred {len(yp)}")
    n = len(yt)
    cats = list(labels) if labels is not None else sorted(set(yt))
    all_cats = cats + sorted(set(yp) - set(cats))
    out: dict = {"n": int(n), "labels": cats}
    if n == 0:
        out.update(accuracy=float("nan"), macro_f1=float("nan"), kappa=float("nan"), per_category=pd.DataFrame(), confusion=pd.DataFrame())
        return out
    out["accuracy"] = float(accuracy_score(yt, yp))
    out["macro_f1"] = float(f1_score(yt, yp, labels=cats, average="macro", zero_division=0))
    out["kappa"] = _safe_kappa(yt, yp)
    # bootstrap: resample texts with replacement (confusion matrices by bincount: fast)
    rng = np.random.default_rng(seed)
    lo_q, hi_q = (1 - ci) / 2, 1 - (1 - ci) / 2
    index = {c: i for i, c in enumerate(all_cats)}
    ti = np.array([index[v] for v in yt])
    pi = np.array([index[v] for v in yp])
    k, m = len(all_cats), len(cats)
    if n_boot:
        idx = rng.integers(0, n, (n_boot, n))
        codes = ti[idx] * k + pi[idx] + (np.arange(n_boot)[:, None] * k * k)
        cms = np.bincount(codes.ravel(), minlength=n_boot * k * k).reshape(n_boot, k, k).astype(float)
        diag = np.einsum("bii->bi", cms)
        rows_, cols_ = cms.sum(axis=2), cms.sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            prec = np.where(cols_ > 0, diag / cols_, np.nan)[:, :m]
            rec = np.where(rows_ > 0, diag / rows_, np.nan)[:, :m]
            f = 2 * prec * rec / (prec + rec)
            f = np.where(rows_[:, :m] > 0, np.nan_to_num(f, nan=0.0), np.nan)
            f_for_macro = np.where(np.isnan(f), 0.0, f)
            macro = f_for_macro.mean(axis=1)
            acc = diag.sum(axis=1) / n
            pe = (rows_ * cols_).sum(axis=1) / (n * n)
            kap = np.where(pe < 1, (acc - pe) / (1 - pe), 1.0)
        for key, v in (("accuracy", acc), ("macro_f1", macro), ("kappa", kap)):
            out[f"{key}_ci"] = (float(np.nanquantile(v, lo_q)), float(np.nanquantile(v, hi_q)))
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            stack = np.stack([prec, rec, f], axis=1)  # (b, 3, m)
            q_lo = np.nanquantile(stack, lo_q, axis=0)
            q_hi = np.nanquantile(stack, hi_q, axis=0)
    else:
        for key in ("accuracy", "macro_f1", "kappa"):
            out[f"{key}_ci"] = (float("nan"), float("nan"))
        q_lo = q_hi = np.full((3, m), np.nan)
    p, r, f, s = precision_recall_fscore_support(yt, yp, labels=cats, zero_division=0)
    out["per_category"] = pd.DataFrame(
        {
            "category": cats,
            "support": s.astype(int),
            "predicted": [int(np.sum(yp == c)) for c in cats],
            "precision": p, "precision_lo": q_lo[0], "precision_hi": q_hi[0],
            "recall": r, "recall_lo": q_lo[1], "recall_hi": q_hi[1],
            "f1": f, "f1_lo": q_lo[2], "f1_hi": q_hi[2],
        }
    )
    cm = confusion_matrix(yt, yp, labels=all_cats)
    out["confusion"] = pd.DataFrame(cm, index=pd.Index(all_cats, name="label"), columns=pd.Index(all_cats, name="model"))
    return out


def summary(result: dict) -> dict:
    """The JSON-friendly headline figures of :func:`evaluate`."""
    keys = ("n", "accuracy", "macro_f1", "kappa", "accuracy_ci", "macro_f1_ci", "kappa_ci")
    out = {}
    for k in keys:
        if k in result:
            v = result[k]
            if isinstance(v, tuple) and any(np.isnan(x) for x in v):
                continue  # no bootstrap was run
            out[k] = [round(float(x), 4) for x in v] if isinstance(v, tuple) else (round(float(v), 4) if k != "n" else int(v))
    return out


def coverage_curve(
    top_prob: Sequence[float],
    y_true: Sequence[str],
    y_pred: Sequence[str],
    thresholds: Sequence[float] | None = None,
) -> pd.DataFrame:
    """For each "overig" threshold t: the share of texts the model gives a category (top
    probability >= t: coverage) and the accuracy on those texts; the rest would become overig."""
    prob = np.asarray(top_prob, dtype=float)
    ok = np.asarray([str(a) == str(b) for a, b in zip(y_true, y_pred)])
    ths = np.round(np.linspace(0, 0.9, 19), 3) if thresholds is None else np.asarray(thresholds, dtype=float)
    rows = []
    for t in ths:
        cov = prob >= t
        rows.append({
            "threshold": float(t),
            "coverage": float(cov.mean()) if len(prob) else float("nan"),
            "accuracy_covered": float(ok[cov].mean()) if cov.any() else float("nan"),
            "n_covered": int(cov.sum()),
        })
    return pd.DataFrame(rows)


def inter_annotator(labels: pd.DataFrame) -> dict:
    """Cohen's kappa on the main category between every two labellers, over the texts both
    labelled. Returns ``{"pairs": DataFrame(labeller_a, labeller_b, n, agreement, kappa),
    "kappa": mean kappa weighted by overlap (NaN without overlap)}``."""
    main = labels[labels["rank"] == 1] if "rank" in labels else labels
    wide = main.pivot_table(index="signal_id", columns="labeller", values="category", aggfunc="first")
    names = sorted(wide.columns)
    rows = []
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            both = wide[[a, b]].dropna()
            if len(both) == 0:
                continue
            rows.append({
                "labeller_a": a, "labeller_b": b, "n": len(both),
                "agreement": float((both[a] == both[b]).mean()),
                "kappa": _safe_kappa(both[a].tolist(), both[b].tolist()),
            })
    pairs = pd.DataFrame(rows, columns=["labeller_a", "labeller_b", "n", "agreement", "kappa"])
    kappa = float(np.average(pairs["kappa"], weights=pairs["n"])) if len(pairs) else float("nan")
    return {"pairs": pairs, "kappa": kappa, "n_overlap": int(pairs["n"].sum()) if len(pairs) else 0}
