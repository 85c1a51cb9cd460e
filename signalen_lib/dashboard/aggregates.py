"""Precomputed aggregates the dashboard and reports read instead of raw signals.

:func:`refresh_aggregates` fills ``agg_daily`` (table in ``signalen_lib/dashboard/tables.py``)
from ``signals`` + ``signal_categories`` (the current model of ``topic_models``, rank 1; ``overig``
when a signal has none) + ``signal_perception``, in SQL both DuckDB and PostgreSQL accept. Tables
of parts that have not run yet (topics, perception) are treated as empty.

The nightly run updates only the days that received new signals (masked since the last refresh,
``agg_meta.masked_through``); everything is rebuilt when the topic or perception model, the
dissatisfaction threshold or the number of signals says the stored rows are no longer right.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pandas as pd

from signalen_lib.config import Settings
from signalen_lib.runs.timing import timed
from signalen_lib.vocab.models import current_category_model, current_perception_model, current_topic_model
from signalen_lib.vocab.taxonomy import OVERIG

#: Dimensions of ``agg_daily`` besides ``day`` (in table order).
DIMENSIONS = (
    "category", "subcategory", "cluster", "afdeling", "wijk_code", "buurt_code",
    "source", "channel", "perception", "org_code",
)
#: Measures of ``agg_daily``.
MEASURES = ("n", "n_scored", "n_dissatisfied")
UNKNOWN = "onbekend"



def aggregate_sql(db, settings: Settings, model_version: str | None, days: list | None = None) -> tuple[str, list]:
    """The SELECT that produces agg_daily's rows (shared by refresh and tests); ``days`` (midnight
    timestamps): only the signals received on those days."""
    params: list = []
    if model_version is not None and db.table_exists("signal_categories"):
        cat_join = (
            "LEFT JOIN (SELECT signal_id, category, subcategory FROM signal_categories "
            "WHERE rank = 1 AND model_version = ?) c ON c.signal_id = s.signal_id"
        )
        params.append(model_version)
        cat = f"COALESCE(c.category, '{OVERIG}')"
        sub = f"COALESCE(c.subcategory, '{OVERIG}')"
    else:
        cat_join, cat, sub = "", f"'{OVERIG}'", f"'{OVERIG}'"
    if db.table_exists("signal_perception"):
        per_join = "LEFT JOIN signal_perception p ON p.signal_id = s.signal_id"
        per = f"COALESCE(p.perception, '{UNKNOWN}')"
    else:
        per_join, per = "", f"'{UNKNOWN}'"
    max_score = int(settings.dissatisfied_max_score)  # an int, safe to inline
    org = str(settings.organisation_code).replace("'", "''")  # rows from before the org_code column: this organisation

    def dim(col: str) -> str:
        return f"COALESCE(NULLIF(s.{col}, ''), '{UNKNOWN}')"

    where = ""
    if days:
        import pandas as pd

        stamps = sorted(pd.Timestamp(d).normalize() for d in days)
        ranges = " OR ".join("(s.received_at >= ? AND s.received_at < ?)" for _ in stamps)
        where = f"WHERE ({ranges})"
        for d in stamps:
            params_days = [d.to_pydatetime(), (d + pd.Timedelta(days=1)).to_pydatetime()]
            params.extend(params_days)
    sql = f"""
        SELECT date_trunc('day', s.received_at) AS day,
               {cat} AS category, {sub} AS subcategory,
               {dim('cluster')} AS cluster, {dim('afdeling')} AS afdeling,
               {dim('wijk_code')} AS wijk_code, {dim('buurt_code')} AS buurt_code,
               {dim('source')} AS source, {dim('channel')} AS channel,
               {per} AS perception,
               COALESCE(NULLIF(s.org_code, ''), '{org}') AS org_code,
               count(*) AS n,
               count(s.score) AS n_scored,
               sum(CASE WHEN s.score IS NOT NULL AND s.score <= {max_score} THEN 1 ELSE 0 END) AS n_dissatisfied
        FROM signals s
        {cat_join}
        {per_join}
        {where}
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
    """
    return sql, params


def _affected_days(db, meta: dict, settings: Settings, model_version: str | None) -> list | None:
    """The days whose rows must be recomputed since the refresh recorded in ``meta``; None when
    everything must be rebuilt."""
    perception = current_perception_model(db) or ""
    if (not meta or not meta.get("masked_through") or meta.get("model_version", "") != (model_version or "")
            or meta.get("perception_model", "") != perception
            or meta.get("category_model", "") != (current_category_model(db) or "")  # a retrain reassigned every signal
            or meta.get("dissatisfied_max_score") != str(settings.dissatisfied_max_score)):
        return None
    if db.table_exists("signal_perception") and perception:
        # signals whose perception an older model gave (a refit rewrote them all) also need a rebuild
        stale = db.scalar("SELECT count(*) FROM signal_perception WHERE model_version <> ?", [perception])
        if stale:
            return None
    rows = db.execute("SELECT DISTINCT date_trunc('day', received_at) FROM signals WHERE masked_at > ?",
                      [datetime.fromisoformat(meta["masked_through"])])
    return [r[0] for r in rows if r[0] is not None]


def combine_aggregates(parts) -> pd.DataFrame:
    """agg_daily rows from partial aggregates (each the output of :func:`aggregate_sql` on a part of
    the signals): the measures summed per day and dimensions (and any further key column the parts
    carry, e.g. an organisation code). Sums of counts, so the result does not depend on how the
    signals were split."""
    frames = [p for p in parts if len(p)]
    if not frames:
        return pd.DataFrame(columns=["day", *DIMENSIONS, *MEASURES])
    df = pd.concat(frames, ignore_index=True)
    keys = [c for c in df.columns if c not in MEASURES]
    out = df.groupby(keys, sort=True, dropna=False)[list(MEASURES)].sum().reset_index()
    return out.astype({m: "int64" for m in MEASURES})


class AggregateSum:
    """Running :func:`combine_aggregates` over partial aggregates that arrive one by one; combines
    every ``every`` parts (not at each one: re-grouping the running total per part costs more than
    the parts themselves)."""

    def __init__(self, every: int = 16):
        self.every, self.parts = every, []

    def add(self, part: pd.DataFrame) -> None:
        self.parts.append(part)
        if len(self.parts) >= self.every:
            self.parts = [combine_aggregates(self.parts)]

    def result(self) -> pd.DataFrame:
        return combine_aggregates(self.parts)


def refresh_aggregates(store, settings: Settings, *, full: bool = False, rows=None) -> dict:
    """Update ``agg_daily`` and ``agg_meta`` in one transaction; returns the recorded metadata.

    Only the days with signals masked since the last refresh are recomputed (the nightly run);
    ``full`` (or a new topic/perception/category model, another dissatisfaction threshold, or a
    count that does not add up) rebuilds every day. ``store`` must be opened writable (the
    dashboard itself only reads). ``rows(db, model_version)`` gives every day's agg_daily rows as
    a DataFrame computed elsewhere (the Dask engine: :func:`aggregate_sql` per partition, then
    :func:`combine_aggregates`), which always rebuilds; default: INSERT … SELECT in the store.
    """
    db = store.shared
    model_version = current_topic_model(db)
    cols = ", ".join(("day",) + DIMENSIONS + MEASURES)
    with timed("aggregates: find changed days"):
        days = None if (full or rows is not None) else _affected_days(db, read_meta(db), settings, model_version)
        masked_through = db.scalar("SELECT max(masked_at) FROM signals") if db.table_exists("signals") else None
    computed = rows(db, model_version) if rows is not None else None
    n_store = int(db.scalar("SELECT count(*) FROM signals") or 0)
    with db.transaction():
        if days is None:
            with timed("aggregates: rebuild all days"):
                db.execute("DELETE FROM agg_daily")
                if computed is None:
                    select, params = aggregate_sql(db, settings, model_version)
                    db.execute(f"INSERT INTO agg_daily ({cols}) {select}", params)
                elif len(computed):
                    db.insert_df("agg_daily", computed[["day", *DIMENSIONS, *MEASURES]])
        elif days:
            with timed("aggregates: update changed days", count=len(days)):
                select, params = aggregate_sql(db, settings, model_version, days=days)
                marks = ", ".join("?" for _ in days)
                db.execute(f"DELETE FROM agg_daily WHERE day IN ({marks})", [_ts(d) for d in days])
                db.execute(f"INSERT INTO agg_daily ({cols}) {select}", params)
        n_rows = int(db.scalar("SELECT count(*) FROM agg_daily"))
        n_signals = int(db.scalar("SELECT COALESCE(sum(n), 0) FROM agg_daily"))
        if days is not None and n_signals != n_store:  # deleted or late-changed signals: start over
            with timed("aggregates: rebuild all days"):
                select, params = aggregate_sql(db, settings, model_version)
                db.execute("DELETE FROM agg_daily")
                db.execute(f"INSERT INTO agg_daily ({cols}) {select}", params)
            days = None
            n_rows = int(db.scalar("SELECT count(*) FROM agg_daily"))
            n_signals = int(db.scalar("SELECT COALESCE(sum(n), 0) FROM agg_daily"))
        first, last = db.execute("SELECT min(day), max(day) FROM agg_daily")[0]
        meta = {
            "refreshed_at": datetime.now(timezone.utc).replace(tzinfo=None).isoformat(timespec="seconds"),
            "model_version": model_version or "",
            "perception_model": current_perception_model(db) or "",
            "category_model": current_category_model(db) or "",
            "masked_through": masked_through.isoformat() if masked_through is not None else "",
            "n_rows": str(n_rows),
            "n_signals": str(n_signals),
            "first_day": first.date().isoformat() if first is not None else "",
            "last_day": last.date().isoformat() if last is not None else "",
            "dissatisfied_max_score": str(settings.dissatisfied_max_score),
            "mode": "rebuilt" if days is None else f"updated {len(days)} day(s)",
        }
        db.execute("DELETE FROM agg_meta")
        db.executemany("INSERT INTO agg_meta (key, value) VALUES (?, ?)", list(meta.items()))
    return meta


def _ts(d):
    import pandas as pd

    return pd.Timestamp(d).to_pydatetime()


def read_meta(db) -> dict[str, str]:
    """``agg_meta`` as a dict (empty when the aggregates were never built)."""
    if not db.table_exists("agg_meta"):
        return {}
    return {k: v for k, v in db.execute("SELECT key, value FROM agg_meta")}


def meta_json(db) -> str:
    return json.dumps(read_meta(db), sort_keys=True)
