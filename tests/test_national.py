"""National signaalmanagement (issue 16): federation (`signalen publish`), the national taxonomy,
a new organisation joining from configuration only, and the national-effect estimate.

Each organisation's zone is real: its exports (the synthetic national corpus) go through the real
ingest and masking; the national store is real PostgreSQL in the canary test."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from signalen_lib.config import load_config
from signalen_lib.ingest.load import ingest_all
from signalen_lib.national.effect import national_effect
from signalen_lib.national.publish import PublishRefused, national_categories, open_national, publish
from signalen_lib.privacy.canary import CANARIES, CANARY_VALUES, find_leaks
from signalen_lib.store import open_store
from signalen_lib.synth.national import EVENT_CATEGORY, iter_national, national_plan, write_national

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("national")
    plan = national_plan(2400, organisations=4, seed=11)
    write_national(plan, out)
    return out, plan


def _plant(kto_csv: Path, k: int = 6) -> int:
    """Append canary sentences to the first ``k`` KTO comments of an export (as a citizen wrote them)."""
    rows = list(csv.reader(kto_csv.open(encoding="cp1252", newline=""), delimiter=";"))
    col = rows[0].index("Toelichting")
    for i, r in enumerate(rows[1:k + 1]):
        r[col] = f"{r[col]} {CANARIES[i % len(CANARIES)].text()}"
    with kto_csv.open("w", encoding="cp1252", newline="") as f:
        csv.writer(f, delimiter=";", lineterminator="\r\n").writerows(rows)
    return k


def _org(tmp_path, code, name, raw, national_url, **kw):
    s = load_config(None, data_dir=str(tmp_path / code), reports_dir=str(tmp_path / "reports"),
                    organisation_code=code, organisation_name=name, national_url=national_url, **kw)
    st = open_store(s)
    ingest_all(st, s, raw / code)
    return s, st


def _all_text(db) -> str:
    """Every text cell of every table of the national store."""
    tables = [r[0] for r in db.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")] \
        if db.backend == "postgres" else [r[0] for r in db.execute("SELECT table_name FROM information_schema.tables")]
    parts = []
    for t in tables:
        df = db.query_df(f'SELECT * FROM "{t}"')
        for c in df.columns:
            if df[c].dtype == object or str(df[c].dtype).startswith(("str", "string")):
                parts.extend(str(v) for v in df[c].dropna())
    return "\n".join(parts)


@pytest.mark.postgres
def test_canaries_planted_in_two_organisations_reach_the_national_store_nowhere(corpus, tmp_path, settings_factory):
    raw, plan = corpus
    national_url = settings_factory("postgres").database_url  # a fresh schema on the real server, dropped afterwards
    planted = {code: _plant(raw / code / "kto" / "kto_export.csv") for code in ("GM0363", "UWV")}
    published = {}
    for code, name in (("GM0363", "Amsterdam"), ("UWV", "UWV")):
        s, st = _org(tmp_path, code, name, raw, national_url)
        with st:
            # the canaries are in this organisation's restricted zone (ingest kept them) ...
            assert find_leaks("\n".join(st.restricted.query_df("SELECT text FROM signals_raw")["text"]))
            published[code] = publish(st, s)
    national = open_national(s)
    with national:
        db = national.shared
        assert db.backend == "postgres"
        text = _all_text(db)
        # ... and nowhere in the national store
        assert find_leaks(text) == []
        assert not any(v in text for v in CANARY_VALUES)
        orgs = db.query_df("SELECT org_code, mode, n_signals FROM national_organisations ORDER BY 1")
        assert orgs["org_code"].tolist() == ["GM0363", "UWV"]
        counts = db.query_df("SELECT org_code, count(*) AS n FROM signals GROUP BY 1 ORDER BY 1")
        assert counts["n"].tolist() == [published["GM0363"].n_signals, published["UWV"].n_signals]
        assert all(v > planted[c] for c, v in zip(counts["org_code"], counts["n"]))
        # the planted rows are there, masked
        assert db.scalar("SELECT count(*) FROM signals WHERE text LIKE '%<PERSOON>%'") > 0
        assert db.scalar("SELECT count(*) FROM signals WHERE signal_id NOT LIKE org_code || '/%'") == 0
        agg = db.query_df("SELECT org_code, sum(n) AS n FROM national_aggregates WHERE category <> 'alle' "
                          "GROUP BY 1 ORDER BY 1")
        assert agg["n"].tolist() == counts["n"].tolist()
        # the dashboard's aggregates of the national store know the organisations
        assert sorted(r[0] for r in db.execute("SELECT DISTINCT org_code FROM agg_daily")) == ["GM0363", "UWV"]


def test_refusals_name_row_and_field_and_write_nothing(corpus, tmp_path):
    raw, _ = corpus
    national_url = f"duckdb:///{tmp_path / 'national.duckdb'}"
    s, st = _org(tmp_path, "GM0518", "'s-Gravenhage", raw, national_url)
    with st:
        first = publish(st, s)  # a good publication first: a refusal must leave it as it was
        national = open_national(s)
        before = {t: national.shared.count(t) for t in ("signals", "national_aggregates", "national_organisations")}
        national.close()
        assert before["signals"] == first.n_signals > 0
        sig = st.shared.query_df("SELECT * FROM signals ORDER BY signal_id LIMIT 1")
        # 1. a row carrying another organisation's code
        other = sig.copy()
        other["signal_id"], other["content_hash"], other["org_code"] = "kto:X-1", "x1", "GM0599"
        st.shared.insert_df("signals", other)
        with pytest.raises(PublishRefused) as exc:
            publish(st, s)
        msg = str(exc.value)
        assert "field org_code" in msg and "'GM0599'" in msg and "kto:X-1" in msg and "row " in msg
        assert "nothing was published" in msg
        st.shared.execute("DELETE FROM signals WHERE signal_id = 'kto:X-1'")
        # 2. unmasked text (masking bypassed): the masker's detection and the canaries refuse it
        for k, text in enumerate(("Bel mij terug op 06-73619284 alstublieft.",
                                  "Mail de reactie naar iemand.anders@example.nl, dank u.")):
            leak = sig.copy()
            leak["signal_id"], leak["content_hash"], leak["text"] = f"kto:X-{k}", f"x{k}", text
            st.shared.insert_df("signals", leak)
            with pytest.raises(PublishRefused) as exc:
                publish(st, s)
            assert "field text" in str(exc.value) and f"kto:X-{k}" in str(exc.value)
            st.shared.execute(f"DELETE FROM signals WHERE signal_id = 'kto:X-{k}'")
        national = open_national(s)
        with national:
            after = {t: national.shared.count(t) for t in before}
            assert after == before
            assert find_leaks(_all_text(national.shared)) == []
            assert "iemand.anders" not in _all_text(national.shared)


def _national_tables(settings, url: str) -> dict[str, pd.DataFrame]:
    """Every table a publication writes, sorted, without the publication's clock times."""
    store = open_national(settings, url)
    with store:
        db = store.shared
        out = {}
        for table, drop in (("signals", ["masked_at"]), ("signal_categories", []), ("signal_perception", []),
                            ("national_aggregates", []), ("national_organisations", ["published_at"]),
                            ("topic_models", ["created_at"]), ("agg_daily", [])):
            df = db.query_df(f"SELECT * FROM {table}").drop(columns=drop)
            out[table] = df.sort_values(list(df.columns)).reset_index(drop=True)
        return out


def test_publish_in_small_batches_gives_the_same_national_store(corpus, tmp_path, settings_factory, backend):
    raw, _ = corpus
    s, st = _org(tmp_path, "GM0518", "'s-Gravenhage", raw, None)
    # two national stores on the backend (PostgreSQL: fresh schemas on the real server, dropped afterwards)
    urls = {b: f"duckdb:///{tmp_path / f'national_{b}.duckdb'}" if backend == "duckdb"
            else settings_factory("postgres").database_url for b in (37, 10**6)}
    with st:
        results = {}
        for batch, url in urls.items():
            national = open_national(s, url)
            with national:
                results[batch] = publish(st, s, national, batch_size=batch)
        assert results[37].n_signals == results[10**6].n_signals == st.shared.count("signals") > 37 * 3
        assert results[37] == results[10**6]
        small, whole = _national_tables(s, urls[37]), _national_tables(s, urls[10**6])
        for table in whole:
            pd.testing.assert_frame_equal(small[table], whole[table], obj=table)
        assert len(whole["signals"]) == results[37].n_signals and len(whole["national_aggregates"]) > 0
        # the national model's row carries the publishing organisation's code
        assert whole["topic_models"][["model_version", "org_code"]].values.tolist() == [["national", "GM0518"]]
        # a refusal in a late batch rolls back the batches written before it
        last = st.shared.query_df("SELECT * FROM signals ORDER BY signal_id DESC LIMIT 1")
        last["signal_id"], last["content_hash"], last["text"] = "zzz:1", "zzz1", "Bel mij op 06-73619284 alstublieft."
        st.shared.insert_df("signals", last)
        national = open_national(s, urls[37])
        with national:
            with pytest.raises(PublishRefused) as exc:
                publish(st, s, national, batch_size=37)
        assert f"row {results[37].n_signals + 1} (signal zzz:1)" in str(exc.value)
        after = _national_tables(s, urls[37])
        for table in small:
            pd.testing.assert_frame_equal(after[table], small[table], obj=table)


def test_aggregates_agreement_publishes_no_signals_and_suppresses_small_cells(corpus, tmp_path):
    raw, _ = corpus
    national_url = f"duckdb:///{tmp_path / 'national.duckdb'}"
    s, st = _org(tmp_path, "GM0599", "Rotterdam", raw, national_url, national_publish="aggregates")
    with st:
        res = publish(st, s)
    assert res.mode == "aggregates" and res.suppressed_cells > 0
    national = open_national(s)
    with national:
        db = national.shared
        assert db.count("signals") == 0
        assert db.scalar("SELECT min(n) FROM national_aggregates") >= s.min_cell_size
        row = db.query_df("SELECT * FROM national_organisations").iloc[0]
        assert row["mode"] == "aggregates" and int(row["suppressed_cells"]) == res.suppressed_cells
        assert db.scalar("SELECT sum(n) FROM national_aggregates WHERE category <> 'alle'") + row["suppressed_signals"] \
            == res.n_signals
        assert set(db.query_df("SELECT DISTINCT source FROM national_aggregates")["source"]) == {"alle"}


def test_a_new_organisation_joins_from_configuration_only(tmp_path):
    """Alkmaar (GM0361) is in no list of the code: its settings, source register, local taxonomy
    and export are files; the CLI ingests, fits the topic model with the local taxonomy and
    publishes; the local subcategory rolls up into its national category."""
    org = tmp_path / "alkmaar"
    (org / "raw" / "enquete").mkdir(parents=True)
    # its export: another layout than any built-in source (comma, other headers, ISO dates)
    plan = national_plan(1200, organisations=["GM0935", "GM0503"], seed=4)
    df = next(iter_national(plan))
    with (org / "raw" / "enquete" / "enquete_2025.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["nr", "datum_tijd", "rapportcijfer", "opmerking"])
        for i, r in enumerate(df.itertuples()):
            w.writerow([f"ALK-{i}", r.received_at.strftime("%Y-%m-%d %H:%M"), "" if pd.isna(r.score) else int(r.score),
                        r.text.replace("Maastricht", "Alkmaar")])
    (org / "sources.yaml").write_text(yaml.safe_dump({"sources": {"enquete": {
        "kind": "kto", "owner": "Publiekszaken", "path": "enquete/*.csv", "format": "csv", "date_format": "iso",
        "organisation": "GM0361",
        "columns": {"source_record_id": "nr", "received_at": "datum_tijd", "score": "rapportcijfer", "text": "opmerking"},
        "approval": {"approved": True, "by": ["privacy officer"], "date": "2025-01-01"}}}}), encoding="utf-8")
    # its local taxonomy: the packaged one, a local subcategory, and a local category rolling up
    tax = yaml.safe_load((ROOT / "signalen_lib" / "vocab" / "taxonomy.yaml").read_text(encoding="utf-8"))
    for c in tax["categories"]:
        if c["key"] == "openbare_ruimte":
            c["subcategories"].append({"key": "kaasmarkt", "name": "Kaasmarkt", "seeds": ["kaasmarkt", "markt", "kramen"]})
    tax["categories"].append({"key": "havens", "name": "Havens en grachten", "national": "openbare_ruimte",
                              "seeds": ["haven", "gracht", "boot"]})
    (org / "taxonomy.yaml").write_text(yaml.safe_dump(tax, allow_unicode=True), encoding="utf-8")
    national_url = f"duckdb:///{tmp_path / 'national.duckdb'}"
    cfg = org / "signalen.yaml"
    cfg.write_text(yaml.safe_dump({
        "data_dir": str(org), "reports_dir": str(org / "reports"), "organisation_code": "GM0361",
        "organisation_name": "Alkmaar", "sources_file": str(org / "sources.yaml"),
        "taxonomy_file": str(org / "taxonomy.yaml"), "national_url": national_url, "gate_enforce": False}), encoding="utf-8")

    def cli(*args):
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        out = subprocess.run([sys.executable, "-m", "signalen_lib.cli", *args, "-c", str(cfg)], capture_output=True,
                             text=True, cwd=tmp_path, env=env, timeout=600)
        assert out.returncode == 0, out.stderr[-2000:]
        return out.stdout

    cli("ingest", "--all")
    cli("topics", "fit")
    res = json.loads(cli("publish", "--json").strip().splitlines()[-1])
    assert res["org_code"] == "GM0361" and res["n_signals"] == len(df)
    settings = load_config(cfg)
    nat = national_categories(settings)
    assert nat["kaasmarkt"] == "openbare_ruimte" and nat["havens"] == "openbare_ruimte" and nat["gladheid"] == "openbare_ruimte"
    with open_store(settings, restricted=False) as st:
        assert st.shared.query_df("SELECT DISTINCT org_code FROM signals")["org_code"].tolist() == ["GM0361"]
        local = st.shared.query_df("SELECT DISTINCT category FROM signal_categories")["category"].tolist()
    national = open_national(settings)
    with national:
        cats = set(national.shared.query_df("SELECT DISTINCT category FROM national_aggregates "
                                            "WHERE category <> 'alle'")["category"])
        names = national.shared.query_df("SELECT org_name FROM national_organisations")["org_name"].tolist()
    assert names == ["Alkmaar"]
    assert "havens" not in cats and "kaasmarkt" not in cats  # national level only
    assert cats <= set(nat.values()) and len(cats) >= 5
    assert set(local) - {"overig"}  # the local model assigned categories


def test_national_effect_on_one_seed_of_the_streamed_corpus():
    """The estimate on the streamed corpus (its categories), for every organisation: affected
    ones get an interval that holds the true effect and excludes zero; placebo ones no verdict."""
    plan = national_plan(240_000, organisations=7, seed=3)
    parts = []
    for chunk in iter_national(plan, chunk_size=100_000):
        parts.append(chunk.assign(day=chunk["received_at"].dt.normalize())
                     .groupby(["org_code", "day", "true_category"]).size().rename("n").reset_index())
    daily = pd.concat(parts).rename(columns={"true_category": "category"})
    res = national_effect(daily, EVENT_CATEGORY, plan.event_start)
    truth = plan.truth()["true_relative_effect_volume"]
    hit = res[res["role"] == "getroffen"]
    placebo = res[res["role"] == "placebo"]
    assert len(hit) == len(plan.affected()) >= 3 and len(placebo) >= 2
    assert hit["effect_shown"].all()
    assert ((hit["ci_low"] <= truth) & (truth <= hit["ci_high"])).all(), hit
    assert not placebo["effect_shown"].any(), placebo
    assert hit["verdict"].str.startswith("toename van").all()
    assert placebo["verdict"].str.startswith("nog geen aantoonbaar effect").all()


def test_a_store_from_before_organisations_gets_its_rows_backfilled(settings_factory, backend):
    """Migrations 5, 7, 21, 41, 61 and 82 add org_code to the signals, the models and the runs;
    rows already stored belong to the deployment's organisation."""
    from signalen_lib.dashboard.aggregates import refresh_aggregates
    from signalen_lib.reports.kpi import kpi
    from signalen_lib.store.store import _ORG_CODE_MIGRATIONS
    from signalen_lib.synth.store import fill_demo_store

    shared = [(v, t) for zone, v, t in _ORG_CODE_MIGRATIONS if zone == "shared"]
    s = settings_factory(backend, organisation_code="GM0599")
    with open_store(s) as st:
        fill_demo_store(st, s, n=600)
        db = st.shared
        # a model and a run of every kind, as stored before the column existed
        db.execute("INSERT INTO perception_models (model_version, created_at) VALUES ('p1', '2026-01-01')")
        db.execute("INSERT INTO category_models (model_id, created_at) VALUES ('c1', '2026-01-01')")
        db.execute("INSERT INTO ingest_runs (run_id, started_at, status) VALUES ('i1', '2026-01-01', 'ok')")
        db.execute("INSERT INTO pipeline_runs (run_id, kind, started_at, status) VALUES ('r1', 'pipeline', '2026-01-01', 'success')")
        for version, table in shared:
            db.execute(f"UPDATE {table} SET org_code = NULL")
            db.execute("DELETE FROM schema_migrations WHERE version = ?", [version])
        n = st.shared.count("signals")
    with open_store(s) as st:
        for _, table in shared:
            assert st.shared.query_df(f"SELECT DISTINCT org_code FROM {table}")["org_code"].tolist() == ["GM0599"], table
        refresh_aggregates(st, s)
        assert st.shared.query_df("SELECT DISTINCT org_code FROM agg_daily")["org_code"].tolist() == ["GM0599"]
        # the KPI filters by organisation
        st.shared.execute("UPDATE signals SET org_code = 'GM0363' WHERE score IS NOT NULL AND score <= 3")
        own = kpi(st, by=("org_code",), settings=s, filters={"org_code": "GM0599"})
        assert set(own["org_code"]) == {"GM0599"}
        both = kpi(st, by=("org_code",), settings=s)
        assert set(both["org_code"]) == {"GM0599", "GM0363"}
        assert st.shared.count("signals") == n
