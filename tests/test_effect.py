"""Improvement register and effect measurement (issue 10)."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from signalen_lib.improvements.charts import effect_chart
from signalen_lib.improvements.effect import measure_effect, weekly_series
from signalen_lib.improvements.its import its_volume, verdict_nl
from signalen_lib.improvements.mailings import batched_wave, find_mailings, mailing_wave
from signalen_lib.improvements.simulation import placebo_check, simulate_weekly_series
from signalen_lib.improvements.register import (
    ImprovementError, add_improvement, get_improvement, import_csv, list_improvements, register_widget,
)


# ---- the method on simulated series -------------------------------------------------------------
def test_placebo_false_positive_rate_is_near_alpha():
    res = placebo_check(n_series=200, seed=11)
    # nominal 5%: with 200 series, more than 17 false positives would be beyond sampling noise (p < 0.01)
    assert res["false_positives"] <= 17, res
    assert res["false_positives"] >= 2, res  # and not absurdly conservative


def test_a_real_drop_is_found_and_covered():
    rng = np.random.default_rng(5)
    found, covered = 0, 0
    for _ in range(40):
        s, start = simulate_weekly_series(rng, effect=-0.3)
        fit = its_volume(s, start)
        found += fit["p_value"] < 0.05 and fit["estimate"] < 0
        covered += fit["ci_low"] <= -0.3 <= fit["ci_high"]
    # power at 40 signals a week and -30% is about 80%; the 95% intervals cover the truth
    assert found >= 26 and covered >= 34, (found, covered)


def test_verdicts_are_plain_dutch():
    text, sig = verdict_nl(-0.31, -0.39, -0.22, 0.001)
    assert sig and text == "afname van 31% (95%-interval 22–39%), waarschijnlijk door de maatregel"
    text, sig = verdict_nl(-0.05, -0.15, 0.06, 0.4)
    assert not sig and text.startswith("nog geen aantoonbaar effect")
    text, sig = verdict_nl(0.2, 0.05, 0.4, 0.01, expected="afname")
    assert sig and text.startswith("toename van 20%") and "verwachte richting" in text


def test_mailing_wave_and_batches():
    weeks = pd.date_range("2025-01-06", periods=30, freq="7D")
    counts = np.full(30, 50.0)
    counts[10:14] += [300, 150, 60, 20]  # letters sent in week 10
    s = pd.Series(counts, index=weeks)
    wave = mailing_wave(s, weeks[10] + pd.Timedelta(days=2), weeks=6)
    assert wave["baseline"].iloc[0] == 50 and wave.loc[0, "excess"] == 300
    assert wave.attrs["peak_week"] == weeks[10] and wave["cumulative_share"].iloc[-1] == pytest.approx(1.0)
    assert find_mailings(s) == [weeks[10]]
    b = batched_wave(wave, n_batches=4)
    assert b["load_batched"].max() < b["load_at_once"].max()
    assert b.attrs["peak_reduction"] > 0.5
    # the same number of extra questions, only spread out
    assert (b["load_batched"] - 50).sum() == pytest.approx((b["load_at_once"] - 50).sum())


# ---- the register ----------------------------------------------------------------------------
def test_register_roundtrip_and_csv_errors(store, settings, tmp_path):
    imp = add_improvement(store, settings=settings, title="Betalingsregeling direct via 14010", start_date="2025-12-07",
                          categories=["betalingsregeling"], sources=["terugbelnotitie"], cluster="Dienstverlening",
                          afdeling="Belastingen", created_by="tester")
    assert imp.id == "VB-001"
    got = get_improvement(store, "VB-001")
    assert got.categories == ["betalingsregeling"] and got.sources == ["terugbelnotitie"]
    assert got.start_date == pd.Timestamp("2025-12-07")
    good = tmp_path / "good.csv"
    good.write_text(
        "id;title;start_date;categories;channels;expected_direction\n"
        "VB-100;Brieven in batches;01-03-2026;belastingen|informatie_brieven;brief|web;afname\n"
        ";Parkeerapp verbeterd;2026-04-01;parkeren;;\n", encoding="utf-8")
    ids = import_csv(store, good, created_by="csv")
    assert ids == ["VB-100", "VB-101"]  # a new id follows the highest VB- number
    reg = list_improvements(store).set_index("id")
    assert reg.loc["VB-100", "categories"] == ["belastingen", "informatie_brieven"]
    assert reg.loc["VB-100", "channels"] == ["brief", "web"] and reg.loc["VB-101", "created_by"] == "csv"
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "title,start_date,categories,expected_direction\n"
        "Ok,2026-01-01,afval,afname\n"
        ",2026-01-01,afval,afname\n"
        "Datum fout,31-02-2026,afval,afname\n"
        "Categorie fout,2026-01-01,vuilnis,afname\n"
        "Richting fout,2026-01-01,afval,omhoog\n", encoding="utf-8")
    with pytest.raises(ImprovementError) as exc:
        import_csv(store, bad)
    errs = exc.value.errors
    assert any("line 3" in e and "'title'" in e for e in errs)
    assert any("line 4" in e and "'start_date'" in e and "31-02-2026" in e for e in errs)
    assert any("line 5" in e and "'categories'" in e and "vuilnis" in e for e in errs)
    assert any("line 6" in e and "'expected_direction'" in e for e in errs)
    assert len(list_improvements(store)) == 3  # nothing of the bad file was stored
    unknown_col = tmp_path / "cols.csv"
    unknown_col.write_text("title,start,categories\nx,2026-01-01,afval\n", encoding="utf-8")
    with pytest.raises(ImprovementError, match="unknown column 'start'"):
        import_csv(store, unknown_col)


def test_widget_saves_an_improvement(store, settings):
    import datetime

    box = register_widget(store, settings, user="analist")
    f = box.fields
    f["title"].value = "Wachtrij 14010 herzien"
    f["start_date"].value = datetime.date(2026, 2, 1)
    f["categories"].value = ("bereikbaarheid",)
    f["save"].click()
    assert "Opgeslagen als VB-001" in f["message"].value
    assert get_improvement(store, "VB-001").created_by == "analist"
    assert "Wachtrij 14010 herzien" in f["table"].value
    f["pick"].value = ""
    f["title"].value = ""
    f["save"].click()
    assert "Niet opgeslagen" in f["message"].value and "title" in f["message"].value


# ---- on the synthetic corpus, where the true effect is known -------------------------------------
@pytest.fixture(scope="module")
def corpus():
    from helpers_synth_store import synth_corpus

    return synth_corpus(n=60000, seed=7)


def test_effect_on_synthetic_corpus(store, settings, corpus):
    from helpers_synth_store import events, store_from_ground_truth

    store_from_ground_truth(store, corpus, mask=False, perception=False)
    ev = events(corpus)["verbetering_betalingsregeling"]
    true = ev["true_effect"]
    add_improvement(store, settings=settings, title="Betalingsregeling direct via 14010", start_date=ev["dates"]["start"],
                    categories=[true["volume"]["category"]], sources=[true["volume"]["source"]])
    add_improvement(store, settings=settings, title="Placebo: parkeren", start_date=ev["dates"]["start"],
                    categories=["parkeren"], sources=["terugbelnotitie"])
    real = measure_effect(store, "VB-001", settings, save=True)
    assert real.significant and real.verdict_nl.startswith("afname van")
    assert real.ci_low <= true["volume"]["relative_change"] <= real.ci_high, real.to_dict()
    d = real.dissatisfaction
    assert d is not None and d.ci_low <= true["dissatisfied_share"]["relative_change"] <= d.ci_high, d.to_dict()
    placebo = measure_effect(store, "VB-002", settings)
    assert placebo.verdict_nl.startswith("nog geen aantoonbaar effect"), placebo.to_dict()
    assert store.shared.count("improvement_effects") == 2
    s = real.series
    assert {"week", "count", "denominator", "rate_per_1000", "fitted_per_1000", "counterfactual_per_1000", "post"} <= set(s)
    assert s.loc[~s["post"], "counterfactual_per_1000"].isna().all() and s.loc[s["post"], "counterfactual_per_1000"].notna().all()
    spec = effect_chart(real).to_dict()
    assert "layer" in spec
    json.dumps(real.to_dict(with_series=True))  # serialisable for --json
    # the wave of questions after the first tax letters (same store: loading the corpus is the slow part)
    mailings = events(corpus)["brieven_aanslag"]["dates"]["mailings"]
    weekly = weekly_series(store, ["belastingen"])
    wave = mailing_wave(weekly, mailings[0], weeks=6)
    assert wave["count"].iloc[:2].max() > 2 * wave["baseline"].iloc[0]
    assert wave.attrs["peak_week"] <= pd.Timestamp(mailings[0]) + pd.Timedelta(days=14)
    found = find_mailings(weekly)
    assert any(abs((f - pd.Timestamp(mailings[0])).days) <= 10 for f in found), found



def test_cli_improvements_and_effect(store, settings, tmp_path, capsys, monkeypatch):
    import yaml

    from signalen_lib.cli import main

    cfg = tmp_path / "cfg.yaml"
    cfg.write_text(yaml.safe_dump({k: (str(v) if v is not None else None) for k, v in {
        "data_dir": settings.data_dir, "reports_dir": settings.reports_dir, "database_url": settings.database_url,
        "restricted_url": settings.restricted_url}.items()}))
    store.close()
    f = tmp_path / "imp.csv"
    f.write_text("title;start_date;categories\nBrieven in batches;2026-03-01;belastingen\n", encoding="utf-8")
    assert main(["improvements", "import", str(f), "--config", str(cfg)]) == 0
    assert "VB-001" in capsys.readouterr().out
    assert main(["improvements", "list", "--config", str(cfg)]) == 0
    assert "Brieven in batches" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("title;start_date;categories\nX;gisteren;belastingen\n", encoding="utf-8")
    assert main(["improvements", "import", str(bad), "--config", str(cfg)]) == 2
    assert "line 2, field 'start_date'" in capsys.readouterr().err
    # no topic model yet: a clear error, not a traceback
    assert main(["effect", "--id", "VB-001", "--config", str(cfg)]) == 2
    assert "topic model" in capsys.readouterr().err
    from helpers_synth_store import _ensure_topic_tables
    from signalen_lib.store import open_store

    with open_store(settings) as st:
        _ensure_topic_tables(st.shared)
        st.shared.execute("INSERT INTO topic_models (model_version, created_at, is_current) VALUES ('m1', '2026-01-01', TRUE)")
    assert main(["effect", "--id", "VB-001", "--json", "--config", str(cfg)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out[0]["improvement_id"] == "VB-001" and out[0]["verdict_nl"].startswith("nog geen aantoonbaar effect")
    assert main(["effect", "--id", "VB-999", "--config", str(cfg)]) == 2
    assert "VB-999" in capsys.readouterr().err
