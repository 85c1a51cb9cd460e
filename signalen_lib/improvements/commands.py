"""CLI of step 5, Verbeteren: ``signalen improvements`` (the register) and ``signalen effect``."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from signalen_lib.cli import ConfigOption, open_shared


def register(app: typer.Typer) -> None:
    imp_app = typer.Typer(help="The improvement register (stap 5, Verbeteren).", no_args_is_help=True)

    @imp_app.command("import")
    def imp_import(
        file: Path = typer.Argument(..., help="CSV file (see signalen_lib/improvements/register.py for the columns)."),
        config: Optional[Path] = ConfigOption,
        created_by: Optional[str] = typer.Option(None, "--by", help="Who records these (when the file has no created_by)."),
    ) -> None:
        """Import improvements from CSV; all rows or none, errors name the line and field."""
        from signalen_lib.improvements.register import ImprovementError, import_csv

        settings, store = open_shared(config)
        with store:
            try:
                ids = import_csv(store, file, created_by=created_by, settings=settings)
            except ImprovementError as exc:
                for e in exc.errors:
                    typer.echo(f"signalen: error: {e}", err=True)
                raise SystemExit(2)
        typer.echo(f"imported {len(ids)} improvements: {', '.join(ids)}")

    @imp_app.command("list")
    def imp_list(
        config: Optional[Path] = ConfigOption,
        as_json: bool = typer.Option(False, "--json", help="Print records as JSON."),
    ) -> None:
        """List the registered improvements."""
        from signalen_lib.improvements.register import list_improvements

        settings, store = open_shared(config, read_only=True)
        with store:
            df = list_improvements(store)
        if as_json:
            typer.echo(df.to_json(orient="records", date_format="iso", force_ascii=False))
            return
        if df.empty:
            typer.echo("no improvements registered")
            return
        for r in df.itertuples():
            typer.echo(f"{r.id}\t{r.start_date:%Y-%m-%d}\t{','.join(r.categories)}\t{r.expected_direction}\t{r.title}")

    app.add_typer(imp_app, name="improvements")

    @app.command("effect")
    def effect_cmd(
        config: Optional[Path] = ConfigOption,
        id: Optional[str] = typer.Option(None, "--id", help="Only this improvement (default: all)."),
        as_json: bool = typer.Option(False, "--json", help="Print the results as JSON (with weekly series)."),
        save: bool = typer.Option(False, "--save", help="Record the results in improvement_effects."),
    ) -> None:
        """Measure the effect of improvements: volume per 1,000 contacts and dissatisfaction share."""
        from signalen_lib.improvements.effect import measure_all

        settings, store = open_shared(config, read_only=not save)
        with store:
            try:
                results = measure_all(store, settings, ids=[id] if id else None, save=save)
            except (KeyError, ValueError) as exc:
                typer.echo(f"signalen: error: {exc.args[0]}", err=True)
                raise SystemExit(2)
        if as_json:
            typer.echo(json.dumps([r.to_dict(with_series=True) for r in results], indent=2, default=str, ensure_ascii=False))
            return
        if not results:
            typer.echo("no improvements registered")
        for r in results:
            typer.echo(f"{r.improvement_id}: volume: {r.verdict_nl}")
            if r.dissatisfaction is not None:
                typer.echo(f"{r.improvement_id}: ontevredenheid: {r.dissatisfaction.verdict_nl}")
