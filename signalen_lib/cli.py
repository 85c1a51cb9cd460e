"""``signalen`` command line: a thin layer over the library.

Each part of the package adds its commands in ``signalen_lib/<part>/commands.py`` with a
``register(app)`` function; this module only wires them up and turns known errors into one-line
messages instead of tracebacks.
"""
from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Optional

import typer

from signalen_lib.config import ConfigError, load_config

app = typer.Typer(
    help="signalen: werkbank voor signaalmanagement (collect, mask, model, validate, show, improve).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

COMMAND_MODULES = (
    "signalen_lib.synth.commands",
    "signalen_lib.ingest.commands",
    "signalen_lib.privacy.commands",
    "signalen_lib.topics.commands",
    "signalen_lib.validation.commands",
    "signalen_lib.perception.commands",
    "signalen_lib.reports.commands",
    "signalen_lib.improvements.commands",
    "signalen_lib.runs.commands",
    "signalen_lib.dashboard.commands",
    "signalen_lib.categories.commands",
    "signalen_lib.national.commands",
)

ConfigOption = typer.Option(None, "--config", "-c", help="YAML file with settings (see signalen_lib/defaults.yaml).")


def open_shared(config: Path | None, read_only: bool = False):
    """(settings, store with the shared zone only) for a command; the store is a context manager."""
    from signalen_lib.store import open_store

    settings = load_config(config)
    return settings, open_store(settings, restricted=False, read_only=read_only)


@app.command("config")
def show_config(config: Optional[Path] = ConfigOption) -> None:
    """Print the effective settings (defaults <- config file <- SIGNALEN_* variables)."""
    settings = load_config(config)
    for name, value in settings.model_dump().items():
        typer.echo(f"{name}: {value}")
    typer.echo(f"# shared zone: {settings.shared_url}")
    typer.echo(f"# restricted zone: {settings.restricted_zone_url}")


@app.command("init-db")
def init_db(config: Optional[Path] = ConfigOption) -> None:
    """Create or upgrade the store's tables in both zones (versioned migrations)."""
    from signalen_lib.store import open_store

    settings = load_config(config)
    with open_store(settings, migrate=False) as store:
        applied = store.migrate()
    for zone, versions in applied.items():
        typer.echo(f"{zone}: {'applied ' + ', '.join(map(str, versions)) if versions else 'up to date'}")


# command -> module, so that `signalen <command>` imports only what that command needs
# (tests/test_cli.py checks this map against what the modules register).
COMMAND_INDEX: dict[str, str] = {
    "demo-data": "signalen_lib.synth.commands",
    **dict.fromkeys(("ingest", "mask", "quarantine"), "signalen_lib.ingest.commands"),
    **dict.fromkeys(("mask-text", "privacy-eval", "retention", "privacy-report", "algoritmeregister"),
                    "signalen_lib.privacy.commands"),
    "topics": "signalen_lib.topics.commands",
    **dict.fromkeys(("validate", "labels"), "signalen_lib.validation.commands"),
    "perception": "signalen_lib.perception.commands",
    **dict.fromkeys(("kpi", "drivers", "compliments"), "signalen_lib.reports.commands"),
    **dict.fromkeys(("effect", "improvements"), "signalen_lib.improvements.commands"),
    **dict.fromkeys(("pipeline", "report", "runs", "demo"), "signalen_lib.runs.commands"),
    "serve": "signalen_lib.dashboard.commands",
    "categories": "signalen_lib.categories.commands",
    **dict.fromkeys(("publish", "national-effect"), "signalen_lib.national.commands"),
}


def _register(names) -> None:
    for name in names:
        importlib.import_module(name).register(app)


def _register_for(argv: list[str]) -> None:
    first = argv[0] if argv and not argv[0].startswith("-") else None
    module = COMMAND_INDEX.get(first) if first else None
    _register([module] if module else COMMAND_MODULES)


NOISY_LOGGERS = ("gensim", "papermill", "smart_open", "traitlets", "presidio-analyzer", "numexpr", "nbclient", "urllib3")


def _quiet_libraries(verbose: bool) -> None:
    """Library INFO/DEBUG logs (gensim, papermill, presidio, ...) only with ``--verbose``."""
    import logging

    level = logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(level)
    # nbconvert (through traitlets) warns on every report that chart images carry no alt text
    logging.getLogger("traitlets").setLevel(logging.INFO if verbose else logging.ERROR)


def main(argv: list[str] | None = None) -> int:
    """Entry point: known errors become one line on stderr and exit code 2. ``--verbose`` (anywhere on
    the line) shows the libraries' INFO logs."""
    from signalen_lib.store.database import StoreError

    argv = sys.argv[1:] if argv is None else argv
    verbose = any(a in ("--verbose", "-v") for a in argv)
    argv = [a for a in argv if a not in ("--verbose", "-v")]
    _quiet_libraries(verbose)
    _register_for(argv)
    try:
        rc = app(args=argv, standalone_mode=False)  # click returns the code of typer.Exit(n) here
    except (ConfigError, StoreError, PermissionError, FileNotFoundError) as exc:
        typer.echo(f"signalen: error: {exc}", err=True)
        return 2
    except typer.Exit as exc:  # raised by commands for their own exit codes
        return exc.exit_code
    except SystemExit as exc:
        return int(exc.code or 0)
    except Exception as exc:  # click (or typer's vendored click) usage errors and aborts
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):
            exc.show()
            return exc.exit_code
        if type(exc).__name__ == "Abort":
            typer.echo("Aborted.", err=True)
            return 130
        raise
    return rc if isinstance(rc, int) else 0


if __name__ == "__main__":
    sys.exit(main())
