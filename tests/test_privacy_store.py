"""pii_findings table and retention, on DuckDB and PostgreSQL."""
from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd

from signalen_lib.privacy.retention import apply_retention, retention_periods, retention_plan


def _raw(store, rows):
    df = pd.DataFrame(rows, columns=["signal_id", "source", "received_at", "text", "content_hash"])
    store.restricted.insert_df("signals_raw", df)


def test_pii_findings_table_in_restricted_zone_only(store):
    assert store.restricted.table_exists("pii_findings")
    assert not store.shared.table_exists("pii_findings")
    cols = set(store.restricted.columns("pii_findings"))
    assert {"signal_id", "entity_type", "start_char", "end_char", "original", "score", "recognizer"} <= cols


def test_retention_dry_run_then_apply(store, settings):
    now = datetime(2026, 6, 1)
    old, new = now - timedelta(days=4000), now - timedelta(days=10)  # older than any period
    _raw(store, [
        ("kto:1", "kto", old, "Mw. Jansen belde", "h1"),
        ("kto:2", "kto", new, "Dhr. Bakker belde", "h2"),
        ("klacht:1", "klacht", old, "Klacht van P. de Vries", "h3"),
        ("klacht:2", "klacht", old - timedelta(days=5), "Nog een", "h4"),
    ])
    store.restricted.insert_df("pii_findings", pd.DataFrame([
        ("kto:1", "PERSOON", 4, 10, "Jansen", 0.85, "NlNameRecognizer"),
        ("kto:2", "PERSOON", 5, 11, "Bakker", 0.85, "NlNameRecognizer"),
        ("klacht:1", "PERSOON", 11, 22, "P. de Vries", 0.85, "NlNameRecognizer"),
    ], columns=["signal_id", "entity_type", "start_char", "end_char", "original", "score", "recognizer"]))
    # the masked copy in the shared zone
    store.shared.insert_df("signals", pd.DataFrame([
        dict(signal_id="kto:1", source="kto", received_at=old, text="Mw. <PERSOON> belde", content_hash="h1"),
    ]))
    plan = {i.source: i for i in retention_plan(store, settings, now)}
    days = settings.retention_default_days
    periods = retention_periods(settings)
    assert plan["kto"].retention_days == periods.get("kto", days)
    assert (plan["kto"].raw_rows, plan["kto"].findings) == (1, 1)
    assert (plan["klacht"].raw_rows, plan["klacht"].findings) == (2, 1)
    assert store.restricted.count("signals_raw") == 4  # dry run deletes nothing

    apply_retention(store, settings, now)
    left = set(store.restricted.query_df("SELECT signal_id FROM signals_raw")["signal_id"])
    assert left == {"kto:2"}
    assert set(store.restricted.query_df("SELECT signal_id FROM pii_findings")["signal_id"]) == {"kto:2"}
    assert store.shared.count("signals") == 1  # the masked record stays
    assert store.restricted.count("retention_runs") == 2
    assert all(i.raw_rows == 0 for i in retention_plan(store, settings, now))
