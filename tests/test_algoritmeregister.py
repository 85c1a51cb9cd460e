"""The Algoritmeregister entry: follows the live model and the source register, carries the last
validation run's figures with their intervals, and its JSON validates against the field list."""
from __future__ import annotations

import json
from datetime import datetime

import pandas as pd
import yaml

from signalen_lib.cli import main
from signalen_lib.privacy.algoritmeregister import FIELD_BY_KEY, FIELDS, build_entry, validate_entry
from signalen_lib.vocab.fmt import fmt_num

METRICS = {"n": 500, "accuracy": 0.6331, "accuracy_ci": [0.5912, 0.6744], "macro_f1": 0.5983,
           "macro_f1_ci": [0.5541, 0.6362], "kappa": 0.6172, "kappa_ci": [0.5705, 0.6601]}


def _model(db, version: str, created: datetime, current: bool = True) -> None:
    if current:
        db.execute("UPDATE topic_models SET is_current = FALSE")
    params = {"n_topics": 12, "overig_threshold": 0.25, "refine": True,
              "taxonomy": {"categories": [{"key": "afval", "subcategories": [{"key": "a1"}, {"key": "a2"}]},
                                          {"key": "parkeren", "subcategories": []}]}}
    db.execute("INSERT INTO topic_models (model_version, created_at, params, seed, n_docs, is_current) "
               "VALUES (?, ?, ?, ?, ?, ?)", [version, created, json.dumps(params), 42, 3000, current])


def _validation(db, run_id: str, version: str, created: datetime, metrics: dict, passed: bool) -> None:
    doc = {"run_id": run_id, "model_version": version, "metrics": metrics,
           "gate": {"passed": passed, "macro_f1": metrics["macro_f1"], "kappa": metrics["kappa"], "validated": True}}
    db.insert_df("validation_runs", pd.DataFrame([{
        "run_id": run_id, "model_version": version, "labels_source": "store", "created_at": pd.Timestamp(created),
        "n_labels": metrics["n"], "metrics": json.dumps(doc), "gate_passed": passed}]))


def test_entry_follows_the_model_the_sources_and_the_last_validation(store, settings_factory, backend, tmp_path):
    settings = settings_factory(backend)
    db = store.shared
    _model(db, "m1", datetime(2026, 3, 2, 9, 0))
    _validation(db, "v-old", "m1", datetime(2026, 3, 3), {**METRICS, "macro_f1": 0.41, "macro_f1_ci": [0.3, 0.5]}, False)
    _validation(db, "v-last", "m1", datetime(2026, 4, 1), METRICS, False)

    entry = build_entry(store, settings)
    assert validate_entry(entry.fields) == []
    f = entry.fields
    assert f["status"] == "In gebruik" and f["source_id"] == "signalen:m1" and f["standard_version"] == "1.0"
    assert f["organization"] == settings.register_organisation and f["contact_email"] == settings.register_contact
    assert f["lawful_basis"] == settings.register_legal_basis

    # the quality figures are the last validation run's, with their intervals
    v = entry.facts["validation"]
    assert v["run_id"] == "v-last" and v["n_labels"] == 500
    for key in ("accuracy", "macro_f1", "kappa"):
        assert v[key] == METRICS[key] and v[f"{key}_ci"] == METRICS[f"{key}_ci"]
        lo, hi = METRICS[f"{key}_ci"]
        assert f"{fmt_num(METRICS[key])} (95%-interval {fmt_num(lo)} – {fmt_num(hi)})" in f["methods_and_models"]
    assert "macro-F1 0,60 (95%-interval 0,55 – 0,64)" in f["methods_and_models"]
    assert "0,41" not in f["methods_and_models"]
    assert "2 maart 2026" in f["methods_and_models"]  # the date of the model version

    # a new model goes live: the entry changes (its version and date; quality not yet measured for it)
    _model(db, "m2", datetime(2026, 5, 10, 9, 0))
    entry2 = build_entry(store, settings)
    assert entry2.fields != entry.fields and entry2.fields["source_id"] == "signalen:m2"
    assert "10 mei 2026" in entry2.fields["methods_and_models"]
    assert "gemeten op modelversie m1" in entry2.fields["methods_and_models"]
    _validation(db, "v-m2", "m2", datetime(2026, 5, 11), {**METRICS, "macro_f1": 0.7123, "macro_f1_ci": [0.68, 0.74]}, True)
    entry3 = build_entry(store, settings)
    assert entry3.facts["validation"]["run_id"] == "v-m2"
    assert "macro-F1 0,71 (95%-interval 0,68 – 0,74)" in entry3.fields["methods_and_models"]

    # training labels: the category model that learns from them is named with its labels and date
    assert "nog geen trainingslabels" in entry3.fields["methods_and_models"]
    db.execute("INSERT INTO category_models (model_id, created_at, n_training_labels, is_current) VALUES (?, ?, ?, ?)",
               ["cm-1", datetime(2026, 5, 12, 10, 0), 250, True])
    entry4 = build_entry(store, settings)
    assert "Categoriemodel van 12 mei 2026, getraind op 250 trainingslabels." in entry4.fields["methods_and_models"]
    assert "actief leren" in entry4.fields["methods_and_models"] and validate_entry(entry4.fields) == []

    # a source changes (approved anew, longer retention) or is added: the entry changes
    reg = yaml.safe_load(settings.sources_path.read_text(encoding="utf-8"))
    reg["sources"]["kto"]["approval"]["date"] = "2026-06-01"
    reg["sources"]["kto"]["retention_days"] = 400
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump(reg, allow_unicode=True), encoding="utf-8")
    changed = build_entry(store, settings_factory(backend, sources_file=str(path)))
    assert changed.fields["source_data"] != entry3.fields["source_data"]
    assert "goedgekeurd op 01-06-2026; bewaartermijn ruwe tekst 400 dagen" in changed.fields["source_data"]
    assert validate_entry(changed.fields) == []


def test_cli_json_validates_against_the_field_list_and_writes_markdown(settings_factory, tmp_path, monkeypatch, capsys):
    settings = settings_factory("duckdb")
    from signalen_lib.store import open_store

    with open_store(settings) as st:
        _model(st.shared, "m9", datetime(2026, 2, 1))
        _validation(st.shared, "v9", "m9", datetime(2026, 2, 2), METRICS, False)
    monkeypatch.setenv("SIGNALEN_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("SIGNALEN_REPORTS_DIR", str(settings.reports_dir))
    assert main(["algoritmeregister", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert validate_entry(doc) == []
    assert set(doc) <= set(FIELD_BY_KEY)
    assert {f.key for f in FIELDS if f.required} <= set(doc)
    assert doc["source_id"] == "signalen:m9" and "0,63 (95%-interval 0,59 – 0,67)" in doc["methods_and_models"]

    assert main(["algoritmeregister", "--out", str(tmp_path / "ar")]) == 0
    md = (tmp_path / "ar" / "algoritmeregister.md").read_text(encoding="utf-8")
    assert json.loads((tmp_path / "ar" / "algoritmeregister.json").read_text(encoding="utf-8")) == doc
    for title in ("## Doel en impact", "## Menselijke tussenkomst", "## Wettelijke basis", "## Gegevens",
                  "## Technische werking", "## Risicobeheer", "## Contactgegevens"):
        assert title in md
    assert "- kto (kto, " in md and "goedgekeurd op 01-09-2024" in md


def test_validate_entry_reports_each_kind_of_problem():
    good = {"name": "x", "description_short": "y", "organization": "z", "status": "In gebruik",
            "contact_email": "a@b.nl", "publication_category": "Overige algoritmes", "lang": "nld"}
    assert validate_entry(good) == []
    problems = validate_entry({**good, "status": "Live", "name": "n" * 101, "bestaat_niet": 1, "organization": "",
                               "category": ["Verkeer", "Geen thema"]})
    text = " | ".join(problems)
    for needle in ("'status'", "'name' has 101", "unknown field 'bestaat_niet'", "'organization'", "'Geen thema'"):
        assert needle in text, (needle, text)
