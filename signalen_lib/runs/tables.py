"""Tables of the pipeline runner and the reports (migration range 60-69, shared zone).

``pipeline_runs`` holds one row per run of ``signalen pipeline`` / ``signalen report`` /
``signalen demo`` (what ran, with which parameters, how it ended); ``pipeline_steps`` one row per
step of a run (a notebook executed through papermill, or a library call such as the aggregates).
"""
from __future__ import annotations

from signalen_lib.store.migrations import Migration, register

register(Migration(60, "shared", "pipeline runs and their steps", (
    """CREATE TABLE IF NOT EXISTS pipeline_runs (
        run_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        parameters TEXT,
        started_at TIMESTAMP NOT NULL,
        finished_at TIMESTAMP,
        status TEXT NOT NULL,
        failed_step TEXT,
        error TEXT,
        failed_cell INTEGER,
        model_version TEXT,
        output_dir TEXT,
        host TEXT,
        pid INTEGER
    )""",
    "CREATE INDEX IF NOT EXISTS pipeline_runs_started ON pipeline_runs (started_at)",
    """CREATE TABLE IF NOT EXISTS pipeline_steps (
        run_id TEXT NOT NULL,
        step TEXT NOT NULL,
        position INTEGER,
        status TEXT NOT NULL,
        started_at TIMESTAMP,
        finished_at TIMESTAMP,
        seconds FLOAT8,
        output_path TEXT,
        html_path TEXT,
        pdf_path TEXT,
        parameters TEXT,
        error TEXT,
        PRIMARY KEY (run_id, step)
    )""",
)))

# organisation as a dimension (issue 16); rows from before it are filled with the setting organisation_code
register(Migration(61, "shared", "pipeline_runs: org_code (organisation)", (
    "ALTER TABLE pipeline_runs ADD COLUMN IF NOT EXISTS org_code TEXT",
)))
