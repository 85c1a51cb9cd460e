"""Privacy tables (migration versions 10-19), all in the restricted zone.

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
