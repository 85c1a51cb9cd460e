"""Shared fixtures.

``store`` runs a test twice: on DuckDB files in a temp folder, and on the PostgreSQL server at
127.0.0.1:5432 (database ``test``; each test gets its own schemas, dropped afterwards). Without
PostgreSQL the second run skips with a message on a user's machine and fails under ``CI=true``.
Set SIGNALEN_TEST_PG_URL to use another server.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from signalen_lib.config import load_config

PG_URL = os.environ.get("SIGNALEN_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
REAL_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "real"


def _pg_available() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_URL, connect_timeout=3) as con:
            con.execute("SELECT 1")
        return None
    except Exception as exc:  # noqa: BLE001
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def require_postgres() -> None:
    err = _pg_available()
    if err:
        msg = (
            f"PostgreSQL not reachable at {PG_URL} ({err}). Start a server (user postgres, trust auth, "
            "database 'test') or set SIGNALEN_TEST_PG_URL to enable these tests."
        )
        if IN_CI:
            pytest.fail(msg)
        pytest.skip(msg)


def _drop_schemas(*schemas: str) -> None:
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as con:
        for s in schemas:
            con.execute(f'DROP SCHEMA IF EXISTS "{s}" CASCADE')


@pytest.fixture
def settings_factory(tmp_path):
    """Make Settings for a backend ('duckdb' or 'postgres') with data/reports in tmp_path."""
    created: list[str] = []

    def make(backend: str = "duckdb", **overrides):
        base = dict(data_dir=str(tmp_path / "data"), reports_dir=str(tmp_path / "reports"))
        if backend == "postgres":
            require_postgres()
            tag = uuid.uuid4().hex[:10]
            shared, restricted = f"t_{tag}_shared", f"t_{tag}_restricted"
            created.extend([shared, restricted])
            base["database_url"] = f"{PG_URL}?schema={shared}"
            base["restricted_url"] = f"{PG_URL}?schema={restricted}"
        base.update(overrides)
        return load_config(None, **base)

    yield make
    if created:
        _drop_schemas(*created)


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request) -> str:
    return request.param


@pytest.fixture
def settings(settings_factory, backend):
    return settings_factory(backend)


@pytest.fixture
def store(settings):
    from signalen_lib.store import open_store

    st = open_store(settings)
    yield st
    st.close()


@pytest.fixture(scope="session")
def real_data() -> Path:
    """../shared/data/real, or skip (a user's machine has no shared/ folder)."""
    if not REAL_DATA.exists():
        pytest.skip(f"real Dutch data not found at {REAL_DATA}")
    return REAL_DATA
