"""Retention: delete raw text (``signals_raw`` rows and their ``pii_findings``) in the restricted
zone once it is older than its source's retention period. The masked record in the shared zone
stays. Dry run by default: :func:`retention_plan` counts, :func:`apply_retention` deletes.

What was deleted is logged in the restricted zone: ``retention_runs`` (per source) and
``retention_deletions`` (per source and month of receipt, with the run id); the privacy report
(:mod:`.report`) shows it. :func:`retention_step` is the pipeline step ``retention`` (it runs only
with ``settings.retention_in_pipeline``).
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterator

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


def _per_month(db, item: RetentionItem, has_findings: bool) -> list[tuple]:
    """(month, raw rows, findings) of what ``item`` deletes, per month of receipt."""
    raw = {m: int(n) for m, n in db.execute(
        "SELECT date_trunc('month', received_at) AS m, count(*) FROM signals_raw "
        "WHERE source = ? AND received_at < ? GROUP BY 1", [item.source, item.cutoff])}
    found: dict = {}
    if has_findings:
        found = {m: int(n) for m, n in db.execute(
            "SELECT date_trunc('month', r.received_at) AS m, count(*) FROM pii_findings f "
            "JOIN signals_raw r ON r.signal_id = f.signal_id WHERE r.source = ? AND r.received_at < ? GROUP BY 1",
            [item.source, item.cutoff])}
    return [(m, raw[m], found.get(m, 0)) for m in sorted(raw)]


def apply_retention(store, settings: Settings, now: datetime | None = None,
                    run_id: str | None = None) -> list[RetentionItem]:
    """Delete what :func:`retention_plan` lists, one transaction per source; logs each run in
    ``retention_runs`` and, per month of receipt, in ``retention_deletions`` (under ``run_id``,
    default a new ``retention`` run id). Returns the plan that was carried out."""
    from ..vocab.ids import new_run_id

    now = now or datetime.now()
    run_id = run_id or new_run_id("retention")
    db = store.restricted
    plan = retention_plan(store, settings, now)
    has_findings = db.table_exists("pii_findings")
    log_months = db.table_exists("retention_deletions")
    for item in plan:
        if not item.raw_rows:
            continue
        with db.transaction():
            if log_months:  # counted inside the transaction that deletes, so the log matches the deletion
                for month, n_raw, n_find in _per_month(db, item, has_findings):
                    db.execute(
                        "INSERT INTO retention_deletions (run_id, run_at, source, month, retention_days, cutoff, "
                        "raw_deleted, findings_deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [run_id, now, item.source, month, item.retention_days, item.cutoff, n_raw, n_find])
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


@contextlib.contextmanager
def with_restricted(store, settings: Settings) -> Iterator:
    """``store`` itself when it opened the restricted zone, else a store with the same shared zone and
    the restricted zone opened (and migrated) for the duration. A pipeline function step gets a
    shared-only store; retention and the privacy report need the restricted zone too."""
    try:
        store.restricted
        yield store
        return
    except PermissionError:
        pass
    from ..store import Database, Store
    from ..store.migrations import migrate
    from ..store.store import _load_migration_modules

    rdb = Database(settings.restricted_zone_url, zone="restricted", setting="restricted_url")
    try:
        _load_migration_modules()
        migrate(rdb, "restricted")
        yield Store(store.shared, rdb)
    finally:
        rdb.close()


def retention_step(store, settings: Settings) -> dict:
    """The pipeline step ``retention``: :func:`apply_retention` when ``settings.retention_in_pipeline``
    is set, else recorded as skipped with the reason."""
    if not settings.retention_in_pipeline:
        return {"skipped": "retention_in_pipeline is false (run `signalen retention --apply` by hand or set it)"}
    from .report import current_pipeline_run

    run = current_pipeline_run(store)
    with with_restricted(store, settings) as st:
        plan = apply_retention(st, settings, run_id=run["run_id"] if run else None)
    return {"raw_deleted": sum(i.raw_rows for i in plan), "findings_deleted": sum(i.findings for i in plan),
            "sources": len([i for i in plan if i.raw_rows])}
