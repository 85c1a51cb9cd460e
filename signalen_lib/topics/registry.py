"""Model registry: fitted topic models as versioned folders under ``settings.models_dir`` plus a row
in ``topic_models``.

A version folder holds ``model.pkl`` (the TopicModel, gensim inside), ``meta.json`` (parameters,
seed, data snapshot: count and hash, library versions, quality metrics), ``topics.csv`` (as
fitted) and ``topic_names.csv``: the file staff edit to name topics (columns name, category,
subcategory; category must be a taxonomy key or ``overig``). Top words, typical (masked) texts
and sizes in the same file help decide. Edits take effect on the next :func:`load_model`.
"""
from __future__ import annotations

import hashlib
import json
import pickle
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from signalen_lib.config import ConfigError, Settings
from signalen_lib.runs.timing import timed
from signalen_lib.topics.model import TopicModel, lib_versions
from signalen_lib.vocab.models import current_topic_model
from signalen_lib.vocab.taxonomy import OVERIG

NAME_COLUMNS = ["topic_id", "stable_id", "name", "category", "subcategory", "size", "share", "is_new", "seeded",
                "mapped_by", "top_words", "examples"]


def _json(obj: Any) -> str:
    def default(o):
        if isinstance(o, np.generic):
            return o.item()
        if isinstance(o, (Path, datetime)):
            return str(o)
        return str(o)

    return json.dumps(obj, ensure_ascii=False, sort_keys=True, default=default)


def new_version(model: TopicModel) -> str:
    """``YYYYMMDD-HHMMSS-<6 hex of parameters and data>`` (sortable, unique per content)."""
    h = hashlib.sha256((_json(model.get_params()) + model.data_hash_).encode()).hexdigest()[:6]
    return f"{datetime.now(timezone.utc):%Y%m%d-%H%M%S}-{h}"


def model_dir(settings: Settings, version: str) -> Path:
    return settings.models_dir / version


def topic_names_path(settings: Settings, version: str) -> Path:
    return model_dir(settings, version) / "topic_names.csv"


def topic_table(model: TopicModel) -> pd.DataFrame:
    t = model.topics_.copy()
    ex = getattr(model, "examples_", {}) or {}
    t["examples"] = [" | ".join(ex.get(int(k), [])) for k in t["topic_id"]]
    for c in NAME_COLUMNS:
        if c not in t.columns:
            t[c] = None
    return t[NAME_COLUMNS]


def save_model(model: TopicModel, settings: Settings, *, store=None, version: str | None = None,
               metrics: dict[str, float] | None = None, make_current: bool = True) -> str:
    """Write the model's folder (and its ``topic_models``/``topics`` rows when ``store`` is given)."""
    model._check()
    if version is None:  # the same content fitted twice within one second gets a suffix, never a clash
        version = base = new_version(model)
        k = 2
        while (model_dir(settings, version) / "model.pkl").exists():
            version, k = f"{base}-{k}", k + 1
    folder = model_dir(settings, version)
    if folder.exists() and (folder / "model.pkl").exists():
        raise FileExistsError(f"model version {version} already exists in {folder}")
    folder.mkdir(parents=True, exist_ok=True)
    model.version_ = version
    metrics = dict(metrics or getattr(model, "metrics_", {}) or {})
    model.metrics_ = metrics
    meta = {
        "model_version": version,
        "created_at": datetime.now(timezone.utc).replace(tzinfo=None).isoformat(timespec="seconds"),
        "params": model.get_params(),
        "seed": model.random_state,
        "n_docs": model.n_docs_,
        "data_hash": model.data_hash_,
        "lib_versions": lib_versions(),
        "metrics": metrics,
        "previous_version": getattr(model, "previous_version_", None),
    }
    with open(folder / "model.pkl", "wb") as fh:
        pickle.dump(model, fh, protocol=pickle.HIGHEST_PROTOCOL)
    (folder / "meta.json").write_text(json.dumps(json.loads(_json(meta)), indent=2, ensure_ascii=False), encoding="utf-8")
    table = topic_table(model)
    table.to_csv(folder / "topics.csv", index=False)
    table.to_csv(folder / "topic_names.csv", index=False)
    if store is not None:
        register_model(store, model, settings, meta, make_current=make_current)
    return version


def register_model(store, model: TopicModel, settings: Settings, meta: dict, *, make_current: bool = True) -> None:
    db = store.shared
    version = meta["model_version"]
    t = model.topics_
    rows = pd.DataFrame({
        "model_version": version, "topic_id": t["topic_id"].astype("int64"), "stable_id": t["stable_id"].astype(str),
        "name": t["name"].astype(object), "category": t["category"].astype(object),
        "subcategory": t["subcategory"].astype(object), "top_words": t["top_words"].astype(object),
        "size": t["size"].astype("int64"), "share": t["share"].astype(float), "seeded": t["seeded"].astype(bool),
        "is_new": t["is_new"].astype(bool),
        "matched_distance": t["matched_distance"].astype(float) if "matched_distance" in t else np.nan,
    })
    with db.transaction():
        db.execute("DELETE FROM topics WHERE model_version = ?", [version])
        db.execute("DELETE FROM topic_models WHERE model_version = ?", [version])
        db.execute(
            "INSERT INTO topic_models (model_version, created_at, params, seed, n_docs, data_hash, lib_versions, "
            "metrics, is_current, path, previous_version, org_code) VALUES (?, ?, ?, ?, ?, ?, ?, ?, FALSE, ?, ?, ?)",
            [version, datetime.fromisoformat(meta["created_at"]), _json(meta["params"]), int(meta["seed"]),
             int(meta["n_docs"]), meta["data_hash"], _json(meta["lib_versions"]), _json(meta["metrics"]),
             str(model_dir(settings, version)), meta.get("previous_version"), settings.organisation_code],
        )
        db.insert_df("topics", rows)
        if make_current:
            set_current(store, version)


def set_current(store, version: str) -> None:
    """Mark ``version`` as the model the dashboard and assignments use."""
    db = store.shared
    if not db.scalar("SELECT count(*) FROM topic_models WHERE model_version = ?", [version]):
        raise ConfigError(f"model version {version!r} is not registered in topic_models")
    with db.transaction():
        db.execute("UPDATE topic_models SET is_current = FALSE WHERE is_current")
        db.execute("UPDATE topic_models SET is_current = TRUE WHERE model_version = ?", [version])


def list_models(store) -> pd.DataFrame:
    return store.shared.query_df(
        "SELECT model_version, created_at, seed, n_docs, data_hash, metrics, is_current, path, previous_version "
        "FROM topic_models ORDER BY created_at, model_version"
    )


def read_topic_names(settings: Settings, version: str, taxonomy=None) -> pd.DataFrame:
    """The staff-edited names file, checked: category must be a taxonomy key or 'overig'."""
    path = topic_names_path(settings, version)
    df = pd.read_csv(path, dtype={"name": object, "category": object, "subcategory": object})
    if taxonomy is not None:
        allowed = set(taxonomy.keys) | {OVERIG}
        bad = df.loc[df["category"].notna() & ~df["category"].isin(allowed), "category"]
        if len(bad):
            raise ConfigError(f"{path}: category {bad.iloc[0]!r} is not a taxonomy key (allowed: {', '.join(sorted(allowed))})")
    return df


def load_model(settings: Settings, version: str | None = None, *, store=None, apply_names: bool = True) -> TopicModel:
    """A saved model (default: the current one in ``store``, else the newest folder), with staff's
    topic names from ``topic_names.csv`` applied."""
    if version is None:
        if store is not None:
            version = current_topic_model(store.shared)
        if version is None:
            dirs = sorted(p.name for p in settings.models_dir.glob("*/model.pkl") for p in [p.parent]) if settings.models_dir.exists() else []
            if not dirs:
                raise FileNotFoundError(f"no topic model in {settings.models_dir}: fit one first (signalen topics fit)")
            version = dirs[-1]
    path = model_dir(settings, version) / "model.pkl"
    if not path.exists():
        raise FileNotFoundError(f"topic model {version} not found at {path}")
    with timed("load topic model"), open(path, "rb") as fh:
        model: TopicModel = pickle.load(fh)
    model.version_ = version
    if apply_names and topic_names_path(settings, version).exists():
        model.set_topic_names(read_topic_names(settings, version, model.taxonomy))
    return model


def sync_topic_names(store, settings: Settings, version: str) -> int:
    """Copy edited names from topic_names.csv into the ``topics`` table; returns rows changed."""
    names = read_topic_names(settings, version, load_model(settings, version, apply_names=False).taxonomy)
    db = store.shared
    changed = 0
    with db.transaction():
        for r in names.itertuples(index=False):
            sub = None if pd.isna(r.subcategory) else str(r.subcategory)
            db.execute("UPDATE topics SET name = ?, category = ?, subcategory = ? WHERE model_version = ? AND topic_id = ?",
                       [None if pd.isna(r.name) else str(r.name), None if pd.isna(r.category) else str(r.category), sub,
                        version, int(r.topic_id)])
            changed += 1
    return changed
