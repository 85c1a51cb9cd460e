"""Small stores for validation's tests, notebook runs and the labelling tool's browser test.

Not a corpus generator (that is ``signalen demo-data``): a few hundred signals whose texts are
built from the taxonomy's seed words, with a stored "model" whose rank-1 category is right with
probability ``model_accuracy``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from signalen_lib.vocab.taxonomy import OVERIG, load_category_tree

# The contract's columns (docs/DEVELOPING.md); the topics part owns these tables and creates them
# in its migrations. Created here only when that part is not installed.
_TOPIC_TABLES = (
    """CREATE TABLE IF NOT EXISTS topic_models (
        model_version TEXT PRIMARY KEY, created_at TIMESTAMP, params TEXT, seed INTEGER, n_docs INTEGER,
        data_hash TEXT, lib_versions TEXT, metrics TEXT, is_current BOOLEAN, path TEXT)""",
    """CREATE TABLE IF NOT EXISTS signal_categories (
        signal_id TEXT NOT NULL, model_version TEXT NOT NULL, rank INTEGER NOT NULL, category TEXT NOT NULL,
        subcategory TEXT, prob FLOAT8)""",
)

FILLER = ["ik", "wil", "graag", "melden", "dat", "de", "het", "bij", "ons", "al", "weken", "echt", "niet", "goed", "geregeld"]


def make_signals(settings, n: int = 300, seed: int = 0) -> pd.DataFrame:
    """Signals (with a ``true_category`` column) built from the taxonomy's seed words."""
    import yaml

    rng = np.random.default_rng(seed)
    data = yaml.safe_load(settings.taxonomy_path.read_text(encoding="utf-8"))
    cats = [(c["key"], c.get("seeds", []), c.get("subcategories", [])) for c in data["categories"]]
    weights = np.linspace(3, 1, len(cats))  # some categories rarer than others
    weights /= weights.sum()
    rows = []
    for i in range(n):
        key, seeds, subs = cats[rng.choice(len(cats), p=weights)]
        sub = subs[rng.integers(len(subs))] if subs else None
        words = list(rng.choice(seeds, 2)) + (list(rng.choice(sub["seeds"], 2)) if sub else []) + list(rng.choice(FILLER, 5))
        rng.shuffle(words)
        src = ["kto", "klacht", "terugbelnotitie"][i % 3]
        rows.append({
            "signal_id": f"{src}:{i}",
            "source": src,
            "received_at": pd.Timestamp("2025-01-01") + pd.Timedelta(hours=int(rng.integers(0, 24 * 365))),
            "text": " ".join(words).capitalize() + ".",
            "content_hash": f"h{i}",
            "true_category": key,
            "true_subcategory": sub["key"] if sub else None,
        })
    return pd.DataFrame(rows)


def make_demo_store(settings, n: int = 300, seed: int = 0, model_accuracy: float = 0.9, model_version: str = "test-v1") -> pd.DataFrame:
    """Fill the store at ``settings`` with ``n`` signals and a current model; returns the signals
    with their true categories."""
    from signalen_lib.store import open_store

    sig = make_signals(settings, n, seed)
    rng = np.random.default_rng(seed + 100)
    keys = sorted(set(sig["true_category"]))
    right = rng.random(n) < model_accuracy
    pred = np.where(right, sig["true_category"], rng.choice(keys + [OVERIG], n))
    prob = np.where(right, rng.uniform(0.4, 0.95, n), rng.uniform(0.1, 0.5, n))
    cats = pd.DataFrame({
        "signal_id": sig["signal_id"], "model_version": model_version, "rank": 1,
        "category": pred, "subcategory": None, "prob": prob,
    })
    cats["subcategory"] = cats["subcategory"].astype(object)
    with open_store(settings, restricted=False) as store:
        db = store.shared
        for stmt in _TOPIC_TABLES:
            db.execute(stmt)
        db.insert_df("signals", sig.drop(columns=["true_category", "true_subcategory"]))
        db.execute("UPDATE topic_models SET is_current = FALSE")
        db.insert_df("topic_models", pd.DataFrame([{
            "model_version": model_version, "created_at": pd.Timestamp("2025-06-01"), "seed": seed, "n_docs": n, "is_current": True,
        }]))
        db.insert_df("signal_categories", cats)
    return sig


def labels_from_truth(sig: pd.DataFrame, ids, labeller: str = "truth", perception: str = "klacht") -> pd.DataFrame:
    """Label rows (rank 1) for ``ids`` from the true categories."""
    s = sig.set_index("signal_id").loc[list(ids)]
    df = pd.DataFrame({
        "signal_id": list(ids), "labeller": labeller, "category": s["true_category"].values,
        "subcategory": s["true_subcategory"].astype(object).values, "rank": 1, "perception": perception,
        "unsure": False, "labelled_at": pd.Timestamp("2025-07-01"),
    })
    return df


def make_labels_tree(settings):
    return load_category_tree(settings.taxonomy_path)
