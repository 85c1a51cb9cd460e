"""Versioned schema migrations for both zones.

Each migration has a unique version, a zone ("shared" or "restricted") and SQL statements in
the dialect both DuckDB and PostgreSQL accept. Applied versions are recorded per zone in
``schema_migrations``; ``migrate`` applies every one not yet applied, in version order, each in
its own transaction. Version ranges per part of the package keep them from colliding:
1-9 foundation/ingest, 10-19 privacy, 20-29 topics, 30-39 validation, 40-49 perception,
50-59 effect, 60-69 pipeline/reports, 70-79 dashboard/aggregates, 80-89 categories, 90-99 national.
Never edit a released migration: add a new one.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    version: int
    zone: str
    description: str
    statements: tuple[str, ...]


_SIGNAL_COLUMNS = """
            signal_id TEXT PRIMARY KEY,
            source TEXT NOT NULL,
            source_record_id TEXT,
            received_at TIMESTAMP NOT NULL,
            channel TEXT,
            cluster TEXT,
            afdeling TEXT,
            wijk_code TEXT,
            wijk TEXT,
            buurt_code TEXT,
            buurt TEXT,
            score INTEGER,
            text TEXT{text_null},
            content_hash TEXT NOT NULL,
            source_file TEXT,
            source_row INTEGER,
            ingest_run_id TEXT,
            ingested_at TIMESTAMP"""

MIGRATIONS: list[Migration] = [
    Migration(1, "shared", "signals (masked) and ingest run summaries", (
        "CREATE TABLE IF NOT EXISTS signals (" + _SIGNAL_COLUMNS.format(text_null=" NOT NULL") + """,
            masked_at TIMESTAMP,
            UNIQUE (source, content_hash)
        )""",
        "CREATE INDEX IF NOT EXISTS signals_received ON signals (received_at)",
        """CREATE TABLE IF NOT EXISTS ingest_runs (
            run_id TEXT PRIMARY KEY,
            source TEXT,
            started_at TIMESTAMP,
            finished_at TIMESTAMP,
            status TEXT,
            files INTEGER DEFAULT 0,
            rows_read INTEGER DEFAULT 0,
            stored INTEGER DEFAULT 0,
            duplicates INTEGER DEFAULT 0,
            quarantined INTEGER DEFAULT 0,
            masked INTEGER DEFAULT 0,
            message TEXT
        )""",
    )),
    Migration(2, "restricted", "raw signals, per-file ingest records, quarantine (all may hold personal data)", (
        "CREATE TABLE IF NOT EXISTS signals_raw (" + _SIGNAL_COLUMNS.format(text_null="") + """,
            masked_at TIMESTAMP,
            UNIQUE (source, content_hash)
        )""",
        "CREATE INDEX IF NOT EXISTS signals_raw_received ON signals_raw (received_at)",
        """CREATE TABLE IF NOT EXISTS ingest_files (
            run_id TEXT NOT NULL,
            source TEXT,
            source_file TEXT NOT NULL,
            file_sha256 TEXT,
            encoding TEXT,
            status TEXT,
            rows_read INTEGER DEFAULT 0,
            stored INTEGER DEFAULT 0,
            duplicates INTEGER DEFAULT 0,
            quarantined INTEGER DEFAULT 0,
            seconds FLOAT8,
            message TEXT,
            finished_at TIMESTAMP
        )""",
        """CREATE TABLE IF NOT EXISTS quarantine (
            run_id TEXT,
            source TEXT,
            source_file TEXT,
            line INTEGER,
            field TEXT,
            reason TEXT,
            raw TEXT,
            quarantined_at TIMESTAMP
        )""",
    )),
    Migration(3, "restricted", "ingest_keys: secret for pseudonymising record ids that hold personal data", (
        """CREATE TABLE IF NOT EXISTS ingest_keys (
            name TEXT PRIMARY KEY,
            secret TEXT NOT NULL,
            created_at TIMESTAMP
        )""",
    )),
    Migration(4, "shared", "ingest_runs: process id and host of a run (stale 'running' runs are marked interrupted)", (
        "ALTER TABLE ingest_runs ADD COLUMN IF NOT EXISTS pid INTEGER",
        "ALTER TABLE ingest_runs ADD COLUMN IF NOT EXISTS host TEXT",
    )),
    # organisation as a dimension (issue 16); rows stored before it have NULL: the setting organisation_code
    Migration(5, "shared", "signals: org_code (organisation)", (
        "ALTER TABLE signals ADD COLUMN IF NOT EXISTS org_code TEXT",
    )),
    Migration(6, "restricted", "signals_raw: org_code (organisation)", (
        "ALTER TABLE signals_raw ADD COLUMN IF NOT EXISTS org_code TEXT",
    )),
    Migration(7, "shared", "ingest_runs: org_code (organisation)", (
        "ALTER TABLE ingest_runs ADD COLUMN IF NOT EXISTS org_code TEXT",
    )),
]


def register(migration: Migration) -> None:
    """Add a migration (used by the package's parts at import time)."""
    for m in MIGRATIONS:
        if m.version == migration.version:
            if m == migration:
                return
            raise ValueError(f"migration version {migration.version} is taken by {m.description!r}")
    MIGRATIONS.append(migration)
    MIGRATIONS.sort(key=lambda m: m.version)


def migrate(db, zone: str) -> list[int]:
    """Apply the zone's pending migrations; returns the versions applied."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT, applied_at TIMESTAMP)"
    )
    done = {r[0] for r in db.execute("SELECT version FROM schema_migrations")}
    applied = []
    for m in sorted(MIGRATIONS, key=lambda m: m.version):
        if m.zone != zone or m.version in done:
            continue
        with db.transaction():
            for stmt in m.statements:
                db.execute(stmt)
            db.execute(
                "INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, CURRENT_TIMESTAMP) ON CONFLICT DO NOTHING",
                [m.version, m.description],
            )
        applied.append(m.version)
    return applied
