"""Masking in the pipeline with a pool of processes: the same masked text, findings and labels as
one process, and a run stopped midway continues where it stopped."""
from __future__ import annotations

import pandas as pd
import pytest

from signalen_lib.demo import deliver
from signalen_lib.ingest import ingest_all
from signalen_lib.ingest.load import mask_pending
from signalen_lib.store import open_store
from signalen_lib.synth import generate

N = 1200
BATCH = 150  # several batches per worker


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    gen = tmp_path_factory.mktemp("gen")
    generate(N, 7, out_dir=gen, start="2026-01-01", end="2026-03-31")
    return gen


def _ingested(settings_factory, corpus, name):
    settings = settings_factory("duckdb", data_dir=str(corpus.parent / f"data-{name}"))
    settings.ensure_dirs()
    deliver(corpus, settings.raw_dir, "2000-01-01", "2027-01-01", "alles", whole=True)
    with open_store(settings) as store:
        ingest_all(store, settings, settings.raw_dir, mask=False)
    return settings


def _zones(settings) -> tuple[pd.DataFrame, pd.DataFrame]:
    with open_store(settings) as store:
        shared = store.shared.query_df("SELECT * FROM signals ORDER BY signal_id").drop(
            columns=["masked_at", "source_file", "ingest_run_id", "ingested_at"])  # where and when, not what
        findings = store.restricted.query_df(
            "SELECT signal_id, entity_type, start_char, end_char, original, score, recognizer FROM pii_findings "
            "ORDER BY signal_id, start_char, end_char, entity_type")
    return shared.reset_index(drop=True), findings.reset_index(drop=True)


def test_pool_masks_exactly_as_one_process_and_resumes_after_a_stop(settings_factory, corpus):
    one = _ingested(settings_factory, corpus, "one")
    with open_store(one) as store:
        n_one = mask_pending(store, one, batch_size=BATCH, workers=1)
    pool = _ingested(settings_factory, corpus, "pool")

    class Stop(Exception):
        pass

    seen = []

    def stop_after_two(msg):  # a kill after the second batch was written
        seen.append(msg)
        if len(seen) == 2:
            raise Stop

    with open_store(pool) as store, pytest.raises(Stop):
        mask_pending(store, pool, batch_size=BATCH, workers=2, progress=stop_after_two)
    with open_store(pool) as store:
        assert store.shared.count("signals") == 2 * BATCH  # what was written stays written
        assert store.restricted.count("signals_raw", "masked_at IS NULL") == n_one - 2 * BATCH
        n_rest = mask_pending(store, pool, batch_size=BATCH, workers=2)
    assert n_rest == n_one - 2 * BATCH and n_one > 4 * BATCH

    shared_one, findings_one = _zones(one)
    shared_pool, findings_pool = _zones(pool)
    assert len(shared_one) == n_one and len(findings_one) > 0
    pd.testing.assert_frame_equal(shared_pool, shared_one)
    pd.testing.assert_frame_equal(findings_pool, findings_one)
    assert not shared_one["text"].str.contains(r"\b06-?\d{8}\b", regex=True).any()
