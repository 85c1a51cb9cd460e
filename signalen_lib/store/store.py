"""The two zones together, plus the queries later parts share."""
from __future__ import annotations

from typing import Sequence

import pandas as pd

from signalen_lib.config import Settings
from signalen_lib.store.database import Database, _ident
from signalen_lib.store.migrations import migrate

# Every part that registers migrations is imported here, so that open_store() knows them all.
_MIGRATION_MODULES = (
    "signalen_lib.privacy.tables",
    "signalen_lib.topics.tables",
    "signalen_lib.categories.tables",
    "signalen_lib.validation.tables",
    "signalen_lib.perception.tables",
    "signalen_lib.improvements.tables",
    "signalen_lib.runs.tables",
    "signalen_lib.dashboard.tables",
    "signalen_lib.categories.tables",
    "signalen_lib.national.tables",
)


def _load_migration_modules() -> None:
    import importlib

    for mod in _MIGRATION_MODULES:
        importlib.import_module(mod)


class Store:
    """Shared zone (masked text and everything derived) and restricted zone (raw text)."""

    def __init__(self, shared: Database, restricted: Database | None):
        self.shared = shared
        self._restricted = restricted

    @property
    def restricted(self) -> Database:
        if self._restricted is None:
            raise PermissionError("this store was opened without access to the restricted zone")
        return self._restricted

    @property
    def backend(self) -> str:
        return self.shared.backend

    def migrate(self) -> dict[str, list[int]]:
        _load_migration_modules()
        out = {"shared": migrate(self.shared, "shared")}
        if self._restricted is not None:
            out["restricted"] = migrate(self._restricted, "restricted")
        return out

    def close(self) -> None:
        self.shared.close()
        if self._restricted is not None:
            self._restricted.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- shared queries ---------------------------------------------------------------
    def counts(
        self,
        by: Sequence[str] = ("source",),
        *,
        period: str | None = None,
        start: str | pd.Timestamp | None = None,
        end: str | pd.Timestamp | None = None,
        filters: dict[str, str | Sequence[str]] | None = None,
    ) -> pd.DataFrame:
        """Signal counts grouped by columns of ``signals`` and optionally a period
        (``day``, ``week``, ``month``, ``quarter``, ``year``), within [start, end)."""
        groups = [_ident(c) for c in by]
        select = list(groups)
        if period:
            if period not in ("day", "week", "month", "quarter", "year"):
                raise ValueError(f"period must be day/week/month/quarter/year, not {period!r}")
            select.insert(0, f"date_trunc('{period}', received_at) AS period")
        where, params = [], []
        if start is not None:
            where.append("received_at >= ?")
            params.append(pd.Timestamp(start).to_pydatetime())
        if end is not None:
            where.append("received_at < ?")
            params.append(pd.Timestamp(end).to_pydatetime())
        for col, val in (filters or {}).items():
            if isinstance(val, (list, tuple, set)):
                vals = list(val)
                where.append(f"{_ident(col)} IN ({', '.join('?' * len(vals))})")
                params.extend(vals)
            else:
                where.append(f"{_ident(col)} = ?")
                params.append(val)
        group_cols = (["period"] if period else []) + groups
        sql = f"SELECT {', '.join(select + ['count(*) AS n'])} FROM signals"
        if where:
            sql += " WHERE " + " AND ".join(where)
        if group_cols:
            sql += f" GROUP BY {', '.join(group_cols)} ORDER BY {', '.join(group_cols)}"
        df = self.shared.query_df(sql, params)
        df["n"] = df["n"].astype("int64")
        return df


def open_store(settings: Settings, *, restricted: bool = True, read_only: bool = False, migrate: bool = True) -> Store:
    """Open both zones (or only the shared one with ``restricted=False``) and apply migrations."""
    if not read_only:
        settings.ensure_dirs()
    shared = Database(settings.shared_url, zone="shared", read_only=read_only, setting="database_url")
    rdb = None
    if restricted:
        try:
            rdb = Database(settings.restricted_zone_url, zone="restricted", read_only=read_only, setting="restricted_url")
        except Exception:
            shared.close()
            raise
    store = Store(shared, rdb)
    if migrate and not read_only:
        applied = store.migrate()
        _backfill_org_code(store, settings, applied)
    return store


#: (zone, migration that added org_code, table) of every table whose rows belong to an organisation
_ORG_CODE_MIGRATIONS = (
    ("shared", 5, "signals"), ("restricted", 6, "signals_raw"), ("shared", 7, "ingest_runs"),
    ("shared", 21, "topic_models"), ("shared", 41, "perception_models"), ("shared", 61, "pipeline_runs"),
    ("shared", 82, "category_models"),
)


def _backfill_org_code(store: Store, settings: Settings, applied: dict[str, list[int]]) -> None:
    """Rows stored before the org_code column (migrations 5, 6, 7, 21, 41, 61 and 82) belong to
    this deployment's organisation (setting ``organisation_code``): filled in once, when the
    column is added."""
    for zone, version, table in _ORG_CODE_MIGRATIONS:
        if version in applied.get(zone, []):
            db = store.shared if zone == "shared" else store.restricted
            db.execute(f"UPDATE {table} SET org_code = ? WHERE org_code IS NULL", [settings.organisation_code])
