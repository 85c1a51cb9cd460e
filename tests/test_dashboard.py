"""The dashboard app without a browser: filters, small-cell rule, escaping, Voila settings."""
from __future__ import annotations

import json

import pytest

from signalen_lib.dashboard import build_app
from signalen_lib.dashboard.app import Dashboard
from signalen_lib.synth.store import CANARY_NAME, CANARY_PHONE, fill_demo_store
from signalen_lib.store import open_store


@pytest.fixture(scope="module")
def demo_settings(tmp_path_factory):
    from signalen_lib.config import load_config

    root = tmp_path_factory.mktemp("dash")
    settings = load_config(None, data_dir=str(root / "data"), reports_dir=str(root / "reports"))
    with open_store(settings) as st:
        fill_demo_store(st, settings, n=6000)
    return settings


@pytest.fixture
def app(demo_settings) -> Dashboard:
    a = build_app(demo_settings)
    assert isinstance(a, Dashboard)
    return a


def _spec_rows(box) -> list[dict]:
    spec = box.spec
    assert spec is not None
    return [r for vals in spec.get("datasets", {}).values() for r in vals]


def test_build_app_renders_every_view(app):
    app.render_all()
    for name in ("overzicht_volume", "overzicht_kpi", "trend", "map", "heatmap"):
        assert app.v[name].spec is not None, name
    assert "Signalering" in app.v["alerts"].value
    assert "Bron kaartgrenzen: CBS Wijk- en Buurtkaart (CC BY 4.0)" in app.v["attribution"].value
    assert "signalen-examples" in app.v["examples"].value
    assert "Complimenten" in app.v["compliments"].value
    assert "demo-1" in app.v["model"].value


def test_filters_change_the_numbers(app):
    total = app.total(app.filters)
    app.set_filters(categories=["afval"])
    afval = app.total(app.filters)
    assert 0 < afval < total
    assert app.filters.categories == ("afval",)
    app._render_view(1)  # the trends view is built when first shown
    assert "afval" in [o[1] for o in app.w_trend_cat.options] and app.w_trend_cat.value == "afval"
    # subcategory becomes available for one category and narrows further
    sub = [v for _, v in app.w_sub.options if v][0]
    app.set_filters(subcategory=sub)
    assert app.total(app.filters) < afval
    app.set_filters(period="laatste maand")
    assert app.filters.end == app.data.last_day and (app.filters.end - app.filters.start).days == 29
    app.reset()
    assert app.total(app.filters) == total


def test_cluster_afdeling_and_wijk_buurt_cascade(app):
    cluster = [v for _, v in app.w_cluster.options if v][0]
    app.set_filters(cluster=cluster)
    afd = {v for _, v in app.w_afdeling.options if v}
    allowed = set(app.data.distinct("afdeling", "cluster = ?", [cluster]))
    assert afd == allowed
    app.set_filters(wijk="WK059901")
    buurten = {v for _, v in app.w_buurt.options if v}
    assert buurten and all(b.startswith("BU059901") for b in buurten)


def test_small_cells_are_suppressed(app, demo_settings):
    k = demo_settings.min_cell_size
    app.render_all()
    for name in ("overzicht_volume", "trend", "heatmap"):
        rows = _spec_rows(app.v[name])
        assert all(r["n"] is None or r["n"] >= k for r in rows if "n" in r), name
    # a selection with fewer than k signals: no examples, no count
    app.set_filters(period="laatste maand", wijk="WK059901", categories=["parkeren"], perception="compliment")
    n = app.total(app.filters)
    assert n < k
    app._render_view(4)
    assert "minder dan" in app.v["examples"].value and "<table" not in app.v["examples"].value
    assert f"minder dan {k}" in app.w_status.value


def test_texts_are_escaped_and_masked(app):
    app.set_filters(period="laatste maand", categories=["afval"])
    app._render_view(4)
    page = app.v["examples"].value
    assert "&lt;script&gt;" in page and "<script>" not in page
    assert "[NAAM]" in page and CANARY_NAME not in page and CANARY_PHONE not in page


def test_alerts_show_spike_and_new_topic(app):
    app._render_view(2)
    al = app.alerts()
    assert "nieuw_slagboom" in set(al["key"])
    assert "afval" in set(al["key"])
    assert "nieuw onderwerp" in app.v["alerts"].value


def test_no_store_gives_a_dutch_message(settings_factory):
    from ipywidgets import HTML

    w = build_app(settings_factory("duckdb"))
    assert isinstance(w, HTML) and "pijplijn" in w.value


def test_voila_is_locked_down_and_culls(demo_settings, tmp_path):
    from signalen_lib.dashboard.serve import voila_args, voila_config, voila_env

    args = voila_args(demo_settings, port=9999)
    assert args[0].endswith("notebooks/dashboard") and "--no-browser" in args and "--Voila.port=9999" in args
    conf = voila_config(demo_settings, port=9999, pool_size=3, cull_idle_timeout=120, cull_interval=30)
    assert conf["Voila"]["port_retries"] == 0 and conf["Voila"]["ip"] == "127.0.0.1"
    vc = conf["VoilaConfiguration"]
    assert vc["file_allowlist"] == [] and vc["file_denylist"] == [".*"] and vc["strip_sources"] is True
    assert vc["preheat_kernel"] is True and conf["VoilaKernelManager"]["kernel_pools_config"]["default"]["pool_size"] == 3
    mkm = conf["MappingKernelManager"]
    assert mkm["cull_idle_timeout"] == 120 and mkm["cull_interval"] == 30 and mkm["cull_connected"] is False
    env = voila_env(demo_settings, tmp_path / "settings.yaml")
    template = (tmp_path / "jupyter_data" / "voila" / "templates" / "signalen" / "index.html.j2").read_text()
    assert "cdn." not in template and '<link rel="stylesheet" href="http' not in template
    from signalen_lib.config import load_config

    assert load_config(env["SIGNALEN_CONFIG"]).data_dir == demo_settings.data_dir


def test_serve_command_has_help(capsys):
    from signalen_lib.cli import main

    assert main(["serve", "--help"]) == 0
    out = capsys.readouterr().out
    assert "--port" in out and "--cull-idle-timeout" in out


def test_failed_night_shows_last_successful_run_notice(settings_factory):
    """After a failed pipeline run the dashboard keeps the last good data and says so."""
    from datetime import datetime

    import pandas as pd

    from signalen_lib.dashboard.app import build_app
    from signalen_lib.store import open_store

    settings = settings_factory("duckdb")
    with open_store(settings) as st:
        fill_demo_store(st, settings, n=800)
        st.shared.insert_df("pipeline_runs", pd.DataFrame([
            {"run_id": "r1", "kind": "pipeline", "started_at": datetime(2026, 11, 20, 2, 30),
             "finished_at": datetime(2026, 11, 20, 2, 40), "status": "success"},
            {"run_id": "r2", "kind": "pipeline", "started_at": datetime(2026, 11, 21, 2, 30),
             "finished_at": datetime(2026, 11, 21, 2, 31), "status": "failed", "failed_step": "ingest"},
        ]))
    dash = build_app(settings)
    dash.render_all()
    status = dash.w_status.value
    assert "signalen-freshness" in status and "data-level='warning'" in status
    assert "laatste geslaagde verwerking" in status.lower() and "20-11-2026" in status


def test_kwaliteit_shows_the_learning_curve(settings_factory):
    """One row per retrain of the category model: training labels, accuracy on the validation
    sample, in Dutch, with the model's date."""
    import pandas as pd

    from signalen_lib.dashboard.app import build_app

    settings = settings_factory("duckdb")
    with open_store(settings) as st:
        fill_demo_store(st, settings, n=1500)
        db = st.shared
        gate = {"passed": True, "macro_f1": 0.74, "kappa": 0.71, "min_macro_f1": 0.7, "min_kappa": 0.6,
                "reasons": [], "enforced": True, "validated": True}
        db.insert_df("validation_runs", pd.DataFrame([{
            "run_id": "v1", "model_version": "demo-1", "created_at": pd.Timestamp("2026-11-30 08:00"), "n_labels": 600,
            "metrics": json.dumps({"metrics": {"n": 600, "accuracy": 0.78, "macro_f1": 0.74, "kappa": 0.71}, "gate": gate}),
            "gate_passed": True}]))
        db.insert_df("category_models", pd.DataFrame([
            {"model_id": "c1", "created_at": pd.Timestamp("2026-11-28 09:15"), "n_training_labels": 100, "n_validation": 600,
             "accuracy": 0.612, "macro_f1": 0.55, "kappa": 0.58, "trigger": "labels next", "is_current": False},
            {"model_id": "c2", "created_at": pd.Timestamp("2026-11-29 10:30"), "n_training_labels": 1200, "n_validation": 600,
             "accuracy": 0.781, "macro_f1": 0.74, "kappa": 0.71, "trigger": "verwerking", "is_current": True},
        ]))
    app = build_app(settings)
    app.render_all()
    html = app.v["kwaliteit"].value
    assert "Leercurve van het categoriemodel" in html and "signalen-learning-curve" in html
    assert "Met 100 trainingslabels" in html and "met 1.200 trainingslabels bij 78%" in html  # Dutch thousands
    assert "61%" in html and "0,74" in html and "29-11-2026 11:30" in html  # stored in UTC, shown in Amsterdam time
    assert "Kwaliteitspoort gehaald" in html
