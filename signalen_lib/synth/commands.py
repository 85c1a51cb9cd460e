"""`signalen demo-data`: write the synthetic corpus (a thin call into ``signalen_lib.synth``)."""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Optional

import typer


def register(app: typer.Typer) -> None:
    @app.command("demo-data")
    def demo_data(
        n: int = typer.Option(20000, "--n", min=1, help="Number of synthetic signals."),
        seed: int = typer.Option(42, "--seed", help="Random seed (same seed -> byte-identical files)."),
        out: Optional[Path] = typer.Option(None, "--out", help="Output folder (default: data/raw of the settings)."),
        start: str = typer.Option("2024-11-01", "--start", help="First day of the period (YYYY-MM-DD)."),
        end: str = typer.Option("2026-10-31", "--end", help="Last day of the period (YYYY-MM-DD)."),
        as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
        national: bool = typer.Option(False, "--national", help="National corpus: one folder of exports per organisation."),
        organisations: int = typer.Option(24, "--organisations", min=2, help="With --national: number of organisations."),
        config: Optional[Path] = typer.Option(None, "--config", "-c", help="Settings YAML."),
    ) -> None:
        """Generate the synthetic Dutch signal corpus: KTO CSV, complaints XLSX, call-back notes JSONL,
        interview JSON, plus ground truth (categories, perception, events, PII spans)."""
        from signalen_lib.synth import generate

        if out is None:
            from signalen_lib.config import load_config

            out = load_config(config).raw_dir
        try:
            t0 = time.perf_counter()
            if national:
                from signalen_lib.synth.national import national_plan, write_national

                summary = write_national(national_plan(n, organisations, seed, start=start, end=end), out)
                secs = time.perf_counter() - t0
                if as_json:
                    typer.echo(json.dumps(summary, indent=2))
                else:
                    typer.echo(f"{summary['n']} signals from {len(summary['organisations'])} organisations -> {out} "
                               f"in {secs:.1f} s; national event on {summary['event_day']} in "
                               f"{', '.join(summary['affected'])}")
                return
            summary = generate(n, seed, out, start=start, end=end)
            secs = time.perf_counter() - t0
        except ValueError as exc:
            typer.echo(f"signalen: error: {exc}", err=True)
            raise SystemExit(2) from None  # cli.main passes SystemExit codes through
        if as_json:
            typer.echo(json.dumps(summary, indent=2))
            return
        per = ", ".join(f"{k} {v}" for k, v in summary["sources"].items())
        typer.echo(f"{summary['n']} signals ({per}) -> {out} in {secs:.1f} s")
        typer.echo(f"ground truth: {summary['pii_spans']} PII spans, events: {', '.join(summary['events'])}")
