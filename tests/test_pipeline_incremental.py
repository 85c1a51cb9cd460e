"""The real pipeline (papermill notebooks and library steps) on a small synthetic corpus:

* masking with a pool of processes stores exactly what one process stores: the same signals, the
  same masked text, and so the same categories for the fixed seed;
* the nightly run touches only the new signals: it assigns categories and perception to them alone,
  leaves the aggregates of untouched days as they were, and its incrementally updated aggregates
  equal a rebuild from scratch;
* ``--profile`` reports the steps and the sub-steps the library timed.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from signalen_lib.dashboard.aggregates import read_meta, refresh_aggregates
from signalen_lib.demo import deliver, pipeline_steps_with_labels
from signalen_lib.runs import pipeline as pl
from signalen_lib.store import open_store
from signalen_lib.synth import generate

pytestmark = pytest.mark.slow

N = 3000
END = pd.Timestamp("2026-10-31")
CUT = pd.Timestamp("2026-10-29")  # the nightly delivery: the last three days


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    gen = tmp_path_factory.mktemp("corpus")
    generate(N, 42, out_dir=gen, start="2026-03-01", end=f"{END:%Y-%m-%d}")
    return gen


def _initial_load(tmp: Path, corpus: Path, workers: int):
    from signalen_lib.config import load_config

    settings = load_config(None, data_dir=str(tmp / "data"), reports_dir=str(tmp / "reports"),
                           gate_macro_f1=0.0, gate_kappa=-1.0, workers=workers, mask_batch_rows=400)
    settings.ensure_dirs()
    deliver(corpus, settings.raw_dir, "2000-01-01", CUT, "jaar", whole=True)
    steps = lambda: pipeline_steps_with_labels(settings, corpus / "ground_truth" / "signals.csv",  # noqa: E731
                                               tmp / "labels.csv", n=400)
    res = pl.run_pipeline(settings, steps=steps, profile=True)
    assert res.ok, f"{res.failed_step}: {res.error}"
    return settings, steps, res


def _signals_and_categories(settings) -> tuple[pd.DataFrame, pd.DataFrame]:
    with open_store(settings, restricted=False) as st:
        sig = st.shared.query_df(
            "SELECT signal_id, source, source_record_id, received_at, channel, cluster, afdeling, wijk_code, buurt_code, "
            "score, text, content_hash FROM signals ORDER BY signal_id")
        cats = st.shared.query_df("SELECT signal_id, rank, category, subcategory, round(prob, 6) AS prob "
                                  "FROM signal_categories ORDER BY signal_id, rank")
    return sig, cats


def _agg(db) -> pd.DataFrame:
    df = db.query_df("SELECT * FROM agg_daily")
    return df.sort_values(list(df.columns)).reset_index(drop=True)


def test_pool_gives_the_same_store_and_the_nightly_run_touches_only_new_signals(tmp_path, corpus):
    one, _, _ = _initial_load(tmp_path / "one", corpus, workers=1)
    pool, steps, r0 = _initial_load(tmp_path / "pool", corpus, workers=2)

    # same signals, same masked text, same categories for the fixed seed
    sig1, cats1 = _signals_and_categories(one)
    sig2, cats2 = _signals_and_categories(pool)
    assert len(sig1) > 0.8 * N and len(cats1) >= len(sig1)
    pd.testing.assert_frame_equal(sig2, sig1)
    pd.testing.assert_frame_equal(cats2, cats1)
    masked = [r for r in r0.profile if r["name"] == "mask: analyse texts (workers)"]
    assert masked and masked[0]["count"] == len(sig2)  # the pool path ran, over every signal

    with open_store(pool, restricted=False) as st:
        db = st.shared
        agg_before = _agg(db)
        perc_before = db.query_df("SELECT * FROM signal_perception ORDER BY signal_id")
        n_before = db.count("signals")
        n_cat_rows = db.count("signal_categories")
        masked_through = db.scalar("SELECT max(masked_at) FROM signals")

    # --- the nightly delivery
    deliver(corpus, pool.raw_dir, CUT, END + pd.Timedelta(days=1), "nieuw")
    r1 = pl.run_pipeline(pool, steps=steps, profile=True)
    assert r1.ok, f"{r1.failed_step}: {r1.error}"
    with open_store(pool) as st:  # the year's exports, still in the folder, were not read again
        unchanged = st.restricted.count("ingest_files", "message LIKE 'unchanged since%'")
        n_year_files = st.restricted.count("ingest_files", "message IS NULL OR message NOT LIKE 'unchanged since%'") - 2
    assert unchanged == n_year_files >= 4
    read = sum(r.get("count", 0) for r in r1.profile if r["name"] == "ingest: validate rows")
    with open_store(pool, restricted=False) as st:
        db = st.shared
        new = db.query_df("SELECT signal_id, received_at FROM signals WHERE masked_at > ?", [masked_through])
        assert read < 2 * len(new)  # the new exports only
        n_new = db.count("signals") - n_before
        assert n_new > 20 and len(new) == n_new
        # categories: only the new signals were assigned (a row per rank, up to three)
        step = {s.name: s for s in r1.steps}
        assigned = [r for r in r1.profile if r["name"] == "topics: find signals without categories"]
        assert assigned and assigned[0]["count"] == n_new
        assert n_cat_rows < db.count("signal_categories") <= n_cat_rows + 3 * n_new
        # perception: the old signals keep theirs, the new ones got one from the same model
        perc_after = db.query_df("SELECT * FROM signal_perception ORDER BY signal_id")
        pd.testing.assert_frame_equal(
            perc_after[perc_after["signal_id"].isin(perc_before["signal_id"])].reset_index(drop=True), perc_before)
        assert len(perc_after) == len(perc_before) + n_new
        assert step["perception"].parameters["result"]["mode"] == "new only"
        # aggregates: only the days of the delivery changed, and they equal a rebuild
        days = set(pd.to_datetime(new["received_at"]).dt.normalize())
        assert read_meta(db)["mode"] == f"updated {len(days)} day(s)"
        agg_after = _agg(db)
        untouched = lambda df: df[~pd.to_datetime(df["day"]).isin(days)].reset_index(drop=True)  # noqa: E731
        pd.testing.assert_frame_equal(untouched(agg_after), untouched(agg_before))
        assert int(agg_after["n"].sum()) == n_before + n_new
    with open_store(pool, restricted=False) as st:
        refresh_aggregates(st, pool, full=True)
        assert read_meta(st.shared)["mode"] == "rebuilt"
        pd.testing.assert_frame_equal(_agg(st.shared), agg_after)

    # the profile names steps and sub-steps, from the runner and from inside the kernels
    table = r1.profile_table()
    for part in ("ingest", "kernel start", "mask: write both zones", "perception: predict new signals",
                 "aggregates: update changed days", "load average"):
        assert part in table, part
