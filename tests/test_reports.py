"""Monthly report (signalen_lib.reports.monthly, notebooks/04_maandrapportage.ipynb) on a small
hand-made store: numbers against direct queries, small-cell suppression, graceful degradation,
offline HTML; and (slow) the notebook through papermill to HTML/PDF."""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from signalen_lib.reports import monthly
from signalen_lib.runs.scheduled import parse_period, previous_month, report_name, slug

ROOT = Path(__file__).resolve().parents[1]
CLUSTERS = ("Stadsbeheer", "Dienstverlening", "Maatschappelijke Ontwikkeling")
CATS = ("parkeren", "afval", "openbare_ruimte", "overig")


def wijk_codes() -> list[str]:
    gj = json.loads((ROOT / "signalen_lib/geo/rotterdam_wijken.geojson").read_text(encoding="utf-8"))
    return [f["properties"]["wijkcode"] for f in gj["features"]]


def fill_store(store, n: int = 3000, seed: int = 1, start="2025-09-01", end="2026-11-01", model="m-test",
               rare_cluster: str | None = "Klein Cluster") -> pd.DataFrame:
    """Signals over [start, end) in three clusters, rank-1 categories of a current model, and a
    cluster with only 3 signals in October 2026 (below min_cell_size)."""
    rng = np.random.default_rng(seed)
    t0, t1 = pd.Timestamp(start), pd.Timestamp(end)
    secs = rng.integers(0, int((t1 - t0).total_seconds()), n)
    codes = wijk_codes()
    df = pd.DataFrame({
        "received_at": t0 + pd.to_timedelta(np.sort(secs), unit="s"),
        "cluster": rng.choice(CLUSTERS, n, p=[0.5, 0.3, 0.2]),
        "source": rng.choice(["kto", "klachten", "14010"], n),
        "wijk_code": rng.choice(codes + [None], n),
        "score": rng.integers(0, 11, n),
        "cat": rng.choice(CATS, n, p=[0.4, 0.3, 0.2, 0.1]),
    })
    # a surge of 'afval' in Stadsbeheer in October 2026 (a riser)
    surge = pd.DataFrame({"received_at": pd.date_range("2026-10-05", "2026-10-25", periods=120),
                          "cluster": "Stadsbeheer", "source": "klachten", "wijk_code": codes[0], "score": 3,
                          "cat": "afval"})
    parts = [df, surge]
    if rare_cluster:
        parts.append(pd.DataFrame({"received_at": pd.to_datetime(["2026-10-03", "2026-10-10", "2026-10-20"]),
                                   "cluster": rare_cluster, "source": "kto", "wijk_code": codes[1], "score": 2,
                                   "cat": "parkeren"}))
    df = pd.concat(parts, ignore_index=True)
    df["source_record_id"] = [f"r{i}" for i in range(len(df))]
    df["signal_id"] = df["source"] + ":" + df["source_record_id"]
    df["text"] = [f"Melding {i} over {c}: de [NAAM] heeft het niet opgelost, graag actie in de straat." for i, c in
                  enumerate(df["cat"])]
    df.loc[df["source"] != "kto", "score"] = None
    df["score"] = df["score"].astype("Int64")
    df["content_hash"] = [hashlib.sha256(t.encode()).hexdigest() for t in df["text"]]
    df["channel"] = "web"
    df["afdeling"] = "afd"
    df["wijk"] = None
    df["buurt"] = "onbekend"
    cols = ["signal_id", "source", "source_record_id", "received_at", "channel", "cluster", "afdeling", "wijk_code",
            "wijk", "buurt", "score", "text", "content_hash"]
    store.shared.insert_df("signals", df[cols])
    db = store.shared
    db.execute("CREATE TABLE IF NOT EXISTS topic_models (model_version TEXT PRIMARY KEY, created_at TIMESTAMP, "
               "params TEXT, seed INTEGER, n_docs INTEGER, data_hash TEXT, lib_versions TEXT, metrics TEXT, "
               "is_current BOOLEAN, path TEXT)")
    db.execute("CREATE TABLE IF NOT EXISTS signal_categories (signal_id TEXT, model_version TEXT, rank INTEGER, "
               "category TEXT, subcategory TEXT, prob FLOAT8)")
    db.execute("INSERT INTO topic_models (model_version, created_at, is_current) VALUES (?, ?, TRUE)",
               [model, pd.Timestamp("2026-11-01").to_pydatetime()])
    cats = pd.DataFrame({"signal_id": df["signal_id"], "model_version": model, "rank": 1, "category": df["cat"],
                         "subcategory": None, "prob": 0.8})
    db.insert_df("signal_categories", cats)
    return df


def test_period_helpers():
    assert parse_period("2026-10") == (pd.Timestamp("2026-10-01").date(), pd.Timestamp("2026-11-01").date())
    assert parse_period("2026-12")[1] == pd.Timestamp("2027-01-01").date()
    with pytest.raises(ValueError, match="YYYY-MM"):
        parse_period("2026-13")
    assert previous_month(pd.Timestamp("2026-01-15").date()) == "2025-12"
    assert slug("Maatschappelijke Ontwikkeling") == "Maatschappelijke_Ontwikkeling"
    assert report_name("", "2026-10") == "maandrapportage_gemeente_2026-10"


def test_small_counts_are_suppressed():
    assert monthly.suppress_count(3, 5) == "<5"
    assert monthly.suppress_count(0, 5) == "0"
    assert monthly.suppress_count(12345, 5) == "12.345"


def test_report_numbers_match_store(store, settings):
    df = fill_store(store)
    ctx = monthly.open_report("2026-10", "Stadsbeheer", settings=settings, store=store)
    expected = int(store.shared.scalar(
        "SELECT count(*) FROM signals WHERE cluster = ? AND received_at >= ? AND received_at < ?",
        ["Stadsbeheer", pd.Timestamp("2026-10-01").to_pydatetime(), pd.Timestamp("2026-11-01").to_pydatetime()]))
    assert monthly.count_signals(ctx) == expected
    vol = monthly.monthly_volumes(ctx)
    assert len(vol) == 13 and int(vol["n"].iloc[-1]) == expected
    top = monthly.top_categories(ctx)
    assert int(top["n"].sum()) == expected  # every signal has exactly one rank-1 category here
    assert top.iloc[0]["category"] == "afval" and top.iloc[0]["categorie"] == "Afval"
    r = monthly.risers(ctx)
    assert r.iloc[0]["category"] == "afval"
    wk = monthly.wijk_counts(ctx)
    in_oct = df[(df["cluster"] == "Stadsbeheer") & (df["received_at"] >= "2026-10-01") & (df["received_at"] < "2026-11-01")]
    assert int(wk["n"].sum()) == int(in_oct["wijk_code"].notna().sum())
    parts = monthly.build_report(ctx)
    summary = "\n".join(p for p in parts["summary"] if isinstance(p, str))
    assert "Maandrapportage Stadsbeheer — oktober 2026" in summary
    assert f"**{monthly.fmt_int(expected)}** signalen" in summary
    assert ctx.problems == [], ctx.problems


def test_small_cells_suppressed(store, settings):
    fill_store(store)
    ctx = monthly.open_report("2026-10", "Klein Cluster", settings=settings, store=store)
    assert monthly.count_signals(ctx) == 3
    parts = monthly.build_report(ctx)
    cats = next(p for p in parts["categories"] if isinstance(p, pd.DataFrame))
    assert list(cats["signalen"]) == ["<5"]
    assert parts["examples"][-1].startswith("Te weinig")  # no examples from a group of 3
    wk = monthly.wijk_counts(ctx)
    assert wk["suppressed"].any() and wk.loc[wk["suppressed"], "per_1000"].isna().all()
    assert ctx.problems == [], ctx.problems


def test_missing_parts_degrade_to_dutch_notice(settings_factory):
    from signalen_lib.store import open_store

    settings = settings_factory("duckdb")
    with open_store(settings) as st:  # signals only: no topic model, no categories
        st.shared.execute(
            "INSERT INTO signals (signal_id, source, received_at, cluster, text, content_hash) VALUES "
            "('kto:1', 'kto', '2026-10-02 10:00:00', 'Stadsbeheer', 'tekst', 'h1')")
        ctx = monthly.open_report("2026-10", "Stadsbeheer", settings=settings, store=st)
        parts = monthly.build_report(ctx)
    cats = " ".join(p for p in parts["categories"] if isinstance(p, str))
    assert monthly.NOT_AVAILABLE in cats
    assert ctx.problems == [], ctx.problems


def test_section_html_is_offline_svg(store, settings):
    fill_store(store)
    ctx = monthly.open_report("2026-10", "", settings=settings, store=store)
    chart = next(p for p in monthly.build_section(ctx, "map") if type(p).__module__.startswith("altair"))
    svg = monthly.chart_svg(chart)
    assert svg.lstrip().startswith("<svg") and "<path" in svg
    assert "http://" not in svg.replace("http://www.w3.org", "")
    map_text = " ".join(p for p in monthly.build_section(ctx, "map") if isinstance(p, str))
    assert monthly.GEO_ATTRIBUTION in map_text


@pytest.mark.slow
def test_report_notebook_to_html_and_pdf(settings_factory, monkeypatch):
    """04_maandrapportage through papermill (the real notebook), twice (two clusters), with the
    run recorded; HTML without code, Dutch headings, numbers from the store; PDF when Chromium is there."""
    from signalen_lib.runs.pipeline import run_steps_df
    from signalen_lib.reports.render import find_chromium, remote_references
    from signalen_lib.runs.scheduled import run_monthly_reports
    from signalen_lib.store import open_store

    settings = settings_factory("duckdb")
    with open_store(settings) as st:
        fill_store(st)
        expected = int(st.shared.scalar(
            "SELECT count(*) FROM signals WHERE cluster = 'Stadsbeheer' AND received_at >= '2026-10-01' AND received_at < '2026-11-01'"))
    lines: list[str] = []
    res = run_monthly_reports(settings, period="2026-10", clusters=["Stadsbeheer", "Klein Cluster"], progress=lines.append)
    assert res.ok, res.error
    assert any("[1/2]" in l for l in lines) and any("[2/2]" in l for l in lines)
    out = Path(res.output_dir)
    html_path = out / "maandrapportage_Stadsbeheer_2026-10.html"
    assert (out / "maandrapportage_Stadsbeheer_2026-10.ipynb").exists()
    html = html_path.read_text(encoding="utf-8")
    for heading in ("Maandrapportage Stadsbeheer — oktober 2026", "Volume en trend", "Belangrijkste onderwerpen",
                    "Ontevredenheid", "Signalen per wijk", "Signaleringen", "Voorbeelden", "Complimenten"):
        assert heading in html, heading
    assert f"<strong>{monthly.fmt_int(expected)}</strong> signalen" in html
    assert monthly.GEO_ATTRIBUTION in html
    assert "monthly.show_section" not in html  # no code cells
    assert "kon niet worden gemaakt" not in html
    assert remote_references(html) == []
    assert "data:image/svg+xml" in html or "<svg" in html  # charts embedded, not fetched
    import nbformat

    nb = nbformat.read(out / "maandrapportage_Stadsbeheer_2026-10.ipynb", as_version=4)
    assert nb.metadata["papermill"]["parameters"] == {"period": "2026-10", "cluster": "Stadsbeheer",
                                                       "config_path": None, "run_id": res.run_id}
    pdf = out / "maandrapportage_Stadsbeheer_2026-10.pdf"
    if find_chromium():
        assert pdf.exists() and pdf.read_bytes()[:5] == b"%PDF-"
    else:
        assert not pdf.exists()
    with open_store(settings, restricted=False) as st:
        steps = run_steps_df(st, res.run_id)
    assert list(steps["status"]) == ["success", "success"]


def test_all_clusters_lists_clusters_with_signals(settings_factory):
    from signalen_lib.runs.scheduled import clusters_in_period, latest_period
    from signalen_lib.store import open_store

    settings = settings_factory("duckdb")
    with open_store(settings) as st:
        fill_store(st)
    assert clusters_in_period(settings, "2026-10") == sorted([*CLUSTERS, "Klein Cluster"])
    assert clusters_in_period(settings, "2020-01") == []
    assert latest_period(settings) == "2026-10"
