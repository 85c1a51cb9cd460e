"""CLI of step 4, Verdiepen & vertalen: ``signalen kpi``, ``signalen drivers``, ``signalen compliments``."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from signalen_lib.cli import ConfigOption, open_shared


def _window(text: Optional[str]):
    if not text:
        return None
    parts = text.split(":") if ":" in text else text.split("..")
    if len(parts) != 2:
        raise typer.BadParameter(f"{text!r}: give a window as START:END, e.g. 2023-01-01:2023-12-31")
    return tuple(parts)


def register(app: typer.Typer) -> None:
    @app.command("kpi")
    def kpi_cmd(
        config: Optional[Path] = ConfigOption,
        by: str = typer.Option("source", "--by", help="Comma-separated: source, channel, cluster, afdeling, wijk, category."),
        period: str = typer.Option("month", "--period", help="day, week, month, quarter or year."),
        baseline: Optional[str] = typer.Option(None, "--baseline", help="START:END of the baseline window (ends inclusive; default: the nulmeting, setting kpi_baseline)."),
        current: Optional[str] = typer.Option(None, "--current", help="START:END of the window to compare (one row per group)."),
        organisation: Optional[str] = typer.Option(None, "--organisation", help="Only this organisation (org_code; a national store holds several)."),
        as_json: bool = typer.Option(False, "--json", help="Print records as JSON."),
    ) -> None:
        """Share of dissatisfied KTO scores (0..dissatisfied_max_score), its change and distance to target."""
        from signalen_lib.reports.kpi import baseline_window, first_signal_day, kpi

        settings, store = open_shared(config, read_only=True)
        with store:
            base = _window(baseline)
            if base is None and (first := first_signal_day(store)) is not None:
                base = tuple(d.strftime("%Y-%m-%d") for d in baseline_window(settings, first))  # the nulmeting
            df = kpi(store, by=[b.strip() for b in by.split(",") if b.strip()], period=period,
                     baseline=base, current=_window(current), settings=settings,
                     filters={"org_code": organisation} if organisation else None)
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
        from signalen_lib.reports.drivers import drivers

        settings, store = open_shared(config, read_only=True)
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
        from signalen_lib.reports.compliments import best_compliments

        settings, store = open_shared(config, read_only=True)
        with store:
            df = best_compliments(store, cluster=cluster, start=start, end=end, n=n, settings=settings)
        if df.attrs.get("suppressed"):
            typer.echo(f"fewer than {settings.min_cell_size} compliments in this selection: nothing shown")
        for r in df.itertuples():
            typer.echo(f"- [{r.afdeling or r.cluster or ''}] {r.text}")
