"""Tables of the perception (40-49) and effect (50-59) parts, in the shared zone.

The dashboard developer's aggregates live in ``signalen_lib/dashboard/tables.py`` (70-79).
"""
from __future__ import annotations

from ..store import Migration, register

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

register(Migration(50, "shared", "improvement register", (
    # List-valued fields (categories, subcategories, wijken, channels, sources) are JSON arrays in TEXT.
    """CREATE TABLE IF NOT EXISTS improvements (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        description TEXT,
        cluster TEXT,
        afdeling TEXT,
        start_date TIMESTAMP NOT NULL,
        categories TEXT NOT NULL,
        subcategories TEXT,
        wijken TEXT,
        channels TEXT,
        sources TEXT,
        expected_direction TEXT,
        created_by TEXT,
        created_at TIMESTAMP,
        updated_at TIMESTAMP
    )""",
)))

register(Migration(51, "shared", "measured effects of improvements", (
    """CREATE TABLE IF NOT EXISTS improvement_effects (
        improvement_id TEXT NOT NULL,
        metric TEXT NOT NULL,
        measured_at TIMESTAMP NOT NULL,
        model_version TEXT,
        method TEXT,
        estimate FLOAT8,
        ci_low FLOAT8,
        ci_high FLOAT8,
        p_value FLOAT8,
        verdict_nl TEXT,
        n_weeks_before INTEGER,
        n_weeks_after INTEGER,
        detail TEXT
    )""",
)))
