"""``signalen validate --texts … --labels … --json`` (standalone mode) and, on real Dutch text,
the workbench against the TF-IDF + LR baseline."""
from __future__ import annotations

import csv
import io
import json
from contextlib import redirect_stdout

import pytest
import yaml

from signalen_lib.cli import main
from helpers_validation import make_signals


def _run_cli(argv) -> tuple[int, str]:
    buf = io.StringIO()
    with redirect_stdout(buf):
        code = main(argv)
    return code, buf.getvalue()


@pytest.fixture
def small_config(tmp_path):
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text(yaml.safe_dump({"data_dir": str(tmp_path / "data"), "reports_dir": str(tmp_path / "reports"), "n_topics": 20}))
    return cfg


def test_standalone_validate_prints_one_json_object(tmp_path, small_config):
    from signalen_lib.config import load_config

    sig = make_signals(load_config(small_config), n=160, seed=3)
    texts, labels = tmp_path / "texts.csv", tmp_path / "labels.csv"
    sig.rename(columns={"signal_id": "id"})[["id", "text", "received_at"]].to_csv(texts, index=False)
    sig.rename(columns={"signal_id": "id", "true_category": "category"})[["id", "category"]].iloc[:120].to_csv(labels, index=False)
    code, out = _run_cli(["validate", "--texts", str(texts), "--labels", str(labels), "--train-fraction", "0.5",
                          "--seed", "0", "--json", "--config", str(small_config)])
    assert code == 0
    lines = [ln for ln in out.splitlines() if ln.strip()]
    assert len(lines) == 1
    r = json.loads(lines[0])
    assert r["n_texts"] == 160 and r["n_labels"] == 120 and r["n_train"] + r["n_test"] == 120
    for who in ("workbench", "baseline"):
        assert set(r[who]) >= {"accuracy", "macro_f1", "kappa"}
    assert r["workbench"]["macro_f1"] > 0.5  # seed words make these texts easy
    assert "topic_model" in r["pipeline"]


def test_standalone_validate_names_file_line_and_field_for_unknown_ids(tmp_path, small_config, capsys):
    texts, labels = tmp_path / "texts.csv", tmp_path / "labels.csv"
    texts.write_text("id,text\n1,de container is vol\n2,parkeren kost te veel\n", encoding="utf-8")
    labels.write_text("id,category\n1,afval\n3,parkeren\n", encoding="utf-8")
    code, _ = _run_cli(["validate", "--texts", str(texts), "--labels", str(labels), "--json", "--config", str(small_config)])
    assert code == 2
    assert "labels.csv, line 3, field 'id': unknown signal id '3'" in capsys.readouterr().err


@pytest.mark.slow
def test_workbench_matches_or_beats_the_baseline_on_sib200(real_data):
    """On a part of SIB-200 (real Dutch sentences, 7 topics): held-out macro-F1 of the workbench's
    label-informed assignment >= that of TF-IDF + LR trained on the same labels."""
    import pandas as pd

    from signalen_lib.config import load_config
    from signalen_lib.validation.standalone import validate_texts

    path = real_data / "sib200_nld" / "train.tsv"
    if not path.exists():
        pytest.skip(f"{path} not found")
    df = pd.read_csv(path, sep="\t", quoting=csv.QUOTE_NONE).iloc[:400]
    texts = pd.DataFrame({"id": df["index_id"].astype(str), "text": df["text"]})
    labels = pd.DataFrame({"id": df["index_id"].astype(str), "category": df["category"]})
    settings = load_config(None, n_topics=15)
    r = validate_texts(texts, labels, train_fraction=0.5, seed=0, settings=settings, n_boot=0)
    assert r["workbench"]["macro_f1"] >= r["baseline"]["macro_f1"]


def test_labels_commands_and_store_mode_validate_exit_codes(tmp_path, capsys):
    from signalen_lib.config import load_config
    from helpers_validation import make_demo_store

    cfg = tmp_path / "cfg.yaml"
    cfg.write_text(yaml.safe_dump({"data_dir": str(tmp_path / "data"), "reports_dir": str(tmp_path / "reports")}))
    sig = make_demo_store(load_config(cfg), n=120, seed=6, model_accuracy=0.3)
    code, out = _run_cli(["labels", "sample", "--n", "40", "--seed", "1", "--config", str(cfg)])
    assert code == 0 and "40 texts" in out
    good = tmp_path / "labels.csv"
    sig.rename(columns={"true_category": "category"})[["signal_id", "category"]].iloc[:80].assign(labeller="anna").to_csv(good, index=False)
    code, out = _run_cli(["labels", "import", str(good), "--config", str(cfg)])
    assert code == 0 and "80 texts" in out
    bad = tmp_path / "bad.csv"
    bad.write_text("signal_id,category\nkto:0,geen_categorie\n", encoding="utf-8")
    code, _ = _run_cli(["labels", "import", str(bad), "--config", str(cfg)])
    assert code == 2 and "bad.csv, line 2, field 'category'" in capsys.readouterr().err
    code, out = _run_cli(["labels", "export", str(tmp_path / "out.csv"), "--config", str(cfg)])
    assert code == 0 and len((tmp_path / "out.csv").read_text().splitlines()) == 81
    code, out = _run_cli(["validate", "--json", "--config", str(cfg)])  # a bad model: the gate fails, exit 1
    assert code == 1 and json.loads(out.strip().splitlines()[-1])["gate"]["passed"] is False
