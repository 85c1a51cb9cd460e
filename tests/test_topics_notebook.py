"""notebooks/02_verwerken.ipynb run by papermill on a small corpus: fit, then assign new signals."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def _insert(store, df):
    store.shared.insert_df("signals", pd.DataFrame({
        "signal_id": df["signal_id"], "source": "kto", "received_at": pd.to_datetime(df["received_at"]).astype("datetime64[us]"),
        "text": df["text"], "content_hash": [hashlib.sha256(s.encode()).hexdigest() for s in df["signal_id"]],
    }))


def test_02_verwerken_notebook_fits_then_assigns(tmp_path, monkeypatch):
    import papermill as pm

    from signalen_lib.config import load_config
    from signalen_lib.store import open_store
    from helpers_topics import TOY_TAXONOMY, toy_corpus

    monkeypatch.setenv("SIGNALEN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SIGNALEN_REPORTS_DIR", str(tmp_path / "reports"))
    tax = tmp_path / "taxonomy.yaml"
    tax.write_text(yaml.safe_dump(TOY_TAXONOMY, allow_unicode=True), encoding="utf-8")
    settings = load_config(taxonomy_file=str(tax))
    df = toy_corpus(800, seed=4)
    with open_store(settings) as st:
        _insert(st, df)
    common = {"taxonomy_file": str(tax), "n_topics": 7, "run_id": "nbtest"}
    out1 = tmp_path / "02_fit.ipynb"
    pm.execute_notebook(str(ROOT / "notebooks" / "02_verwerken.ipynb"), str(out1), kernel_name="python3", cwd=str(tmp_path),
                        parameters={**common, "mode": "fit", "n_topics_range": "6,7"})
    text = json.dumps(json.loads(out1.read_text()))
    assert "mode fit" in text and "LDAvis" in text and "cdn.jsdelivr.net/gh/bmabey" not in text
    with open_store(settings, restricted=False) as st:
        v1 = st.shared.scalar("SELECT model_version FROM topic_models WHERE is_current")
        assert st.shared.scalar("SELECT count(DISTINCT signal_id) FROM signal_categories WHERE model_version = ?", [v1]) == 800
        extra = toy_corpus(30, seed=8)
        extra["signal_id"] = "new:" + extra["signal_id"]
        _insert(st, extra)
    out2 = tmp_path / "02_assign.ipynb"
    pm.execute_notebook(str(ROOT / "notebooks" / "02_verwerken.ipynb"), str(out2), kernel_name="python3", cwd=str(tmp_path),
                        parameters={**common, "mode": "assign", "ldavis": False})
    with open_store(settings, restricted=False) as st:
        assert st.shared.scalar("SELECT model_version FROM topic_models WHERE is_current") == v1
        assert st.shared.scalar("SELECT count(DISTINCT signal_id) FROM signal_categories WHERE model_version = ?", [v1]) == 830
    nb = json.loads(out2.read_text())
    assert nb["metadata"]["papermill"]["parameters"]["mode"] == "assign"
