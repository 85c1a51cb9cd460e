"""End to end with the real notebooks (01_verzamelen, 02_verwerken, 03_valideren, 04_maandrapportage) on the
synthetic corpus: two nightly runs (the second ingests a new month of exports), a rerun that must
not duplicate anything, the monthly reports, canary personal data that must not reach any report,
and a corrupted export that fails the pipeline at ingest while the dashboard keeps its data."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from signalen_lib.runs import pipeline as pl
from signalen_lib.demo import deliver, pipeline_steps_with_labels
from signalen_lib.vocab.models import current_topic_model
from signalen_lib.store import open_store

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
# PIPELINE_E2E_NOTEBOOKS: run against another notebooks folder (e.g. while one is being written)
NOTEBOOKS = Path(os.environ.get("PIPELINE_E2E_NOTEBOOKS", ROOT / "notebooks"))
CUT = pd.Timestamp("2026-10-01")  # first delivery: before; second delivery: October 2026
N = 3000


def _require_notebooks():
    missing = [n for _, n in pl.PIPELINE_NOTEBOOKS if not (NOTEBOOKS / n).exists()]
    if not (NOTEBOOKS / "04_maandrapportage.ipynb").exists():
        missing.append("04_maandrapportage.ipynb")
    if missing:
        pytest.skip(f"pipeline notebooks not there yet: {', '.join(missing)}")


def _rows_in(gen: Path, start, end) -> int:
    """KTO + terugbel rows of the generated corpus dated in [start, end) (a dry-run delivery)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        return deliver(gen, tmp, start, end, "count")


def _store_counts(settings) -> dict:
    with open_store(settings, restricted=False) as st:
        db = st.shared
        out = {
            "signals": db.count("signals"),
            "distinct_hash": int(db.scalar("SELECT count(DISTINCT source || content_hash) FROM signals")),
            "october": int(db.scalar("SELECT count(*) FROM signals WHERE received_at >= ?", [CUT.to_pydatetime()])),
            "model": current_topic_model(st.shared),
        }
        if db.table_exists("signal_categories"):
            out["cat_rows"] = db.count("signal_categories")
            out["cat_dupes"] = int(db.scalar(
                "SELECT count(*) FROM (SELECT signal_id, model_version, rank FROM signal_categories "
                "GROUP BY 1, 2, 3 HAVING count(*) > 1) d"))
        if db.table_exists("agg_daily"):
            df = db.query_df("SELECT * FROM agg_daily")
            out["agg_hash"] = hashlib.sha256(
                df.sort_values(list(df.columns)).to_csv(index=False).encode()).hexdigest() if len(df) else ""
            out["agg_n"] = int(df["n"].sum()) if len(df) else 0
    return out


def _notebook_params(path: Path) -> dict:
    return nbformat.read(path, as_version=4).metadata["papermill"]["parameters"]


def test_pipeline_end_to_end(settings_factory, tmp_path):
    _require_notebooks()
    from signalen_lib.privacy.canary import CANARIES, CANARY_VALUES, find_leaks
    from signalen_lib.reports import monthly

    from signalen_lib.runs.scheduled import run_monthly_reports
    from signalen_lib.synth import generate

    # the quality gate has its own tests; on 3000 synthetic texts it is lowered so that this test is
    # about the pipeline (a gate failure would stop the run at 'validate', as it should)
    settings = settings_factory("duckdb", gate_macro_f1=0.2, gate_kappa=0.1)
    gen = tmp_path / "gen"
    generate(N, 11, out_dir=gen, start="2025-09-01", end="2026-10-31")
    canaries = [c.text() for c in CANARIES]
    n_first = deliver(gen, settings.raw_dir, "2000-01-01", CUT, "t_m_2026-09", whole=True, plant=canaries)
    # a labelled sample for 03_valideren: after ingest, 500 ground-truth labels of stored signals
    # stand in for analysts' labels (a "labels" step of the run)
    make_steps = lambda: pipeline_steps_with_labels(settings, gen / "ground_truth" / "signals.csv",  # noqa: E731
                                               tmp_path / "labels.csv", n=500, nb_dir=NOTEBOOKS)
    log: list[str] = []

    # --- night 1: first delivery, no model yet -> fit
    r1 = pl.run_pipeline(settings, progress=log.append, nb_dir=NOTEBOOKS, steps=make_steps)
    assert r1.ok, f"{r1.failed_step}: {r1.error}\n" + "\n".join(log)
    c1 = _store_counts(settings)
    first_total = N - _rows_in(gen, CUT, "2100-01-01")  # kto/terugbel up to September + all klachten/interviews
    assert n_first <= first_total
    assert 0.9 * first_total < c1["signals"] <= first_total  # a few rows are quarantined or duplicates
    assert c1["october"] == 0 or c1["october"] < 0.1 * c1["signals"]  # klachten/interviews may reach into October
    assert c1["model"] and c1["signals"] == c1["distinct_hash"]
    out1 = Path(r1.output_dir)
    p2 = _notebook_params(out1 / "02_verwerken.ipynb")
    assert p2.get("run_id") == r1.run_id
    assert p2.get("mode", "fit") == "fit"
    for name in ("01_verzamelen", "02_verwerken", "03_valideren"):
        assert (out1 / f"{name}.html").exists()
        assert "run_id" not in _notebook_params(out1 / f"{name}.ipynb") or \
            _notebook_params(out1 / f"{name}.ipynb")["run_id"] == r1.run_id

    # --- night 2: a new month of exports -> assign with the current model
    n_second = deliver(gen, settings.raw_dir, CUT, "2100-01-01", "2026-10", plant=canaries)
    r2 = pl.run_pipeline(settings, progress=log.append, nb_dir=NOTEBOOKS, steps=make_steps)
    assert r2.ok, f"{r2.failed_step}: {r2.error}"
    c2 = _store_counts(settings)
    new = c2["signals"] - c1["signals"]
    assert 0.9 * n_second <= new <= n_second
    assert c2["model"] == c1["model"]  # assigned, not refitted
    if "mode" in _notebook_params(Path(r2.output_dir) / "02_verwerken.ipynb"):
        assert _notebook_params(Path(r2.output_dir) / "02_verwerken.ipynb")["mode"] == "assign"
    assert c2.get("cat_dupes", 0) == 0

    with open_store(settings, restricted=False) as st:
        runs = pl.list_runs(st, kind="pipeline")
        assert list(runs["status"]) == ["success"] * 2
        assert set(runs["model_version"]) == {c1["model"]}
        steps = pl.run_steps_df(st, r2.run_id)
        assert list(steps["step"]) == ["ingest", "labels", "retention", "topics", "perception", "validate", "alerts",
                                       "digest", "improvements", "effects", "aggregates", "privacy_report"]
        status = dict(zip(steps["step"], steps["status"]))
        assert {status[s] for s in ("retention", "digest")} == {"skipped"}  # not configured: skipped, with the reason
        assert {v for k, v in status.items() if k not in ("retention", "digest")} == {"success"}, status
        top2 = [r[0] for r in st.shared.execute(
            "SELECT cluster FROM signals WHERE received_at >= ? AND cluster IS NOT NULL GROUP BY cluster "
            "ORDER BY count(*) DESC LIMIT 2", [CUT.to_pydatetime()])]
        cluster = top2[0]
        expected = int(st.shared.scalar(
            "SELECT count(*) FROM signals WHERE cluster = ? AND received_at >= ? AND received_at < ?",
            [cluster, CUT.to_pydatetime(), pd.Timestamp("2026-11-01").to_pydatetime()]))

    # --- monthly reports for October (two clusters; --all-clusters has its own test; PDF is tested in
    # tests/test_reports.py)
    rep = run_monthly_reports(settings, period="2026-10", clusters=top2, nb_dir=NOTEBOOKS, pdf=False)
    assert rep.ok, rep.error
    from signalen_lib.runs.scheduled import report_name

    html = (Path(rep.output_dir) / f"{report_name(cluster, '2026-10')}.html").read_text(encoding="utf-8")
    assert f"Maandrapportage {cluster} — oktober 2026" in html
    assert f"<strong>{monthly.fmt_int(expected)}</strong> signalen" in html
    for heading in ("Volume en trend", "Belangrijkste onderwerpen", "Ontevredenheid", "Signalen per wijk"):
        assert heading in html
    assert "kon niet worden gemaakt" not in html

    # --- canaries: planted in the raw exports, found nowhere in what the pipeline and reports wrote
    assert any(v in (settings.raw_dir / "kto" / "kto_export_2026-10.csv").read_text(encoding="cp1252", errors="replace")
               for v in CANARY_VALUES)
    leaks = {}
    for f in settings.runs_dir.rglob("*"):
        if f.is_file() and f.suffix in (".html", ".ipynb", ".json", ".csv", ".md", ".txt"):
            found = find_leaks(f.read_text(encoding="utf-8", errors="replace"))
            if found:
                leaks[str(f.relative_to(settings.runs_dir))] = found
    with open_store(settings, restricted=False) as st:
        texts = "\n".join(st.shared.query_df("SELECT text FROM signals")["text"].astype(str))
    assert not find_leaks(texts), "canary in the shared zone"
    assert not leaks, leaks

    # --- a corrupted export: the pipeline fails at ingest, the dashboard keeps the last good data;
    # ingest re-read every other export on the way, and nothing was duplicated
    before = _store_counts(settings)
    bad = settings.raw_dir / "klacht" / "klachten_2026-11.xlsx"
    bad.write_bytes(b"PK\x03\x04 this is not a real workbook" + bytes(200))
    r4 = pl.run_pipeline(settings, nb_dir=NOTEBOOKS, steps=make_steps)
    assert r4.status == "failed" and r4.failed_step == "ingest"
    assert "klachten_2026-11.xlsx" in r4.error
    after = _store_counts(settings)
    assert after.get("agg_hash") == before.get("agg_hash")
    assert (after["signals"], after["distinct_hash"], after.get("cat_rows")) == \
        (before["signals"], before["signals"], before.get("cat_rows"))
    with open_store(settings, restricted=False) as st:
        status = pl.pipeline_status(st)
        assert status["state"] == "failed" and pl.last_successful_run(st)["run_id"] == r2.run_id
        assert "laatste geslaagde verwerking:" in status["notice"]
        steps = pl.run_steps_df(st, r4.run_id).set_index("step")["status"].to_dict()
        assert steps["ingest"] == "failed" and steps["topics"] == "not_run" and steps["aggregates"] == "not_run"


def test_a_new_organisations_first_run_works_without_labels(tmp_path):
    """Exports registered, nobody has labelled yet: every step runs, validation is recorded as
    'nog niet gevalideerd' with a first sample to label, and the dashboard gets its data, also with
    the gate enforced (it decides publication only once there is something to measure)."""
    _require_notebooks()
    from signalen_lib.config import load_config
    from signalen_lib.synth import generate
    from signalen_lib.validation.gate import gate_from_record
    from signalen_lib.validation.sampling import load_sample

    settings = load_config(None, data_dir=str(tmp_path / "data"), reports_dir=str(tmp_path / "reports"),
                           gate_enforce=True, n_topics=20)
    generate(800, 5, out_dir=settings.raw_dir)
    res = pl.run_pipeline(settings, nb_dir=NOTEBOOKS)
    assert res.ok, res.error
    steps = {s.name: s.status for s in res.steps}
    assert steps["validate"] == "success" and steps["aggregates"] == "success", steps
    assert steps["effects"] == "skipped"
    with open_store(settings, restricted=False) as st:
        row = st.shared.query_df("SELECT * FROM validation_runs ORDER BY created_at DESC LIMIT 1").iloc[0].to_dict()
        gate = gate_from_record(row, settings)
        assert not gate.validated and gate.state == "nog niet gevalideerd"
        assert "nog niet gevalideerd" in gate.banner_html()
        assert len(load_sample(st.shared)) > 0  # the first sample to label is proposed
        assert st.shared.count("agg_daily") > 0 and st.shared.count("signal_perception") == st.shared.count("signals")
        effects = st.shared.query_df("SELECT status, error FROM pipeline_steps WHERE run_id = ? AND step = 'effects'", [res.run_id])
    assert effects["status"].iloc[0] == "skipped" and "geen verbeteracties" in effects["error"].iloc[0]
