"""Run ids: one format for every kind of run (ingest, pipeline, report, demo)."""
from __future__ import annotations

import secrets
from datetime import datetime, timezone


def new_run_id(kind: str = "pipeline") -> str:
    """Sortable by time (UTC) and unique: ``20261122-231501-pipeline-3f9a``."""
    return f"{datetime.now(timezone.utc):%Y%m%d-%H%M%S}-{kind}-{secrets.token_hex(2)}"
