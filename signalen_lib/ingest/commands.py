"""`signalen ingest`, `signalen mask`, `signalen quarantine`.

Ingest and mask write both zones, so they take the store's one lock (``signalen_lib.runs.lock``):
while a pipeline, report, retention or another ingest runs on the same data folder they wait
(``--wait``, default setting ``lock_wait_seconds``) and then refuse with exit code 3.
"""
from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import Iterator, List, Optional

import typer

from ..config import load_config

EXIT_LOCKED = 3
WaitOption = typer.Option(None, "--wait", help="Seconds to wait for a running pipeline/ingest/retention on the same "
                                               "data folder (default: setting lock_wait_seconds).")


def _err(msg: str) -> None:
    typer.echo(f"signalen: {msg}", err=True)
    sys.stderr.flush()


@contextlib.contextmanager
def writing_store(settings, command: str, wait: float | None) -> Iterator:
    """The store opened for writing under the lock (see ``signalen_lib.runs.lock``); exits 3 with
    one line naming the holder when the lock or the DuckDB file stays taken."""
    from ..runs.lock import PipelineLocked, StoreBusy, command_lock, open_store_waiting

    try:
        lock = command_lock(settings, command, wait=wait, say=_err).acquire()
    except PipelineLocked as exc:
        _err(str(exc))
        raise SystemExit(EXIT_LOCKED) from None
    try:
        if lock.stale:
            _err(f"note: took over the lock of {lock.describe(lock.stale)}, which is gone")
        try:
            store = open_store_waiting(settings, say=_err)
        except StoreBusy as exc:
            _err(str(exc))
            raise SystemExit(EXIT_LOCKED) from None
        with store:
            yield store
    finally:
        lock.release()


def register(app: typer.Typer) -> None:
    @app.command("ingest")
    def ingest(
        paths: List[Path] = typer.Argument(None, help="Export files of one source. Omit with --all."),
        source: Optional[str] = typer.Option(None, "--source", "-s", help="Registered source name (see data/sources.yaml)."),
        all_sources: bool = typer.Option(False, "--all", help="Ingest every approved source's files under data/raw."),
        no_mask: bool = typer.Option(False, "--no-mask", help="Store in the restricted zone only; mask later (`signalen mask`)."),
        as_json: bool = typer.Option(False, "--json", help="Print the reconciliation as JSON."),
        wait: Optional[float] = WaitOption,
        config: Optional[Path] = typer.Option(None, "--config", "-c", help="Settings YAML."),
    ) -> None:
        """Read, validate, dedupe and store exports; print the reconciliation (read = stored + duplicate
        + quarantined). Exits 1 when a file could not be read at all, 2 on a refused source or bad settings,
        3 when another command kept the store busy for longer than --wait."""
        from .load import _progress, ingest_all, ingest_files
        from .sources import SourceRefused

        settings = load_config(config)
        if all_sources == bool(paths):
            raise typer.BadParameter("give export files with --source NAME, or --all")
        if paths and not source:
            raise typer.BadParameter("--source NAME is required with files")
        with writing_store(settings, "ingest", wait) as store:
            try:
                if all_sources:
                    results = ingest_all(store, settings, mask=not no_mask, progress=_progress)
                else:
                    results = [ingest_files(store, settings, paths, source, mask=not no_mask, progress=_progress)]
            except SourceRefused as exc:
                typer.echo(f"signalen: refused: {exc}", err=True)
                raise typer.Exit(2)
        if as_json:
            typer.echo(json.dumps([r.as_dict() for r in results], indent=2, default=str))
        else:
            for r in results:
                for line in r.summary_lines():
                    typer.echo(line)
        if any(r.failed_files for r in results):
            raise typer.Exit(1)

    @app.command("mask")
    def mask(
        wait: Optional[float] = WaitOption,
        config: Optional[Path] = typer.Option(None, "--config", "-c", help="Settings YAML."),
    ) -> None:
        """Mask every stored raw signal not yet in the shared zone (resumes an interrupted run)."""
        from .load import _progress, mask_pending

        settings = load_config(config)
        with writing_store(settings, "mask", wait) as store:
            n = mask_pending(store, settings, progress=_progress)
        typer.echo(f"masked {n} signals into the shared zone")

    @app.command("quarantine")
    def quarantine(
        run_id: Optional[str] = typer.Option(None, help="Only this ingest run."),
        limit: int = typer.Option(50, help="Rows to show."),
        config: Optional[Path] = typer.Option(None, "--config", "-c", help="Settings YAML."),
    ) -> None:
        """List quarantined rows (file, line, field, reason). Restricted zone: raw content is not shown."""
        from ..store import open_store

        settings = load_config(config)
        with open_store(settings) as store:
            where, params = ("WHERE run_id LIKE ?", [run_id + "%"]) if run_id else ("", [])
            df = store.restricted.query_df(
                f"SELECT source_file, line, field, reason FROM quarantine {where} ORDER BY source_file, line LIMIT {int(limit)}",
                params,
            )
        for r in df.itertuples():
            typer.echo(f"{r.source_file}:{r.line}: {r.field}: {r.reason}")
