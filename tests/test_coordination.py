"""One coordination rule: ingest, mask, retention and the pipeline take one lock per data folder
(or wait for it), and a reader holding the DuckDB file open only delays a writer."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest

from signalen_lib.runs import pipeline as pl
from signalen_lib.runs.lock import (PipelineLock, PipelineLocked, StoreBusy, command_lock, open_store_waiting,
                                    store_lock_path)
from signalen_lib.store import open_store

CLI = [sys.executable, "-m", "signalen_lib.cli"]


def _env(settings) -> dict[str, str]:
    return {**os.environ, **pl.kernel_env(settings)}


def _sleeper() -> subprocess.Popen:
    """A live process that is not our ancestor, to stand in as the lock's holder."""
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])


def _hold_lock_as(settings, pid: int, command: str) -> None:
    import json
    import socket

    path = store_lock_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"pid": pid, "host": socket.gethostname(), "run_id": "", "command": command,
                                "started_at": "2026-12-02T03:00:00+00:00"}))


def test_refusal_names_the_holder_and_wait_gets_the_lock_once_free(settings_factory):
    settings = settings_factory("duckdb")
    holder = command_lock(settings, "ingest", wait=0).acquire()
    try:
        with pytest.raises(PipelineLocked) as exc:
            command_lock(settings, "pipeline", wait=0.3, poll=0.1).acquire()
        msg = str(exc.value)
        assert "\n" not in msg
        assert f"signalen ingest (pid {os.getpid()}" in msg and "since 20" in msg
        assert "another signalen run is active" in msg  # the English half, as before
        told: list[str] = []
        threading.Timer(0.5, holder.release).start()
        t0 = time.monotonic()
        with command_lock(settings, "retention", wait=10, poll=0.1, say=told.append) as lk:
            assert lk.inherited is None and lk.read()["command"] == "retention"
        assert 0.4 < time.monotonic() - t0 < 5
        assert len(told) == 1 and "waiting up to 10 s for signalen ingest" in told[0]
    finally:
        holder.release()
    assert not store_lock_path(settings).exists()


def test_a_child_of_the_holder_works_under_its_lock(tmp_path):
    path = tmp_path / "pipeline.lock"
    with PipelineLock(path, command="pipeline"):
        code = ("from signalen_lib.runs.lock import PipelineLock; import sys\n"
                f"lk = PipelineLock({str(path)!r}, command='ingest').acquire()\n"
                "print('inherited' if lk.inherited else 'own'); lk.release()")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
        assert out.stdout.strip() == "inherited", out.stderr
        assert path.exists()  # the child did not remove its parent's lock


@pytest.mark.parametrize("argv", [["ingest", "--all"], ["mask"], ["retention", "--apply"]])
def test_writing_commands_refuse_in_one_line_while_another_command_runs(settings_factory, tmp_path, argv):
    settings = settings_factory("duckdb")
    (settings.data_dir / "raw").mkdir(parents=True, exist_ok=True)
    other = _sleeper()
    try:
        _hold_lock_as(settings, other.pid, "pipeline")
        t0 = time.monotonic()
        proc = subprocess.run(CLI + argv + ["--wait", "1"], env=_env(settings), cwd=tmp_path,
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 3, proc.stdout + proc.stderr
        last = proc.stderr.strip().splitlines()[-1]
        assert last.startswith("signalen: bezet / another signalen run is active: signalen pipeline "
                               f"(pid {other.pid}, since 2026-12-02T03:00:00+00:00) after waiting 1 s")
        assert "Traceback" not in proc.stderr and time.monotonic() - t0 > 1
        assert store_lock_path(settings).exists()  # the holder's lock is left alone
    finally:
        other.kill()
        other.wait()


def _hold_duckdb_read_only(path, seconds: float) -> subprocess.Popen:
    code = (f"import duckdb, time, sys; c = duckdb.connect({str(path)!r}, read_only=True); "
            f"print('open', flush=True); time.sleep({seconds}); c.close()")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "open"
    return proc


def test_a_reader_holding_the_file_delays_a_writer_and_then_is_named(settings_factory):
    settings = settings_factory("duckdb")
    open_store(settings).close()
    shared = settings.data_dir / "signalen.duckdb"
    reader = _hold_duckdb_read_only(shared, 1.5)  # the dashboard copying its aggregates
    try:
        told: list[str] = []
        t0 = time.monotonic()
        with open_store_waiting(settings, wait=30, poll=0.1, say=told.append) as store:
            assert store.shared.table_exists("signals")
        assert time.monotonic() - t0 > 0.5 and told and f"pid {reader.pid}" in told[0]
    finally:
        reader.wait(timeout=30)
    reader = _hold_duckdb_read_only(shared, 60)  # a kernel that never lets go
    try:
        with pytest.raises(StoreBusy) as exc:
            open_store_waiting(settings, wait=0.5, poll=0.1)
        assert f"held open by pid {reader.pid} (python" in str(exc.value) and "cannot open" not in str(exc.value)
    finally:
        reader.kill()
        reader.wait()


def _demo_data(settings, tmp_path) -> None:
    out = subprocess.run(CLI + ["demo-data", "--n", "800", "--seed", "1", "--out", str(settings.data_dir / "raw")],
                         env=_env(settings), cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr


def test_two_simultaneous_ingests_store_and_mask_each_signal_once(settings_factory, tmp_path):
    settings = settings_factory("duckdb")
    _demo_data(settings, tmp_path)
    cmd = CLI + ["ingest", "--all", "--json", "--wait", "300"]
    procs = [subprocess.Popen(cmd, env=_env(settings), cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    outs = [p.communicate(timeout=600) for p in procs]
    import json

    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err
    results = [json.loads(out) for out, _ in outs]
    masked = sorted(sum(r["masked"] for r in res) for res in results)
    stored = sorted(sum(r["stored"] for r in res) for res in results)
    assert masked == [0, 800] and stored == [0, 800]
    assert sum("waiting up to 300 s for signalen ingest" in err for _, err in outs) == 1
    with open_store(settings) as st:
        assert st.shared.count("signals") == 800 and st.restricted.count("signals_raw") == 800


@pytest.mark.slow
def test_ingest_and_pipeline_started_together_run_one_after_the_other(settings_factory, tmp_path):
    settings = settings_factory("duckdb")
    _demo_data(settings, tmp_path)
    env = _env(settings)
    kw = dict(env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ingest = subprocess.Popen(CLI + ["ingest", "--all", "--wait", "900"], **kw)
    pipe = subprocess.Popen(CLI + ["pipeline", "--wait", "900"], **kw)
    i_out, i_err = ingest.communicate(timeout=1200)
    p_out, p_err = pipe.communicate(timeout=1200)
    assert ingest.returncode == 0, i_out + i_err
    assert pipe.returncode == 0, p_out + p_err
    assert "Could not set lock" not in i_err + p_err and "cannot open" not in i_err + p_err
    # exactly one of them waited for the other
    waited = ["waiting up to 900 s for signalen pipeline" in i_err, "waiting up to 900 s for signalen ingest" in p_out + p_err]
    assert sum(waited) == 1, (i_err[-2000:], p_out[-2000:])
    with open_store(settings) as st:
        assert st.shared.count("signals") == 800 and st.restricted.count("signals_raw") == 800
        runs = st.shared.query_df("SELECT run_id, started_at, finished_at, status, stored, masked FROM ingest_runs")
        assert set(runs["status"]) == {"ok"}
        assert int(runs["stored"].sum()) == 800 and int(runs["masked"].sum()) == 800
        prun = pl.list_runs(st).iloc[0]
        assert prun["status"] == "success"
        assert int(st.shared.scalar("SELECT count(DISTINCT signal_id) FROM signal_categories")) == 800
    # both ingested: the standalone command and the pipeline's 01_verzamelen (its runs carry the run id)
    from_pipeline = runs["run_id"].str.startswith(prun["run_id"])
    assert from_pipeline.any() and (~from_pipeline).any()
