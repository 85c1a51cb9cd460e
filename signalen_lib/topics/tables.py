"""Tables of the topics part (migrations 20-29, shared zone)."""
from __future__ import annotations

from signalen_lib.store import Migration, register

register(Migration(20, "shared", "topic models, topics, signal categories and topics", (
    """CREATE TABLE IF NOT EXISTS topic_models (
        model_version TEXT PRIMARY KEY,
        created_at TIMESTAMP,
        params TEXT,
        seed INTEGER,
        n_docs BIGINT,
        data_hash TEXT,
        lib_versions TEXT,
        metrics TEXT,
        is_current BOOLEAN DEFAULT FALSE,
        path TEXT,
        previous_version TEXT
    )""",
    """CREATE TABLE IF NOT EXISTS topics (
        model_version TEXT NOT NULL,
        topic_id INTEGER NOT NULL,
        stable_id TEXT NOT NULL,
        name TEXT,
        category TEXT,
        subcategory TEXT,
        top_words TEXT,
        size BIGINT,
        share FLOAT8,
        seeded BOOLEAN,
        is_new BOOLEAN,
        matched_distance FLOAT8,
        PRIMARY KEY (model_version, topic_id)
    )""",
    """CREATE TABLE IF NOT EXISTS signal_categories (
        signal_id TEXT NOT NULL,
        model_version TEXT NOT NULL,
        rank INTEGER NOT NULL,
        category TEXT NOT NULL,
        subcategory TEXT,
        prob FLOAT8,
        PRIMARY KEY (signal_id, model_version, rank)
    )""",
    "CREATE INDEX IF NOT EXISTS signal_categories_model ON signal_categories (model_version, category)",
    """CREATE TABLE IF NOT EXISTS signal_topics (
        signal_id TEXT NOT NULL,
        model_version TEXT NOT NULL,
        rank INTEGER NOT NULL,
        topic_id INTEGER NOT NULL,
        stable_id TEXT,
        prob FLOAT8,
        PRIMARY KEY (signal_id, model_version, rank)
    )""",
    "CREATE INDEX IF NOT EXISTS signal_topics_model ON signal_topics (model_version, stable_id)",
)))

# organisation as a dimension (issue 16); rows from before it are filled with the setting organisation_code
register(Migration(21, "shared", "topic_models: org_code (organisation)", (
    "ALTER TABLE topic_models ADD COLUMN IF NOT EXISTS org_code TEXT",
)))
