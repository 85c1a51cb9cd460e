"""The category model against the store: train on the training labels, assign, keep the learning curve.

- :func:`fit_on_store`: a :class:`~signalen_lib.categories.model.CategoryModel` trained on the
  store's *training* labels (never the validation sample) plus the taxonomy's seed words, on a
  corpus of at most ``max_texts`` texts (all labelled ones plus a seeded random rest; the
  unlabelled texts teach the model Dutch and serve self-training), with the topic model's topic
  weights as one view when a topic model is given.
- :func:`record_retrain`: one row per retrain in ``category_models``: how many training labels,
  and accuracy / macro-F1 / kappa on the validation sample — the learning curve the dashboard's
  *Kwaliteit* view shows.
- :func:`category_rows`: up to three categories per text, main one first, with the calibrated
  ``overig`` threshold (``settings.overig_threshold``); what ``topics.service.assign_store``
  writes for any subset of signal ids when a category model is given. LDA stays the discovery
  step (topics, new subjects, stable ids): the subcategory comes from the text's leading topic
  when that topic belongs to the chosen category.
- :func:`ensure_category_model`: the model for the current training labels — the saved one when
  the labels did not change, else a retrain (recorded) — or None before any training label.
"""
from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from signalen_lib.categories.edits import shaped_taxonomy, translate_labels
from signalen_lib.categories.model import CategoryModel, seed_words_from_taxonomy
from signalen_lib.runs.timing import timed
from signalen_lib.vocab.ids import new_run_id
from signalen_lib.vocab.taxonomy import OVERIG

MAX_TEXTS = 20_000


def _labels(db, purpose: str) -> pd.DataFrame:
    from signalen_lib.validation.labels import load_labels, main_labels

    if not db.table_exists("labels"):
        return pd.DataFrame(columns=["signal_id", "category"])
    return main_labels(load_labels(db, purpose=purpose))[["signal_id", "category"]]


def labels_hash(db) -> str:
    """A fingerprint of the training labels (a retrain is due when it changes)."""
    t = _labels(db, "training").sort_values("signal_id")
    return hashlib.sha1("\n".join(f"{a}\t{b}" for a, b in zip(t["signal_id"], t["category"])).encode()).hexdigest()[:16]


def store_corpus(db, *, max_texts: int = MAX_TEXTS, seed: int = 0, signal_ids: Sequence[str] | None = None) -> pd.DataFrame:
    """signal_id, text, category (training label or None), labelled, gold (validation label or
    None): every text with a label, plus a seeded random rest up to ``max_texts`` (or exactly
    ``signal_ids`` plus the labelled texts)."""
    train = _labels(db, "training").rename(columns={"category": "train_category"})
    val = _labels(db, "validation").rename(columns={"category": "gold"})
    ids = db.query_df("SELECT signal_id FROM signals ORDER BY signal_id")["signal_id"].astype(str)
    keep = set(train["signal_id"]) | set(val["signal_id"])
    if signal_ids is not None:
        keep |= set(map(str, signal_ids))
    else:
        rest = ids[~ids.isin(keep)].to_numpy()
        room = max(0, max_texts - len(keep))
        if len(rest) > room:
            rest = np.random.default_rng(seed).choice(rest, room, replace=False)
        keep |= set(rest)
    chosen = sorted(keep & set(ids))
    texts = _texts(db, chosen)
    df = texts.merge(train, on="signal_id", how="left").merge(val, on="signal_id", how="left")
    df["labelled"] = df["train_category"].notna()
    df["category"] = df["train_category"].astype(object).where(df["labelled"], None)
    df["gold"] = df["gold"].astype(object).where(df["gold"].notna(), None)
    return df[["signal_id", "text", "category", "labelled", "gold"]].reset_index(drop=True)


def _texts(db, ids: list[str], chunk: int = 5000) -> pd.DataFrame:
    parts = [db.query_df(f"SELECT signal_id, text FROM signals WHERE signal_id IN ({', '.join('?' * len(ids[i:i + chunk]))})",
                         ids[i:i + chunk]) for i in range(0, len(ids), chunk)]
    df = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["signal_id", "text"])
    df["signal_id"] = df["signal_id"].astype(str)
    df["text"] = df["text"].fillna("").astype(str)
    return df.sort_values("signal_id", kind="stable").reset_index(drop=True)


@dataclass
class StoreFit:
    """A category model fitted on the store, with its probabilities on the fitting corpus."""

    model: CategoryModel
    corpus: pd.DataFrame
    proba: np.ndarray
    doc_topics: np.ndarray | None
    topic_model_version: str | None
    labels_hash: str


def fit_on_store(store, settings, *, corpus: pd.DataFrame | None = None, topic_model=None, seed: int | None = None,
                 max_texts: int = MAX_TEXTS) -> StoreFit | None:
    """Train the category model on the training labels (see module doc). None when fewer than
    two categories have training labels (nothing to learn yet)."""
    seed = settings.seed if seed is None else seed
    db = store.shared
    corpus = store_corpus(db, max_texts=max_texts, seed=seed) if corpus is None else corpus
    # staff's edits (categories/edits.py): labels of a merged category count for its target, and
    # the seed words are the shaped taxonomy's
    shaped = shaped_taxonomy(db, settings)
    corpus = corpus.assign(category=translate_labels(corpus[["category"]], shaped)["category"].to_numpy(),
                           gold=translate_labels(corpus[["gold"]].rename(columns={"gold": "category"}), shaped)["category"].to_numpy())
    if corpus["category"].dropna().nunique() < 2:
        return None
    texts = corpus["text"].tolist()
    theta = topic_model.transform(texts) if topic_model is not None else None
    seeds = seed_words_from_taxonomy(shaped.taxonomy)
    model = CategoryModel(seed=seed, seed_words=seeds).fit(texts, corpus["category"].tolist(), doc_topics=theta)
    proba = model.predict_proba(texts, theta)
    return StoreFit(model, corpus, proba, theta, getattr(topic_model, "version_", None), labels_hash(db))


def validation_scores(fit: StoreFit) -> dict[str, Any]:
    """Accuracy, macro-F1 and kappa of the fitted model on the validation labels in its corpus
    (rank-1 category against the label; ``overig`` below the threshold is not applied here: the
    curve measures what the training labels taught)."""
    from signalen_lib.validation.metrics import evaluate

    g = fit.corpus["gold"].notna().to_numpy()
    if not g.any():
        return {"n_validation": 0, "accuracy": None, "macro_f1": None, "kappa": None}
    pred = fit.model.classes_[fit.proba[g].argmax(axis=1)]
    gold = fit.corpus.loc[g, "gold"].astype(str).to_numpy()
    m = evaluate(gold, pred, n_boot=0)
    return {"n_validation": int(g.sum()), "accuracy": float(m["accuracy"]), "macro_f1": float(m["macro_f1"]),
            "kappa": float(m["kappa"])}


def model_path(settings, model_id: str) -> Path:
    return settings.models_dir / "categories" / f"{model_id}.pkl"


def record_retrain(store, settings, fit: StoreFit, *, trigger: str, save: bool = True) -> dict[str, Any]:
    """Save the model (pickle under ``models_dir/categories``) and add its row to
    ``category_models`` (the learning curve); it becomes the current category model."""
    scores = validation_scores(fit)
    created = datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)  # stored in UTC, like the run records
    model_id = new_run_id("categories")
    path = model_path(settings, model_id)
    if save:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            pickle.dump(fit.model, fh, protocol=pickle.HIGHEST_PROTOCOL)
    row = {"model_id": model_id, "created_at": pd.Timestamp(created), "topic_model_version": fit.topic_model_version,
           "n_training_labels": int(fit.corpus["labelled"].sum()), "labels_hash": fit.labels_hash, "trigger": trigger,
           "path": str(path) if save else None, **scores, "org_code": settings.organisation_code}
    db = store.shared
    with db.transaction():
        if save:
            db.execute("UPDATE category_models SET is_current = FALSE WHERE is_current")
        db.insert_df("category_models", pd.DataFrame([{**row, "is_current": bool(save)}]))
    return row


def load_category_model(settings, db, topic_model_version: str | None = None) -> tuple[CategoryModel, dict] | None:
    """The current category model (for this topic model version, when given) and its row; None
    when there is none or its file is gone."""
    from signalen_lib.vocab.models import current_category_model

    model_id = current_category_model(db)
    if model_id is None:
        return None
    row = db.query_df("SELECT * FROM category_models WHERE model_id = ?", [model_id]).iloc[0].to_dict()
    if topic_model_version is not None and row.get("topic_model_version") != topic_model_version:
        return None
    path = Path(row["path"]) if row.get("path") else None
    if path is None or not path.exists():
        return None
    with path.open("rb") as fh:
        return pickle.load(fh), row


def ensure_category_model(store, settings, topic_model, *, seed: int | None = None,
                          max_texts: int = MAX_TEXTS) -> tuple[CategoryModel | None, bool]:
    """(model, retrained): the saved model when the training labels and the topic model did not
    change, else a retrain on the training labels (recorded in the learning curve); (None, False)
    before two categories have training labels (the topic model's categories stay)."""
    db = store.shared
    version = getattr(topic_model, "version_", None)
    saved = load_category_model(settings, db, version)
    if saved is not None and saved[1].get("labels_hash") == labels_hash(db):
        return saved[0], False
    with timed("categories: retrain the category model"):
        fit = fit_on_store(store, settings, topic_model=topic_model, seed=seed, max_texts=max_texts)
        if fit is None:
            return None, False
        record_retrain(store, settings, fit, trigger="verwerking")
    return fit.model, True


def category_rows(model: CategoryModel, texts: Sequence[str], ids: Sequence[str], *, doc_topics=None,
                  topic_rows: pd.DataFrame | None = None, overig_threshold: float = 0.25,
                  min_prob: float = 0.15, n_jobs: int = 1) -> pd.DataFrame:
    """signal_id, rank, category, subcategory, prob: up to three categories per text, main one
    first (``overig`` when the main probability is below ``overig_threshold``). ``topic_rows``:
    the topic model's assignment of the same texts (``TopicModel.assign``); a category's
    subcategory is taken from it when it names the same category. ``n_jobs`` > 1: the
    probabilities are computed in that many forked processes (row by row: the same result)."""
    from signalen_lib.forking import fork_map

    texts = list(texts)
    dt = doc_topics if getattr(model, "uses_topics_", False) else None
    parts = np.array_split(np.arange(len(texts)), max(1, min(n_jobs, len(texts) // 2000)))
    P = np.vstack(fork_map(lambda k: model.predict_proba([texts[i] for i in parts[k]],
                                                         None if dt is None else np.asarray(dt)[parts[k]]),
                           len(parts), n_jobs)) if len(texts) else model.predict_proba(texts, dt)
    from signalen_lib.categories.model import top_categories

    top = top_categories(P, model.classes_, k=3, min_prob=min_prob, overig_threshold=overig_threshold)
    ids = np.asarray(list(ids), dtype=object)
    out = pd.DataFrame({"signal_id": ids[top["row"].to_numpy()], "rank": top["rank"].astype(np.int64).to_numpy(),
                        "category": top["category"].to_numpy(dtype=object), "prob": top["prob"].to_numpy()})
    sub = None
    if topic_rows is not None and len(topic_rows):
        t = topic_rows[topic_rows["category"] != OVERIG].dropna(subset=["subcategory"])
        t = t.sort_values("rank").drop_duplicates(["signal_id", "category"])
        sub = t.set_index(["signal_id", "category"])["subcategory"]
    if sub is not None and len(sub):
        key = pd.MultiIndex.from_arrays([out["signal_id"], out["category"]])
        out["subcategory"] = sub.reindex(key).to_numpy(dtype=object)
    else:
        out["subcategory"] = None
    if topic_rows is not None and len(topic_rows):
        # a new subject stays visible until staff name it: where the topic model's leading topic is
        # a free topic (category overig, the topic's name as subcategory), the main category keeps
        # that name as its subcategory, so the alerts see a new series from its first day
        lead = topic_rows[(topic_rows["rank"] == 1) & (topic_rows["category"] == OVERIG)].dropna(subset=["subcategory"])
        if len(lead):
            free = lead.drop_duplicates("signal_id").set_index("signal_id")["subcategory"]
            main = (out["rank"] == 1).to_numpy() & pd.isna(out["subcategory"]).to_numpy()
            out.loc[main, "subcategory"] = out.loc[main, "signal_id"].map(free).to_numpy(dtype=object)
    out["subcategory"] = out["subcategory"].astype(object).where(pd.notna(out["subcategory"]), None)
    return out[["signal_id", "rank", "category", "subcategory", "prob"]]


def learning_curve(db) -> pd.DataFrame:
    """The ``category_models`` rows in time order (one per retrain): created_at,
    n_training_labels, n_validation, accuracy, macro_f1, kappa, trigger."""
    if not db.table_exists("category_models"):
        return pd.DataFrame(columns=["created_at", "n_training_labels", "n_validation", "accuracy", "macro_f1", "kappa"])
    return db.query_df("SELECT model_id, created_at, topic_model_version, n_training_labels, n_validation, accuracy, "
                       "macro_f1, kappa, trigger, is_current FROM category_models ORDER BY created_at, model_id")
