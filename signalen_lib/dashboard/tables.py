"""Dashboard/aggregate tables (migrations 70-79, shared zone).

``agg_daily`` holds signal counts per day and every dimension the dashboard filters on, built by
:func:`signalen_lib.dashboard.aggregates.refresh_aggregates`. ``agg_meta`` records when and from
which topic model it was built. Never edit a released migration: add a new one.
"""
from __future__ import annotations

from signalen_lib.store.migrations import Migration, register

register(Migration(70, "shared", "dashboard aggregates (agg_daily, agg_meta)", (
    """CREATE TABLE IF NOT EXISTS agg_daily (
        day TIMESTAMP NOT NULL,
        category TEXT NOT NULL,
        subcategory TEXT NOT NULL,
        cluster TEXT NOT NULL,
        afdeling TEXT NOT NULL,
        wijk_code TEXT NOT NULL,
        buurt_code TEXT NOT NULL,
        source TEXT NOT NULL,
        channel TEXT NOT NULL,
        perception TEXT NOT NULL,
        n BIGINT NOT NULL,
        n_scored BIGINT NOT NULL,
        n_dissatisfied BIGINT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS agg_daily_day ON agg_daily (day)",
    """CREATE TABLE IF NOT EXISTS agg_meta (
        key TEXT PRIMARY KEY,
        value TEXT
    )""",
)))

register(Migration(72, "shared", "agg_daily: org_code (organisation; issue 16)", (
    "ALTER TABLE agg_daily ADD COLUMN IF NOT EXISTS org_code TEXT",
)))

register(Migration(71, "shared", "alert history (Signalering, at least the last 90 days)", (
    """CREATE TABLE IF NOT EXISTS alert_history (
        day TIMESTAMP NOT NULL,
        level TEXT NOT NULL,
        category TEXT NOT NULL,
        subcategory TEXT NOT NULL,
        observed BIGINT NOT NULL,
        expected FLOAT8,
        ratio FLOAT8,
        z FLOAT8,
        p_value FLOAT8,
        is_new BOOLEAN NOT NULL,
        first_seen TIMESTAMP,
        model_version TEXT,
        detected_at TIMESTAMP,
        PRIMARY KEY (day, level, category, subcategory)
    )""",
)))
