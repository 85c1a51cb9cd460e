"""Retention: delete raw text (``signals_raw`` rows and their ``pii_findings``) in the restricted
zone once it is older than its source's retention period. The masked record in the shared zone
stays. Dry run by default: :func:`retention_plan` counts, :func:`apply_retention` deletes.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ..config import Settings


def retention_periods(settings: Settings) -> dict[str, int]:
    """Retention in days per source, from the ingest source register
    (``signalen_lib.ingest.sources.load_register``, ``SourceSpec.retention_days``). Falls back to
    ``settings.retention_default_days`` for every source when the register is not available."""
    try:
        from ..ingest.sources import load_register
    except ImportError:
        return {}
    try:
        return {name: int(spec.retention_days) for name, spec in load_register(settings).items()}
    except FileNotFoundError:
        return {}


@dataclass(frozen=True)
class RetentionItem:
    source: str
    retention_days: int
    cutoff: datetime
    raw_rows: int
    findings: int


def retention_plan(store, settings: Settings, now: datetime | None = None) -> list[RetentionItem]:
    """What retention would delete now, per source present in ``signals_raw``."""
    now = now or datetime.now()
    db = store.restricted
    periods = retention_periods(settings)
    sources = [r[0] for r in db.execute("SELECT DISTINCT source FROM signals_raw ORDER BY source")]
    has_findings = db.table_exists("pii_findings")
    items = []
    for src in sources:
        days = int(periods.get(src, settings.retention_default_days))
        cutoff = now - timedelta(days=days)
        n_raw = int(db.scalar("SELECT count(*) FROM signals_raw WHERE source = ? AND received_at < ?", [src, cutoff]))
        n_find = 0
        if has_findings and n_raw:
            n_find = int(db.scalar(
                "SELECT count(*) FROM pii_findings WHERE signal_id IN "
                "(SELECT signal_id FROM signals_raw WHERE source = ? AND received_at < ?)", [src, cutoff]))
        items.append(RetentionItem(src, days, cutoff, n_raw, n_find))
    return items


def apply_retention(store, settings: Settings, now: datetime | None = None) -> list[RetentionItem]:
    """Delete what :func:`retention_plan` lists, one transaction per source; logs each run in
    ``retention_runs``. Returns the plan that was carried out."""
    now = now or datetime.now()
    db = store.restricted
    plan = retention_plan(store, settings, now)
    has_findings = db.table_exists("pii_findings")
    for item in plan:
        if not item.raw_rows:
            continue
        with db.transaction():
            if has_findings:
                db.execute(
                    "DELETE FROM pii_findings WHERE signal_id IN "
                    "(SELECT signal_id FROM signals_raw WHERE source = ? AND received_at < ?)", [item.source, item.cutoff])
            db.execute("DELETE FROM signals_raw WHERE source = ? AND received_at < ?", [item.source, item.cutoff])
            if db.table_exists("retention_runs"):
                db.execute(
                    "INSERT INTO retention_runs (run_at, source, retention_days, cutoff, raw_deleted, findings_deleted) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    [now, item.source, item.retention_days, item.cutoff, item.raw_rows, item.findings])
    return plan
