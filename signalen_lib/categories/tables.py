"""Tables of the categories part (migrations 80-89, shared zone).

- ``category_edits``: staff's edits of the taxonomy (merge, split, move-word, undo), in order,
  with who and when; never updated or deleted (an undo is a row of its own).
- ``category_models``: one row per retrain of the category model on the training labels: how
  many training labels it learned from and how it scored on the validation sample (accuracy,
  macro-F1, kappa) — the learning curve of the *Kwaliteit* view. ``is_current`` marks the model
  that assigns categories; ``labels_hash`` tells whether the training labels changed since.
"""
from __future__ import annotations

from signalen_lib.store import Migration, register

register(Migration(80, "shared", "categories: staff's edits of the taxonomy", (
    """CREATE TABLE IF NOT EXISTS category_edits (
        edit_id INTEGER PRIMARY KEY,
        created_at TIMESTAMP NOT NULL,
        author TEXT NOT NULL,
        action TEXT NOT NULL,
        payload TEXT,
        target_edit INTEGER
    )""",
)))

register(Migration(81, "shared", "category models: one row per retrain (the learning curve)", (
    """CREATE TABLE IF NOT EXISTS category_models (
        model_id TEXT PRIMARY KEY,
        created_at TIMESTAMP,
        topic_model_version TEXT,
        n_training_labels INTEGER,
        labels_hash TEXT,
        trigger TEXT,
        path TEXT,
        n_validation INTEGER,
        accuracy FLOAT8,
        macro_f1 FLOAT8,
        kappa FLOAT8,
        is_current BOOLEAN DEFAULT FALSE
    )""",
)))

# organisation as a dimension (issue 16); rows from before it are filled with the setting organisation_code
register(Migration(82, "shared", "category_models: org_code (organisation)", (
    "ALTER TABLE category_models ADD COLUMN IF NOT EXISTS org_code TEXT",
)))
