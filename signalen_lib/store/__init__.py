"""Storage: one interface, two real backends (DuckDB file, PostgreSQL server), two zones.

>>> store = open_store(load_config())
>>> store.shared.query_df("SELECT count(*) FROM signals")

``store.restricted`` holds original text (personal data); only ingest, masking and retention
touch it. Everything else reads ``store.shared``.
"""
from __future__ import annotations

from .database import Database, StoreError
from .migrations import MIGRATIONS, Migration, migrate, register
from .store import Store, open_store

__all__ = ["Database", "Store", "StoreError", "open_store", "Migration", "MIGRATIONS", "register", "migrate"]
