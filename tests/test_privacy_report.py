"""The privacy report of a run: written by the pipeline into the run folder, its counts equal the
store's, no planted canary in it; retention as a pipeline step, logged per source and month.
On DuckDB and PostgreSQL."""
from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest

from signalen_lib.privacy.canary import CANARY_VALUES, canary_texts, find_leaks
from signalen_lib.privacy.report import REPORT_HTML, REPORT_JSON, canary_check, privacy_summary, render_html
from signalen_lib.privacy.retention import retention_periods, retention_step, with_restricted
from signalen_lib.runs import pipeline as pl
from signalen_lib.store import open_store


@pytest.fixture(scope="module")
def gen(tmp_path_factory) -> Path:
    from signalen_lib.synth import generate

    out = tmp_path_factory.mktemp("gen")
    generate(600, 3, out_dir=out)
    return out


def _ingest(store, settings):
    from signalen_lib.ingest import ingest_all

    with with_restricted(store, settings) as st:  # a function step gets a shared-only store
        res = ingest_all(st, settings)
    return {"stored": sum(r.total("stored") for r in res)}


def _aggregates(store, settings):
    from signalen_lib.dashboard.aggregates import refresh_aggregates

    return refresh_aggregates(store, settings)


def test_pipeline_writes_the_privacy_report_and_its_counts_match_the_store(settings_factory, backend, gen):
    from signalen_lib.demo import deliver

    settings = settings_factory(backend, retention_in_pipeline=True)
    deliver(gen, settings.raw_dir, "2000-01-01", "2100-01-01", "all", whole=True, plant=canary_texts())
    kto = next((settings.raw_dir / "kto").glob("*.csv")).read_text(encoding="cp1252", errors="replace")
    assert find_leaks(kto), "the canaries were planted in the raw export"

    # the default pipeline has the two steps: retention right after ingest, the report last
    names = [s.name for s in pl.default_steps(settings, nb_dir=settings.data_dir)]
    assert names[:2] == ["ingest", "retention"] and names[-2:] == ["aggregates", "privacy_report"]

    # a pipeline-like run through the real runner: ingest, retention, aggregates, privacy report
    now = datetime.now()
    steps = [pl.Step("ingest", func=_ingest), pl.library_step("retention"),
             pl.Step("aggregates", func=_aggregates), pl.library_step("privacy_report")]
    res = pl.run_steps(settings, steps)
    assert res.ok, res.error
    out = Path(res.output_dir)
    assert out.parent == settings.runs_dir
    report = json.loads((out / REPORT_JSON).read_text(encoding="utf-8"))
    page = (out / REPORT_HTML).read_text(encoding="utf-8")
    assert report["run_id"] == res.run_id and "Privacyrapportage" in page

    # no planted canary (nor any finding's text) in what the report wrote
    assert find_leaks(page, json.dumps(report, ensure_ascii=False)) == []
    assert report["canary"]["passed"] and report["canary"]["masker_missed"] == 0
    assert report["canary"]["shared_texts_with_canary"] == 0

    with open_store(settings) as st:
        raw, sh = st.restricted, st.shared
        originals = [o for o in raw.query_df("SELECT original FROM pii_findings")["original"] if o and len(o) >= 6]
        assert originals and not any(o in page for o in originals[:200])

        # findings: per type, per source, the share of texts with a finding
        f = report["findings"]
        assert f["raw_texts"] == raw.count("signals_raw")
        assert f["findings"] == raw.count("pii_findings") > 0
        assert f["texts_with_finding"] == int(raw.scalar("SELECT count(DISTINCT signal_id) FROM pii_findings"))
        assert f["share_with_finding"] == pytest.approx(f["texts_with_finding"] / f["raw_texts"])
        by_type = dict(raw.execute("SELECT entity_type, count(*) FROM pii_findings GROUP BY entity_type"))
        assert {r["entity_type"]: r["findings"] for r in f["by_type"]} == {k: int(v) for k, v in by_type.items()}
        ids = raw.query_df("SELECT signal_id FROM pii_findings")["signal_id"]
        per_source = Counter(i.split(":", 1)[0] for i in ids)
        assert {r["source"]: r["findings"] for r in f["by_source"] if r["findings"]} == dict(per_source)
        assert sum(r["findings"] for r in f["by_type_and_source"]) == f["findings"]
        assert report["texts_masked"] == sh.count("signals") > 500

        # small cells: the cells of agg_daily below min_cell_size
        k = settings.min_cell_size
        sc = report["small_cells"]
        assert sc["cells"] == sh.count("agg_daily") > 0
        assert sc["suppressed_cells"] == int(sh.scalar("SELECT count(*) FROM agg_daily WHERE n < ?", [k]))

        # retention: what it deleted, per source and month, equals what was past the period
        periods = retention_periods(settings)
        signals = sh.query_df("SELECT source, received_at FROM signals")
        expected: Counter = Counter()
        for src, at in zip(signals["source"], pd.to_datetime(signals["received_at"])):
            if at < pd.Timestamp(now - timedelta(days=periods.get(src, settings.retention_default_days))):
                expected[(src, at.strftime("%Y-%m"))] += 1
        assert sum(expected.values()) > 0, "the synthetic corpus reaches past the shortest retention period"
        logged = raw.query_df("SELECT run_id, source, month, raw_deleted FROM retention_deletions")
        assert set(logged["run_id"]) == {res.run_id}
        got = Counter({(s, pd.Timestamp(m).strftime("%Y-%m")): int(n)
                       for s, m, n in zip(logged["source"], logged["month"], logged["raw_deleted"])})
        assert got == expected
        assert report["retention"]["raw_deleted_this_run"] == sum(expected.values())
        assert f["raw_texts"] == sh.count("signals") - sum(expected.values())  # the masked records stay, the raw text is gone
        steps_df = pl.run_steps_df(st, res.run_id).set_index("step")
        assert steps_df.loc["retention", "status"] == "success"
        assert json.loads(steps_df.loc["retention", "parameters"])["result"]["raw_deleted"] == sum(expected.values())
        assert steps_df.loc["privacy_report", "status"] == "success"

        # the sources with their approval
        from signalen_lib.ingest.sources import load_register

        register = load_register(settings)
        srcs = {s["source"]: s for s in report["sources"]}
        assert set(srcs) == set(register)
        for name, spec in register.items():
            assert srcs[name]["approved"] == spec.approved
            assert srcs[name]["approved_on"][:10] == spec.approved_on.isoformat()
            assert srcs[name]["signals"] == int(sh.scalar("SELECT count(*) FROM signals WHERE source = ?", [name]))
            assert srcs[name]["stored_this_run"] == srcs[name]["signals"]
        assert "goedgekeurd op" in page and "01-09-2024" in page

    # the dashboard's summary, from a read-only shared-only store
    with open_store(settings, restricted=False, read_only=True) as st:
        summary = privacy_summary(st, settings)
    assert summary["available"] and summary["run_id"] == res.run_id and summary["canary_passed"] is True
    labels = dict(summary["rows"])
    assert labels["Kanariecontrole"] == "geslaagd"
    assert labels["Gevonden en gemaskeerd"] == f"{f['findings']:,}".replace(",", ".")


def test_canary_check_fails_when_a_canary_reaches_the_shared_zone(settings_factory, backend):
    settings = settings_factory(backend)
    with open_store(settings, restricted=False) as st:
        st.shared.insert_df("signals", pd.DataFrame([
            dict(signal_id="kto:1", source="kto", received_at=datetime(2026, 1, 5), text="Bel me op 0673619284 aub",
                 content_hash="h1"),
            dict(signal_id="kto:2", source="kto", received_at=datetime(2026, 1, 6), text="Schone straat", content_hash="h2"),
        ]))
        res = canary_check(st, settings)
        assert not res["passed"] and res["shared_texts_with_canary"] == 1 and res["shared_leak_types"] == ["TELEFOON"]
        assert res["masker_missed"] == 0
        # the report built on it says so, and still holds no canary value
        from signalen_lib.privacy.report import privacy_report

        rep = privacy_report(st, settings)
        page = render_html(rep)
        assert "NIET geslaagd" in page and find_leaks(page, json.dumps(rep)) == []
        assert not any(v in page for v in CANARY_VALUES)


def test_small_cells_are_the_aggregate_cells_below_min_cell_size(store, settings):
    from signalen_lib.privacy.report import _small_cells

    cols = ["category", "subcategory", "cluster", "afdeling", "wijk_code", "buurt_code", "source", "channel", "perception"]
    rows = [dict(day=datetime(2026, 1, i + 1), **{c: "x" for c in cols}, n=n, n_scored=0, n_dissatisfied=0)
            for i, n in enumerate([1, 4, 5, 6, 10])]
    store.shared.insert_df("agg_daily", pd.DataFrame(rows))
    sc = _small_cells(store.shared, settings.min_cell_size)
    assert settings.min_cell_size == 5
    assert (sc["cells"], sc["suppressed_cells"], sc["signals_in_suppressed"]) == (5, 2, 5)
    assert sc["share_suppressed"] == pytest.approx(0.4)


def test_retention_step_is_skipped_unless_configured_and_summary_before_any_report(store, settings):
    out = retention_step(store, settings)
    assert "retention_in_pipeline" in out["skipped"]
    summary = privacy_summary(store, settings)
    assert summary["available"] is False and "Nog geen privacyrapportage" in summary["notice"]


def test_a_failed_canary_check_fails_the_pipeline_step_after_writing_the_report(settings_factory):
    settings = settings_factory("duckdb")
    with open_store(settings, restricted=False) as st:
        st.shared.insert_df("signals", pd.DataFrame([dict(
            signal_id="kto:1", source="kto", received_at=datetime(2026, 1, 5),
            text="Mijn BSN is 736160231.", content_hash="h1")]))
    res = pl.run_steps(settings, [pl.library_step("privacy_report")])
    assert res.status == "failed" and res.failed_step == "privacy_report" and "canary check failed" in res.error
    page = (Path(res.output_dir) / REPORT_HTML).read_text(encoding="utf-8")
    assert "NIET geslaagd" in page and "BSN (BSN)" in page and find_leaks(page) == []
