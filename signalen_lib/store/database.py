"""One zone of the store (shared or restricted) on DuckDB or PostgreSQL, behind one interface.

SQL passed to :meth:`Database.execute` and :meth:`Database.query_df` uses ``?`` placeholders and
the subset of SQL both engines speak (TEXT, INTEGER, BIGINT, FLOAT8, BOOLEAN, TIMESTAMP,
``ON CONFLICT DO NOTHING``). Bulk loads go through :meth:`insert_df` (DuckDB: a registered
DataFrame; PostgreSQL: COPY).
"""
from __future__ import annotations

import contextlib
import io
import re
import threading
from typing import Any, Iterator, Sequence

import numpy as np
import pandas as pd

from signalen_lib.config import ConfigError
from signalen_lib.store.urls import ParsedUrl, parse_url


class StoreError(Exception):
    """A storage operation failed; the message says which zone and what."""


_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _ident(name: str) -> str:
    if not _IDENT.match(name):
        raise StoreError(f"not a valid table or column name: {name!r}")
    return name


class Database:
    """A connection to one zone. Use :func:`signalen_lib.store.open_store` to get both zones."""

    def __init__(self, url: str, *, zone: str = "shared", read_only: bool = False, setting: str = "database_url"):
        self.url = url
        self.zone = zone
        self.read_only = read_only
        self.setting = setting
        self.parsed: ParsedUrl = parse_url(url, setting)
        self.backend = self.parsed.backend
        self._con: Any = None
        self._lock = threading.RLock()
        self._in_tx = 0
        self._keys_cache: dict[str, list[tuple[str, ...]] | None] = {}
        self._connect()

    # ---- connection ------------------------------------------------------------------
    def _connect(self) -> None:
        if self.backend == "duckdb":
            import duckdb

            path = self.parsed.path
            if path is not None:
                if not path.parent.exists():
                    if self.read_only:
                        raise ConfigError(f"setting '{self.setting}': folder {path.parent} does not exist")
                    path.parent.mkdir(parents=True, exist_ok=True)
                if self.read_only and not path.exists():
                    raise ConfigError(f"setting '{self.setting}': database file {path} does not exist (run the pipeline first)")
            try:
                self._con = duckdb.connect(str(path) if path else ":memory:", read_only=self.read_only)
            except duckdb.IOException as exc:
                raise ConfigError(f"setting '{self.setting}': cannot open {path}: {str(exc).splitlines()[0]}") from None
            self._con.execute("SET enable_progress_bar = false")
        else:
            import psycopg

            try:
                self._con = psycopg.connect(self.parsed.dsn, autocommit=True, connect_timeout=5)
            except psycopg.OperationalError as exc:
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else "connection failed"
                raise ConfigError(f"setting '{self.setting}': cannot connect to PostgreSQL at {self._safe_dsn()}: {first}") from None
            if self.parsed.schema:
                schema = _ident(self.parsed.schema)
                if not self.read_only:
                    self._con.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
                self._con.execute(f'SET search_path TO "{schema}"')

    def _safe_dsn(self) -> str:
        return re.sub(r"://([^:@/]+):[^@/]*@", r"://\1:***@", self.parsed.dsn or "")

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def __enter__(self) -> "Database":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def schema(self) -> str | None:
        return self.parsed.schema

    # ---- SQL -------------------------------------------------------------------------
    def _sql(self, sql: str, params: Sequence | None) -> str:
        if self.backend == "postgres" and params:
            return sql.replace("%", "%%").replace("?", "%s")
        return sql

    @staticmethod
    def _params(params: Sequence | None) -> list | None:
        if params is None:
            return None
        out = []
        for p in params:
            if isinstance(p, np.generic):
                p = p.item()
            elif isinstance(p, pd.Timestamp):
                p = p.to_pydatetime()
            out.append(p)
        return out

    def execute(self, sql: str, params: Sequence | None = None) -> list[tuple]:
        """Run one statement; returns the fetched rows (empty for statements without a result)."""
        with self._lock:
            if self.backend == "duckdb":
                cur = self._con.execute(sql, self._params(params) or [])
                try:
                    return cur.fetchall()
                except Exception:
                    return []
            with self._con.cursor() as cur:
                cur.execute(self._sql(sql, params), self._params(params))
                return cur.fetchall() if cur.description else []

    def executemany(self, sql: str, rows: Sequence[Sequence]) -> None:
        with self._lock:
            if self.backend == "duckdb":
                self._con.executemany(sql, [self._params(r) for r in rows])
            else:
                with self._con.cursor() as cur:
                    cur.executemany(self._sql(sql, rows[0] if rows else [1]), [self._params(r) for r in rows])

    def query_df(self, sql: str, params: Sequence | None = None) -> pd.DataFrame:
        with self._lock:
            if self.backend == "duckdb":
                return self._con.execute(sql, self._params(params) or []).df()
            with self._con.cursor() as cur:
                cur.execute(self._sql(sql, params), self._params(params))
                cols = [d.name for d in cur.description]
                return pd.DataFrame(cur.fetchall(), columns=cols)

    def scalar(self, sql: str, params: Sequence | None = None) -> Any:
        rows = self.execute(sql, params)
        return rows[0][0] if rows else None

    @contextlib.contextmanager
    def transaction(self) -> Iterator["Database"]:
        """All statements inside run in one transaction: committed at the end, rolled back on error
        (including KeyboardInterrupt). Nested use joins the outer transaction."""
        with self._lock:
            if self._in_tx:
                self._in_tx += 1
                try:
                    yield self
                finally:
                    self._in_tx -= 1
                return
            self._in_tx = 1
            if self.backend == "duckdb":
                self._con.execute("BEGIN TRANSACTION")
            else:
                self._con.execute("BEGIN")
            try:
                yield self
            except BaseException:
                self._con.execute("ROLLBACK")
                raise
            else:
                self._con.execute("COMMIT")
            finally:
                self._in_tx = 0

    # ---- tables ----------------------------------------------------------------------
    def table_exists(self, table: str) -> bool:
        if self.backend == "duckdb":
            return bool(self.scalar("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]))
        return bool(
            self.scalar(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = ? AND table_schema = current_schema()",
                [table],
            )
        )

    def columns(self, table: str) -> list[str]:
        df = self.query_df(f"SELECT * FROM {_ident(table)} LIMIT 0")
        return list(df.columns)

    def count(self, table: str, where: str = "", params: Sequence | None = None) -> int:
        sql = f"SELECT count(*) FROM {_ident(table)}" + (f" WHERE {where}" if where else "")
        return int(self.scalar(sql, params))

    def insert_df(self, table: str, df: pd.DataFrame, *, on_conflict_ignore: bool = False) -> int:
        """Bulk-insert a DataFrame whose columns are a subset of the table's. Returns rows given."""
        if df is None or len(df) == 0:
            return 0
        cols = [_ident(c) for c in df.columns]
        collist = ", ".join(cols)
        with self._lock:
            if self.backend == "duckdb":
                keys = self._unique_keys(table) if on_conflict_ignore else None
                if keys is not None and all(c in df.columns for key in keys for c in key):
                    return self._insert_new_duckdb(table, df, collist, keys)
                name = f"__ins_{threading.get_ident()}"
                self._con.register(name, df)
                try:
                    conflict = " ON CONFLICT DO NOTHING" if on_conflict_ignore else ""
                    self._con.execute(f"INSERT INTO {_ident(table)} ({collist}) SELECT {collist} FROM {name}{conflict}")
                finally:
                    self._con.unregister(name)
                return len(df)
            return self._copy_pg(table, df, cols, on_conflict_ignore)

    def _unique_keys(self, table: str) -> list[tuple[str, ...]] | None:
        """DuckDB: the column sets of the table's PRIMARY KEY and UNIQUE constraints (cached)."""
        cache = self._keys_cache
        if table not in cache:
            rows = self._con.execute(
                "SELECT constraint_column_names FROM duckdb_constraints() WHERE table_name = ? "
                "AND constraint_type IN ('PRIMARY KEY', 'UNIQUE')" + (" AND schema_name = ?" if self.schema else ""),
                [table, self.schema] if self.schema else [table]).fetchall()
            cache[table] = [tuple(r[0]) for r in rows] or None
        return cache[table]

    def _insert_new_duckdb(self, table: str, df: pd.DataFrame, collist: str, keys: list[tuple[str, ...]]) -> int:
        """``INSERT … ON CONFLICT DO NOTHING`` without DuckDB's conflict check, whose cost grows with
        the table (a 5,000-row batch took seconds once the table held 100,000 rows): rows whose key
        is already in the table, or earlier in ``df``, are left out by an anti-join, then inserted
        plainly. Should a row still conflict (outside a transaction), the statement is repeated with
        ON CONFLICT DO NOTHING."""
        for key in keys:  # within the frame the first row of a key wins, as ON CONFLICT would have it
            complete = df[list(key)].notna().all(axis=1)
            dup = df[list(key)].duplicated(keep="first") & complete
            if dup.any():
                df = df[~dup]
        name = f"__ins_{threading.get_ident()}"
        tbl = _ident(table)
        absent = " AND ".join(
            f"NOT EXISTS (SELECT 1 FROM {tbl} t WHERE " + " AND ".join(f"t.{_ident(c)} = n.{_ident(c)}" for c in key) + ")"
            for key in keys)
        self._con.register(name, df)
        try:
            sql = f"INSERT INTO {tbl} ({collist}) SELECT {collist} FROM {name} n WHERE {absent}"
            try:
                self._con.execute(sql)
            except Exception as exc:  # noqa: BLE001 - only a constraint violation is retried
                if "constraint" not in str(exc).lower() or self._in_tx:  # an open transaction is aborted by now
                    raise
                self._con.execute(sql + " ON CONFLICT DO NOTHING")
        finally:
            self._con.unregister(name)
        return len(df)

    def _copy_pg(self, table: str, df: pd.DataFrame, cols: list[str], on_conflict_ignore: bool) -> int:
        buf = io.StringIO()
        out = df.copy()
        for c in out.columns:
            s = out[c]
            if pd.api.types.is_datetime64_any_dtype(s):
                out[c] = s.dt.strftime("%Y-%m-%d %H:%M:%S.%f").where(s.notna(), None)
            elif pd.api.types.is_bool_dtype(s):
                out[c] = s.map({True: "t", False: "f"})
            elif pd.api.types.is_float_dtype(s):
                vals = s.dropna()
                if len(vals) and bool((vals == np.round(vals)).all()):
                    out[c] = s.astype("Int64")  # "8" not "8.0", so INTEGER columns accept it
            elif pd.api.types.is_integer_dtype(s):
                pass
            else:
                out[c] = s.astype(object).where(s.notna(), None)
        # CSV with \N for NULL; strings always quoted so an empty string stays an empty string
        import csv

        out.to_csv(buf, index=False, header=False, na_rep="\\N", quoting=csv.QUOTE_NONNUMERIC)
        data = buf.getvalue().replace('"\\N"', "\\N")
        collist = ", ".join(cols)
        target = _ident(table)
        with self._con.cursor() as cur:
            if on_conflict_ignore:
                tmp = f"__copy_{table}"
                cur.execute(f"CREATE TEMP TABLE IF NOT EXISTS {tmp} (LIKE {target} INCLUDING DEFAULTS)")
                cur.execute(f"TRUNCATE {tmp}")
                with cur.copy(f"COPY {tmp} ({collist}) FROM STDIN WITH (FORMAT csv, NULL '\\N')") as cp:
                    cp.write(data)
                cur.execute(f"INSERT INTO {target} ({collist}) SELECT {collist} FROM {tmp} ON CONFLICT DO NOTHING")
            else:
                with cur.copy(f"COPY {target} ({collist}) FROM STDIN WITH (FORMAT csv, NULL '\\N')") as cp:
                    cp.write(data)
        return len(df)
