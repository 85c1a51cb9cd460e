"""The pipeline runner with small fixture notebooks (tests/fixtures/notebooks): run records, the
parameters passed, settings reaching the kernel, failure handling, the lock (and stale locks),
reruns after a kill, and the dashboard's status notice."""
from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from signalen_lib.runs import pipeline as pl
from signalen_lib.runs.lock import PipelineLock, PipelineLocked
from signalen_lib.store import open_store

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "notebooks"


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.ipynb"))}


def _write_raw(settings, name: str, rows: list[str], header: str = "text") -> None:
    settings.raw_dir.mkdir(parents=True, exist_ok=True)
    (settings.raw_dir / name).write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")


def _agg_step(calls: list):
    def refresh(store, settings):
        db = store.shared
        db.execute("CREATE TABLE IF NOT EXISTS fixture_agg (n INTEGER, refreshed_by TEXT)")
        db.execute("DELETE FROM fixture_agg")
        n = db.count("fixture_rows")
        db.execute("INSERT INTO fixture_agg VALUES (?, ?)", [n, "x"])
        calls.append(n)
        return {"rows": n}

    return pl.Step("aggregates", func=refresh)


def _steps(settings, calls, mode="auto"):
    steps = pl.default_steps(settings, mode=mode, nb_dir=FIXTURES, aggregates=False)
    return steps + [_agg_step(calls)]


# ---- lock ---------------------------------------------------------------------------------
def test_lock_refuses_second_and_takes_over_stale(tmp_path):
    path = tmp_path / "pipeline.lock"
    with PipelineLock(path, run_id="a"):
        info = json.loads(path.read_text())
        assert info["pid"] == os.getpid() and info["run_id"] == "a"
        with pytest.raises(PipelineLocked, match="another signalen run is active"):
            PipelineLock(path, run_id="b").acquire()
    assert not path.exists()
    # a lock left by a process that is gone is stale
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    path.write_text(json.dumps({"pid": proc.pid, "host": os.uname().nodename, "run_id": "dead"}))
    lock = PipelineLock(path, run_id="c").acquire()
    assert lock.stale["run_id"] == "dead"
    assert json.loads(path.read_text())["run_id"] == "c"
    lock.release()
    # garbage in the lock file counts as stale too
    path.write_text("not json")
    with PipelineLock(path) as lk:
        assert lk.stale is not None


def test_lock_wait_gives_up_after_timeout(tmp_path):
    path = tmp_path / "pipeline.lock"
    with PipelineLock(path):
        t0 = time.monotonic()
        with pytest.raises(PipelineLocked):
            PipelineLock(path, wait=0.6, poll=0.1).acquire()
        assert time.monotonic() - t0 >= 0.5


# ---- runner ------------------------------------------------------------------------------
@pytest.mark.slow
def test_pipeline_success_records_and_outputs(settings_factory, backend):
    settings = settings_factory(backend, n_topics=7)
    _write_raw(settings, "a.csv", ["hallo", "wereld"])
    before = _digest(FIXTURES)
    calls: list = []
    lines: list[str] = []
    res = pl.run_steps(settings, _steps(settings, calls), progress=lines.append)
    assert res.ok, res.error
    assert _digest(FIXTURES) == before  # input notebooks never written
    out = Path(res.output_dir)
    assert out.parent == settings.runs_dir
    for name in ("01_verzamelen", "02_verwerken", "03_valideren"):
        assert (out / f"{name}.ipynb").exists() and (out / f"{name}.html").exists()
    # parameters: only those each notebook declares
    nb1 = nbformat.read(out / "01_verzamelen.ipynb", as_version=4)
    assert nb1.metadata["papermill"]["parameters"] == {"run_id": res.run_id, "config_path": None}
    nb2 = nbformat.read(out / "02_verwerken.ipynb", as_version=4)
    assert nb2.metadata["papermill"]["parameters"] == {"run_id": res.run_id, "mode": "fit"}  # auto, no model yet
    text2 = "".join(o.get("text", "") for c in nb2.cells for o in c.get("outputs", []))
    assert "n_topics 7" in text2  # the setting reached the kernel through SIGNALEN_* variables
    html = (out / "02_verwerken.html").read_text(encoding="utf-8")
    assert "mode fit" in html and "time.sleep" not in html  # outputs shown, code hidden
    assert any("[1/4] ingest" in l for l in lines)
    with open_store(settings, restricted=False) as st:
        run = pl.list_runs(st).iloc[0]
        assert run["status"] == "success" and run["kind"] == "pipeline" and run["run_id"] == res.run_id
        steps = pl.run_steps_df(st, res.run_id)
        assert list(steps["step"]) == ["ingest", "topics", "validate", "aggregates"]
        assert set(steps["status"]) == {"success"}
        assert st.shared.count("fixture_rows") == 2
        status = pl.pipeline_status(st)
        assert status["state"] == "ok" and "Laatste geslaagde verwerking" in status["notice"]
        assert pl.last_successful_run(st)["run_id"] == res.run_id
    assert calls == [2]
    assert json.loads((out / "run.json").read_text())["status"] == "success"


@pytest.mark.slow
@pytest.mark.parametrize("shared_kernel", [False, True])
def test_failing_cell_stops_run_and_keeps_last_good_aggregates(settings_factory, shared_kernel):
    settings = settings_factory("duckdb")
    _write_raw(settings, "a.csv", ["een", "twee"])
    calls: list = []
    good = pl.run_steps(settings, _steps(settings, calls), shared_kernel=shared_kernel)
    assert good.ok
    # a new export arrives, but validation fails: aggregates must stay at the good run
    _write_raw(settings, "b.csv", ["drie"])
    (settings.data_dir / "fail_validate").write_text("1")
    bad = pl.run_steps(settings, _steps(settings, calls), shared_kernel=shared_kernel)
    assert bad.status == "failed" and bad.failed_step == "validate"
    assert "gate failed" in bad.error and bad.failed_cell == 5
    assert calls == [2]  # aggregates not refreshed
    with open_store(settings, restricted=False) as st:
        assert st.shared.scalar("SELECT n FROM fixture_agg") == 2
        run = pl.list_runs(st).iloc[0]
        assert (run["status"], run["failed_step"], int(run["failed_cell"])) == ("failed", "validate", 5)
        steps = pl.run_steps_df(st, bad.run_id).set_index("step")["status"].to_dict()
        assert steps == {"ingest": "success", "topics": "success", "validate": "failed", "aggregates": "not_run"}
        status = pl.pipeline_status(st)
        assert status["state"] == "failed" and status["level"] == "warning"
        assert "laatste geslaagde verwerking:" in status["notice"]
        assert pl.last_successful_run(st)["run_id"] == good.run_id
    assert (Path(bad.output_dir) / "03_valideren.html").exists()  # the failed notebook is rendered for diagnosis


@pytest.mark.slow
def test_corrupt_export_fails_at_ingest_via_cli(settings_factory, tmp_path):
    settings = settings_factory("duckdb")
    _write_raw(settings, "kapot.csv", ["1;2;3"], header="x;y;z")
    env = {**os.environ, **pl.kernel_env(settings)}
    proc = subprocess.run([sys.executable, "-m", "signalen_lib.cli", "pipeline", "--notebooks", str(FIXTURES)],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "step 'ingest' failed" in proc.stderr and "column 'text' missing" in proc.stderr
    with open_store(settings, restricted=False) as st:
        run = pl.list_runs(st).iloc[0]
        assert run["failed_step"] == "ingest" and run["status"] == "failed"
        assert pl.pipeline_status(st)["state"] == "failed"


@pytest.mark.slow
def test_second_run_refused_and_killed_run_can_be_rerun(settings_factory, tmp_path):
    settings = settings_factory("duckdb")
    _write_raw(settings, "a.csv", ["een", "twee", "drie"])
    (settings.data_dir / "slow_topics").write_text("60")
    env = {**os.environ, **pl.kernel_env(settings)}
    cmd = [sys.executable, "-m", "signalen_lib.cli", "pipeline", "--notebooks", str(FIXTURES)]
    first = subprocess.Popen(cmd, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not list(settings.runs_dir.glob("*/02_verwerken.ipynb")):  # wait until it is in the topics step
            assert first.poll() is None and time.monotonic() < deadline, first.communicate()
            time.sleep(0.3)
        second = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert second.returncode == 3 and "another signalen run is active" in second.stderr
        os.killpg(first.pid, signal.SIGKILL)  # killed midway: lock and run record left behind
        first.wait(timeout=30)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    assert pl.lock_path(settings).exists()
    (settings.data_dir / "slow_topics").unlink()
    res = pl.run_pipeline(settings, nb_dir=FIXTURES, aggregates=False)
    assert res.ok and res.stale_lock is not None
    with open_store(settings, restricted=False) as st:
        runs = pl.list_runs(st)
        assert list(runs["status"]) == ["success", "interrupted"]
        assert st.shared.count("fixture_rows") == 3  # the rerun re-read the export without duplicating it
        assert int(st.shared.scalar("SELECT count(*) FROM pipeline_runs WHERE status = 'running'")) == 0
    assert not pl.lock_path(settings).exists()


def test_kernel_env_round_trips_settings(settings_factory, monkeypatch):
    from signalen_lib.config import load_config

    settings = settings_factory("duckdb", n_topics=11, min_cell_size=10, database_url=None)
    for k, v in pl.kernel_env(settings).items():
        monkeypatch.setenv(k, v)
    assert load_config() == settings


def test_missing_notebook_fails_clearly(settings_factory, tmp_path):
    settings = settings_factory("duckdb")
    res = pl.run_steps(settings, [pl.Step("ingest", tmp_path / "nope.ipynb")])
    assert res.status == "failed" and "not found" in res.error


def test_status_without_runs(store):
    st = pl.pipeline_status(store)
    assert st["state"] == "never" and pl.last_successful_run(store) is None


def test_function_step_can_skip_with_a_reason(settings_factory, backend):
    settings = settings_factory(backend)

    def nothing_to_do(store, settings):
        return {"skipped": "geen verbeteracties geregistreerd"}

    res = pl.run_steps(settings, [pl.Step("effects", func=nothing_to_do)])
    assert res.ok and res.steps[0].status == "skipped"
    assert res.steps[0].note == "geen verbeteracties geregistreerd"
    with open_store(settings, restricted=False) as st:  # the run belongs to the organisation (issue 16)
        assert st.shared.query_df("SELECT run_id, org_code FROM pipeline_runs").values.tolist() == \
            [[res.run_id, settings.organisation_code]]


@pytest.mark.slow
def test_demo_generates_runs_and_summarises(settings_factory):
    from signalen_lib.demo import run_demo

    settings = settings_factory("duckdb")
    lines: list[str] = []
    code = run_demo(settings, n=300, seed=3, reports=False, progress=lines.append, nb_dir=FIXTURES)
    text = "\n".join(lines)
    assert code == 0, text
    assert (settings.raw_dir / "kto").is_dir()  # the synthetic exports were written
    assert "== Samenvatting" in text and "pipeline-run" in text and "Laatste geslaagde verwerking" in text
    with open_store(settings, restricted=False) as st:
        steps = pl.run_steps_df(st, pl.list_runs(st).iloc[0]["run_id"])
    assert "labels" in list(steps["step"])  # ground truth stood in for a labelled sample
    assert (settings.data_dir / "labels_demo.csv").exists()
