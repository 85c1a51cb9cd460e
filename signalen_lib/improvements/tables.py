"""Tables of the improvement register and its measured effects (migration range 50-59, shared zone)."""
from __future__ import annotations

from signalen_lib.store import Migration, register

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
