"""``signalen demo`` (what ``make demo`` calls): demo data -> pipeline -> reports -> summary -> dashboard."""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Callable

from ..config import Settings

Echo = Callable[[str], None]


def generate_demo_data(settings: Settings, n: int, seed: int) -> object:
    """Write the synthetic corpus into ``settings.raw_dir`` (``signalen_lib.synth.generate``)."""
    from ..synth import generate  # written by the synth part; ImportError is reported by the caller

    return generate(n, seed, out_dir=settings.raw_dir)


def summary(settings: Settings) -> dict:
    """Counts that say what a run produced (shared zone only)."""
    from ..store import open_store
    from .pipeline import current_model_version, pipeline_status

    out: dict = {}
    with open_store(settings, restricted=False) as store:
        db = store.shared
        out["signals"] = db.count("signals") if db.table_exists("signals") else 0
        out["by_source"] = (
            dict(db.execute("SELECT source, count(*) FROM signals GROUP BY source ORDER BY source"))
            if out["signals"] else {}
        )
        if out["signals"]:
            lo, hi = db.execute("SELECT min(received_at), max(received_at) FROM signals")[0]
            out["period"] = f"{lo:%Y-%m-%d} t/m {hi:%Y-%m-%d}"
        out["quarantined"] = db.count("quarantine") if db.table_exists("quarantine") else 0
        out["model_version"] = current_model_version(store)
        if out["model_version"] and db.table_exists("signal_categories"):
            out["categorised"] = int(db.scalar(
                "SELECT count(DISTINCT signal_id) FROM signal_categories WHERE model_version = ?", [out["model_version"]]))
            out["categories"] = int(db.scalar(
                "SELECT count(DISTINCT category) FROM signal_categories WHERE model_version = ?", [out["model_version"]]))
        out["status"] = pipeline_status(store, tz=settings.timezone)["notice"]
    return out


def run_demo(settings: Settings, *, n: int, seed: int = 42, config_path=None, reports: bool = True,
             progress: Echo = print, nb_dir=None) -> int:
    """Returns the exit code (0 ok, 1 failed, 3 locked)."""
    from .lock import PipelineLocked
    from .pipeline import run_pipeline
    from .scheduled import latest_period, run_monthly_reports

    say = progress
    t0 = time.perf_counter()
    say(f"== 1/3 demodata: {n} synthetische signalen (seed {seed}) -> {settings.raw_dir}")
    try:
        generate_demo_data(settings, n, seed)
    except ImportError as exc:
        say(f"signalen: demo data generator not available ({exc}); using what is in {settings.raw_dir}")
    say("== 2/3 pipeline")
    try:
        result = run_pipeline(settings, config_path=config_path, progress=say, nb_dir=nb_dir)
    except PipelineLocked as exc:
        say(f"signalen: {exc}")
        return 3
    report_files: list[str] = []
    if result.ok and reports:
        period = latest_period(settings)
        say(f"== 3/3 maandrapportages {period}")
        try:
            rep = run_monthly_reports(settings, period=period, all_clusters=True, config_path=config_path,
                                      progress=say, nb_dir=nb_dir)
            report_files = [p for s in rep.steps for p in (s.html_path, s.pdf_path) if p and s.status == "success"]
        except (ValueError, PipelineLocked) as exc:
            say(f"reports skipped: {exc}")
    info = summary(settings)
    say("")
    say("== Samenvatting")
    say(f"  signalen in de store : {info['signals']}" + (f"  ({info.get('period')})" if info.get("period") else ""))
    for src, cnt in info["by_source"].items():
        say(f"    {src:<20} {cnt}")
    say(f"  in quarantaine       : {info['quarantined']}")
    if info.get("model_version"):
        say(f"  topicmodel           : {info['model_version']} ({info.get('categorised', 0)} signalen, "
            f"{info.get('categories', 0)} categorieën)")
    say(f"  pipeline-run         : {result.run_id} ({result.status}) -> {result.output_dir}")
    for f in report_files:
        say(f"  rapport              : {f}")
    say(f"  {info['status']}")
    say(f"  tijd                 : {time.perf_counter() - t0:.0f} s")
    if not result.ok:
        say(f"signalen: pipeline failed at step '{result.failed_step}': {result.error}")
        return 1
    return 0


def _serve_available() -> bool:
    import importlib

    import typer

    try:
        mod = importlib.import_module("signalen_lib.dashboard.commands")
    except ImportError:
        return False
    scratch = typer.Typer()
    mod.register(scratch)
    return any((c.name or (c.callback.__name__ if c.callback else "")) == "serve" for c in scratch.registered_commands)


def serve_dashboard(settings: Settings, *, config_path=None, echo: Echo = print) -> int:
    """Start ``signalen serve`` (the dashboard part's command) if it exists; otherwise say how."""
    url = f"http://{settings.dashboard_host}:{settings.dashboard_port}"
    if not _serve_available():
        echo(f"Dashboard: start it with `signalen serve` (or `make dashboard`), then open {url}")
        return 0
    from .. import cli

    echo(f"== dashboard op {url} (Ctrl-C stopt)")
    args = ["serve"] + (["--config", str(Path(config_path))] if config_path else [])
    return cli.main(args)
