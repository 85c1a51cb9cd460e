"""Storage: one interface, two real backends (DuckDB file, PostgreSQL server), two zones.

>>> store = open_store(load_config())
>>> store.shared.query_df("SELECT count(*) FROM signals")

``store.restricted`` holds original text (personal data); only ingest, masking and retention
touch it. Everything else reads ``store.shared``.
"""
from __future__ import annotations

from signalen_lib.store.database import Database, StoreError
from signalen_lib.store.migrations import MIGRATIONS, Migration, migrate, register
from signalen_lib.store.store import Store, open_store

__all__ = ["Database", "Store", "StoreError", "open_store", "Migration", "MIGRATIONS", "register", "migrate"]
