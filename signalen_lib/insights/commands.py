"""CLI of the insights part: perception, kpi, drivers, compliments, improvements, effect.

The dashboard developer's modules (``aggregates``, ``alerts``) may define a
``register_commands(app)``; it is called from here so their commands appear too.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

ConfigOption = typer.Option(None, "--config", "-c", help="YAML file with settings (see signalen_lib/defaults.yaml).")


def _open(config, read_only: bool = False):
    from ..config import load_config
    from ..store import open_store

    settings = load_config(config)
    return settings, open_store(settings, restricted=False, read_only=read_only)


def _window(text: Optional[str]):
    if not text:
        return None
    parts = text.split(":") if ":" in text else text.split("..")
    if len(parts) != 2:
        raise typer.BadParameter(f"{text!r}: give a window as START:END, e.g. 2023-01-01:2023-12-31")
    return tuple(parts)


def register(app: typer.Typer) -> None:
    @app.command("perception")
    def perception_cmd(
        config: Optional[Path] = ConfigOption,
        labels: Optional[Path] = typer.Option(None, "--labels", help="CSV with signal_id,perception (default: the labels table)."),
        no_eval: bool = typer.Option(False, "--no-eval", help="Skip the held-out evaluation fit (faster)."),
        as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
        texts: Optional[Path] = typer.Option(None, "--texts", help="Standalone mode: CSV with id,text; --labels then holds id,polarity (positive/negative/neutral/mixed)."),
        train_fraction: float = typer.Option(0.3, "--train-fraction", help="Standalone mode: share of the labels to learn from; the rest is held out."),
        seed: int = typer.Option(0, "--seed", help="Standalone mode: seed for the split and the models."),
    ) -> None:
        """Train the perception model (KTO scores + hand labels) and write signal_perception; with
        --texts and --labels, score the workbench against TF-IDF + LR on held-out labels instead."""
        if texts is not None:  # standalone: no store (signalen_lib.validation.standalone)
            from ..validation.commands import perception_standalone

            return perception_standalone(texts, labels, train_fraction, seed, as_json, config)
        import pandas as pd

        from .perception import assign_perception

        settings, store = _open(config)
        with store:
            lab = pd.read_csv(labels, sep=None, engine="python") if labels else None
            summary = assign_perception(store, settings, lab, evaluate=not no_eval)
        if as_json:
            typer.echo(json.dumps(summary, indent=2, default=str))
            return
        typer.echo(f"model {summary.get('model_version')}: {summary.get('n_signals')} signals, "
                   f"{summary.get('n_train_weak', 0)} weak labels, {summary.get('n_labelled')} hand labels")
        for k, m in (summary.get("evaluation") or {}).items():
            typer.echo(f"  {k}: n={m['n']} accuracy={m['accuracy']:.3f} macro-F1={m['macro_f1']:.3f}")
        for s, d in (summary.get("distribution") or {}).items():
            typer.echo(f"  {s}: " + ", ".join(f"{k} {v:.0%}" for k, v in d.items()))

    @app.command("kpi")
    def kpi_cmd(
        config: Optional[Path] = ConfigOption,
        by: str = typer.Option("source", "--by", help="Comma-separated: source, channel, cluster, afdeling, wijk, category."),
        period: str = typer.Option("month", "--period", help="day, week, month, quarter or year."),
        baseline: Optional[str] = typer.Option(None, "--baseline", help="START:END of the baseline window (ends inclusive)."),
        current: Optional[str] = typer.Option(None, "--current", help="START:END of the window to compare (one row per group)."),
        as_json: bool = typer.Option(False, "--json", help="Print records as JSON."),
    ) -> None:
        """Share of dissatisfied KTO scores (0..dissatisfied_max_score), its change and distance to target."""
        from .kpi import kpi

        settings, store = _open(config, read_only=True)
        with store:
            df = kpi(store, by=[b.strip() for b in by.split(",") if b.strip()], period=period,
                     baseline=_window(baseline), current=_window(current), settings=settings)
        if as_json:
            typer.echo(df.to_json(orient="records", date_format="iso"))
        else:
            typer.echo(df.to_string(index=False, float_format=lambda x: f"{x:.3f}"))

    @app.command("drivers")
    def drivers_cmd(
        config: Optional[Path] = ConfigOption,
        start: Optional[str] = typer.Option(None, help="From this date (inclusive)."),
        end: Optional[str] = typer.Option(None, help="Until this date (exclusive)."),
        level: str = typer.Option("category", help="category or subcategory."),
    ) -> None:
        """Categories and words associated with low KTO scores."""
        from .drivers import drivers

        settings, store = _open(config, read_only=True)
        with store:
            df = drivers(store, start, end, settings=settings, level=level)
        cols = [c for c in ("category", "subcategory", "n", "n_low", "low_rate", "share_of_low", "lift", "p_value", "words") if c in df]
        typer.echo(df[cols].to_string(index=False, float_format=lambda x: f"{x:.3f}"))

    @app.command("compliments")
    def compliments_cmd(
        config: Optional[Path] = ConfigOption,
        cluster: Optional[str] = typer.Option(None, help="Only this cluster."),
        start: Optional[str] = typer.Option(None, help="From this date (inclusive)."),
        end: Optional[str] = typer.Option(None, help="Until this date (exclusive)."),
        n: int = typer.Option(10, help="How many."),
    ) -> None:
        """The best compliments (masked, second-line PII check) for the compliments wall."""
        from .compliments import best_compliments

        settings, store = _open(config, read_only=True)
        with store:
            df = best_compliments(store, cluster=cluster, start=start, end=end, n=n, settings=settings)
        if df.attrs.get("suppressed"):
            typer.echo(f"fewer than {settings.min_cell_size} compliments in this selection: nothing shown")
        for r in df.itertuples():
            typer.echo(f"- [{r.afdeling or r.cluster or ''}] {r.text}")

    imp_app = typer.Typer(help="The improvement register (stap 5, Verbeteren).", no_args_is_help=True)

    @imp_app.command("import")
    def imp_import(
        file: Path = typer.Argument(..., help="CSV file (see signalen_lib/insights/improvements.py for the columns)."),
        config: Optional[Path] = ConfigOption,
        created_by: Optional[str] = typer.Option(None, "--by", help="Who records these (when the file has no created_by)."),
    ) -> None:
        """Import improvements from CSV; all rows or none, errors name the line and field."""
        from .improvements import ImprovementError, import_csv

        settings, store = _open(config)
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
        from .improvements import list_improvements

        settings, store = _open(config, read_only=True)
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
        from .effect import measure_all

        settings, store = _open(config, read_only=not save)
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
