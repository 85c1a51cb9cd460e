"""Standalone validation: texts + labels in, held-out figures out (no store needed).

``validate_texts`` masks, preprocesses and topic-models *all* texts, learns the workbench's
category model (:class:`signalen_lib.categories.CategoryModel`: n-gram, subword-vector and topic
views, self-trained on the unlabelled texts) from a stratified training fraction of the labels,
and scores it and the TF-IDF + logistic regression baseline (trained on the same labelled texts)
on the rest. ``perception_texts`` does the same for perception labels (positive / negative /
neutral), without the topic model.
"""
from __future__ import annotations

import csv
import time
from pathlib import Path

import numpy as np
import pandas as pd

from . import adapters as _adapters
from .labels import LabelError
from ..categories import CategoryModel, seed_words_from_taxonomy
from .metrics import evaluate, summary
from .models import TfidfBaseline, learn_topic_category_map
from signalen_lib.vocab.taxonomy import CategoryTree


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


def read_simple_labels_csv(path: str | Path, known_ids, categories=None, taxonomy=None) -> pd.DataFrame:
    """``id,category`` (or ``signal_id,category``); the first row per id is its main category.
    With ``taxonomy`` the label space is its categories plus ``overig``: any other value is an
    error naming file, line and field."""
    from .labels import read_labels_csv
    from signalen_lib.vocab.taxonomy import tree_from_keys

    if taxonomy is not None:
        tree = CategoryTree.from_taxonomy(taxonomy)
    else:
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


def _split_labels(texts: pd.DataFrame, labels: pd.DataFrame, column: str, train_fraction: float, seed: int):
    """Labels matched to their text rows, and one stratified train/test split of them."""
    pos = {sid: i for i, sid in enumerate(texts["id"].astype(str))}
    lab = labels.copy()
    lab["row"] = lab["id"].astype(str).map(pos)
    lab = lab.dropna(subset=["row"]).reset_index(drop=True)
    lab["row"] = lab["row"].astype(int)
    y = lab[column].astype(str)
    tr, te = stratified_split(y, train_fraction, seed)
    rows_tr, rows_te = lab["row"].to_numpy()[tr], lab["row"].to_numpy()[te]
    return lab, y, tr, te, rows_tr, rows_te, y.to_numpy()[tr], y.to_numpy()[te], sorted(set(y))


def validate_texts(
    texts: pd.DataFrame,
    labels: pd.DataFrame,
    *,
    train_fraction: float = 0.3,
    seed: int = 0,
    settings=None,
    n_boot: int = 200,
    taxonomy=None,
) -> dict:
    """Run the workbench on all texts and score it and the baseline on the held-out labels.

    ``texts``: columns id, text; ``labels``: columns id, category. ``taxonomy``: an organisation's
    own :class:`~signalen_lib.vocab.taxonomy.Taxonomy` (``signalen validate --taxonomy``): it
    seeds the topic model, sets its number of topics and gives the category model its seed
    words (default: the settings' taxonomy, used only when the labels share its keys). Returns
    one JSON-friendly dict.
    """
    t0 = time.perf_counter()
    texts = texts.reset_index(drop=True)
    info: dict = {}
    if taxonomy is not None:
        known = CategoryTree.from_taxonomy(taxonomy).keys
        unknown = sorted(set(labels["category"].astype(str)) - set(known))
        if unknown:
            raise LabelError(f"labels, field 'category': {unknown[0]!r} is not a category of the taxonomy "
                             f"(known: {', '.join(known)})")
    masked, i1 = _adapters.mask_texts(texts["text"].astype(str).tolist(), settings)
    tokens, i2 = _adapters.preprocess(masked)
    W, named, i3, topic_model = _adapters.topic_weights(
        masked, tokens, settings, seed=seed, categories=sorted(set(labels["category"].astype(str))), taxonomy=taxonomy,
    )
    info.update(i1), info.update(i2), info.update(i3)
    lab, y, tr, te, rows_tr, rows_te, y_tr, y_te, cats = _split_labels(texts, labels, "category", train_fraction, seed)

    seed_words = _seed_words(settings, cats, taxonomy)
    wb = CategoryModel(seed=seed, seed_words=seed_words)
    y_all = np.full(len(texts), None, dtype=object)
    y_all[rows_tr] = y_tr
    wb.fit(masked, y_all, doc_topics=W)
    proba_wb = wb.predict_proba([masked[i] for i in rows_te], doc_topics=W[rows_te])
    pred_wb = wb.classes_[proba_wb.argmax(axis=1)]
    base = TfidfBaseline(seed=seed).fit([masked[i] for i in rows_tr], y_tr)
    pred_base = base.predict([masked[i] for i in rows_te])
    topic_map = learn_topic_category_map(W[rows_tr], y_tr, named=named, classes=cats)
    pred_map = np.asarray(topic_map.columns, dtype=object)[(W[rows_te] @ topic_map.values).argmax(axis=1)]

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
        "workbench": summary(m_wb) | _model_info(wb, proba_wb, y_te),
        "baseline": summary(m_base) | {"model": "tfidf+logreg"},
        "topic_map_only": summary(m_map),
        "topic_model_only": model_only,
        "workbench_minus_baseline_macro_f1": round(m_wb["macro_f1"] - m_base["macro_f1"], 4),
        "pipeline": info,
        "seconds": round(time.perf_counter() - t0, 1),
    }


def _seed_words(settings, categories, taxonomy=None) -> dict | None:
    """The taxonomy's seed words for the labels' categories (None when the labels use other
    categories, e.g. a public benchmark: municipal seed words would only mislead there).
    ``taxonomy``: the organisation's own; default the settings' one."""
    if taxonomy is None:
        try:
            from ..topics import load_taxonomy

            taxonomy = load_taxonomy(settings.taxonomy_path) if settings is not None else None
        except Exception:  # noqa: BLE001 - no taxonomy, no prior
            return None
    if taxonomy is None or not set(categories) & set(taxonomy.keys):
        return None
    return {k: v for k, v in seed_words_from_taxonomy(taxonomy).items() if k in set(categories)}


def _model_info(model: CategoryModel, proba: np.ndarray, y_true) -> dict:
    """How the workbench model was put together, and how well its probabilities are calibrated
    on the held-out texts (mean top probability next to accuracy)."""
    top = proba.max(axis=1) if len(proba) else np.zeros(0)
    hit = model.classes_[proba.argmax(axis=1)] == np.asarray(y_true, dtype=object) if len(proba) else np.zeros(0)
    return {
        "model": "signalen_lib.categories.CategoryModel",
        "weights": {k: round(v, 3) for k, v in model.weights_.items() if v > 0},
        "temperature": round(model.temperature_, 3),
        "n_pseudo_labelled": model.n_pseudo_,
        "mean_top_prob": round(float(top.mean()), 4) if len(top) else None,
        "expected_calibration_error": round(_ece(top, hit), 4) if len(top) else None,
    }


def _ece(conf: np.ndarray, hit: np.ndarray, bins: int = 10) -> float:
    edges = np.linspace(0, 1, bins + 1)
    idx = np.clip(np.digitize(conf, edges[1:-1]), 0, bins - 1)
    return float(sum(abs(conf[idx == b].mean() - hit[idx == b].mean()) * (idx == b).mean()
                     for b in range(bins) if (idx == b).any()))


# ---- perception --------------------------------------------------------------------------------
POLARITIES = ("negative", "neutral", "positive")
_POLARITY = {
    "positive": "positive", "positief": "positive", "compliment": "positive",
    "negative": "negative", "negatief": "negative", "klacht": "negative", "mixed": "negative", "gemengd": "negative",
    "neutral": "neutral", "neutraal": "neutral",
}


def read_polarity_labels_csv(path: str | Path, known_ids) -> pd.DataFrame:
    """``id,polarity`` (or ``signal_id`` / ``perception``): positive / negative / neutral; mixed
    counts as negative (a mixed text holds a complaint); compliment / klacht / neutraal are
    accepted too. Empty values are skipped; unknown ids or values are errors naming file, line
    and field."""
    path = Path(path)
    if not path.exists():
        raise LabelError(f"{path}: file does not exist")
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        header = [h.strip() for h in reader.fieldnames or []]
        reader.fieldnames = header
        id_col = "id" if "id" in header else "signal_id" if "signal_id" in header else None
        val_col = "polarity" if "polarity" in header else "perception" if "perception" in header else None
        if id_col is None or val_col is None:
            raise LabelError(f"{path}, line 1: need columns id,polarity (header: {', '.join(header)})")
        rows, seen = [], set()
        for rec in reader:
            sid = (rec.get(id_col) or "").strip()
            val = (rec.get(val_col) or "").strip().lower()
            if not val:
                continue
            if sid not in known_ids:
                raise LabelError(f"{path}, line {reader.line_num}, field '{id_col}': unknown id {sid!r}")
            if val not in _POLARITY:
                raise LabelError(f"{path}, line {reader.line_num}, field '{val_col}': unknown value {val!r} "
                                 f"(use {', '.join(POLARITIES)} or mixed)")
            if sid in seen:
                continue
            seen.add(sid)
            rows.append({"id": sid, "polarity": _POLARITY[val]})
    return pd.DataFrame(rows, columns=["id", "polarity"])


def perception_texts(
    texts: pd.DataFrame,
    labels: pd.DataFrame,
    *,
    train_fraction: float = 0.3,
    seed: int = 0,
    settings=None,
    n_boot: int = 0,
) -> dict:
    """Perception from few labels: the workbench's model (:class:`CategoryModel` on the masked
    texts, self-trained on the unlabelled ones, with the perception lexicon's words as seed words)
    against TF-IDF + logistic regression, both
    trained on the same stratified ``train_fraction`` of ``labels`` (id, polarity) and scored on
    the rest. Returns one JSON-friendly dict."""
    t0 = time.perf_counter()
    texts = texts.reset_index(drop=True)
    masked, info = _adapters.mask_texts(texts["text"].astype(str).tolist(), settings)
    lab, y, tr, te, rows_tr, rows_te, y_tr, y_te, cats = _split_labels(texts, labels, "polarity", train_fraction, seed)
    from signalen_lib.perception.lexicon import polarity_seed_words

    wb = CategoryModel(seed=seed, seed_words=polarity_seed_words())  # the perception lexicon as a prior
    y_all = np.full(len(texts), None, dtype=object)
    y_all[rows_tr] = y_tr
    wb.fit(masked, y_all)
    proba = wb.predict_proba([masked[i] for i in rows_te])
    pred_wb = wb.classes_[proba.argmax(axis=1)]
    base = TfidfBaseline(seed=seed).fit([masked[i] for i in rows_tr], y_tr)
    pred_base = base.predict([masked[i] for i in rows_te])
    m_wb = evaluate(y_te, pred_wb, labels=cats, n_boot=n_boot, seed=seed)
    m_base = evaluate(y_te, pred_base, labels=cats, n_boot=n_boot, seed=seed)
    return {
        "n_texts": int(len(texts)),
        "n_labels": int(len(lab)),
        "n_train": int(len(tr)),
        "n_test": int(len(te)),
        "train_fraction": train_fraction,
        "seed": seed,
        "classes": cats,
        "workbench": summary(m_wb) | _model_info(wb, proba, y_te),
        "baseline": summary(m_base) | {"model": "tfidf+logreg"},
        "workbench_minus_baseline_macro_f1": round(m_wb["macro_f1"] - m_base["macro_f1"], 4),
        "pipeline": info,
        "seconds": round(time.perf_counter() - t0, 1),
    }


def run_perception_cli(texts_path, labels_path, *, train_fraction: float, seed: int, settings) -> dict:
    """``signalen perception --texts … --labels …``: read both CSVs and run :func:`perception_texts`."""
    if labels_path is None:
        raise LabelError("--labels is required with --texts")
    tdf = read_texts_csv(texts_path)
    ldf = read_polarity_labels_csv(labels_path, known_ids=set(tdf["id"]))
    if ldf.empty:
        raise LabelError(f"{labels_path}: no polarity labels")
    return perception_texts(tdf, ldf, train_fraction=train_fraction, seed=seed, settings=settings)
