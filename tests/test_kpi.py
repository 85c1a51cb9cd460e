"""The dissatisfaction KPI (issue 8)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from signalen_lib.reports.kpi import kpi, kpi_change_test


def _scores(store, rows):
    """rows: (received_at, source, channel, afdeling, score) tuples."""
    df = pd.DataFrame(rows, columns=["received_at", "source", "channel", "afdeling", "score"])
    n = len(df)
    df["received_at"] = pd.to_datetime(df["received_at"])
    df["signal_id"] = [f"{s}:{i}" for i, s in enumerate(df["source"])]
    df["score"] = pd.array(df["score"], dtype="Int64")
    df["text"] = "t"
    df["content_hash"] = [f"h{i}" for i in range(n)]
    df["cluster"] = "Dienstverlening"
    df["wijk"] = "Delfshaven"
    store.shared.insert_df("signals", df)


def test_kpi_share_change_and_target(store, settings):
    rows = []
    # baseline Jan 2024: web 10 of 20 dissatisfied (0-6), phone 4 of 20
    for i in range(20):
        rows.append(("2024-01-10", "kto", "web", "Burgerzaken", 3 if i < 10 else 9))
        rows.append(("2024-01-11", "kto", "telefoon 14010", "Burgerzaken", 6 if i < 4 else 7))
    # current Jan 2025: web 6 of 20 (-40%), phone 4 of 20 (0%)
    for i in range(20):
        rows.append(("2025-01-10", "kto", "web", "Burgerzaken", 0 if i < 6 else 8))
        rows.append(("2025-01-11", "kto", "telefoon 14010", "Burgerzaken", 5 if i < 4 else 10))
    rows.append(("2025-01-12", "klacht", "web", "Burgerzaken", None))  # no score: not counted
    _scores(store, rows)
    out = kpi(store, by="channel", baseline=("2024-01-01", "2024-01-31"), current=("2025-01-01", "2025-01-31"),
              settings=settings).set_index("channel")
    assert out.loc["web", "n_scored"] == 20 and out.loc["web", "n_dissatisfied"] == 6
    assert out.loc["web", "share"] == pytest.approx(0.3)
    assert out.loc["web", "baseline_share"] == pytest.approx(0.5)
    assert out.loc["web", "change"] == pytest.approx(-0.4)
    assert out.loc["web", "target_share"] == pytest.approx(0.35)
    assert bool(out.loc["web", "target_met"]) and out.loc["web", "progress"] == pytest.approx(4 / 3)
    assert out.loc["telefoon 14010", "change"] == pytest.approx(0.0)
    assert not bool(out.loc["telefoon 14010", "target_met"])
    assert out.loc["web", "share_ci_low"] < 0.3 < out.loc["web", "share_ci_high"]
    # per month, all groups
    monthly = kpi(store, by=[], period="month", settings=settings)
    assert list(monthly["n_scored"]) == [40, 40]
    assert monthly["share"].tolist() == pytest.approx([14 / 40, 10 / 40])
    test = kpi_change_test(store, ("2024-01-01", "2024-01-31"), ("2025-01-01", "2025-01-31"), settings=settings)
    assert test["change"] == pytest.approx(10 / 14 - 1) and 0 < test["p_value"] < 1


def test_kpi_threshold_is_a_setting_and_small_cells_are_suppressed(store, settings_factory, backend):
    rows = [("2024-03-01", "kto", "web", "Parkeren", s) for s in (5, 6, 7, 8, 9, 10)]
    rows += [("2024-03-02", "kto", "chat", "Parkeren", 1)] * 3
    _scores(store, rows)
    strict = settings_factory(backend, dissatisfied_max_score=5)
    out = kpi(store, by="channel", period="year", settings=strict).set_index("channel")
    assert out.loc["web", "n_dissatisfied"] == 1
    assert out.loc["chat", "suppressed"] and np.isnan(out.loc["chat", "share"])
    default = kpi(store, by="channel", period="year", settings=settings_factory(backend)).set_index("channel")
    assert default.loc["web", "n_dissatisfied"] == 2


def test_kpi_rejects_unknown_grouping(store, settings):
    with pytest.raises(ValueError, match="cannot group by"):
        kpi(store, by="text", settings=settings)


def test_one_kpi_in_dashboard_monthly_report_and_cli(settings_factory, monkeypatch, capsys):
    """A month through the dashboard, the monthly report and `signalen kpi`: the same share, the
    same nulmeting and the same target (Rotterdam: 30% fewer 0-6 scores than in the nulmeting)."""
    import json

    from signalen_lib.cli import main
    from signalen_lib.dashboard.aggregates import refresh_aggregates
    from signalen_lib.dashboard.app import build_app
    from signalen_lib.reports import monthly
    from signalen_lib.store import open_store

    settings = settings_factory("duckdb")
    rng = np.random.default_rng(3)
    rows = []
    for day in pd.date_range("2024-01-01", "2025-03-31", freq="D"):
        for _ in range(3):
            p = 0.45 if day.year == 2024 else 0.30
            rows.append((day + pd.Timedelta(hours=10), "kto", "web", "Burgerzaken", int(rng.integers(0, 7)) if rng.random() < p else 9))
    with open_store(settings) as store:
        _scores(store, rows)
        refresh_aggregates(store, settings)
        ctx = monthly.open_report("2025-02", "", settings=settings, store=store)
        report = monthly.kpi_month(ctx)
        text = " ".join(p for p in monthly.section_kpi(ctx) if isinstance(p, str))
    assert report["baseline_window"] == (pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-31"))
    assert f"hoogstens {monthly.fmt_pct(report['target_share'])}" in text
    # the dashboard, filtered on that month
    app = build_app(settings)
    app.set_filters(period="aangepast")
    app.set_filters(start=pd.Timestamp("2025-02-01").date(), end=pd.Timestamp("2025-02-28").date())
    df = app.data.q("SELECT sum(n_scored) s, sum(n_dissatisfied) d FROM agg WHERE day >= '2025-02-01' AND day < '2025-03-01'")
    dash = app.selection_kpi(int(df["s"].iloc[0]), int(df["d"].iloc[0]))
    assert f"doel hoogstens {monthly.fmt_pct(report['target_share'])}" in app.v["overzicht_kpis"].value
    # the command line
    for k in ("DATA_DIR", "REPORTS_DIR"):
        monkeypatch.setenv(f"SIGNALEN_{k}", str(getattr(settings, k.lower())))
    assert main(["kpi", "--by", "", "--current", "2025-02-01:2025-02-28", "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)[0]
    for key in ("n_scored", "n_dissatisfied", "share", "baseline_share", "target_share"):
        assert report[key] == pytest.approx(dash[key]) == pytest.approx(cli[key]), key
    assert report["target_share"] == pytest.approx(report["baseline_share"] * 0.7)
