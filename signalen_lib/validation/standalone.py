"""Standalone validation: texts + labels in, held-out figures out (no store needed).

``validate_texts`` masks, preprocesses and topic-models *all* texts, learns the label-informed
category assignment from a stratified training fraction of the labels, and scores it and the
TF-IDF + logistic regression baseline (trained on the same labelled texts) on the rest.
"""
from __future__ import annotations

import csv
import time
from pathlib import Path

import numpy as np
import pandas as pd

from . import adapters as _adapters
from .labels import LabelError
from .metrics import evaluate, summary
from .models import LabelInformedAssigner, TfidfBaseline


def read_texts_csv(path: str | Path) -> pd.DataFrame:
    """``id,text`` (optionally ``received_at``); errors name file, line and field."""
    path = Path(path)
    if not path.exists():
        raise LabelError(f"{path}: file does not exist")
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        header = [h.strip() for h in reader.fieldnames or []]
        reader.fieldnames = header
        for need in ("id", "text"):
            if need not in header:
                raise LabelError(f"{path}, line 1, field '{need}': column missing (header: {', '.join(header)})")
        rows, seen = [], set()
        for rec in reader:
            sid = (rec.get("id") or "").strip()
            if not sid:
                raise LabelError(f"{path}, line {reader.line_num}, field 'id': empty id")
            if sid in seen:
                raise LabelError(f"{path}, line {reader.line_num}, field 'id': duplicate id {sid!r}")
            seen.add(sid)
            rows.append({"id": sid, "text": rec.get("text") or "", "received_at": rec.get("received_at")})
    df = pd.DataFrame(rows, columns=["id", "text", "received_at"])
    if df["received_at"].notna().any():
        df["received_at"] = pd.to_datetime(df["received_at"], errors="coerce")
    return df


def read_simple_labels_csv(path: str | Path, known_ids, categories=None) -> pd.DataFrame:
    """``id,category`` (or ``signal_id,category``); the first row per id is its main category."""
    from .labels import read_labels_csv
    from signalen_lib.vocab.taxonomy import tree_from_keys

    tree = tree_from_keys(categories) if categories is not None else None
    df = read_labels_csv(path, known_ids=known_ids, tree=tree)
    df = df[df["rank"] == 1].drop_duplicates("signal_id")
    return df[["signal_id", "category"]].rename(columns={"signal_id": "id"}).reset_index(drop=True)


def stratified_split(y: pd.Series, train_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train, test): per category a seeded shuffle, ``round(fraction * n)`` to training
    (at least one, and at least one left for testing, when a category has two or more texts)."""
    if not 0 < train_fraction < 1:
        raise ValueError(f"train_fraction must be between 0 and 1, not {train_fraction}")
    rng = np.random.default_rng(seed)
    train, test = [], []
    for cat in sorted(y.unique()):
        idx = np.flatnonzero((y == cat).to_numpy())
        idx = idx[rng.permutation(len(idx))]
        k = int(round(train_fraction * len(idx)))
        if len(idx) >= 2:
            k = min(max(k, 1), len(idx) - 1)
        train.extend(idx[:k])
        test.extend(idx[k:])
    return np.sort(np.array(train, dtype=int)), np.sort(np.array(test, dtype=int))


def validate_texts(
    texts: pd.DataFrame,
    labels: pd.DataFrame,
    *,
    train_fraction: float = 0.3,
    seed: int = 0,
    settings=None,
    n_boot: int = 200,
) -> dict:
    """Run the workbench on all texts and score it and the baseline on the held-out labels.

    ``texts``: columns id, text; ``labels``: columns id, category. Returns one JSON-friendly dict.
    """
    t0 = time.perf_counter()
    texts = texts.reset_index(drop=True)
    info: dict = {}
    masked, i1 = _adapters.mask_texts(texts["text"].astype(str).tolist(), settings)
    tokens, i2 = _adapters.preprocess(masked)
    W, named, i3, topic_model = _adapters.topic_weights(
        masked, tokens, settings, seed=seed, categories=sorted(set(labels["category"].astype(str)))
    )
    info.update(i1), info.update(i2), info.update(i3)
    pos = {sid: i for i, sid in enumerate(texts["id"].astype(str))}
    lab = labels.copy()
    lab["row"] = lab["id"].astype(str).map(pos)
    lab = lab.dropna(subset=["row"]).reset_index(drop=True)
    lab["row"] = lab["row"].astype(int)
    y = lab["category"].astype(str)
    tr, te = stratified_split(y, train_fraction, seed)
    rows_tr, rows_te = lab["row"].to_numpy()[tr], lab["row"].to_numpy()[te]
    y_tr, y_te = y.to_numpy()[tr], y.to_numpy()[te]
    prep = [" ".join(t) for t in tokens]
    cats = sorted(set(y))

    wb = LabelInformedAssigner(named_topics=named, seed=seed).fit([prep[i] for i in rows_tr], W[rows_tr], y_tr)
    pred_wb = wb.predict([prep[i] for i in rows_te], W[rows_te])
    base = TfidfBaseline(seed=seed).fit([masked[i] for i in rows_tr], y_tr)
    pred_base = base.predict([masked[i] for i in rows_te])
    pred_map = wb.predict_from_topics(W[rows_te])

    m_wb = evaluate(y_te, pred_wb, labels=cats, n_boot=n_boot, seed=seed)
    m_base = evaluate(y_te, pred_base, labels=cats, n_boot=n_boot, seed=seed)
    m_map = evaluate(y_te, pred_map, labels=cats, n_boot=0, seed=seed)
    model_only = None
    if topic_model is not None and set(cats) & set(c for c in named if c):
        # the topic model's own assignment (taxonomy-named topics, "overig" threshold), no labels used
        a = topic_model.assign([masked[i] for i in rows_te], theta=W[rows_te])
        pred_model = a.loc[a["rank"] == 1, "category"].to_numpy(dtype=object)
        model_only = summary(evaluate(y_te, pred_model, labels=cats, n_boot=0, seed=seed))
    return {
        "n_texts": int(len(texts)),
        "n_labels": int(len(lab)),
        "n_train": int(len(tr)),
        "n_test": int(len(te)),
        "train_fraction": train_fraction,
        "seed": seed,
        "categories": cats,
        "workbench": summary(m_wb) | {"C": wb.C_, "topic_weight": wb.topic_weight_},
        "baseline": summary(m_base) | {"model": "tfidf+logreg"},
        "topic_map_only": summary(m_map),
        "topic_model_only": model_only,
        "workbench_minus_baseline_macro_f1": round(m_wb["macro_f1"] - m_base["macro_f1"], 4),
        "pipeline": info,
        "seconds": round(time.perf_counter() - t0, 1),
    }
