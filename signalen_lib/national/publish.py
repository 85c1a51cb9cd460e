"""Federation: an organisation publishes to the national shared store (``signalen publish``).

Each organisation runs ingest and masking in its own restricted zone; raw text never leaves it.
What goes to the national store (setting ``national_url``) depends on the organisation's agreement
(setting ``national_publish``):

- ``signals``: the masked signals (``signals``, with ``org_code``; ids prefixed with the
  organisation code so they cannot collide), their category on the *national* level
  (``signal_categories``, model ``national``) and perception, plus the weekly aggregates;
- ``aggregates``: only the weekly aggregates (``national_aggregates``) per national category
  (source and perception ``alle``), with cells of fewer than ``min_cell_size`` signals suppressed
  (not published; their number is recorded).

In both modes each week also gets one cell with category ``alle``: the organisation's contacts
that week (the denominator of rates per 10,000 contacts).

The organisation's signals are read and written in batches (keyset on ``signal_id``, setting
``publish_batch_rows``), so memory does not grow with the organisation's size. Every batch is
checked before it is written, and all batches are written in one transaction of the national
store: one bad row refuses the whole publication (:class:`PublishRefused`, naming store, table,
row and field), the transaction is rolled back and nothing reaches the national store:

- a row whose ``org_code`` is not the publishing organisation's code;
- text in which the masker (``privacy/masker.py``) still detects personal data of a masked type,
  or which holds a canary value (``privacy/canary.py``). The masker judges names by casing
  evidence; a first cheap pass over all the organisation's texts gathers it, so each batch is
  judged as if all signals were checked at once (the verdict does not depend on the batch size).

A publication replaces the organisation's earlier one in that single transaction. Categories roll up
from the organisation's own taxonomy (setting ``taxonomy_file``, local subcategories included)
onto the national set (``load_national_taxonomy``) through :meth:`Taxonomy.national_map`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Iterator

import pandas as pd

from signalen_lib.config import ConfigError, Settings
from signalen_lib.vocab.models import current_topic_model
from signalen_lib.vocab.taxonomy import OVERIG, load_national_taxonomy, load_taxonomy

MODES = ("signals", "aggregates")
ALL = "alle"  # source / perception of an aggregates-only cell
NATIONAL_MODEL = "national"
UNKNOWN = "onbekend"
SIGNAL_COLUMNS = ["signal_id", "source", "source_record_id", "received_at", "channel", "cluster", "afdeling",
                  "wijk_code", "wijk", "buurt_code", "buurt", "score", "text", "content_hash", "org_code", "masked_at"]


class PublishRefused(Exception):
    """The publication was refused; nothing was written to the national store."""


@dataclass
class PublishResult:
    org_code: str
    mode: str
    n_signals: int
    n_aggregate_rows: int
    suppressed_cells: int
    suppressed_signals: int

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def open_national(settings: Settings, url: str | None = None):
    """The national store (a shared zone only; migrated)."""
    from signalen_lib.store.database import Database
    from signalen_lib.store.store import Store

    url = url or settings.national_url
    if not url:
        raise ConfigError("setting 'national_url': no national store configured (duckdb:///path or postgresql://...)")
    store = Store(Database(url, zone="shared", setting="national_url"), None)
    store.migrate()
    return store


def national_categories(settings: Settings) -> dict[str, str]:
    """{local category or subcategory key: national category key} for this organisation."""
    return load_taxonomy(settings.taxonomy_path).national_map(load_national_taxonomy())


def iter_local(store, settings: Settings, batch_size: int) -> Iterator[pd.DataFrame]:
    """The organisation's masked signals with their national category and perception, in batches
    of at most ``batch_size`` signals in signal-id order (keyset on ``signal_id``)."""
    if batch_size < 1:
        raise ConfigError(f"setting 'publish_batch_rows': must be at least 1 (got {batch_size})")
    db = store.shared
    present = set(db.columns("signals"))
    cols = [c for c in SIGNAL_COLUMNS if c in present]
    model = current_topic_model(db)
    with_categories = bool(model) and db.table_exists("signal_categories")
    with_perception = db.table_exists("signal_perception")
    nat = national_categories(settings)
    last = None
    while True:
        after = "" if last is None else "WHERE signal_id > ? "
        df = db.query_df(f"SELECT {', '.join(cols)} FROM signals {after}ORDER BY signal_id LIMIT {int(batch_size)}",
                         [] if last is None else [last])
        if df.empty:
            return
        first, last = str(df["signal_id"].iat[0]), str(df["signal_id"].iat[-1])
        yield _derived(db, df, first, last, model if with_categories else None, with_perception, nat)
        if len(df) < batch_size:
            return


def _derived(db, df: pd.DataFrame, first: str, last: str, model: str | None, with_perception: bool,
             nat: dict[str, str]) -> pd.DataFrame:
    """One batch of signals (ids ``first``..``last``) with its national category and perception."""
    for c in SIGNAL_COLUMNS:
        if c not in df:
            df[c] = None
    if model:
        cats = db.query_df("SELECT signal_id, category, subcategory FROM signal_categories WHERE rank = 1 "
                           "AND model_version = ? AND signal_id >= ? AND signal_id <= ?", [model, first, last])
        df = df.merge(cats, on="signal_id", how="left")
    else:
        df["category"], df["subcategory"] = None, None
    if with_perception:
        per = db.query_df("SELECT signal_id, perception FROM signal_perception WHERE signal_id >= ? AND signal_id <= ?",
                          [first, last])
        df = df.merge(per, on="signal_id", how="left")
    else:
        df["perception"] = None
    local = df["subcategory"].where(df["subcategory"].notna() & (df["subcategory"] != OVERIG), df["category"])
    df["national_category"] = local.map(nat).fillna(df["category"].map(nat)).fillna(OVERIG)
    df["perception"] = df["perception"].fillna(UNKNOWN)
    return df


def text_evidence(store, batch_size: int):
    """The masker's casing evidence over all the organisation's texts, read in batches: a check
    of one batch sees the same evidence as a check of all signals at once, so its verdict does
    not depend on the batch size."""
    from signalen_lib.privacy.masker import Masker

    db = store.shared
    ev, last = None, None
    while True:
        after = "" if last is None else "WHERE signal_id > ? "
        df = db.query_df(f"SELECT signal_id, text FROM signals {after}ORDER BY signal_id LIMIT {int(batch_size)}",
                         [] if last is None else [last])
        if df.empty:
            return ev
        ev = Masker.evidence(df["text"].fillna("").astype(str).tolist(), into=ev)
        last = str(df["signal_id"].iat[-1])
        if len(df) < batch_size:
            return ev


def check_rows(df: pd.DataFrame, settings: Settings, *, where: str, masker=None, check_text: bool = True,
               offset: int = 0, evidence=None) -> None:
    """Refuse (raise :class:`PublishRefused`) on another organisation's code or personal data in
    text. ``offset``: the rows before ``df`` (of earlier batches), for the row number shown;
    ``evidence``: the masker's casing evidence of all texts ``df`` is a batch of (default: ``df``'s)."""
    org = settings.organisation_code
    codes = df["org_code"].where(df["org_code"].notna() & (df["org_code"] != ""), org)
    bad = codes != org
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise PublishRefused(
            f"{where}: table signals, row {offset + i + 1} (signal {df['signal_id'].iat[i]}), field org_code: "
            f"'{codes.iat[i]}' is not this organisation's code '{org}' ({int(bad.sum())} such rows in this batch); "
            f"nothing was published")
    if not check_text or df.empty:
        return
    from signalen_lib.privacy.canary import find_leaks
    from signalen_lib.privacy.masker import get_masker

    texts = df["text"].fillna("").astype(str).tolist()
    for i, t in enumerate(texts):
        leaks = find_leaks(t)
        if leaks:
            raise PublishRefused(f"{where}: table signals, row {offset + i + 1} (signal {df['signal_id'].iat[i]}), "
                                 f"field text: holds unmasked personal data (a canary value); nothing was published")
    masker = masker or get_masker(settings)
    findings = masker.analyze_many(texts, evidence=evidence)
    for i, found in enumerate(findings):
        hits = unmasked_findings(texts[i], found, masker.masked_types)
        if hits:
            kinds = ", ".join(sorted({f.entity_type for f in hits}))
            raise PublishRefused(f"{where}: table signals, row {offset + i + 1} (signal {df['signal_id'].iat[i]}), "
                                 f"field text: holds unmasked personal data ({kinds}); mask it in the restricted zone "
                                 f"first (signalen mask); nothing was published")


PLACEHOLDER = re.compile(r"<[A-Z_]+>")
NAME_MIN_SCORE = 0.7  # a name guess below this (a capitalised word on no name list) is not a refusal


def unmasked_findings(text: str, found, masked_types) -> list:
    """The masker's findings in an already-masked text that are personal data still there: of a
    masked type, not inside a placeholder (``<PERSOON>``), and for names with at least
    :data:`NAME_MIN_SCORE` (a second pass over masked text sees a placeholder as a capitalised
    word; its weak name guesses are what the first pass already judged)."""
    spans = [(m.start(), m.end()) for m in PLACEHOLDER.finditer(text)]
    return [f for f in found if f.entity_type in masked_types
            and not any(a < f.end and f.start < b for a, b in spans)
            and (f.entity_type != "PERSOON" or f.score >= NAME_MIN_SCORE)]


CELL = ["week", "category", "source", "perception"]
COUNTS = ["n", "n_scored", "n_dissatisfied"]


def weekly_counts(df: pd.DataFrame, settings: Settings, into: pd.DataFrame | None = None) -> pd.DataFrame:
    """Weekly counts per national category, source and perception of a batch of signals, added
    to the counts of earlier batches (``into``); sums, so the batches' sizes do not matter."""
    score = pd.to_numeric(df["score"], errors="coerce").astype(float)
    t = pd.DataFrame({"week": pd.to_datetime(df["received_at"]).dt.to_period("W-SUN").dt.start_time,
                      "category": df["national_category"], "source": df["source"].fillna(UNKNOWN),
                      "perception": df["perception"], "n": 1, "n_scored": score.notna().astype(int),
                      "n_dissatisfied": (score <= settings.dissatisfied_max_score).fillna(False).astype(int)})
    if into is not None and len(into):
        t = pd.concat([into, t], ignore_index=True)
    return t.groupby(CELL, as_index=False)[COUNTS].sum()


def weekly_aggregates(counts: pd.DataFrame | None, settings: Settings) -> pd.DataFrame:
    """The organisation's weekly aggregates from :func:`weekly_counts`, plus each week's contacts."""
    if counts is None or counts.empty:
        return pd.DataFrame(columns=["org_code", *CELL, *COUNTS])
    # the week's contacts (all categories): the denominator of rates, published as its own cell
    tot = counts.groupby("week", as_index=False)[COUNTS].sum().assign(category=ALL, source=ALL, perception=ALL)
    g = pd.concat([counts, tot[counts.columns]], ignore_index=True)
    g.insert(0, "org_code", settings.organisation_code)
    return g


def publish(store, settings: Settings, national=None, *, mode: str | None = None, masker=None,
            batch_size: int | None = None) -> PublishResult:
    """Publish this organisation's shared zone to the national store (see the module docstring),
    reading and writing ``batch_size`` signals at a time (default: setting ``publish_batch_rows``)."""
    mode = mode or settings.national_publish
    if mode not in MODES:
        raise ConfigError(f"setting 'national_publish': must be one of {', '.join(MODES)} (got {mode!r})")
    batch_size = int(batch_size or settings.publish_batch_rows)
    org = settings.organisation_code
    where = f"shared store {_shown(store.shared)}"
    own = national is None
    national = national or open_national(settings)
    try:
        db = national.shared
        # one transaction: a refused batch rolls back the batches written before it
        with db.transaction():
            _delete_org(db, org)
            n_signals, counts, evidence = 0, None, None
            for df in iter_local(store, settings, batch_size):
                if mode == "signals" and masker is None:
                    from signalen_lib.privacy.masker import get_masker

                    masker = get_masker(settings)
                if mode == "signals" and evidence is None:
                    evidence = text_evidence(store, batch_size)
                check_rows(df, settings, where=where, masker=masker, check_text=(mode == "signals"), offset=n_signals,
                           evidence=evidence)
                counts = weekly_counts(df, settings, counts)
                if mode == "signals":
                    _write_signals(db, df, org)
                n_signals += len(df)
            if mode == "signals" and n_signals and \
                    not db.scalar("SELECT count(*) FROM topic_models WHERE model_version = ?", [NATIONAL_MODEL]):
                db.execute("INSERT INTO topic_models (model_version, created_at, params, is_current, org_code) "
                           "VALUES (?, ?, ?, TRUE, ?)", [NATIONAL_MODEL, datetime.now(), '{"level": "national"}', org])
            agg = weekly_aggregates(counts, settings)
            suppressed_cells = suppressed_signals = 0
            if mode == "aggregates":
                # only what the agreement allows: week x national category (no source or perception), small cells out
                agg = (agg.assign(source=ALL, perception=ALL)
                       .groupby(["org_code", *CELL], as_index=False)[COUNTS].sum())
                small = agg["n"] < settings.min_cell_size
                suppressed_cells = int(small.sum())
                suppressed_signals = int(agg.loc[small & (agg["category"] != ALL), "n"].sum())
                agg = agg[~small]
            db.insert_df("national_aggregates", agg)
            db.execute("INSERT INTO national_organisations (org_code, org_name, mode, published_at, n_signals, "
                       "suppressed_cells, suppressed_signals) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       [org, settings.organisation_name, mode, datetime.now(), n_signals, suppressed_cells,
                        suppressed_signals])
        if mode == "signals":
            from signalen_lib.dashboard.aggregates import refresh_aggregates

            refresh_aggregates(national, settings)
    finally:
        if own:
            national.close()
    return PublishResult(org, mode, n_signals, int(len(agg)), suppressed_cells, suppressed_signals)


def _write_signals(db, df: pd.DataFrame, org: str) -> None:
    """Write one checked batch: the masked signals (ids prefixed with the organisation code), their
    national category and perception (inside the caller's transaction)."""
    sig = df[SIGNAL_COLUMNS].copy()
    sig["org_code"] = org
    sig["signal_id"] = org + "/" + sig["signal_id"].astype(str)
    sig["content_hash"] = org + "/" + sig["content_hash"].astype(str)
    sig["score"] = pd.to_numeric(sig["score"], errors="coerce").astype("Int64")
    sig["masked_at"] = pd.to_datetime(sig["masked_at"]).fillna(pd.Timestamp(datetime.now()))
    db.insert_df("signals", sig)
    db.insert_df("signal_categories", pd.DataFrame({
        "signal_id": sig["signal_id"], "model_version": NATIONAL_MODEL, "rank": 1,
        "category": df["national_category"].to_numpy(), "subcategory": df["national_category"].to_numpy(),
        "prob": 1.0}))
    db.insert_df("signal_perception", pd.DataFrame({
        "signal_id": sig["signal_id"], "model_version": NATIONAL_MODEL, "perception": df["perception"].to_numpy()}))


def _delete_org(db, org: str) -> None:
    """Remove the organisation's earlier publication (inside the caller's transaction)."""
    db.execute("DELETE FROM signal_categories WHERE signal_id IN (SELECT signal_id FROM signals WHERE org_code = ?)", [org])
    db.execute("DELETE FROM signal_perception WHERE signal_id IN (SELECT signal_id FROM signals WHERE org_code = ?)", [org])
    db.execute("DELETE FROM signals WHERE org_code = ?", [org])
    db.execute("DELETE FROM national_aggregates WHERE org_code = ?", [org])
    db.execute("DELETE FROM national_organisations WHERE org_code = ?", [org])


def _shown(db) -> str:
    """The store's file, or its PostgreSQL database and schema (never a password)."""
    p = db.parsed
    if p.backend == "duckdb":
        return str(p.path) if p.path else "(in memory)"
    from urllib.parse import urlsplit

    parts = urlsplit(p.dsn or "")
    return f"postgresql {parts.hostname}:{parts.port or 5432}{parts.path}" + (f" schema {p.schema}" if p.schema else "")
