"""CLI of the run system: ``signalen pipeline``, ``signalen report``, ``signalen runs``, ``signalen demo``.

Exit codes (for cron/systemd): 0 success, 1 a step or report failed, 2 bad configuration or store
error (raised as ConfigError/StoreError and turned into one line by ``signalen_lib.cli.main``),
3 another run holds the lock.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

EXIT_FAILED = 1
EXIT_LOCKED = 3

_config_opt = typer.Option(None, "--config", "-c", help="YAML file with settings (see signalen_lib/defaults.yaml).")
_wait_opt = typer.Option(0.0, "--wait", help="If another run holds the lock, wait up to this many seconds.")
_nb_opt = typer.Option(None, "--notebooks", help="Folder with the pipeline notebooks (default: <project>/notebooks).")


def _echo(msg: str) -> None:
    typer.echo(msg)
    sys.stdout.flush()


def _exit(code: int) -> SystemExit:
    """SystemExit, not typer.Exit: with standalone_mode=False click turns typer.Exit into a return
    value that ``signalen_lib.cli.main`` drops, while SystemExit reaches main's handler."""
    return SystemExit(code)


def _locked(exc: Exception) -> SystemExit:
    typer.echo(f"signalen: {exc}", err=True)
    return _exit(EXIT_LOCKED)


def _print_result(result) -> None:
    status = {"success": "geslaagd", "failed": "MISLUKT", "interrupted": "afgebroken"}.get(result.status, result.status)
    _echo(f"run {result.run_id}: {result.status} ({status})")
    _echo(f"output: {result.output_dir}")
    if result.status != "success":
        where = f", cell {result.failed_cell}" if result.failed_cell is not None else ""
        typer.echo(f"signalen: step '{result.failed_step}' failed{where}: {result.error}", err=True)


def pipeline_cmd(
    config: Optional[Path] = _config_opt,
    mode: str = typer.Option("auto", "--mode", help="Topic step: fit a new model, assign with the current one, or auto (fit when there is none)."),
    notebooks: Optional[Path] = _nb_opt,
    wait: float = _wait_opt,
    no_aggregates: bool = typer.Option(False, "--no-aggregates", help="Do not refresh the dashboard aggregates at the end."),
    labels: Optional[Path] = typer.Option(None, "--labels", help="Labels CSV for 03_valideren (default: the store's labels table)."),
    profile: bool = typer.Option(False, "--profile", help="Print the time of every step and sub-step (with the load average) at the end."),
) -> None:
    """Run the pipeline: 01_verzamelen -> 02_verwerken -> 03_valideren -> aggregates (papermill), recorded in the store."""
    from signalen_lib.config import load_config
    from signalen_lib.runs.lock import PipelineLocked
    from signalen_lib.runs.pipeline import run_pipeline

    settings = load_config(config)
    try:
        result = run_pipeline(settings, config_path=config, mode=mode, nb_dir=notebooks, progress=_echo,
                              lock_wait=wait, aggregates=not no_aggregates, labels=labels, profile=profile)
    except PipelineLocked as exc:
        raise _locked(exc) from None
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    _print_result(result)
    if profile:
        _echo(result.profile_table())
    if not result.ok:
        raise _exit(EXIT_FAILED)


def report_cmd(
    period: Optional[str] = typer.Option(None, "--period", help="Month YYYY-MM (default: the previous month)."),
    cluster: Optional[List[str]] = typer.Option(None, "--cluster", help="Organisation unit (cluster); repeat for several."),
    all_clusters: bool = typer.Option(False, "--all-clusters", help="One report for every cluster with signals in the period."),
    config: Optional[Path] = _config_opt,
    pdf: bool = typer.Option(True, "--pdf/--no-pdf", help="Also print a PDF (needs headless Chromium; skipped when absent)."),
    notebooks: Optional[Path] = _nb_opt,
    wait: float = _wait_opt,
    profile: bool = typer.Option(False, "--profile", help="Print the time of every report and its sections (with the load average) at the end."),
) -> None:
    """Monthly report (04_maandrapportage) per cluster as HTML (+ .ipynb, + PDF) in reports/runs/<run-id>/."""
    from signalen_lib.config import load_config
    from signalen_lib.runs.lock import PipelineLocked
    from signalen_lib.runs.scheduled import run_monthly_reports

    if all_clusters and cluster:
        raise typer.BadParameter("use either --cluster or --all-clusters")
    settings = load_config(config)
    try:
        result = run_monthly_reports(settings, period=period, clusters=cluster, all_clusters=all_clusters,
                                     config_path=config, pdf=pdf, nb_dir=notebooks, progress=_echo, lock_wait=wait,
                                     profile=profile)
    except PipelineLocked as exc:
        raise _locked(exc) from None
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    for s in result.steps:
        files = [p for p in (s.html_path, s.pdf_path) if p]
        if s.status == "success":
            _echo(f"  {s.name}: {', '.join(files)}" + ("" if s.pdf_path or not pdf else "  (geen PDF: Chromium ontbreekt)"))
        else:
            _echo(f"  {s.name}: {s.status} {s.error or ''}")
    _print_result(result)
    if profile:
        _echo(result.profile_table())
    if not result.ok:
        raise _exit(EXIT_FAILED)


def runs_cmd(
    config: Optional[Path] = _config_opt,
    limit: int = typer.Option(10, "--limit", help="How many runs to list."),
    run_id: Optional[str] = typer.Option(None, "--run", help="Show the steps of this run."),
) -> None:
    """List recent pipeline/report runs (or the steps of one run) and the data-freshness notice."""
    from signalen_lib.config import load_config
    from signalen_lib.store import open_store
    from signalen_lib.runs.pipeline import list_runs, pipeline_status, run_steps_df

    settings = load_config(config)
    with open_store(settings, restricted=False) as store:
        if run_id:
            df = run_steps_df(store, run_id)
            cols = ["step", "status", "seconds", "output_path", "error"]
        else:
            df = list_runs(store, limit=limit)
            cols = ["run_id", "kind", "status", "started_at", "finished_at", "failed_step", "failed_cell", "error"]
        status = pipeline_status(store, tz=settings.timezone)
    if len(df):
        df = df[cols].copy()
        if "error" in df:
            df["error"] = df["error"].astype("string").str.slice(0, 90)
        df = df.rename(columns={"started_at": "started_at (UTC)", "finished_at": "finished_at (UTC)"})
        _echo(df.to_string(index=False))
    else:
        _echo("(no runs)")
    _echo(status["notice"])


def demo_cmd(
    n: int = typer.Option(20000, "--n", help="Number of synthetic signals to generate."),
    seed: int = typer.Option(42, "--seed", help="Random seed of the synthetic corpus."),
    config: Optional[Path] = _config_opt,
    reports: bool = typer.Option(True, "--reports/--no-reports", help="Also write the monthly reports of the latest month."),
    serve: bool = typer.Option(True, "--serve/--no-serve", help="Serve the dashboard at the end."),
) -> None:
    """Generate demo data, run the pipeline (and the monthly reports), summarise, then serve the dashboard."""
    from signalen_lib.config import load_config
    from signalen_lib.demo import run_demo

    # The gate is enforced as in a scheduled run: the demo's category model learns from 500
    # training labels chosen by active learning and is measured on a separate random sample.
    settings = load_config(config)
    code = run_demo(settings, n=n, seed=seed, config_path=config, reports=reports, progress=_echo)
    if code != 0:
        raise _exit(code)
    if serve:
        from signalen_lib.demo import serve_dashboard

        serve_dashboard(settings, config_path=config, echo=_echo)


def register(app: typer.Typer) -> None:
    app.command("pipeline")(pipeline_cmd)
    app.command("report")(report_cmd)
    app.command("runs")(runs_cmd)
    app.command("demo")(demo_cmd)
