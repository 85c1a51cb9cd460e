"""Tables of the perception part (migration range 40-49, shared zone)."""
from __future__ import annotations

from signalen_lib.store import Migration, register

register(Migration(40, "shared", "perception per signal and perception models", (
    # Contract columns (DEVELOPING.md): signal_id, model_version, perception, prob.
    # p_* are the three class probabilities (prob = the largest of them).
    """CREATE TABLE IF NOT EXISTS signal_perception (
        signal_id TEXT PRIMARY KEY,
        model_version TEXT,
        perception TEXT NOT NULL,
        prob FLOAT8,
        p_klacht FLOAT8,
        p_neutraal FLOAT8,
        p_compliment FLOAT8
    )""",
    """CREATE TABLE IF NOT EXISTS perception_models (
        model_version TEXT PRIMARY KEY,
        created_at TIMESTAMP,
        params TEXT,
        n_train INTEGER,
        n_labelled INTEGER,
        metrics TEXT,
        source_priors TEXT,
        is_current BOOLEAN,
        path TEXT
    )""",
)))

# organisation as a dimension (issue 16); rows from before it are filled with the setting organisation_code
register(Migration(41, "shared", "perception_models: org_code (organisation)", (
    "ALTER TABLE perception_models ADD COLUMN IF NOT EXISTS org_code TEXT",
)))
