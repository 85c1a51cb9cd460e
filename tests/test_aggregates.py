"""Aggregates (agg_daily) on both backends, and the signalering (alerts) statistics."""
from __future__ import annotations

import numpy as np
import pandas as pd

from signalen_lib.synth.store import PART_TABLES
from signalen_lib.dashboard.aggregates import read_meta, refresh_aggregates
from signalen_lib.dashboard.alerts import detect_alerts


def _signals(rows):
    cols = ["signal_id", "source", "received_at", "channel", "cluster", "afdeling", "wijk_code", "buurt_code", "score", "text"]
    df = pd.DataFrame(rows, columns=cols)
    df["received_at"] = pd.to_datetime(df["received_at"])
    df["score"] = df["score"].astype("Int64")
    df["content_hash"] = [f"h{i}" for i in range(len(df))]
    return df


ROWS = [
    ("kto:1", "kto", "2026-03-01 09:00", "telefoon", "Dienstverlening", "KCC", "WK059901", "BU05990110", 3, "te lang gewacht"),
    ("kto:2", "kto", "2026-03-01 15:30", "telefoon", "Dienstverlening", "KCC", "WK059901", "BU05990110", 6, "matig"),
    ("kto:3", "kto", "2026-03-01 16:00", "telefoon", "Dienstverlening", "KCC", "WK059901", "BU05990110", 9, "prima"),
    ("klacht:4", "klacht", "2026-03-02 10:00", "online", "Stadsbeheer", "Afval", None, None, None, "container vol"),
    ("klacht:5", "klacht", "2026-03-02 11:00", "online", "Stadsbeheer", "Afval", "", "", None, "grofvuil niet opgehaald"),
]


def test_refresh_aggregates_joins_current_model_rank1_and_perception(store, settings):
    db = store.shared
    for stmt in PART_TABLES:
        db.execute(stmt)
    db.insert_df("signals", _signals(ROWS))
    db.insert_df("topic_models", pd.DataFrame([
        {"model_version": "old", "created_at": pd.Timestamp("2026-01-01"), "is_current": False},
        {"model_version": "new", "created_at": pd.Timestamp("2026-02-01"), "is_current": True},
    ]))
    db.insert_df("signal_categories", pd.DataFrame([
        # current model: rank 1 counts, rank 2 does not; kto:3 has no row -> overig
        ("kto:1", "new", 1, "dienstverlening", "wachttijd", 0.9), ("kto:1", "new", 2, "afval", "container", 0.3),
        ("kto:2", "new", 1, "dienstverlening", "wachttijd", 0.8),
        ("klacht:4", "new", 1, "afval", "container", 0.7), ("klacht:5", "new", 1, "afval", "grofvuil", 0.7),
        # the old model must be ignored
        ("kto:3", "old", 1, "parkeren", "parkeerboete", 0.9),
    ], columns=["signal_id", "model_version", "rank", "category", "subcategory", "prob"]))
    db.insert_df("signal_perception", pd.DataFrame({
        "signal_id": ["kto:1", "kto:2", "kto:3", "klacht:4"], "model_version": "p1",
        "perception": ["klacht", "neutraal", "compliment", "klacht"], "prob": 0.9}))
    meta = refresh_aggregates(store, settings)
    agg = db.query_df("SELECT * FROM agg_daily")
    assert int(agg["n"].sum()) == 5
    assert meta["model_version"] == "new" and meta["n_signals"] == "5"
    by_cat = agg.groupby("category")["n"].sum().to_dict()
    assert by_cat == {"dienstverlening": 2, "afval": 2, "overig": 1}
    assert "parkeren" not in set(agg["category"])
    kto = agg[agg["source"] == "kto"]
    assert int(kto["n_scored"].sum()) == 3
    assert int(kto["n_dissatisfied"].sum()) == 2  # scores 3 and 6 (<= 6), not 9
    assert set(agg.loc[agg["source"] == "klacht", "wijk_code"]) == {"onbekend"}  # NULL and "" -> onbekend
    assert set(agg["perception"]) == {"klacht", "neutraal", "compliment", "onbekend"}
    days = sorted(pd.to_datetime(agg["day"]).dt.strftime("%Y-%m-%d").unique())
    assert days == ["2026-03-01", "2026-03-02"]
    assert read_meta(db)["last_day"] == "2026-03-02"
    # refreshing again replaces, never doubles
    refresh_aggregates(store, settings)
    assert int(db.scalar("SELECT sum(n) FROM agg_daily")) == 5


def test_refresh_updates_only_the_days_of_new_signals(store, settings):
    """Signals masked after the last refresh: only their days are recomputed, the result equals a
    rebuild; a new perception model or a deleted signal rebuilds everything."""
    db = store.shared
    for stmt in PART_TABLES:
        db.execute(stmt)
    first = _signals(ROWS[:3]).assign(masked_at=pd.Timestamp("2026-03-01 20:00"))
    db.insert_df("signals", first)
    db.insert_df("signal_perception", pd.DataFrame({"signal_id": ["kto:1", "kto:2", "kto:3"], "model_version": "p1",
                                                    "perception": ["klacht", "neutraal", "compliment"], "prob": 0.9}))
    db.insert_df("perception_models", pd.DataFrame([{"model_version": "p1", "created_at": pd.Timestamp("2026-03-01"),
                                                     "is_current": True}]))
    assert refresh_aggregates(store, settings)["mode"] == "rebuilt"  # the first time
    before = db.query_df("SELECT * FROM agg_daily WHERE day < ?", [pd.Timestamp("2026-03-02").to_pydatetime()])
    later = _signals(ROWS).iloc[3:].assign(masked_at=pd.Timestamp("2026-03-02 20:00"),
                                           content_hash=["h3", "h4"])
    db.insert_df("signals", later)
    db.insert_df("signal_perception", pd.DataFrame({"signal_id": ["klacht:4", "klacht:5"], "model_version": "p1",
                                                    "perception": ["klacht", "klacht"], "prob": 0.9}))
    meta = refresh_aggregates(store, settings)
    assert meta["mode"] == "updated 1 day(s)" and meta["n_signals"] == "5"
    key = list(db.columns("agg_daily"))
    inc = db.query_df("SELECT * FROM agg_daily").sort_values(key).reset_index(drop=True)
    same_day_one = db.query_df("SELECT * FROM agg_daily WHERE day < ?", [pd.Timestamp("2026-03-02").to_pydatetime()])
    pd.testing.assert_frame_equal(same_day_one.sort_values(key).reset_index(drop=True),
                                  before.sort_values(key).reset_index(drop=True))
    assert refresh_aggregates(store, settings, full=True)["mode"] == "rebuilt"
    pd.testing.assert_frame_equal(db.query_df("SELECT * FROM agg_daily").sort_values(key).reset_index(drop=True), inc)
    assert refresh_aggregates(store, settings)["mode"] == "updated 0 day(s)"  # nothing new
    db.execute("DELETE FROM signals WHERE signal_id = 'kto:2'")
    assert refresh_aggregates(store, settings)["mode"] == "rebuilt" and read_meta(db)["n_signals"] == "4"
    db.execute("UPDATE perception_models SET is_current = FALSE")
    db.insert_df("perception_models", pd.DataFrame([{"model_version": "p2", "created_at": pd.Timestamp("2026-03-03"),
                                                     "is_current": True}]))
    assert refresh_aggregates(store, settings)["mode"] == "rebuilt"


def test_refresh_aggregates_without_topic_or_perception_tables(settings_factory):
    from signalen_lib.store import open_store

    settings = settings_factory("duckdb")
    with open_store(settings) as st:
        st.shared.insert_df("signals", _signals(ROWS[:3]))
        for t in ("signal_categories", "signal_perception", "topic_models"):  # as before those parts ran
            st.shared.execute(f"DROP TABLE IF EXISTS {t}")
        meta = refresh_aggregates(st, settings)
        agg = st.shared.query_df("SELECT category, perception, sum(n) AS n FROM agg_daily GROUP BY 1, 2")
    assert meta["model_version"] == ""
    assert agg.to_dict("records") == [{"category": "overig", "perception": "onbekend", "n": 3}]


def _daily(series: dict[str, np.ndarray], end="2026-11-20") -> pd.DataFrame:
    n = len(next(iter(series.values())))
    days = pd.date_range(end=end, periods=n, freq="D")
    return pd.concat([pd.DataFrame({"day": days, "category": k, "n": v}) for k, v in series.items()])


def test_alerts_flag_a_spike_not_a_steady_series():
    rng = np.random.default_rng(1)
    steady = rng.poisson(20, 500)
    spike = rng.poisson(20, 500)
    spike[-3:] = [70, 80, 75]
    al = detect_alerts(_daily({"steady": steady, "spike": spike}))
    assert list(al["key"]) == ["spike"]
    row = al.iloc[0]
    assert row["observed"] == 225 and 40 < row["expected"] < 80 and row["ratio"] > 3
    assert row["p_value"] < 1e-6 and not row["is_new"]


def test_alerts_take_last_years_season_into_account():
    # a category that triples every year in the same weeks is expected to, so it is not flagged
    days = pd.date_range(end="2026-07-10", periods=600, freq="D")
    rng = np.random.default_rng(2)
    summer = ((days.month == 7) & (days.day >= 5)) | ((days.month == 7) & (days.day <= 20))
    lam = np.where((days.month == 7), 60, 20)
    seasonal = rng.poisson(lam)
    no_history = seasonal.copy()
    no_history[: len(days) - 200] = rng.poisson(20, len(days) - 200)  # no summer peak last year
    df = pd.concat([pd.DataFrame({"day": days, "category": "seizoen", "n": seasonal}),
                    pd.DataFrame({"day": days, "category": "onverwacht", "n": no_history})])
    al = detect_alerts(df)
    assert "seizoen" not in set(al["key"])
    assert "onverwacht" in set(al["key"])
    assert summer.any()


def test_alerts_new_topic_on_its_first_day_and_small_counts_suppressed():
    zeros = np.zeros(400, dtype=int)
    new, tiny = zeros.copy(), zeros.copy()
    new[-1] = 6
    tiny[-1] = 3  # below min_count: not shown (small-cell rule)
    al = detect_alerts(_daily({"nieuw_slagboom": new, "klein": tiny, "rest": np.full(400, 10)}), min_count=5)
    assert list(al["key"]) == ["nieuw_slagboom"]
    assert bool(al.iloc[0]["is_new"]) and al.iloc[0]["first_seen"] == pd.Timestamp("2026-11-20")
