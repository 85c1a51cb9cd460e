"""The pipeline runner: notebooks through papermill, run records in the store, one run at a time.

``run_pipeline(settings)`` runs ``01_verzamelen`` -> ``02_verwerken`` -> ``03_valideren`` (papermill, each
with the parameters it declares) and then refreshes the dashboard's aggregates
(``signalen_lib.dashboard.aggregates.refresh_aggregates``). Executed notebooks and their HTML
rendering go to ``settings.runs_dir / <run_id>``; the input notebooks are never written.

Settings reach the notebook kernels as ``SIGNALEN_<NAME>`` environment variables (every field of
:class:`~signalen_lib.config.Settings`, plus ``SIGNALEN_CONFIG`` when a config file was given),
which ``load_config()`` inside the notebook honours.

A failing cell stops the run at that step: the run is recorded as failed with the step, the
error and the cell's execution count; later steps (and the aggregates) do not run, so the
dashboard keeps the last good data. ``last_successful_run`` and ``pipeline_status`` tell the
dashboard what to show.

The store is never held open while a notebook runs (DuckDB allows one writing process per file,
and the notebook's kernel is that process).
"""
from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
import time
import traceback
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from signalen_lib.config import PACKAGE_DIR, ConfigError, Settings, project_root
from signalen_lib.runs.lock import PipelineLock, PipelineLocked, store_lock_path
from signalen_lib.runs.timing import PROFILE_ENV, STEP_ENV, profile_table, read_profile, timed
from signalen_lib.vocab.fmt import fmt_datetime
from signalen_lib.vocab.ids import new_run_id
from signalen_lib.vocab.models import current_topic_model

__all__ = [
    "PIPELINE_NOTEBOOKS", "Step", "StepResult", "RunResult", "PipelineLocked",
    "default_steps", "run_pipeline", "run_steps", "new_run_id", "notebooks_dir", "kernel_env",
    "last_successful_run", "pipeline_status", "list_runs", "run_steps_df", "lock_path",
    "resolve_topic_mode",
]

# (step name, notebook file) in order; the aggregates step follows.
PIPELINE_NOTEBOOKS: tuple[tuple[str, str], ...] = (
    ("ingest", "01_verzamelen.ipynb"),
    ("topics", "02_verwerken.ipynb"),
    ("validate", "03_valideren.ipynb"),
)
TOPIC_MODES = ("auto", "fit", "assign")

Progress = Callable[[str], None]


# ---- small helpers -------------------------------------------------------------------------
def _utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


def notebooks_dir() -> Path:
    """The folder holding 01_verzamelen.ipynb …: ``<project root>/notebooks``, else the checkout's."""
    for cand in (project_root() / "notebooks", PACKAGE_DIR.parent / "notebooks"):
        if cand.is_dir():
            return cand
    return project_root() / "notebooks"


def lock_path(settings: Settings) -> Path:
    return store_lock_path(settings)


def kernel_env(settings: Settings, config_path: str | os.PathLike | None = None) -> dict[str, str]:
    """Environment variables that make ``load_config()`` in a kernel give ``settings``."""
    env: dict[str, str] = {}
    for name, value in settings.model_dump().items():
        env[f"SIGNALEN_{name.upper()}"] = ("" if value is None else ",".join(map(str, value)) if isinstance(value, list)
                                           else str(value))
    if config_path:
        env["SIGNALEN_CONFIG"] = str(Path(config_path).resolve())
    return env


@contextlib.contextmanager
def _environ(extra: dict[str, str]) -> Iterator[None]:
    """Set ``extra`` in os.environ (the kernel papermill starts inherits it); restore afterwards."""
    saved = {k: os.environ.get(k) for k in extra}
    os.environ.update(extra)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _open_store(settings: Settings, attempts: int = 20, delay: float = 0.5):
    """Open the shared zone for writing, retrying briefly while a reader (the dashboard) holds the
    DuckDB file."""
    from signalen_lib.store import open_store

    for i in range(attempts):
        try:
            return open_store(settings, restricted=False)
        except ConfigError as exc:
            if "cannot open" not in str(exc) or i == attempts - 1:
                raise
            time.sleep(delay)
    raise AssertionError("unreachable")


def _json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, default=str)


# ---- steps and results ---------------------------------------------------------------------
@dataclass
class Step:
    """One step: a notebook run through papermill, or a function ``func(store, settings)``.

    ``parameters`` are candidates: only those the notebook declares (papermill.inspect_notebook)
    are passed. ``output_name`` names the executed notebook in the run folder (default: the input
    notebook's name). A function step that returns ``{"skipped": "<reason>"}`` is recorded as
    skipped with that reason (visible in the run record), not as a silent success.
    """

    name: str
    notebook: Path | None = None
    func: Callable[[Any, Settings], Any] | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    output_name: str | None = None
    render_html: bool = True
    html_title: str | None = None
    pdf: bool = False


@dataclass
class StepResult:
    name: str
    status: str  # success | failed | skipped | not_run
    seconds: float = 0.0
    output_path: str | None = None
    html_path: str | None = None
    pdf_path: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    failed_cell: int | None = None
    note: str | None = None


@dataclass
class RunResult:
    run_id: str
    kind: str
    status: str  # success | failed | interrupted
    output_dir: str
    started_at: datetime
    finished_at: datetime | None = None
    steps: list[StepResult] = field(default_factory=list)
    failed_step: str | None = None
    error: str | None = None
    failed_cell: int | None = None
    model_version: str | None = None
    stale_lock: dict | None = None
    profile: list[dict] = field(default_factory=list)  # sub-step timings (run_steps(profile=True))
    load_avg: tuple[float, float, float] | None = None  # os.getloadavg() at the end of the run

    @property
    def ok(self) -> bool:
        return self.status == "success"

    def profile_table(self) -> str:
        """Step and sub-step times as text (``signalen pipeline --profile``), with the load average."""
        load = ", ".join(f"{x:.2f}" for x in (self.load_avg or os.getloadavg()))
        return profile_table(self.steps, self.profile) + f"\nload average (1, 5, 15 min) at the end: {load}"

    def to_dict(self) -> dict:
        return asdict(self)


class _StepFailed(Exception):
    def __init__(self, message: str, cell: int | None = None):
        super().__init__(message)
        self.cell = cell


# ---- the default pipeline ------------------------------------------------------------------
def resolve_topic_mode(settings: Settings, mode: str = "auto") -> str:
    """``fit`` or ``assign``: ``auto`` fits when no current topic model exists, else assigns."""
    if mode not in TOPIC_MODES:
        raise ValueError(f"mode must be one of {', '.join(TOPIC_MODES)}, not {mode!r}")
    if mode != "auto":
        return mode
    with _open_store(settings) as store:
        return "assign" if current_topic_model(store.shared) else "fit"


# The library steps after the notebooks: (step name, "module:function(store, settings)"), in order.
LIBRARY_STEPS: tuple[tuple[str, str], ...] = (
    ("retention", "signalen_lib.privacy.retention:retention_step"),
    ("perception", "signalen_lib.perception.model:perception_step"),
    ("alerts", "signalen_lib.dashboard.alerts:record_alert_history"),
    ("digest", "signalen_lib.dashboard.digest:send_digest"),
    ("effects", "signalen_lib.improvements.effect:effects_step"),
    ("aggregates", "signalen_lib.dashboard.aggregates:refresh_aggregates"),
    ("privacy_report", "signalen_lib.privacy.report:privacy_report_step"),
)


# With ``engine: dask`` these steps run on the cluster (signalen_lib/runs/engine.py); "mask" and
# "assign" are added (the ingest notebook then stores without masking, and the topics notebook
# finds the signals already assigned by the current model).
DASK_STEPS: dict[str, str] = {
    "mask": "signalen_lib.runs.engine:mask_step",
    "assign": "signalen_lib.runs.engine:assign_step",
    "perception": "signalen_lib.runs.engine:perception_step",
    "aggregates": "signalen_lib.runs.engine:aggregates_step",
}


def library_step(name: str, engine: str = "local") -> Step:
    """The step ``name`` of :data:`LIBRARY_STEPS` (of :data:`DASK_STEPS` with ``engine="dask"``);
    its module is imported when the step runs."""
    target = DASK_STEPS[name] if engine == "dask" and name in DASK_STEPS else dict(LIBRARY_STEPS)[name]

    def run(store, settings: Settings):
        import importlib

        module, func = target.split(":")
        return getattr(importlib.import_module(module), func)(store, settings)

    run.__name__ = target.split(":")[1]
    return Step(name, func=run)


def default_steps(settings: Settings, *, mode: str = "auto", nb_dir: str | os.PathLike | None = None,
                  aggregates: bool = True, labels: str | os.PathLike | None = None,
                  step_parameters: dict[str, dict[str, Any]] | None = None) -> list[Step]:
    """ingest (01_verzamelen) -> retention (only with ``retention_in_pipeline``) -> topics (02_verwerken,
    ``mode`` fit/assign/auto) -> perception -> validate (03_valideren) -> alerts (history) -> digest (e-mail
    of new alerts) -> effects of registered improvements -> aggregates -> privacy_report (into the run folder).
    With ``engine: dask`` masking (step ``mask``, after ingest), assignment by the current topic model
    (step ``assign``, before the topics notebook), perception and aggregates run on the Dask cluster.

    ``labels``: a labels CSV for 03_valideren (its ``labels_source``; default: the store's labels
    table). ``step_parameters``: extra candidate parameters per step name (passed where declared).
    ``aggregates=False`` runs the notebooks only (the library steps after them are left out).
    """
    nb_dir = Path(nb_dir) if nb_dir else notebooks_dir()
    notebooks = {name: Step(name, nb_dir / fname) for name, fname in PIPELINE_NOTEBOOKS}
    notebooks["topics"].parameters.update(mode=resolve_topic_mode(settings, mode), perception=False)
    if labels:
        notebooks["validate"].parameters["labels_source"] = str(Path(labels).resolve())
    for step in notebooks.values():
        step.parameters.update((step_parameters or {}).get(step.name, {}))
    if not aggregates:
        return list(notebooks.values())
    lib = {name: library_step(name, settings.engine) for name, _ in LIBRARY_STEPS}
    dask = [library_step("mask", "dask"), library_step("assign", "dask")] if settings.engine == "dask" else []
    if dask:
        notebooks["ingest"].parameters["mask"] = False
    return [notebooks["ingest"], *dask[:1], lib["retention"], *dask[1:], notebooks["topics"], lib["perception"],
            notebooks["validate"], lib["alerts"], lib["digest"], lib["effects"], lib["aggregates"], lib["privacy_report"]]


# ---- records -------------------------------------------------------------------------------
def _record_start(settings: Settings, result: RunResult, parameters: dict, steps: Sequence[Step]) -> None:
    with _open_store(settings) as store:
        db = store.shared
        with db.transaction():
            # we hold the lock, so any run still marked running was killed
            db.execute(
                "UPDATE pipeline_runs SET status = 'interrupted', finished_at = ?, "
                "error = coalesce(error, 'killed before it finished') WHERE status = 'running'",
                [_utcnow()],
            )
            db.execute(
                "INSERT INTO pipeline_runs (run_id, kind, parameters, started_at, status, output_dir, host, pid, org_code) "
                "VALUES (?, ?, ?, ?, 'running', ?, ?, ?, ?)",
                [result.run_id, result.kind, _json(parameters), result.started_at, result.output_dir,
                 socket.gethostname(), os.getpid(), settings.organisation_code],
            )
            for pos, step in enumerate(steps, 1):
                db.execute(
                    "INSERT INTO pipeline_steps (run_id, step, position, status) VALUES (?, ?, ?, 'pending')",
                    [result.run_id, step.name, pos],
                )


def _record_step(settings: Settings, run_id: str, res: StepResult, started: datetime | None) -> None:
    with _open_store(settings) as store:
        store.shared.execute(
            "UPDATE pipeline_steps SET status = ?, started_at = ?, finished_at = ?, seconds = ?, output_path = ?, "
            "html_path = ?, pdf_path = ?, parameters = ?, error = ? WHERE run_id = ? AND step = ?",
            [res.status, started, _utcnow() if started else None, round(res.seconds, 3), res.output_path,
             res.html_path, res.pdf_path, _json(res.parameters), res.error or res.note, run_id, res.name],
        )


def _record_finish(settings: Settings, result: RunResult) -> None:
    with _open_store(settings) as store:
        mv = result.model_version
        if mv is None and result.kind == "pipeline":
            try:
                mv = current_topic_model(store.shared)
            except Exception:  # noqa: BLE001 - the record matters more than the model version
                mv = None
            result.model_version = mv
        store.shared.execute(
            "UPDATE pipeline_steps SET status = 'not_run' WHERE run_id = ? AND status IN ('pending', 'running')",
            [result.run_id],
        )
        store.shared.execute(
            "UPDATE pipeline_runs SET status = ?, finished_at = ?, failed_step = ?, error = ?, failed_cell = ?, "
            "model_version = ? WHERE run_id = ?",
            [result.status, result.finished_at, result.failed_step, result.error, result.failed_cell, mv, result.run_id],
        )


# ---- execution -----------------------------------------------------------------------------
def _quiet_papermill() -> None:
    """papermill warns about parameter comments it cannot parse and then about "unknown" parameters
    that the cell does declare (see :func:`_declared`): noise on every nightly run."""
    import logging

    for name in ("papermill", "papermill.translators"):
        logging.getLogger(name).setLevel(logging.ERROR)


def _declared(notebook: Path) -> set[str]:
    """Names the notebook's ``parameters`` cell declares: papermill's inspection, plus the
    top-level assignments of that cell (papermill 2.7 silently drops a parameter whose trailing
    comment it cannot parse, e.g. one containing ``("" = …)``)."""
    import ast

    import nbformat
    import papermill as pm

    _quiet_papermill()
    try:
        names = set(pm.inspect_notebook(str(notebook)))
    except ValueError:  # e.g. no kernelspec in the notebook's metadata
        names = set()
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:
                break
            for node in tree.body:
                if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                    names.add(node.target.id)
                elif isinstance(node, ast.Assign):
                    names.update(t.id for t in node.targets if isinstance(t, ast.Name))
            break
    return names


def _kernel_of(notebook: Path) -> str | None:
    import nbformat

    return nbformat.read(notebook, as_version=4).metadata.get("kernelspec", {}).get("name")


def _local_kernel_manager():
    """Kernels that talk to the runner over local socket files (IPC), not TCP: nothing on the
    network, and no "running over TCP without encryption" warning on every step."""
    from jupyter_client.manager import AsyncKernelManager

    class LocalKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.transport = "ipc"

    return LocalKernelManager


def _execute_notebook(step: Step, run_dir: Path, candidates: dict[str, Any], *, kernel_name: str | None,
                      cwd: Path, timeout: float | None, res: StepResult, km=None) -> None:
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    nb = Path(step.notebook)
    if not nb.exists():
        raise _StepFailed(f"notebook {nb} not found")
    declared = _declared(nb)
    params = {k: v for k, v in {**candidates, **step.parameters}.items() if k in declared}
    res.parameters = params
    out = run_dir / (step.output_name or nb.name)
    if out.resolve() == nb.resolve():
        raise _StepFailed(f"refusing to overwrite the input notebook {nb}")
    res.output_path = str(out)
    if kernel_name is None and not _kernel_of(nb):
        kernel_name = "python3"  # a notebook saved without kernelspec metadata
    called = datetime.now(timezone.utc)
    try:
        pm.execute_notebook(
            str(nb), str(out), parameters=params, kernel_name=kernel_name, cwd=str(cwd),
            progress_bar=False, log_output=False, request_save_on_cell_execute=True,
            execution_timeout=timeout, kernel_manager_class=_local_kernel_manager(),
            **({"km": km} if km is not None else {}),
        )
    except PapermillExecutionError as exc:
        evalue = str(exc.evalue).strip().splitlines()
        msg = f"{exc.ename}: {evalue[0] if evalue else ''}".strip()
        cell = exc.exec_count if km is None else (_failed_cell(out) or exc.exec_count)
        raise _StepFailed(f"{msg} (cell {cell})", cell=cell) from None
    finally:
        _record_notebook_times(out, called)
        if step.render_html and out.exists():
            try:
                from signalen_lib.reports.render import render_html

                with timed("render html"):
                    res.html_path = str(render_html(out, out.with_suffix(".html"), title=step.html_title))
            except Exception as exc:  # noqa: BLE001 - a rendering problem must not hide the step's result
                res.note = f"HTML rendering failed: {type(exc).__name__}: {exc}"
    if step.pdf and res.html_path:
        from signalen_lib.reports.render import render_pdf

        pdf = render_pdf(res.html_path)
        if pdf is None:
            res.note = "PDF skipped (no headless Chromium available)"
        else:
            res.pdf_path = str(pdf)


def _failed_cell(out: Path) -> int | None:
    """The failing cell's number as a fresh kernel counts it (1 for the first non-empty code cell):
    in a shared kernel the execution count goes on from the notebooks before."""
    import nbformat

    try:
        nb = nbformat.read(out, as_version=4)
    except Exception:  # noqa: BLE001 - fall back to the kernel's count
        return None
    n = 0
    for cell in nb.cells:
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        n += 1
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            return n
    return None


def _record_notebook_times(out: Path, called: datetime) -> None:
    """Profile records for an executed notebook from papermill's cell metadata: the kernel's start
    (call to first cell) and each code cell that took a second or more (its first line names it)."""
    if not os.environ.get(PROFILE_ENV) or not out.exists():
        return
    import nbformat

    try:
        nb = nbformat.read(out, as_version=4)
    except Exception:  # noqa: BLE001 - a profile must not fail the step
        return
    import pandas as pd

    def stamp(value) -> float:
        t = pd.Timestamp(value)
        return (t.tz_localize("UTC") if t.tzinfo is None else t).timestamp()

    rows, first, last, cells = [], None, None, 0.0
    for i, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("papermill", {})
        if cell.cell_type != "code" or not meta.get("start_time"):
            continue
        first = stamp(meta["start_time"]) if first is None else min(first, stamp(meta["start_time"]))
        if meta.get("end_time"):
            last = stamp(meta["end_time"]) if last is None else max(last, stamp(meta["end_time"]))
        dur = float(meta.get("duration") or 0.0)
        cells += dur
        if dur >= 1.0:
            head = next((ln.strip() for ln in cell.source.splitlines() if ln.strip() and not ln.startswith("#")), "")
            rows.append((f"cell {i}: {head[:30]}", dur))
    if first is not None:
        rows.insert(0, ("kernel start (call to first cell)", max(0.0, first - called.timestamp())))
        rows.insert(1, ("all cells", cells))
    if last is not None:
        rows.append(("after the last cell (kernel stop, saving)", max(0.0, time.time() - last)))
    step = os.environ.get(STEP_ENV, "")
    with open(os.environ[PROFILE_ENV], "a", encoding="utf-8") as fh:
        for name, sec in rows:
            fh.write(json.dumps({"step": step, "name": name, "seconds": round(sec, 3), "cpu": 0.0,
                                 "load": round(os.getloadavg()[0], 2), "pid": os.getpid(),
                                 "start": called.timestamp()}) + "\n")


def run_steps(
    settings: Settings,
    steps: Sequence[Step] | Callable[[], Sequence[Step]],
    *,
    kind: str = "pipeline",
    run_id: str | None = None,
    parameters: dict[str, Any] | None = None,
    config_path: str | os.PathLike | None = None,
    progress: Progress | None = None,
    kernel_name: str | None = None,
    timeout: float | None = None,
    lock_wait: float = 0.0,
    candidates: dict[str, Any] | None = None,
    stop_on_failure: bool = True,
    profile: bool = False,
    shared_kernel: bool = False,
) -> RunResult:
    """Run ``steps`` in order under the lock, recording the run; stops at the first failure.

    ``steps`` may be a callable that builds them: it is called once the lock is held (building
    steps may read the store, which a running pipeline's kernel holds open).

    Raises :class:`PipelineLocked` when another run is active. Returns the :class:`RunResult`
    (``status`` success/failed); a KeyboardInterrupt/SystemExit marks the run interrupted and is
    re-raised. ``profile``: record sub-step timings (:mod:`signalen_lib.runs.timing`) into
    ``<run folder>/profile.jsonl`` and keep them in ``RunResult.profile``. ``shared_kernel``: the
    notebook steps run one after the other in one kernel, started once (the monthly reports: the
    imports, the chart renderer and the caches of the first report serve the others); a notebook
    that fails ends the kernel (it may hold the store open) and the next one starts a fresh one.
    """
    say = progress or (lambda _msg: None)
    run_id = run_id or new_run_id(kind)
    run_dir = settings.runs_dir / run_id
    settings.ensure_dirs()
    lock = PipelineLock(lock_path(settings), run_id=run_id, wait=lock_wait, command=kind, on_wait=say)
    with lock:
        if callable(steps):
            steps = list(steps())
        run_dir.mkdir(parents=True, exist_ok=True)
        result = RunResult(run_id=run_id, kind=kind, status="running", output_dir=str(run_dir),
                           started_at=_utcnow(), stale_lock=lock.stale)
        if lock.stale:
            say(f"note: took over a stale lock of run {lock.stale.get('run_id') or '?'} (pid {lock.stale.get('pid')} is gone)")
        run_params = {"run_id": run_id, **(parameters or {}),
                      "steps": [s.name for s in steps],
                      "config": str(config_path) if config_path else None}
        _record_start(settings, result, run_params, steps)
        env = kernel_env(settings, config_path)
        prof_env = {PROFILE_ENV: str(run_dir / "profile.jsonl")} if profile else {}
        env.update(prof_env)
        cfg = str(Path(config_path).resolve()) if config_path else None
        base = {"run_id": run_id, "config_path": cfg, "run_dir": str(run_dir), **(candidates or {})}
        results = {s.name: StepResult(s.name, "not_run") for s in steps}
        result.steps = list(results.values())
        current: Step | None = None
        km = _local_kernel_manager()(kernel_name=kernel_name or "python3") if shared_kernel else None
        windows: list[tuple[str, float, float]] = []
        try:
            for pos, step in enumerate(steps, 1):
                current = step
                res = results[step.name]
                label = step.notebook.name if step.notebook else step.name
                say(f"[{pos}/{len(steps)}] {step.name}: {label} …")
                started, t0 = _utcnow(), time.perf_counter()
                try:
                    if step.func is not None:
                        with _environ({**prof_env, STEP_ENV: step.name} if profile else {}):
                            _run_func(step, settings, res)
                    else:
                        with _environ({**env, STEP_ENV: step.name} if profile else env):
                            _execute_notebook(step, run_dir, base, kernel_name=kernel_name,
                                              cwd=Path(step.notebook).parent, timeout=timeout, res=res, km=km)
                    if res.status == "not_run":
                        res.status = "success"
                except _StepFailed as exc:
                    res.status, res.error, res.failed_cell = "failed", str(exc), exc.cell
                except Exception as exc:  # noqa: BLE001 - any failure of a step fails the run, recorded
                    res.status, res.error = "failed", f"{type(exc).__name__}: {exc}".strip()
                    res.note = traceback.format_exc(limit=5)
                res.seconds = time.perf_counter() - t0
                windows.append((step.name, time.time() - res.seconds, time.time()))
                if res.status == "failed" and step.func is None:
                    _stop_kernel(km)  # a failed notebook may hold the store open: the next step gets a fresh kernel
                _record_step(settings, run_id, res, started)
                if res.status == "failed":
                    if result.failed_step is None:
                        result.failed_step = step.name
                        result.error, result.failed_cell = res.error, res.failed_cell
                    where = f", cell {res.failed_cell}" if res.failed_cell is not None else ""
                    say(f"      FAILED after {res.seconds:.1f} s{where}: {res.error}")
                    if res.output_path:
                        say(f"      executed notebook: {res.output_path}")
                    if stop_on_failure:
                        break
                    continue
                extra = f" ({res.note})" if res.note and res.status in ("skipped", "success") else ""
                say(f"      {res.status} in {res.seconds:.1f} s{extra}")
            result.status = "failed" if result.failed_step else "success"
        except BaseException as exc:  # KeyboardInterrupt, SystemExit (SIGTERM), store errors: record, re-raise
            _stop_kernel(km)
            km = None
            interrupted = isinstance(exc, (KeyboardInterrupt, SystemExit))
            result.status = "interrupted" if interrupted else "failed"
            result.failed_step = result.failed_step or (current.name if current else None)
            result.error = f"interrupted ({type(exc).__name__})" if interrupted else f"{type(exc).__name__}: {exc}"
            result.finished_at = _utcnow()
            with contextlib.suppress(Exception):
                _record_finish(settings, result)
            raise
        _stop_kernel(km)
        result.finished_at = _utcnow()
        result.load_avg = os.getloadavg()
        if profile:
            result.profile = _by_window(read_profile(run_dir / "profile.jsonl"), windows)
        _record_finish(settings, result)
        _write_summary(run_dir, result)
        return result


def _stop_kernel(km) -> None:
    """Shut down a shared kernel (``run_steps(shared_kernel=True)``)."""
    if km is None or not km.has_kernel:
        return
    from jupyter_core.utils import run_sync

    with contextlib.suppress(Exception):
        run_sync(km.shutdown_kernel)(now=False)


def _by_window(records: list[dict], windows: list[tuple[str, float, float]]) -> list[dict]:
    """Each profile record belongs to the step that was running when it started (a shared kernel
    keeps the environment of the step that started it)."""
    for r in records:
        for name, t0, t1 in windows:
            if t0 - 0.5 <= r.get("start", 0.0) <= t1:
                r["step"] = name
                break
    return records


def _run_func(step: Step, settings: Settings, res: StepResult) -> None:
    with _open_store(settings) as store:
        out = step.func(store, settings)
    if isinstance(out, dict) and out.get("skipped"):
        res.status, res.note = "skipped", str(out["skipped"])
    elif isinstance(out, dict):
        res.parameters = {"result": {k: v for k, v in out.items() if isinstance(v, (int, float, str, bool))}}
    elif isinstance(out, (int, float)):
        res.parameters = {"result": out}


def _write_summary(run_dir: Path, result: RunResult) -> None:
    data = result.to_dict()
    (run_dir / "run.json").write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str), encoding="utf-8")


def run_pipeline(
    settings: Settings,
    *,
    config_path: str | os.PathLike | None = None,
    mode: str = "auto",
    run_id: str | None = None,
    nb_dir: str | os.PathLike | None = None,
    steps: Sequence[Step] | Callable[[], Sequence[Step]] | None = None,
    aggregates: bool = True,
    progress: Progress | None = None,
    kernel_name: str | None = None,
    timeout: float | None = None,
    lock_wait: float = 0.0,
    labels: str | os.PathLike | None = None,
    step_parameters: dict[str, dict[str, Any]] | None = None,
    profile: bool = False,
    shared_kernel: bool = True,
) -> RunResult:
    """The nightly pipeline: ingest -> topics (fit/assign/auto) -> validate -> aggregates.
    ``profile``: record step and sub-step times (``RunResult.profile_table()``). ``shared_kernel``:
    the notebooks run in one kernel, started once per run (each notebook still starts from its own
    parameters and opens and closes the store itself)."""
    if mode not in TOPIC_MODES:
        raise ValueError(f"mode must be one of {', '.join(TOPIC_MODES)}, not {mode!r}")
    if steps is None:
        # built once the lock is held: resolving "auto" reads the store
        def steps() -> list[Step]:
            return default_steps(settings, mode=mode, nb_dir=nb_dir, aggregates=aggregates, labels=labels,
                                 step_parameters=step_parameters)
    return run_steps(
        settings, steps, kind="pipeline", run_id=run_id, config_path=config_path, progress=progress,
        kernel_name=kernel_name, timeout=timeout, lock_wait=lock_wait, profile=profile, shared_kernel=shared_kernel,
        parameters={"mode": mode, "notebooks": str(nb_dir or notebooks_dir()),
                    "labels": str(labels) if labels else None},
    )


# ---- status for the dashboard and the CLI --------------------------------------------------
_RUN_COLS = ("run_id, kind, parameters, started_at, finished_at, status, failed_step, error, failed_cell, "
             "model_version, output_dir")


def _has_runs(db) -> bool:
    try:
        return db.table_exists("pipeline_runs")
    except Exception:  # noqa: BLE001
        return False


def _row(df) -> dict | None:
    if df is None or len(df) == 0:
        return None
    rec = df.iloc[0].to_dict()
    out = {}
    for k, v in rec.items():
        if hasattr(v, "to_pydatetime"):
            v = v.to_pydatetime()
        try:
            import pandas as pd

            if v is not None and not isinstance(v, (list, dict)) and pd.isna(v):
                v = None
        except (TypeError, ValueError):
            pass
        if k == "failed_cell" and v is not None:
            v = int(v)
        out[k] = v
    if out.get("parameters"):
        with contextlib.suppress(ValueError, TypeError):
            out["parameters"] = json.loads(out["parameters"])
    return out


def last_successful_run(store, kind: str = "pipeline") -> dict | None:
    """The latest successful run of ``kind`` as a dict (run_id, started_at, finished_at,
    model_version, parameters, output_dir, …), or None. Works on a read-only store."""
    db = store.shared
    if not _has_runs(db):
        return None
    return _row(db.query_df(
        f"SELECT {_RUN_COLS} FROM pipeline_runs WHERE kind = ? AND status = 'success' "
        "ORDER BY finished_at DESC LIMIT 1", [kind]))


def pipeline_status(store, *, tz: str = "Europe/Amsterdam") -> dict:
    """What the dashboard shows about data freshness.

    Returns ``{"state": "ok"|"failed"|"running"|"interrupted"|"never", "last_run": dict|None,
    "last_success": dict|None, "data_as_of": datetime|None, "notice": str, "level": "info"|"warning"}``.
    ``notice`` is Dutch and always contains "laatste geslaagde verwerking: <date>" when there was a
    successful run; ``level`` is "warning" when the latest run did not succeed.
    """
    db = store.shared
    last = None
    if _has_runs(db):
        last = _row(db.query_df(
            f"SELECT {_RUN_COLS} FROM pipeline_runs WHERE kind = 'pipeline' ORDER BY started_at DESC LIMIT 1"))
    good = last_successful_run(store)
    when = fmt_datetime(good["finished_at"], tz) if good else None
    if last is None:
        state = "never"
    elif last["status"] == "success":
        state = "ok"
    else:
        state = last["status"]
    if state == "never":
        notice, level = "Nog geen verwerking uitgevoerd (signalen pipeline).", "warning"
    elif state == "ok":
        notice, level = f"Laatste geslaagde verwerking: {when}.", "info"
    else:
        what = {"failed": "mislukt", "running": "bezig", "interrupted": "afgebroken"}.get(state, state)
        step = f" bij stap '{last['failed_step']}'" if last.get("failed_step") else ""
        started = fmt_datetime(last["started_at"], tz)
        head = f"Laatste verwerking ({started}) {what}{step}."
        if state == "running":
            head = f"Verwerking bezig sinds {started}."
        tail = (f" Het dashboard toont de gegevens van de laatste geslaagde verwerking: {when}."
                if good else " Er is nog geen geslaagde verwerking.")
        notice, level = head + tail, ("info" if state == "running" else "warning")
    return {
        "state": state,
        "last_run": last,
        "last_success": good,
        "data_as_of": good["finished_at"] if good else None,
        "notice": notice,
        "level": level,
    }


def list_runs(store, limit: int = 20, kind: str | None = None):
    """The latest runs as a DataFrame (newest first)."""
    import pandas as pd

    db = store.shared
    if not _has_runs(db):
        return pd.DataFrame(columns=[c.strip() for c in _RUN_COLS.split(",")])
    where, params = ("WHERE kind = ? ", [kind]) if kind else ("", [])
    return db.query_df(f"SELECT {_RUN_COLS} FROM pipeline_runs {where}ORDER BY started_at DESC LIMIT {int(limit)}", params)


def run_steps_df(store, run_id: str):
    """The steps of one run, in order."""
    return store.shared.query_df(
        "SELECT run_id, step, position, status, started_at, finished_at, seconds, output_path, html_path, pdf_path, "
        "parameters, error "
        "FROM pipeline_steps WHERE run_id = ? ORDER BY position", [run_id])


def _stderr_progress(msg: str) -> None:  # pragma: no cover - convenience for notebooks/REPL
    print(msg, file=sys.stderr, flush=True)
