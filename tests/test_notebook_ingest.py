"""The real 01_verzamelen notebook run by papermill on demo exports."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def test_01_verzamelen_notebook_runs_and_reconciles(tmp_path, monkeypatch):
    import papermill as pm

    from signalen_lib.synth import generate

    raw = tmp_path / "raw"
    generate(600, 7, raw)
    monkeypatch.setenv("SIGNALEN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SIGNALEN_REPORTS_DIR", str(tmp_path / "reports"))
    out = tmp_path / "01_out.ipynb"
    pm.execute_notebook(str(ROOT / "notebooks" / "01_verzamelen.ipynb"), str(out),
                        parameters={"raw_dir": str(raw), "run_id": "nbtest"}, kernel_name="python3", cwd=str(tmp_path))
    nb = json.loads(out.read_text())
    assert nb["metadata"]["papermill"]["parameters"]["run_id"] == "nbtest"
    text = json.dumps(nb)
    assert "gelezen" in text and "opgeslagen" in text
    from signalen_lib.config import load_config
    from signalen_lib.store import open_store

    with open_store(load_config()) as st:
        read = st.shared.scalar("SELECT sum(rows_read) FROM ingest_runs WHERE run_id LIKE 'nbtest%'")
        stored = st.restricted.count("signals_raw")
        quarantined = st.restricted.count("quarantine")
        dup = st.shared.scalar("SELECT sum(duplicates) FROM ingest_runs WHERE run_id LIKE 'nbtest%'")
        assert read == stored + quarantined + dup and stored > 500
        assert st.shared.count("signals") == stored  # everything stored was masked into the shared zone
