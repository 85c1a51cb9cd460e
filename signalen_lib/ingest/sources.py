"""The source register: which sources may be ingested, how their exports map onto the record."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from ..config import ConfigError, Settings
from ..schema import FIELD_NAMES

FORMATS = ("csv", "xlsx", "json", "jsonl")
ENCODINGS = ("auto", "utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1")
# fields a source may map (lineage and derived fields are set by ingest itself)
MAPPABLE = tuple(f for f in FIELD_NAMES if f not in ("signal_id", "source", "content_hash", "source_file", "source_row", "ingest_run_id"))
REQUIRED_MAPPED = ("received_at", "text")


class SourceRefused(Exception):
    """A file may not be ingested: the source is unknown or not approved."""


@dataclass(frozen=True)
class SourceSpec:
    name: str
    kind: str
    owner: str
    path: str
    format: str
    columns: dict[str, str]
    encoding: str = "auto"
    delimiter: str = "auto"
    sheet: str | None = None
    date_format: str = "dutch"
    defaults: dict[str, Any] = field(default_factory=dict)
    retention_days: int = 730
    approved: bool = False
    approved_by: tuple[str, ...] = ()
    approved_on: date | None = None
    organisation: str | None = None  # org_code of the source's organisation (None: setting organisation_code)

    def org_code(self, settings: Settings) -> str:
        return self.organisation or settings.organisation_code

    def check_approved(self) -> None:
        if not self.approved:
            raise SourceRefused(
                f"source '{self.name}' is registered but not approved (approval needs privacy officer, "
                f"information security, records management and the algorithm board); nothing was ingested"
            )


def _spec(name: str, raw: dict[str, Any], origin: Path, default_retention: int) -> SourceSpec:
    where = f"{origin}: source '{name}'"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: must be a mapping")
    known = {"kind", "owner", "path", "format", "encoding", "delimiter", "sheet", "date_format", "columns",
             "defaults", "retention_days", "approval", "organisation"}
    unknown = set(raw) - known
    if unknown:
        raise ConfigError(f"{where}: unknown key '{sorted(unknown)[0]}'")
    fmt = raw.get("format")
    if fmt not in FORMATS:
        raise ConfigError(f"{where}: format must be one of {', '.join(FORMATS)} (got {fmt!r})")
    enc = raw.get("encoding", "auto")
    if enc not in ENCODINGS:
        raise ConfigError(f"{where}: encoding must be one of {', '.join(ENCODINGS)} (got {enc!r})")
    cols = raw.get("columns") or {}
    bad = [k for k in cols if k not in MAPPABLE]
    if bad:
        raise ConfigError(f"{where}: columns maps unknown field '{bad[0]}' (fields: {', '.join(MAPPABLE)})")
    defaults = raw.get("defaults") or {}
    missing = [f for f in REQUIRED_MAPPED if f not in cols and f not in defaults]
    if missing:
        raise ConfigError(f"{where}: columns must map the required field '{missing[0]}'")
    approval = raw.get("approval") or {}
    approved_on = approval.get("date")
    if isinstance(approved_on, str):
        approved_on = date.fromisoformat(approved_on)
    return SourceSpec(
        name=name,
        kind=str(raw.get("kind", "other")),
        owner=str(raw.get("owner", "")),
        path=str(raw.get("path", f"{name}/*")),
        format=fmt,
        columns={k: str(v) for k, v in cols.items()},
        encoding=enc,
        delimiter=str(raw.get("delimiter", "auto")),
        sheet=raw.get("sheet"),
        date_format=str(raw.get("date_format", "dutch")),
        defaults=dict(defaults),
        retention_days=int(raw.get("retention_days", default_retention)),
        approved=bool(approval.get("approved", False)),
        approved_by=tuple(approval.get("by") or ()),
        approved_on=approved_on,
        organisation=str(raw["organisation"]) if raw.get("organisation") else None,
    )


def load_register(settings: Settings) -> dict[str, SourceSpec]:
    """Read the source register (settings.sources_path)."""
    path = Path(settings.sources_path)
    if not path.exists():
        raise ConfigError(f"setting 'sources_file': source register {path} does not exist")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"setting 'sources_file': {path} is not valid YAML: {str(exc).splitlines()[0]}") from None
    sources = data.get("sources") if isinstance(data, dict) else None
    if not isinstance(sources, dict) or not sources:
        raise ConfigError(f"setting 'sources_file': {path} must hold a 'sources:' mapping")
    return {name: _spec(name, raw, path, settings.retention_default_days) for name, raw in sources.items()}


def get_source(settings: Settings, name: str) -> SourceSpec:
    register = load_register(settings)
    if name not in register:
        raise SourceRefused(
            f"source '{name}' is not in the source register {settings.sources_path} "
            f"(registered: {', '.join(sorted(register))}); register and approve it before ingesting"
        )
    return register[name]
