"""Measuring the topic model on the synthetic corpus (ground truth) — used by benchmarks and tests.

``load_synthetic(out_dir)`` reads the four source exports written by ``signalen demo-data`` and
joins them with ``ground_truth/signals.csv``. With ``mask=True`` the personal data the generator
recorded in ``ground_truth/pii_spans.jsonl`` is replaced by placeholders (``<PERSOON>``...), the
way the shared zone holds text.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from signalen_lib.vocab.taxonomy import OVERIG


def _mask(texts: pd.Series, spans_path: Path) -> pd.Series:
    if not spans_path.exists():
        return texts
    by_id: dict[str, list[tuple[int, int, str]]] = {}
    with open(spans_path, encoding="utf-8") as fh:
        for line in fh:
            s = json.loads(line)
            by_id.setdefault(s["signal_id"], []).append((int(s["start"]), int(s["end"]), str(s["type"])))
    out = dict(zip(texts.index, texts.to_numpy(dtype=object)))  # plain dict: per-item Series writes are slow
    for sid, spans in by_id.items():
        t = out.get(sid)
        if t is None:
            continue
        for start, end, typ in sorted(spans, reverse=True):
            t = t[:start] + f"<{typ}>" + t[end:]
        out[sid] = t
    return pd.Series(out, dtype=object)


def load_synthetic(out_dir: str | Path, *, mask: bool = True) -> pd.DataFrame:
    """signal_id, source, received_at, text, category, subcategory, events, informative."""
    d = Path(out_dir)
    parts = []
    kto = pd.read_csv(d / "kto" / "kto_export.csv", sep=";", encoding="cp1252", dtype=str, keep_default_na=False)
    parts.append(pd.DataFrame({"signal_id": "kto:" + kto["Respondentnummer"], "text": kto["Toelichting"]}))
    kl = pd.read_excel(d / "klacht" / "klachten_export.xlsx", dtype=str, engine="calamine").fillna("")
    parts.append(pd.DataFrame({"signal_id": "klacht:" + kl["Zaaknummer"], "text": kl["Omschrijving"]}))
    tb = pd.read_json(d / "terugbelnotitie" / "terugbelnotities.jsonl", lines=True, dtype=False)
    parts.append(pd.DataFrame({"signal_id": "terugbelnotitie:" + tb["id"].astype(str), "text": tb["notitie"].astype(str)}))
    iv = json.loads((d / "interview" / "interviews.json").read_text(encoding="utf-8"))
    parts.append(pd.DataFrame({"signal_id": ["interview:" + str(r["interview_id"]) for r in iv],
                               "text": [str(r.get("notities") or "") for r in iv]}))
    texts = pd.concat(parts, ignore_index=True).drop_duplicates("signal_id").set_index("signal_id")["text"]
    if mask:
        texts = _mask(texts, d / "ground_truth" / "pii_spans.jsonl")
    gt = pd.read_csv(d / "ground_truth" / "signals.csv", dtype=str, keep_default_na=False)
    gt["received_at"] = pd.to_datetime(gt["received_at"])
    gt["text"] = texts.reindex(gt["signal_id"]).fillna("").to_numpy()
    gt["informative"] = gt.get("informative", "true").astype(str).str.lower().eq("true")
    return gt[["signal_id", "source", "received_at", "text", "category", "subcategory", "events", "informative"]]


def category_quality(pred: np.ndarray, truth: np.ndarray, labels: list[str]) -> dict[str, float]:
    """Accuracy and macro-F1 of predicted main categories against ground truth, over texts whose
    true category is one of ``labels`` (taxonomy keys); an ``overig`` prediction counts as wrong."""
    from sklearn.metrics import accuracy_score, f1_score

    pred, truth = np.asarray(pred, dtype=object), np.asarray(truth, dtype=object)
    keep = np.isin(truth, labels)
    return {
        "n": int(keep.sum()),
        "accuracy": float(accuracy_score(truth[keep], pred[keep])),
        "macro_f1": float(f1_score(truth[keep], pred[keep], labels=labels, average="macro", zero_division=0)),
        "overig_share": float(np.mean(pred == OVERIG)),
    }


def new_signal_topic(model, texts, is_new_signal: np.ndarray, theta: np.ndarray | None = None) -> dict:
    """Does the new signal have its own topic? The topic most of its texts share as dominant topic,
    how many of the signal's texts it takes (recall), how pure it is (precision), whether it is a
    free (not seeded) topic, and its top words."""
    theta = model.transform(texts) if theta is None else theta
    dom = np.where(theta.sum(1) > 0, theta.argmax(1), -1)
    sig = np.asarray(is_new_signal, dtype=bool)
    if not sig.any():
        return {"n": 0}
    vals, counts = np.unique(dom[sig], return_counts=True)
    k = int(vals[np.argmax(counts)])
    row = model.topics_.set_index("topic_id").loc[k] if k >= 0 else None
    return {
        "n": int(sig.sum()), "topic_id": k,
        "stable_id": None if row is None else row["stable_id"],
        "recall": float((dom[sig] == k).mean()),
        "precision": float(sig[dom == k].mean()) if (dom == k).any() else 0.0,
        "free_topic": bool(row is not None and not row["seeded"]),
        "is_new": bool(row is not None and row["is_new"]),
        "top_words": [] if k < 0 else model.top_words(k, 8),
    }
