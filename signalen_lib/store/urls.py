"""Database URLs: ``duckdb:///relative/file.duckdb`` or ``duckdb:////absolute/file.duckdb`` and ``postgresql://user@host:port/db[?schema=NAME]``."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from signalen_lib.config import ConfigError, project_root


@dataclass(frozen=True)
class ParsedUrl:
    backend: str  # "duckdb" | "postgres"
    path: Path | None = None  # duckdb file (None for in-memory)
    dsn: str | None = None  # postgres conninfo without our own parameters
    schema: str | None = None  # postgres schema holding the tables


def parse_url(url: str, setting: str = "database_url") -> ParsedUrl:
    if url.startswith("duckdb://"):
        rest = url[len("duckdb://"):]
        if rest in ("", "/", "/:memory:", ":memory:"):
            return ParsedUrl("duckdb", None)
        if not rest.startswith("/"):
            raise ConfigError(f"setting '{setting}': a DuckDB URL is duckdb:///path/to/file.duckdb (got {url!r})")
        if rest.startswith("//"):  # duckdb:////abs/path
            return ParsedUrl("duckdb", Path(rest[1:]))
        return ParsedUrl("duckdb", project_root() / rest[1:])  # duckdb:///relative/path (SQLAlchemy convention)
    if url.startswith(("postgresql://", "postgres://")):
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query))
        schema = query.pop("schema", None)
        if schema is not None and not schema.replace("_", "").isalnum():
            raise ConfigError(f"setting '{setting}': schema name {schema!r} must be letters, digits and _")
        dsn = urlunsplit(("postgresql", parts.netloc, parts.path, urlencode(query), ""))
        return ParsedUrl("postgres", dsn=dsn, schema=schema)
    raise ConfigError(
        f"setting '{setting}': unsupported URL {url!r} (use duckdb:///path or postgresql://user@host:port/db)"
    )

