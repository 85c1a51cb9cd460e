"""Scheduled report runs: the monthly report per organisation unit (cluster).

``run_monthly_reports(settings, period="2026-10", clusters=["Stadsbeheer"])`` executes
``notebooks/04_maandrapportage.ipynb`` once per cluster through papermill (parameters ``period``,
``cluster``, ``config``, ``run_id``), under the same lock and run records as the pipeline, and writes
``reports/runs/<run-id>/maandrapportage_<cluster>_<period>.{ipynb,html,pdf}``.
"""
from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from typing import Sequence

from signalen_lib.config import Settings
from signalen_lib.runs.pipeline import Progress, RunResult, Step, notebooks_dir, run_steps

REPORT_NOTEBOOK = "04_maandrapportage.ipynb"
ALL = ""  # cluster value for the municipality-wide report
_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def parse_period(period: str) -> tuple[date, date]:
    """``"2026-10"`` -> (2026-10-01, 2026-11-01); ValueError with a clear message otherwise."""
    m = _PERIOD.match(str(period or "").strip())
    if not m:
        raise ValueError(f"period must look like YYYY-MM (e.g. 2026-10), not {period!r}")
    y, mo = int(m.group(1)), int(m.group(2))
    start = date(y, mo, 1)
    end = date(y + (mo == 12), mo % 12 + 1, 1)
    return start, end


def previous_month(today: date | None = None, tz: str = "Europe/Amsterdam") -> str:
    """The last complete month (what the monthly timer on the 1st reports on)."""
    if today is None:
        from datetime import datetime
        from zoneinfo import ZoneInfo

        today = datetime.now(ZoneInfo(tz)).date()
    y, m = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{y:04d}-{m:02d}"


def slug(text: str) -> str:
    """A file-name-safe form of a cluster name: ``"Maatschappelijke Ontwikkeling"`` ->
    ``"Maatschappelijke_Ontwikkeling"``; the municipality-wide report is ``"gemeente"``."""
    s = re.sub(r"[^0-9A-Za-z]+", "_", text or "").strip("_")
    return s or "gemeente"


def report_name(cluster: str, period: str) -> str:
    return f"maandrapportage_{slug(cluster)}_{period}"


def clusters_in_period(settings: Settings, period: str) -> list[str]:
    """Clusters with at least one signal in ``period`` (from the shared zone)."""
    from signalen_lib.store import open_store

    start, end = parse_period(period)
    with open_store(settings, restricted=False) as store:
        db = store.shared
        if not db.table_exists("signals"):
            return []
        rows = db.execute(
            "SELECT DISTINCT cluster FROM signals WHERE received_at >= ? AND received_at < ? AND cluster IS NOT NULL "
            "AND cluster <> '' ORDER BY cluster",
            [start, end],
        )
    return [r[0] for r in rows]


def latest_period(settings: Settings) -> str | None:
    """The month of the newest signal in the store (for the demo), or None."""
    from signalen_lib.store import open_store

    with open_store(settings, restricted=False) as store:
        if not store.shared.table_exists("signals"):
            return None
        ts = store.shared.scalar("SELECT max(received_at) FROM signals")
    return None if ts is None else f"{ts:%Y-%m}"


def report_steps(period: str, clusters: Sequence[str], *, nb_dir: str | os.PathLike | None = None,
                 pdf: bool = True) -> list[Step]:
    nb = Path(nb_dir or notebooks_dir()) / REPORT_NOTEBOOK
    steps = []
    for cluster in clusters:
        name = report_name(cluster, period)
        steps.append(Step(
            name=name, notebook=nb, output_name=name + ".ipynb",
            parameters={"period": period, "cluster": cluster},
            html_title=f"Maandrapportage {cluster or 'gemeente Rotterdam'} {period}", pdf=pdf,
        ))
    return steps


def run_monthly_reports(
    settings: Settings,
    *,
    period: str | None = None,
    clusters: Sequence[str] | None = None,
    all_clusters: bool = False,
    config_path: str | os.PathLike | None = None,
    pdf: bool = True,
    nb_dir: str | os.PathLike | None = None,
    run_id: str | None = None,
    progress: Progress | None = None,
    lock_wait: float = 0.0,
    kernel_name: str | None = None,
    profile: bool = False,
) -> RunResult:
    """One report per cluster for ``period`` (default: the previous month). With ``all_clusters``
    every cluster that has signals in the period; with neither, the municipality-wide report.
    A failing report does not stop the others; the run is failed if any failed. The reports run
    one after the other in one kernel: imports, chart renderer, geography and store connection are
    set up once for all of them (see ``monthly.open_report``)."""
    period = period or previous_month(tz=settings.timezone)
    parse_period(period)
    given = list(clusters) if clusters else ([] if all_clusters else [ALL])

    def steps() -> list:  # built under the lock: listing the clusters reads the store
        names = clusters_in_period(settings, period) if all_clusters else given
        if not names:
            raise ValueError(f"no signals with a cluster in {period}: nothing to report")
        return report_steps(period, names, nb_dir=nb_dir, pdf=pdf)

    return run_steps(
        settings, steps, kind="report", run_id=run_id, config_path=config_path, progress=progress,
        lock_wait=lock_wait, kernel_name=kernel_name, stop_on_failure=False, profile=profile, shared_kernel=True,
        parameters={"period": period, "clusters": "all" if all_clusters else given, "pdf": pdf},
    )
