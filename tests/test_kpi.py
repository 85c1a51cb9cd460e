"""The dissatisfaction KPI (issue 8)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from signalen_lib.insights.kpi import kpi, kpi_change_test


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
