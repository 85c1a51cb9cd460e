"""Privacy tables (migration versions 10-19): the restricted zone, plus the counts of the privacy
report in the shared zone (``privacy_reports``).

``pii_findings`` maps masked text back to the original: it holds the original strings and never
leaves the restricted zone. ``start_char``/``end_char`` are character offsets in the original
text (``start``/``end`` are reserved words in SQL).
"""
from __future__ import annotations

from ..store import Migration, register

register(Migration(10, "restricted", "pii_findings: what masking found (original strings)", (
    """CREATE TABLE IF NOT EXISTS pii_findings (
        signal_id TEXT NOT NULL,
        entity_type TEXT NOT NULL,
        start_char INTEGER NOT NULL,
        end_char INTEGER NOT NULL,
        original TEXT,
        score FLOAT8,
        recognizer TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS pii_findings_signal ON pii_findings (signal_id)",
    """CREATE TABLE IF NOT EXISTS retention_runs (
        run_at TIMESTAMP NOT NULL,
        source TEXT NOT NULL,
        retention_days INTEGER,
        cutoff TIMESTAMP,
        raw_deleted INTEGER,
        findings_deleted INTEGER
    )""",
)))

# What retention deleted, per run, source and month of receipt (counts only). Restricted zone:
# it sits beside the data it describes; the privacy report reads it.
register(Migration(11, "restricted", "retention_deletions: what retention deleted per source and month", (
    """CREATE TABLE IF NOT EXISTS retention_deletions (
        run_id TEXT NOT NULL,
        run_at TIMESTAMP NOT NULL,
        source TEXT NOT NULL,
        month TIMESTAMP NOT NULL,
        retention_days INTEGER,
        cutoff TIMESTAMP,
        raw_deleted INTEGER NOT NULL,
        findings_deleted INTEGER NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS retention_deletions_run_at ON retention_deletions (run_at)",
)))

# The headline counts of each privacy report (JSON, counts only: no text, no finding), in the shared
# zone so that the dashboard (which never opens the restricted zone) can show the latest summary.
register(Migration(12, "shared", "privacy_reports: counts of each privacy report", (
    """CREATE TABLE IF NOT EXISTS privacy_reports (
        run_id TEXT PRIMARY KEY,
        created_at TIMESTAMP NOT NULL,
        report TEXT NOT NULL
    )""",
)))
