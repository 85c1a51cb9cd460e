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

Before anything is written every row is checked, and one bad row refuses the whole publication
(:class:`PublishRefused`, naming store, table, row and field; nothing reaches the national store):

- a row whose ``org_code`` is not the publishing organisation's code;
- text in which the masker (``privacy/masker.py``) still detects personal data of a masked type,
  or which holds a canary value (``privacy/canary.py``).

A publication replaces the organisation's earlier one in a single transaction. Categories roll up
from the organisation's own taxonomy (setting ``taxonomy_file``, local subcategories included)
onto the national set (``load_national_taxonomy``) through :meth:`Taxonomy.national_map`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

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


def read_local(store, settings: Settings) -> pd.DataFrame:
    """The organisation's masked signals with their national category and perception."""
    db = store.shared
    present = set(db.columns("signals"))
    cols = [c for c in SIGNAL_COLUMNS if c in present]
    df = db.query_df(f"SELECT {', '.join(cols)} FROM signals ORDER BY signal_id")
    for c in SIGNAL_COLUMNS:
        if c not in df:
            df[c] = None
    model = current_topic_model(db)
    if model and db.table_exists("signal_categories"):
        cats = db.query_df("SELECT signal_id, category, subcategory FROM signal_categories WHERE rank = 1 AND model_version = ?",
                           [model])
        df = df.merge(cats, on="signal_id", how="left")
    else:
        df["category"], df["subcategory"] = None, None
    if db.table_exists("signal_perception"):
        df = df.merge(db.query_df("SELECT signal_id, perception FROM signal_perception"), on="signal_id", how="left")
    else:
        df["perception"] = None
    nat = national_categories(settings)
    local = df["subcategory"].where(df["subcategory"].notna() & (df["subcategory"] != OVERIG), df["category"])
    df["national_category"] = local.map(nat).fillna(df["category"].map(nat)).fillna(OVERIG)
    df["perception"] = df["perception"].fillna(UNKNOWN)
    return df


def check_rows(df: pd.DataFrame, settings: Settings, *, where: str, masker=None, check_text: bool = True) -> None:
    """Refuse (raise :class:`PublishRefused`) on another organisation's code or personal data in text."""
    org = settings.organisation_code
    codes = df["org_code"].where(df["org_code"].notna() & (df["org_code"] != ""), org)
    bad = codes != org
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise PublishRefused(
            f"{where}: table signals, row {i + 1} (signal {df['signal_id'].iat[i]}), field org_code: "
            f"'{codes.iat[i]}' is not this organisation's code '{org}' ({int(bad.sum())} such rows); "
            f"nothing was published")
    if not check_text or df.empty:
        return
    from signalen_lib.privacy.canary import find_leaks
    from signalen_lib.privacy.masker import get_masker

    texts = df["text"].fillna("").astype(str).tolist()
    for i, t in enumerate(texts):
        leaks = find_leaks(t)
        if leaks:
            raise PublishRefused(f"{where}: table signals, row {i + 1} (signal {df['signal_id'].iat[i]}), field text: "
                                 f"holds unmasked personal data (a canary value); nothing was published")
    masker = masker or get_masker(settings)
    findings = masker.analyze_many(texts)
    for i, found in enumerate(findings):
        hits = unmasked_findings(texts[i], found, masker.masked_types)
        if hits:
            kinds = ", ".join(sorted({f.entity_type for f in hits}))
            raise PublishRefused(f"{where}: table signals, row {i + 1} (signal {df['signal_id'].iat[i]}), field text: "
                                 f"holds unmasked personal data ({kinds}); mask it in the restricted zone first "
                                 f"(signalen mask); nothing was published")


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


def weekly_aggregates(df: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Weekly counts per national category, source and perception (one organisation)."""
    if df.empty:
        return pd.DataFrame(columns=["org_code", "week", "category", "source", "perception", "n", "n_scored", "n_dissatisfied"])
    score = pd.to_numeric(df["score"], errors="coerce").astype(float)
    t = pd.DataFrame({"week": pd.to_datetime(df["received_at"]).dt.to_period("W-SUN").dt.start_time,
                      "category": df["national_category"], "source": df["source"].fillna(UNKNOWN),
                      "perception": df["perception"], "n": 1, "n_scored": score.notna().astype(int),
                      "n_dissatisfied": (score <= settings.dissatisfied_max_score).fillna(False).astype(int)})
    g = t.groupby(["week", "category", "source", "perception"], as_index=False)[["n", "n_scored", "n_dissatisfied"]].sum()
    # the week's contacts (all categories): the denominator of rates, published as its own cell
    tot = t.groupby("week", as_index=False)[["n", "n_scored", "n_dissatisfied"]].sum().assign(
        category=ALL, source=ALL, perception=ALL)
    g = pd.concat([g, tot[g.columns]], ignore_index=True)
    g.insert(0, "org_code", settings.organisation_code)
    return g


def publish(store, settings: Settings, national=None, *, mode: str | None = None, masker=None) -> PublishResult:
    """Publish this organisation's shared zone to the national store (see the module docstring)."""
    mode = mode or settings.national_publish
    if mode not in MODES:
        raise ConfigError(f"setting 'national_publish': must be one of {', '.join(MODES)} (got {mode!r})")
    org = settings.organisation_code
    where = f"shared store {_shown(store.shared)}"
    df = read_local(store, settings)
    check_rows(df, settings, where=where, masker=masker, check_text=(mode == "signals"))
    agg = weekly_aggregates(df, settings)
    suppressed_cells = suppressed_signals = 0
    if mode == "aggregates":
        # only what the agreement allows: week x national category (no source or perception), small cells out
        agg = (agg.assign(source=ALL, perception=ALL)
               .groupby(["org_code", "week", "category", "source", "perception"], as_index=False)[
                   ["n", "n_scored", "n_dissatisfied"]].sum())
        small = agg["n"] < settings.min_cell_size
        suppressed_cells = int(small.sum())
        suppressed_signals = int(agg.loc[small & (agg["category"] != ALL), "n"].sum())
        agg = agg[~small]
    own = national is None
    national = national or open_national(settings)
    try:
        db = national.shared
        with db.transaction():
            _delete_org(db, org)
            if mode == "signals" and len(df):
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
                if not db.scalar("SELECT count(*) FROM topic_models WHERE model_version = ?", [NATIONAL_MODEL]):
                    db.execute("INSERT INTO topic_models (model_version, created_at, params, is_current) VALUES (?, ?, ?, TRUE)",
                               [NATIONAL_MODEL, datetime.now(), '{"level": "national"}'])
            db.insert_df("national_aggregates", agg)
            db.execute("INSERT INTO national_organisations (org_code, org_name, mode, published_at, n_signals, "
                       "suppressed_cells, suppressed_signals) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       [org, settings.organisation_name, mode, datetime.now(), int(len(df)), suppressed_cells,
                        suppressed_signals])
        if mode == "signals":
            from signalen_lib.dashboard.aggregates import refresh_aggregates

            refresh_aggregates(national, settings)
    finally:
        if own:
            national.close()
    return PublishResult(org, mode, int(len(df)), int(len(agg)), suppressed_cells, suppressed_signals)


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
