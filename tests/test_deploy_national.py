"""The national deployment example in deploy/national/: the systemd units parse (and pass
``systemd-analyze verify`` where installed), the Dask scheduler and worker commands they run really
start a cluster that the engine computes on, the signalen commands exist, the example configs load,
and the PostgreSQL national store's partitioned DDL works on the real server."""
from __future__ import annotations

import configparser
import os
import shlex
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pandas as pd
import pytest

from signalen_lib.config import load_config
from test_pipeline_deploy import check_signalen_args

ROOT = Path(__file__).resolve().parents[1]
NATIONAL = ROOT / "deploy" / "national"
UNITS = sorted(p for p in NATIONAL.iterdir() if p.suffix in (".service", ".timer"))
VENV_BIN = Path(sys.executable).parent


def _unit(path: Path) -> configparser.ConfigParser:
    cp = configparser.ConfigParser(strict=False, interpolation=None)
    cp.optionxform = str
    cp.read(path, encoding="utf-8")
    return cp


def _exec(path: Path) -> tuple[list[str], dict[str, str]]:
    cp = _unit(path)
    env = {}  # configparser keeps only the last Environment=: read them from the text
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("Environment="):
            k, _, v = line[len("Environment="):].partition("=")
            env[k] = v
    return shlex.split(cp.get("Service", "ExecStart")), env


def test_units_parse_and_signalen_commands_exist():
    assert {u.name for u in UNITS} >= {"signalen-dask-scheduler.service", "signalen-dask-worker.service",
                                       "signalen-org-pipeline@.service", "signalen-national-pipeline.service"}
    for unit in UNITS:
        cp = _unit(unit)
        assert cp.get("Unit", "Description")
        if unit.suffix == ".timer":
            assert cp.get("Timer", "OnCalendar")
            assert (unit.parent / unit.with_suffix(".service").name).exists()
            continue
        args, _env = _exec(unit)
        exe = Path(args[0]).name
        assert exe in ("signalen", "dask"), unit.name
        assert (VENV_BIN / exe).exists(), f"{exe} is not installed in the environment"
        if exe == "signalen":
            check_signalen_args(args[1:])
        else:
            help_ = subprocess.run([str(VENV_BIN / "dask"), args[1], "--help"], capture_output=True, text=True,
                                   timeout=120)
            assert help_.returncode == 0, help_.stderr
            for opt in (a for a in args[2:] if a.startswith("--")):
                assert opt in help_.stdout, f"{unit.name}: dask {args[1]} has no option {opt}"


def test_example_configs_load():
    zone = load_config(NATIONAL / "zone.example.yaml")
    nat = load_config(NATIONAL / "national.example.yaml")
    assert zone.engine == nat.engine == "dask"
    assert zone.dask_scheduler is None  # the restricted zone masks on its own local cluster
    assert nat.dask_scheduler.startswith("tcp://")
    zone_svc = (NATIONAL / "signalen-org-pipeline@.service").read_text(encoding="utf-8")
    assert "/etc/signalen/zones/%i.yaml" in zone_svc and "User=signalen-%i" in zone_svc


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _local(args: list[str], port: int, tmp: Path) -> list[str]:
    out = []
    for a in args:
        a = a.replace("/srv/signalen/.venv/bin", str(VENV_BIN)).replace("10.16.0.10:8786", f"127.0.0.1:{port}")
        a = a.replace("10.16.0.10", "127.0.0.1").replace("/var/tmp/signalen-dask", str(tmp / "dask"))
        out.append(a)
    if "scheduler" in out:
        out[out.index("--port") + 1] = str(port)
    return out


@pytest.mark.slow
def test_scheduler_and_worker_units_start_a_cluster_the_engine_uses(tmp_path):
    from dask.distributed import Client

    from signalen_lib.ingest.load import mask_frame
    from signalen_lib.privacy import get_masker
    from signalen_lib.runs.engine import frames_to_dask, mask_stage, stream

    port = _free_port()
    procs = []
    try:
        for name in ("signalen-dask-scheduler.service", "signalen-dask-worker.service"):
            args, env = _exec(NATIONAL / name)
            env = {**os.environ, **{k: v for k, v in env.items() if k != "SIGNALEN_HOME"},
                   "PYTHONPATH": str(ROOT)}
            procs.append(subprocess.Popen(_local(args, port, tmp_path), env=env, cwd=tmp_path,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            time.sleep(2 if "scheduler" in name else 0)
        with Client(f"tcp://127.0.0.1:{port}", timeout="60s") as client:
            client.wait_for_workers(2, timeout=120)
            workers = client.scheduler_info()["workers"]
            assert len(workers) == 2 and all(w["nthreads"] == 1 for w in workers.values())
            assert set(client.run(lambda: os.environ.get("DASK_DATAFRAME__CONVERT_STRING")).values()) == {"False"}
            raw = pd.DataFrame({
                "signal_id": [f"kto:{i}" for i in range(40)], "source": "kto",
                "source_record_id": [str(i) for i in range(40)],
                "received_at": pd.Timestamp("2026-11-02 10:00"), "channel": "web", "cluster": "onbekend",
                "afdeling": "onbekend", "score": 5,
                "text": [f"Mijn BSN is 111222333 en bel me op 06-1234567{i % 10}, groet Jan de Vries" if i % 2
                         else "De wachttijd aan de telefoon was erg lang" for i in range(40)],
            })
            frames = [raw.iloc[:25], raw.iloc[25:]]
            got = pd.concat([p for (p,) in stream(client, [mask_stage(frames_to_dask(frames))])], ignore_index=True)
        want = pd.concat([mask_frame(f, get_masker())[0] for f in frames], ignore_index=True)
        pd.testing.assert_frame_equal(got.drop(columns="pii_findings"), want)
        assert not got["text"].str.contains("111222333").any()
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()


def test_systemd_analyze_verify(tmp_path):
    exe = shutil.which("systemd-analyze")
    if not exe:
        pytest.skip("systemd-analyze not installed; the field checks above still ran")
    (tmp_path / "zone").mkdir()
    files = []
    for unit in UNITS:
        text = unit.read_text(encoding="utf-8")
        text = (text.replace("/srv/signalen/.venv/bin", str(VENV_BIN))
                .replace("WorkingDirectory=/srv/signalen-zones/%i", f"WorkingDirectory={tmp_path / 'zone'}")
                .replace("WorkingDirectory=/srv/signalen", f"WorkingDirectory={tmp_path}")
                .replace("User=signalen-%i", "User=root").replace("Group=signalen-%i", "Group=root")
                .replace("User=signalen", "User=root").replace("Group=signalen", "Group=root"))
        name = unit.name.replace("@.", "@GM0599.")
        (tmp_path / name).write_text(text, encoding="utf-8")
        files.append(str(tmp_path / name))
    proc = subprocess.run([exe, "verify", *files], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.postgres
def test_national_store_ddl_partitions_by_org_and_month():
    import psycopg

    from conftest import PG_URL, require_postgres

    require_postgres()
    schema = f"t_nat_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_URL, autocommit=True) as con:
        try:
            con.execute(f"CREATE SCHEMA {schema}")
            con.execute(f"SET search_path TO {schema}")
            con.execute((NATIONAL / "national_store.sql").read_text(encoding="utf-8"))
            con.execute("INSERT INTO national_signals (signal_id, org_code, month, received_at, text) "
                        "VALUES ('kto:1', 'GM0599', '2026-12', '2026-12-01 09:00', 'tekst')")
            assert con.execute("SELECT count(*) FROM national_signals_gm0599_202612").fetchone()[0] == 1
            # a month (or an organisation) without its partition is refused, not stored elsewhere
            with pytest.raises(psycopg.errors.CheckViolation):
                con.execute("INSERT INTO national_signals (signal_id, org_code, month, received_at) "
                            "VALUES ('kto:2', 'GM0363', '2026-12', '2026-12-01 09:00')")
        finally:
            con.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def test_deploy_doc_mentions_every_national_file():
    doc = (ROOT / "docs" / "DEPLOY.md").read_text(encoding="utf-8")
    for f in NATIONAL.iterdir():
        assert f.name in doc, f.name
