"""The Dask engine (``engine: dask``) on a real ``dask.distributed.LocalCluster`` (separate worker
processes, scheduler on 127.0.0.1): the same masked text, category assignments, perception and
aggregates as the single-process path on the same synthetic signals; and without ``engine: dask``
Dask is never imported."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from signalen_lib.config import ConfigError, load_config

ROOT = Path(__file__).resolve().parents[1]
N = 2500
PARTITION = 600  # several partitions, and not a divisor of N (a short last partition)


def test_config_engine_settings(tmp_path):
    s = load_config(None, data_dir=str(tmp_path))
    assert (s.engine, s.dask_scheduler, s.dask_workers) == ("local", None, 2)
    with pytest.raises(ConfigError, match="engine"):
        load_config(None, data_dir=str(tmp_path), engine="spark")
    with pytest.raises(ConfigError, match="dask_scheduler"):
        load_config(None, data_dir=str(tmp_path), dask_scheduler="127.0.0.1:8786")


def test_pipeline_steps_with_and_without_dask(tmp_path):
    from signalen_lib.runs.pipeline import default_steps

    local = default_steps(load_config(None, data_dir=str(tmp_path)), mode="fit")
    dask = default_steps(load_config(None, data_dir=str(tmp_path), engine="dask"), mode="fit")
    assert [s.name for s in local] == ["ingest", "retention", "topics", "perception", "validate", "alerts", "digest",
                                       "effects", "aggregates", "privacy_report"]
    assert [s.name for s in dask] == ["ingest", "mask", "retention", "assign", "topics", "perception", "validate",
                                      "alerts", "digest", "effects", "aggregates", "privacy_report"]
    assert "mask" not in local[0].parameters and dask[0].parameters["mask"] is False
    assert {s.func.__name__ for s in dask if s.name in ("mask", "assign", "perception", "aggregates")} == {
        "mask_step", "assign_step", "perception_step", "aggregates_step"}
    assert local[3].func.__name__ == "perception_step" and local[8].func.__name__ == "refresh_aggregates"


LOCAL_RUN = r"""
import sys, json
from signalen_lib.config import load_config
from signalen_lib.synth import generate
from signalen_lib.store import open_store
from signalen_lib.ingest import ingest_all
from signalen_lib.runs.pipeline import default_steps
from signalen_lib.dashboard.aggregates import refresh_aggregates
d = sys.argv[1]
s = load_config(None, data_dir=d + "/data", reports_dir=d + "/reports")
generate(300, 3, out_dir=s.raw_dir)
default_steps(s, mode="fit")
with open_store(s) as st:
    ingest_all(st, s)
    meta = refresh_aggregates(st, s)
print(json.dumps({"n": meta["n_signals"], "mods": sorted(m for m in sys.modules if m.split(".")[0] in ("dask", "distributed"))}))
"""


def test_local_engine_never_imports_dask(tmp_path):
    out = subprocess.run([sys.executable, "-c", LOCAL_RUN, str(tmp_path)], capture_output=True, text=True, cwd=ROOT,
                         timeout=600, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr[-3000:]
    res = json.loads(out.stdout.strip().splitlines()[-1])
    assert int(res["n"]) > 250  # the path really ran: signals ingested, masked and aggregated
    assert res["mods"] == []


@pytest.fixture(scope="module")
def cluster():
    from dask.distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address="127.0.0.1:0") as lc, Client(lc) as client:
        yield lc, client


def _snap(db, sql):
    return db.query_df(sql).reset_index(drop=True)


@pytest.mark.slow
def test_dask_gives_the_same_results_as_one_process(tmp_path, cluster):
    from signalen_lib.dashboard.aggregates import refresh_aggregates
    from signalen_lib.ingest import ingest_all, mask_pending
    from signalen_lib.perception.model import perception_step as local_perception
    from signalen_lib.runs import engine
    from signalen_lib.store import open_store
    from signalen_lib.synth import generate
    from signalen_lib.topics.service import fit_store

    lc, client = cluster
    # two separate worker processes, not this one, with the scheduler on 127.0.0.1
    pids = client.run(os.getpid)
    assert len(set(pids.values())) == 2 and os.getpid() not in pids.values()
    assert lc.scheduler_address.startswith("tcp://127.0.0.1:")
    s = load_config(None, data_dir=str(tmp_path / "data"), reports_dir=str(tmp_path / "reports"), engine="dask",
                    dask_scheduler=lc.scheduler_address, dask_partition_rows=PARTITION, dask_mask_local=False)
    generate(N, 5, out_dir=s.raw_dir)
    st = open_store(s)
    try:
        ingest_all(st, s, mask=False)
        sh, rs = st.shared, st.restricted
        # ---- single process
        assert mask_pending(st, s, batch_size=PARTITION) == N
        sig1 = _snap(sh, "SELECT * EXCLUDE (masked_at) FROM signals ORDER BY signal_id")
        fnd1 = _snap(rs, "SELECT * FROM pii_findings ORDER BY ALL")
        assert len(fnd1) > 100  # the corpus plants personal data, so masking had work to do
        fit_store(st, s, passes=2)
        cat1 = _snap(sh, "SELECT * FROM signal_categories ORDER BY signal_id, rank")
        top1 = _snap(sh, "SELECT * FROM signal_topics ORDER BY signal_id, rank")
        local_perception(st, s)
        per1 = _snap(sh, "SELECT * EXCLUDE (model_version) FROM signal_perception ORDER BY signal_id")
        refresh_aggregates(st, s)
        agg1 = _snap(sh, "SELECT * FROM agg_daily ORDER BY ALL")

        # ---- Dask: mask again from the raw rows
        sh.execute("DELETE FROM signals")
        rs.execute("DELETE FROM pii_findings")
        rs.execute("UPDATE signals_raw SET masked_at = NULL")
        assert engine.mask_step(st, s) == {"masked": N}
        pd.testing.assert_frame_equal(_snap(sh, "SELECT * EXCLUDE (masked_at) FROM signals ORDER BY signal_id"), sig1)
        pd.testing.assert_frame_equal(_snap(rs, "SELECT * FROM pii_findings ORDER BY ALL"), fnd1)
        # categories and topics by the same (current) model, broadcast to the workers
        sh.execute("DELETE FROM signal_categories")
        sh.execute("DELETE FROM signal_topics")
        res = engine.assign_step(st, s)
        assert res["assigned"] == N
        pd.testing.assert_frame_equal(_snap(sh, "SELECT * FROM signal_categories ORDER BY signal_id, rank"), cat1,
                                      check_exact=True)
        pd.testing.assert_frame_equal(_snap(sh, "SELECT * FROM signal_topics ORDER BY signal_id, rank"), top1,
                                      check_exact=True)
        assert cat1["category"].nunique() > 5
        # perception: fitted centrally, predicted on the workers
        engine.perception_step(st, s)
        per2 = _snap(sh, "SELECT * EXCLUDE (model_version) FROM signal_perception ORDER BY signal_id")
        pd.testing.assert_frame_equal(per2, per1, check_exact=True)
        assert set(per1["perception"]) == {"klacht", "neutraal", "compliment"}
        # aggregates: partial per partition, then combined
        sh.execute("DELETE FROM agg_daily")
        meta = engine.aggregates_step(st, s)
        assert int(meta["n_signals"]) == N
        pd.testing.assert_frame_equal(_snap(sh, "SELECT * FROM agg_daily ORDER BY ALL"), agg1, check_exact=True)
    finally:
        st.close()


def test_unreachable_scheduler_is_a_clear_error(tmp_path):
    from signalen_lib.runs.engine import dask_client

    s = load_config(None, data_dir=str(tmp_path), engine="dask", dask_scheduler="tcp://127.0.0.1:9")
    with pytest.raises(ConfigError, match="no Dask scheduler answers at tcp://127.0.0.1:9"):
        with dask_client(s):
            pass


@pytest.mark.slow
def test_masking_stays_on_a_local_cluster_unless_told_otherwise(tmp_path):
    """Raw text never goes to ``dask_scheduler`` by default: with an address where no scheduler
    answers, masking still runs (on a LocalCluster of this machine) and only the steps on masked
    data would use the scheduler."""
    from signalen_lib.ingest import ingest_all
    from signalen_lib.runs import engine
    from signalen_lib.store import open_store
    from signalen_lib.synth import generate

    s = load_config(None, data_dir=str(tmp_path / "data"), reports_dir=str(tmp_path / "reports"), engine="dask",
                    dask_scheduler="tcp://127.0.0.1:9", dask_workers=1)
    generate(200, 2, out_dir=s.raw_dir)
    with open_store(s) as st:
        ingest_all(st, s, mask=False)
        assert engine.mask_step(st, s) == {"masked": 200}
        assert st.shared.count("signals") == 200
        with pytest.raises(ConfigError, match="no Dask scheduler answers"):
            engine.mask_step(st, s.model_copy(update={"dask_mask_local": False}))
