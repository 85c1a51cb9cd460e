"""`signalen ingest`."""
from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer

from ..config import load_config


def register(app: typer.Typer) -> None:
    @app.command("ingest")
    def ingest(
        paths: List[Path] = typer.Argument(None, help="Export files of one source. Omit with --all."),
        source: Optional[str] = typer.Option(None, "--source", "-s", help="Registered source name (see data/sources.yaml)."),
        all_sources: bool = typer.Option(False, "--all", help="Ingest every approved source's files under data/raw."),
        no_mask: bool = typer.Option(False, "--no-mask", help="Store in the restricted zone only; mask later (`signalen mask`)."),
        as_json: bool = typer.Option(False, "--json", help="Print the reconciliation as JSON."),
        config: Optional[Path] = typer.Option(None, "--config", "-c", help="Settings YAML."),
    ) -> None:
        """Read, validate, dedupe and store exports; print the reconciliation (read = stored + duplicate
        + quarantined). Exits 1 when a file could not be read at all, 2 on a refused source or bad settings."""
        from ..store import open_store
        from .load import _progress, ingest_all, ingest_files
        from .sources import SourceRefused

        settings = load_config(config)
        if all_sources == bool(paths):
            raise typer.BadParameter("give export files with --source NAME, or --all")
        if paths and not source:
            raise typer.BadParameter("--source NAME is required with files")
        with open_store(settings) as store:
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
    def mask(config: Optional[Path] = typer.Option(None, "--config", "-c", help="Settings YAML.")) -> None:
        """Mask every stored raw signal not yet in the shared zone (resumes an interrupted run)."""
        from ..store import open_store
        from .load import _progress, mask_pending

        settings = load_config(config)
        with open_store(settings) as store:
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
