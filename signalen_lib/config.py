"""The one authority for paths and settings.

Settings come from, in increasing priority: ``signalen_lib/defaults.yaml``, an optional user
YAML file (``--config FILE`` or ``SIGNALEN_CONFIG``), and ``SIGNALEN_<NAME>`` environment
variables. Every key is declared in :class:`Settings`; an unknown key is an error that names it.
Nothing else in the package hard-codes a path: ask ``load_config()``.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULTS_FILE = PACKAGE_DIR / "defaults.yaml"
ENV_PREFIX = "SIGNALEN_"


class ConfigError(Exception):
    """A setting is wrong; the message names the setting and fits on one line."""


def project_root() -> Path:
    """The folder that holds data/ and reports/: SIGNALEN_HOME, else the checkout, else cwd."""
    home = os.environ.get("SIGNALEN_HOME")
    if home:
        return Path(home).resolve()
    checkout = PACKAGE_DIR.parent
    if (checkout / "pyproject.toml").exists():
        return checkout
    return Path.cwd()


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    data_dir: Path
    reports_dir: Path
    database_url: str | None = None
    restricted_url: str | None = None
    sources_file: Path | None = None
    taxonomy_file: Path | None = None
    language: str = "nl"
    timezone: str = "Europe/Amsterdam"
    min_cell_size: int = 5
    retention_default_days: int = 730
    retention_in_pipeline: bool = False
    ingest_chunk_rows: int = 50000
    workers: int = 0
    mask_batch_rows: int = 5000
    n_topics: int | None = None
    free_topics: int = 8
    overig_threshold: float = 0.25
    max_topics_per_text: int = 3
    seed: int = 42
    gate_macro_f1: float = 0.7
    gate_kappa: float = 0.6
    gate_enforce: bool = True
    dissatisfied_max_score: int = 6
    kpi_target_change: float = -0.30
    kpi_baseline: str | None = None
    dashboard_host: str = "127.0.0.1"
    dashboard_port: int = 8866
    dashboard_max_kernels: int = 8
    dashboard_kernel_grace_seconds: int = 30
    lock_wait_seconds: float = 1800.0
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_from: str = "signalen@localhost"
    alert_recipients: list[str] = []
    organisation_code: str = "GM0599"
    organisation_name: str = "Rotterdam"
    national_url: str | None = None
    national_publish: str = "signals"
    publish_batch_rows: int = 20000
    register_organisation: str = "Gemeente Rotterdam"
    register_contact: str = "algoritmes@rotterdam.nl"
    register_legal_basis: str = ""
    register_publication_category: str = "Overige algoritmes"
    engine: Literal["local", "dask"] = "local"
    dask_scheduler: str | None = None
    dask_workers: int = 2
    dask_partition_rows: int = 5000
    dask_mask_local: bool = True

    # ---- derived paths -------------------------------------------------------------
    @property
    def shared_url(self) -> str:
        return self.database_url or f"duckdb:///{self.data_dir / 'signalen.duckdb'}"

    @property
    def restricted_zone_url(self) -> str:
        if self.restricted_url:
            return self.restricted_url
        if self.shared_url.startswith("postgres"):
            return _with_schema(self.shared_url, "restricted")
        return f"duckdb:///{self.data_dir / 'restricted.duckdb'}"

    @property
    def raw_dir(self) -> Path:
        return self.data_dir / "raw"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"

    @property
    def runs_dir(self) -> Path:
        return self.reports_dir / "runs"

    @property
    def sources_path(self) -> Path:
        if self.sources_file:
            return self.sources_file
        local = self.data_dir / "sources.yaml"
        return local if local.exists() else PACKAGE_DIR / "ingest" / "sources.yaml"

    @property
    def taxonomy_path(self) -> Path:
        return self.taxonomy_file or PACKAGE_DIR / "vocab" / "taxonomy.yaml"

    @property
    def geo_dir(self) -> Path:
        return PACKAGE_DIR / "geo"

    def ensure_dirs(self) -> None:
        """Create data/ and reports/ (a missing data dir is created, not an error)."""
        for d in (self.data_dir, self.reports_dir):
            try:
                d.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ConfigError(f"data_dir/reports_dir: cannot create {d}: {exc.strerror}") from exc


def _with_schema(url: str, schema: str) -> str:
    """``url`` with ``?schema=<schema>`` (the restricted zone's schema beside a PostgreSQL shared zone)."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query["schema"] = schema
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


_FIELDS = set(Settings.model_fields)
_LIST_FIELDS = {n for n, f in Settings.model_fields.items() if getattr(f.annotation, "__origin__", None) is list}


def _read_yaml(path: Path) -> dict[str, Any]:
    if not path.exists():
        raise ConfigError(f"config file {path} does not exist")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"config file {path} is not valid YAML: {exc}".splitlines()[0]) from exc
    if not isinstance(data, dict):
        raise ConfigError(f"config file {path} must hold a mapping of settings")
    unknown = sorted(set(data) - _FIELDS)
    if unknown:
        raise ConfigError(
            f"config file {path}: unknown setting '{unknown[0]}' (known: {', '.join(sorted(_FIELDS))})"
        )
    return data


def load_config(path: str | os.PathLike | None = None, **overrides: Any) -> Settings:
    """Load settings: defaults <- YAML file <- SIGNALEN_* env <- keyword overrides."""
    values: dict[str, Any] = _read_yaml(DEFAULTS_FILE)
    cfg_path = path or os.environ.get(ENV_PREFIX + "CONFIG")
    if cfg_path:
        values.update(_read_yaml(Path(cfg_path)))
    for key, val in os.environ.items():
        if not key.startswith(ENV_PREFIX) or key in (ENV_PREFIX + "CONFIG", ENV_PREFIX + "HOME"):
            continue
        name = key[len(ENV_PREFIX):].lower()
        if name not in _FIELDS:
            raise ConfigError(f"environment variable {key}: unknown setting '{name}'")
        if name in _LIST_FIELDS:  # a list setting from the environment: comma-separated
            values[name] = [x.strip() for x in val.strip("[]").replace("'", "").split(",") if x.strip()]
        else:
            values[name] = None if val == "" else val
    for key, val in overrides.items():
        if key not in _FIELDS:
            raise ConfigError(f"unknown setting '{key}'")
        values[key] = val
    root = project_root()
    for key in ("data_dir", "reports_dir", "sources_file", "taxonomy_file"):
        if values.get(key) is not None:
            p = Path(values[key]).expanduser()
            values[key] = p if p.is_absolute() else root / p
    try:
        settings = Settings(**values)
    except ValidationError as exc:
        err = exc.errors()[0]
        name = ".".join(str(x) for x in err["loc"])
        raise ConfigError(f"setting '{name}': {err['msg']} (got {err.get('input')!r})") from None
    if settings.dask_scheduler and not settings.dask_scheduler.startswith(("tcp://", "tls://", "inproc://")):
        raise ConfigError(f"setting 'dask_scheduler': not a scheduler address {settings.dask_scheduler!r} "
                          "(use tcp://host:8786, or leave it empty for a local cluster)")
    if settings.dask_workers < 1 or settings.dask_partition_rows < 1:
        raise ConfigError("settings 'dask_workers' and 'dask_partition_rows' must be at least 1")
    for key in ("database_url", "restricted_url"):
        url = getattr(settings, key)
        if url is not None and not url.startswith(("duckdb://", "postgresql://", "postgres://")):
            raise ConfigError(
                f"setting '{key}': unsupported URL {url!r} (use duckdb:///path or postgresql://user@host:port/db)"
            )
    return settings
