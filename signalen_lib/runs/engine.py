"""The Dask engine (setting ``engine: dask``): the pipeline's heavy steps as partitioned
DataFrame -> DataFrame stages on a ``dask.distributed`` cluster.

Each stage is a thin ``map_partitions`` over the function the single-process path calls, so there
is one implementation of each concept:

=============  ===================================================  ==========================================
stage          partition function (single-process path)            what a worker holds
=============  ===================================================  ==========================================
masking        ``ingest.load.mask_frame``                          the masker, built once per worker process
preprocessing  inside ``TopicModel.transform`` (the model's own    -
               preprocessor, so it cannot drift from the model)
assignment     ``topics.service.assign_frame``                     the current topic model, scattered once
perception     ``perception.model.perception_frame``               the fitted perception model, scattered once
aggregates     ``dashboard.aggregates.aggregate_sql`` on the       nothing: partial counts per partition,
               partition (in-memory DuckDB), then                  summed by ``AggregateSum``
               ``combine_aggregates``
=============  ===================================================  ==========================================

Models are fitted once, centrally, by the existing fit paths (``topics`` notebook / ``fit_store``,
``assign_perception``); only prediction is spread. Partitions stream: :func:`stream` keeps a
bounded number of partitions in flight and hands each result back in order, so a worker's memory
depends on the partition size, not on the corpus.

Without ``engine: dask`` nothing imports this module, and Dask is never imported.
"""
from __future__ import annotations

import contextlib
import os
from collections import deque
from typing import Any, Callable, Iterator, Sequence

import dask
import dask.dataframe as dd
import pandas as pd
from dask.distributed import Client, LocalCluster

from signalen_lib.config import ConfigError, Settings
from signalen_lib.dashboard.aggregates import (DIMENSIONS, MEASURES, AggregateSum, aggregate_sql,
                                               refresh_aggregates)
from signalen_lib.ingest.load import mask_frame, mask_pending
from signalen_lib.perception.model import perception_frame, perception_step as _perception_step
from signalen_lib.topics.service import assign_frame, assign_store

__all__ = ["dask_client", "frames_to_dask", "mask_stage", "assign_stage", "perception_stage", "aggregate_stage",
           "stream", "mask_step", "assign_step", "perception_step", "aggregates_step"]

# object columns stay object columns (pyarrow strings would change what the shared functions see)
dask.config.set({"dataframe.convert-string": False})
os.environ.setdefault("DASK_DATAFRAME__CONVERT_STRING", "False")  # worker processes read it at start

CATEGORY_COLUMNS = ["signal_id", "model_version", "rank", "category", "subcategory", "prob"]
TOPIC_COLUMNS = ["signal_id", "model_version", "rank", "topic_id", "stable_id", "prob"]
ASSIGN_COLUMNS = ["table", "signal_id", "model_version", "rank", "category", "subcategory", "topic_id", "stable_id",
                  "prob"]
PERCEPTION_COLUMNS = ["signal_id", "model_version", "perception", "prob", "p_klacht", "p_neutraal", "p_compliment"]
AGG_COLUMNS = ["day", *DIMENSIONS, *MEASURES]


# ---- the cluster ---------------------------------------------------------------------------
@contextlib.contextmanager
def dask_client(settings: Settings, *, n_workers: int | None = None, local: bool = False) -> Iterator[Client]:
    """A client of the cluster at ``dask_scheduler``, or (none set, or ``local``) of a ``LocalCluster``
    on 127.0.0.1 with ``dask_workers`` worker processes (one thread each: the stages are CPU-bound
    Python)."""
    if settings.dask_scheduler and not local:
        try:
            client = Client(settings.dask_scheduler, timeout="30s")
        except OSError as exc:
            raise ConfigError(f"setting 'dask_scheduler': no Dask scheduler answers at {settings.dask_scheduler} "
                              f"({exc})") from None
        with client:
            yield client
        return
    # the scheduler's HTTP endpoints (health, and the dashboard where bokeh is installed) on a free
    # port of 127.0.0.1, so that two clusters on one machine do not collide on 8787
    with LocalCluster(n_workers=n_workers or settings.dask_workers, threads_per_worker=1, processes=True,
                      host="127.0.0.1", dashboard_address="127.0.0.1:0") as cluster, Client(cluster) as client:
        yield client


def frames_to_dask(frames: Sequence[pd.DataFrame]) -> dd.DataFrame:
    """A Dask DataFrame whose partitions are exactly ``frames`` (in order)."""
    frames = list(frames)
    if not frames:
        raise ValueError("no partitions")
    return dd.from_map(_identity, frames, meta=frames[0].iloc[:0], enforce_metadata=False)


def _identity(df: pd.DataFrame) -> pd.DataFrame:
    return df


# ---- partition functions (module level: workers unpickle them by name) ----------------------
def _mask_partition(df: pd.DataFrame) -> pd.DataFrame:
    from signalen_lib.privacy import get_masker  # the process-wide masker: built once per worker

    out, findings = mask_frame(df, get_masker())
    out["pii_findings"] = pd.Series(findings, index=out.index, dtype=object)
    return out


def _assign_partition(df: pd.DataFrame, model, category_model=None, overig_threshold: float = 0.25) -> pd.DataFrame:
    cats, tops = assign_frame(model, df, n_jobs=1, category_model=category_model, overig_threshold=overig_threshold)
    both = pd.concat([cats.assign(table="signal_categories"), tops.assign(table="signal_topics")], ignore_index=True)
    return both.reindex(columns=ASSIGN_COLUMNS)


def _perception_partition(df: pd.DataFrame, fitted, version: str) -> pd.DataFrame:
    return perception_frame(fitted, df, version)


def _aggregate_partition(signals: pd.DataFrame, assigned: pd.DataFrame | None, perception: pd.DataFrame | None,
                         settings: Settings, model_version: str | None) -> pd.DataFrame:
    """agg_daily's SELECT (:func:`aggregate_sql`) over one partition, in an in-memory DuckDB; the
    rows carry ``org_code`` (a dimension of agg_daily; signals without one count for the
    setting ``organisation_code``)."""
    if "org_code" not in signals:
        signals = signals.assign(org_code=None)
    from signalen_lib.store.database import Database

    with Database("duckdb:///:memory:") as db:
        con = db._con
        con.register("_s", signals.drop(columns=["pii_findings"], errors="ignore"))
        con.execute("CREATE TABLE signals AS SELECT * FROM _s")
        if assigned is not None:
            cats = assigned.loc[assigned["table"] == "signal_categories", CATEGORY_COLUMNS]
            con.register("_c", cats)
            con.execute("CREATE TABLE signal_categories AS SELECT * FROM _c")
        if perception is not None:
            con.register("_p", perception)
            con.execute("CREATE TABLE signal_perception AS SELECT * FROM _p")
        sql, params = aggregate_sql(db, settings, model_version if assigned is not None else None)
        out = db.query_df(sql, params)
    return out.astype({m: "int64" for m in MEASURES})[AGG_COLUMNS]


# ---- stages: DataFrame -> DataFrame ------------------------------------------------------------
def mask_stage(raw: dd.DataFrame) -> dd.DataFrame:
    """Raw signals -> masked signals (+ ``pii_findings``, a list per row for the restricted zone)."""
    meta = raw._meta.copy()
    for col in ("score", "source_row"):
        if col in meta:
            meta[col] = meta[col].astype("Int64")
    meta["pii_findings"] = pd.Series(dtype=object)
    return raw.map_partitions(_mask_partition, meta=meta, enforce_metadata=False)


def assign_stage(signals: dd.DataFrame, model, category_model=None, overig_threshold: float = 0.25) -> dd.DataFrame:
    """Signals -> their category and topic rows (column ``table``: signal_categories / signal_topics).
    ``model`` (the topic model) and ``category_model`` (None: the topic model's categories): best
    scattered once to the workers (Futures)."""
    meta = pd.DataFrame({c: pd.Series(dtype="int64" if c in ("rank", "topic_id") else "float64" if c == "prob"
                                      else object) for c in ASSIGN_COLUMNS})
    return signals.map_partitions(_assign_partition, model, category_model, overig_threshold, meta=meta,
                                  enforce_metadata=False)


def perception_stage(signals: dd.DataFrame, fitted, version: str) -> dd.DataFrame:
    meta = pd.DataFrame({c: pd.Series(dtype=object if c in ("signal_id", "model_version", "perception") else "float64")
                         for c in PERCEPTION_COLUMNS})
    return signals.map_partitions(_perception_partition, fitted, version, meta=meta, enforce_metadata=False)


def aggregate_stage(signals: dd.DataFrame, assigned: dd.DataFrame | None, perception: dd.DataFrame | None,
                    settings: Settings, model_version: str | None) -> dd.DataFrame:
    """Partial agg_daily rows per partition (the three inputs are partitioned alike)."""
    meta = pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c == "day" else "int64" if c in MEASURES else object)
                         for c in AGG_COLUMNS})
    return dd.map_partitions(_aggregate_partition, signals, assigned, perception, settings, model_version,
                             meta=meta, enforce_metadata=False, align_dataframes=False)


def stream(client: Client, collections: Sequence[dd.DataFrame], *, window: int | None = None) -> Iterator[tuple]:
    """Compute the partitions of ``collections`` (partitioned alike) one index at a time, at most
    ``window`` indices in flight (default: two per worker), and yield each index's partitions as a
    tuple, in order. Results are released on the workers once yielded, so memory stays bounded."""
    parts = [c.to_delayed(optimize_graph=False) for c in collections]
    n = len(parts[0])
    window = window or 2 * max(1, len(client.scheduler_info().get("workers", {})))
    pending: deque = deque()
    nxt = 0
    while nxt < n or pending:
        while nxt < n and len(pending) < window:
            pending.append(client.compute([p[nxt] for p in parts]))
            nxt += 1
        futures = pending.popleft()
        yield tuple(client.gather(futures))
        for f in futures:
            f.release()


def scatter(client: Client, obj: Any):
    """``obj`` sent once to every worker (the model), as a Future the stages take as argument."""
    return client.scatter(obj, broadcast=True, hash=False)


# ---- pipeline steps (``engine: dask``) -------------------------------------------------------
def _map_masking(client: Client) -> Callable:
    def run(batches):
        frames = list(batches)
        if not frames:
            return
        for (out,) in stream(client, [mask_stage(frames_to_dask(frames))]):
            findings = out.pop("pii_findings").tolist()
            yield out, findings
    return run


def mask_step(store, settings: Settings) -> dict:
    """Mask every pending raw signal on the cluster, partition = the single-process masking batch.
    Raw text goes to a ``LocalCluster`` of this machine (the restricted zone's), not to
    ``dask_scheduler``, unless ``dask_mask_local`` is false."""
    from signalen_lib.privacy.retention import with_restricted

    with with_restricted(store, settings) as st, dask_client(settings, local=settings.dask_mask_local) as client:
        n = mask_pending(st, settings, batch_size=settings.dask_partition_rows, map_batches=_map_masking(client))
    return {"masked": n}


def assign_step(store, settings: Settings) -> dict:
    """Assign the current topic model's categories to every signal without them, on the cluster
    (the topics notebook then finds nothing left to assign). Skipped without a current model."""
    from signalen_lib.vocab.models import current_topic_model

    if not current_topic_model(store.shared):
        return {"skipped": "nog geen topicmodel: de stap 'topics' traint en wijst toe"}
    from signalen_lib.categories.store import ensure_category_model
    from signalen_lib.topics.registry import load_model

    model = load_model(settings, store=store)
    cat_model, retrained = ensure_category_model(store, settings, model)  # as the topics step does
    with dask_client(settings) as client:
        def map_frames(model, frames, category_model):
            if not frames:
                return
            fut = scatter(client, model)
            cat_fut = scatter(client, category_model) if category_model is not None else None
            for (both,) in stream(client, [assign_stage(frames_to_dask(frames), fut, cat_fut, settings.overig_threshold)]):
                yield (both.loc[both["table"] == "signal_categories", CATEGORY_COLUMNS],
                       both.loc[both["table"] == "signal_topics", TOPIC_COLUMNS].astype({"topic_id": "int64"}))
        out = assign_store(store, model, settings=settings, batch_size=settings.dask_partition_rows,
                           category_model=cat_model, replace=retrained, map_frames=map_frames)
    return {k: v for k, v in out.items() if k != "seconds"}


def perception_step(store, settings: Settings) -> dict:
    """The perception step with prediction on the cluster (fitting stays central)."""
    with dask_client(settings) as client:
        def map_frame(fitted, signals, version):
            rows = settings.dask_partition_rows
            frames = [signals.iloc[i:i + rows] for i in range(0, len(signals), rows)]
            fut = scatter(client, fitted)
            parts = [p for (p,) in stream(client, [perception_stage(frames_to_dask(frames), fut, version)])]
            return pd.concat(parts, ignore_index=True)
        return _perception_step(store, settings, map_frame=map_frame)


_AGG_SIGNAL_COLUMNS = "signal_id, received_at, cluster, afdeling, wijk_code, buurt_code, source, channel, score, org_code"


def aggregates_step(store, settings: Settings) -> dict:
    """agg_daily from partial aggregates per partition, combined; recorded as the local step does."""
    def rows(db, model_version):
        sig = db.query_df(f"SELECT {_AGG_SIGNAL_COLUMNS} FROM signals ORDER BY signal_id")
        if sig.empty:
            return None
        size = settings.dask_partition_rows
        bounds = [(i, min(len(sig), i + size)) for i in range(0, len(sig), size)]
        frames = [sig.iloc[a:b] for a, b in bounds]
        ids = sig["signal_id"]
        cats = perc = None
        if model_version is not None and db.table_exists("signal_categories"):
            c = db.query_df("SELECT signal_id, model_version, rank, category, subcategory, prob FROM signal_categories "
                            "WHERE rank = 1 AND model_version = ?", [model_version]).assign(table="signal_categories")
            cats = [c[c["signal_id"].isin(ids.iloc[a:b])] for a, b in bounds]
        if db.table_exists("signal_perception"):
            p = db.query_df(f"SELECT {', '.join(PERCEPTION_COLUMNS)} FROM signal_perception")
            perc = [p[p["signal_id"].isin(ids.iloc[a:b])] for a, b in bounds]
        with dask_client(settings) as client:
            partial = aggregate_stage(frames_to_dask(frames), frames_to_dask(cats) if cats else None,
                                      frames_to_dask(perc) if perc else None, settings, model_version)
            total = AggregateSum()
            for (part,) in stream(client, [partial]):
                total.add(part)
        return total.result()
    return refresh_aggregates(store, settings, rows=rows)
