"""Validation tables (migrations 30-39, shared zone).

- ``labels``: one row per (signal, labeller, rank): the categories a person gave a text (up to
  three, rank 1 = main), with perception and an "unsure" flag. Saved immediately by the labelling
  tool; imported/exported as CSV.
- ``label_samples``: the drawn labelling samples (which signals, in which order, which stratum).
- ``validation_runs``: the metrics and gate verdict of each validation run.
"""
from __future__ import annotations

from ..store import Migration, register

register(Migration(30, "shared", "validation: labels, labelling samples, validation runs", (
    """CREATE TABLE IF NOT EXISTS labels (
        signal_id TEXT NOT NULL,
        labeller TEXT NOT NULL,
        category TEXT NOT NULL,
        subcategory TEXT,
        rank INTEGER NOT NULL,
        perception TEXT,
        unsure BOOLEAN DEFAULT FALSE,
        labelled_at TIMESTAMP,
        PRIMARY KEY (signal_id, labeller, rank)
    )""",
    """CREATE TABLE IF NOT EXISTS label_samples (
        sample_id TEXT NOT NULL,
        signal_id TEXT NOT NULL,
        position INTEGER NOT NULL,
        stratum TEXT,
        seed INTEGER,
        created_at TIMESTAMP,
        PRIMARY KEY (sample_id, signal_id)
    )""",
    """CREATE TABLE IF NOT EXISTS validation_runs (
        run_id TEXT PRIMARY KEY,
        model_version TEXT,
        labels_source TEXT,
        created_at TIMESTAMP,
        n_labels INTEGER,
        metrics TEXT,
        gate_passed BOOLEAN
    )""",
)))

# Training labels apart from validation labels (issue 15). ``purpose`` is ``validation`` (the
# random, stratified sample whose metrics must stay unbiased; every label stored before this
# migration came from it) or ``training`` (texts the workbench proposed by active choice:
# ``signalen labels next``). The same holds for the drawn samples.
register(Migration(36, "shared", "validation: training labels apart from the validation sample", (
    "ALTER TABLE labels ADD COLUMN IF NOT EXISTS purpose TEXT DEFAULT 'validation'",
    "ALTER TABLE label_samples ADD COLUMN IF NOT EXISTS purpose TEXT DEFAULT 'validation'",
    "UPDATE labels SET purpose = 'validation' WHERE purpose IS NULL",
    "UPDATE label_samples SET purpose = 'validation' WHERE purpose IS NULL",
)))
