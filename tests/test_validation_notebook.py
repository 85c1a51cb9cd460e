"""notebooks/03_valideren.ipynb under papermill: the quality gate stops a bad run (slow)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "03_valideren.ipynb"


def _setup(tmp_path, accuracy):
    from signalen_lib.config import load_config
    from signalen_lib.store import open_store
    from helpers_validation import labels_from_truth, make_demo_store

    tmp_path.mkdir(parents=True, exist_ok=True)
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text(yaml.safe_dump({"data_dir": str(tmp_path / "data"), "reports_dir": str(tmp_path / "reports")}))
    settings = load_config(cfg)
    sig = make_demo_store(settings, n=300, seed=2, model_accuracy=accuracy)
    with open_store(settings, restricted=False) as st:
        st.shared.insert_df("labels", labels_from_truth(sig, sig["signal_id"][:200], "anna"))
    return cfg, settings


def _run(cfg, out, run_id):
    import papermill as pm

    return pm.execute_notebook(
        str(NOTEBOOK), str(out), parameters={"config_path": str(cfg), "run_id": run_id},
        kernel_name="python3", progress_bar=False, cwd=str(ROOT),
    )


@pytest.mark.slow
def test_gate_stops_papermill_run_with_a_bad_model_and_passes_a_good_one(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    import papermill as pm

    bad_cfg, bad = _setup(tmp_path / "bad", accuracy=0.3)
    good_cfg, good = _setup(tmp_path / "good", accuracy=0.95)
    out = tmp_path / "bad.ipynb"
    with ThreadPoolExecutor(2) as pool:  # two kernels side by side: half the wall time
        f_bad = pool.submit(_run, bad_cfg, out, "bad")
        f_good = pool.submit(_run, good_cfg, tmp_path / "good.ipynb", "good")
        with pytest.raises(pm.PapermillExecutionError) as err:
            f_bad.result()
        f_good.result()  # a good model passes the gate: no exception
    assert err.value.ename == "QualityGateFailed"
    executed = out.read_text()
    assert 'data-passed=\\"false\\"' in executed and "NIET gehaald" in executed  # the red banner was shown first
    assert json.loads((bad.runs_dir / "bad" / "validation" / "metrics.json").read_text())["gate"]["passed"] is False

    meta = json.loads((good.runs_dir / "good" / "validation" / "metrics.json").read_text())
    assert meta["gate"]["passed"] is True and meta["metrics"]["macro_f1"] >= 0.7
    assert (good.runs_dir / "good" / "validation" / "f1_per_category.svg").exists()
