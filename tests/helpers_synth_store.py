"""Build a store straight from the synthetic corpus' ground truth (no ingest, no topic model).

For tests of parts downstream of ingest/topics (perception, effect, dashboard, reports) that need
realistic signals *now*:

(pytest puts ``tests/`` on sys.path, so a test imports it as ``helpers_synth_store``.)

>>> from helpers_synth_store import synth_corpus, store_from_ground_truth
>>> out = synth_corpus(n=20000, seed=42)              # cached on disk per (n, seed, generator code)
>>> summary = store_from_ground_truth(store, out)      # store: the conftest `store` fixture

What it writes into ``store.shared``:

* ``signals``: one row per ground-truth signal (``ground_truth/signals.csv``), with the text and
  metadata read from the source files the generator wrote (KTO CSV, complaints XLSX, call-back
  JSONL, interviews JSON): ``channel``, ``cluster``, ``afdeling``, ``wijk_code``/``wijk``,
  ``buurt_code``/``buurt`` (``onbekend`` when unknown, names/codes completed from
  ``signalen_lib/geo/rotterdam_buurten.tsv``), ``score`` (KTO only), ``received_at`` from the
  ground truth. The text is masked with the privacy part's :class:`Masker` when it can be
  imported (``mask=True``), so the shared zone holds masked text as in production;
  ``mask=False`` keeps the raw text (never do that in a test of what staff see).
* ``topic_models``: one current model ``model_version`` (default ``"gt-synth"``).
* ``signal_categories``: the ground-truth categories, rank 1..3 (from the ``categories`` column,
  ``category/subcategory|...``), ``prob`` 1.0 for rank 1 and 0.5 / 0.3 for the others;
  ``overig`` for texts the generator marked as not informative.
* ``signal_perception`` (``perception=True``): the ground-truth perception, ``prob`` 1.0,
  ``model_version`` "gt-synth".

Returns a dict with the row counts. Exact duplicates (same source, time and text) are stored once,
as ingest would (``duplicates``). Signals missing from the source files (the generator may
write rows that ingest is meant to quarantine) are skipped and counted in ``missing_text``.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

UNKNOWN = "onbekend"
PACKAGE = Path(__file__).resolve().parents[1] / "signalen_lib"


# ---- the corpus ----------------------------------------------------------------------------
def _generator_hash() -> str:
    h = hashlib.sha256()
    for p in sorted((PACKAGE / "synth").rglob("*.py")):
        h.update(p.read_bytes())
    return h.hexdigest()[:10]


def synth_corpus(n: int = 20000, seed: int = 42, *, start: str = "2024-11-01", end: str = "2026-10-31",
                 cache_dir: str | Path | None = None) -> Path:
    """Generate (or reuse) the synthetic corpus; returns its folder. The cache key includes a hash
    of ``signalen_lib/synth``'s code, so a changed generator regenerates."""
    from signalen_lib.synth.generate import generate

    base = Path(cache_dir or os.environ.get("SIGNALEN_SYNTH_CACHE") or Path(tempfile.gettempdir()) / "signalen-synth-cache")
    out = base / f"n{n}-s{seed}-{start}-{end}-{_generator_hash()}"
    done = out / ".complete"
    if not done.exists():
        tmp = Path(tempfile.mkdtemp(prefix=out.name + ".", dir=base if base.exists() else None)) if base.exists() else None
        if tmp is None:
            base.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=out.name + ".", dir=base))
        generate(n, seed, tmp, start=start, end=end)
        (tmp / ".complete").write_text(datetime.now().isoformat())
        try:
            tmp.rename(out)
        except OSError:  # another process won the race
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)
    return out


# ---- reading the source files ----------------------------------------------------------------
def _geo() -> pd.DataFrame:
    return pd.read_csv(PACKAGE / "geo" / "rotterdam_buurten.tsv", sep="\t", dtype=str)


def _s(v) -> str | None:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    v = str(v).strip()
    return v or None


def read_source_files(out_dir: str | Path) -> pd.DataFrame:
    """signal_id, text, channel, cluster, afdeling, wijk_code, wijk, buurt_code, buurt (raw text)."""
    root = Path(out_dir)
    rows: list[dict] = []
    p = root / "kto" / "kto_export.csv"
    if p.exists():
        raw = p.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252")
        import io

        df = pd.read_csv(io.StringIO(text), sep=";", dtype=str, keep_default_na=False, on_bad_lines="skip")
        for r in df.to_dict("records"):
            rows.append({"signal_id": f"kto:{r.get('Respondentnummer')}", "text": r.get("Toelichting", ""),
                         "channel": _s(r.get("Kanaal")), "cluster": _s(r.get("Cluster")), "afdeling": _s(r.get("Afdeling")),
                         "wijk": _s(r.get("Wijk")), "buurt": _s(r.get("Buurt"))})
    p = root / "klacht" / "klachten_export.xlsx"
    if p.exists():
        df = pd.read_excel(p, dtype=str, engine="openpyxl").fillna("")
        for r in df.to_dict("records"):
            rows.append({"signal_id": f"klacht:{r.get('Zaaknummer')}", "text": r.get("Omschrijving", ""),
                         "channel": _s(r.get("Kanaal")), "cluster": _s(r.get("Organisatieonderdeel")),
                         "afdeling": _s(r.get("Afdeling")), "wijk_code": _s(r.get("Wijkcode")), "buurt_code": _s(r.get("Buurtcode"))})
    p = root / "terugbelnotitie" / "terugbelnotities.jsonl"
    if p.exists():
        with open(p, encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                try:
                    r = json.loads(line)
                except json.JSONDecodeError:
                    continue
                rows.append({"signal_id": f"terugbelnotitie:{r.get('id')}", "text": r.get("notitie") or "",
                             "channel": _s(r.get("kanaal")), "cluster": _s(r.get("cluster")), "afdeling": _s(r.get("afdeling")),
                             "buurt_code": _s(r.get("buurtcode"))})
    p = root / "interview" / "interviews.json"
    if p.exists():
        data = json.loads(p.read_text(encoding="utf-8"))
        for r in (data if isinstance(data, list) else data.get("interviews", [])):
            rows.append({"signal_id": f"interview:{r.get('interview_id')}", "text": r.get("notities") or "",
                         "channel": _s(r.get("kanaal")) or UNKNOWN, "cluster": _s(r.get("cluster")),
                         "afdeling": _s(r.get("afdeling")), "wijk": _s(r.get("wijk"))})
    df = pd.DataFrame(rows, columns=["signal_id", "text", "channel", "cluster", "afdeling", "wijk_code", "wijk",
                                     "buurt_code", "buurt"])
    df = df.drop_duplicates("signal_id", keep="first")
    # complete geography from the CBS table
    geo = _geo()
    b2 = geo.set_index("buurtcode")
    bn = geo.drop_duplicates("buurtnaam").set_index("buurtnaam")
    wn = geo.drop_duplicates("wijknaam").set_index("wijknaam")["wijkcode"]
    wc = geo.drop_duplicates("wijkcode").set_index("wijkcode")["wijknaam"]
    bc = df["buurt_code"].where(df["buurt_code"].isin(b2.index))
    bc = bc.fillna(df["buurt"].map(bn["buurtcode"]))
    df["buurt_code"] = bc
    df["buurt"] = bc.map(b2["buurtnaam"])
    wcode = df["wijk_code"].where(df["wijk_code"].isin(wc.index))
    wcode = wcode.fillna(bc.map(b2["wijkcode"])).fillna(df["wijk"].map(wn))
    df["wijk_code"] = wcode
    df["wijk"] = wcode.map(wc)
    for c in ("channel", "cluster", "afdeling", "wijk_code", "wijk", "buurt_code", "buurt"):
        df[c] = df[c].astype("object").where(df[c].notna(), UNKNOWN)
    df["text"] = df["text"].astype("object").fillna("").astype(str)
    return df.reset_index(drop=True)


def _privacy_hash() -> str:
    h = hashlib.sha256()
    for p in sorted((PACKAGE / "privacy").rglob("*.py")):
        h.update(p.read_bytes())
    return h.hexdigest()[:10]


def _mask(texts: list[str], ids: list[str], cache_dir: Path | None = None) -> tuple[list[str], bool]:
    """Mask with the privacy part's Masker; results are cached beside the corpus (keyed by the
    privacy code's hash), so repeated test runs do not mask again."""
    try:
        from signalen_lib.privacy.masker import get_masker
    except ImportError:
        return texts, False
    cache = None
    if cache_dir is not None and os.access(cache_dir, os.W_OK):
        cache = cache_dir / f".masked-{_privacy_hash()}.parquet"
        if cache.exists():
            done = pd.read_parquet(cache)
            m = dict(zip(done["signal_id"], done["text"]))
            if all(i in m for i in ids):
                return [m[i] for i in ids], True
    masked, _ = get_masker().mask_many(texts)
    masked = [str(t) if t is not None else "" for t in masked]
    if cache is not None:
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        pd.DataFrame({"signal_id": ids, "text": masked}).to_parquet(tmp)
        os.replace(tmp, cache)
    return masked, True


def _categories(gt: pd.DataFrame, model_version: str) -> pd.DataFrame:
    rows = []
    informative = gt.get("informative")
    for i, (sid, cats, cat, sub) in enumerate(zip(gt["signal_id"], gt.get("categories", gt["category"]), gt["category"], gt["subcategory"])):
        if informative is not None and str(informative.iloc[i]).lower() in ("false", "0"):
            rows.append((sid, 1, "overig", "overig", 1.0))
            continue
        pairs = [p for p in str(cats).split("|") if p and p != "nan"] if isinstance(cats, str) else []
        if not pairs:
            pairs = [f"{cat}/{sub}"]
        for rank, pair in enumerate(pairs[:3], start=1):
            c, _, s = pair.partition("/")
            rows.append((sid, rank, c or "overig", s or None, (1.0, 0.5, 0.3)[rank - 1]))
    df = pd.DataFrame(rows, columns=["signal_id", "rank", "category", "subcategory", "prob"])
    df.insert(1, "model_version", model_version)
    return df


def store_from_ground_truth(store, out_dir: str | Path, *, model_version: str = "gt-synth", mask: bool = True,
                            perception: bool = True, categories: bool = True, limit: int | None = None) -> dict:
    """Load the synthetic corpus at ``out_dir`` into ``store.shared`` (see the module docstring).
    ``limit``: only the first ``limit`` signals in time order (faster tests)."""
    root = Path(out_dir)
    gt = pd.read_csv(root / "ground_truth" / "signals.csv", dtype={"record_id": str, "signal_id": str})
    gt["received_at"] = pd.to_datetime(gt["received_at"])
    gt = gt.sort_values(["received_at", "signal_id"]).drop_duplicates("signal_id")
    if limit is not None:
        gt = gt.head(limit)
    cache = root / ".sources.parquet"
    if cache.exists():
        src = pd.read_parquet(cache)
    else:
        src = read_source_files(root)
        if os.access(root, os.W_OK):
            tmp = cache.with_suffix(f".{os.getpid()}.tmp")
            src.to_parquet(tmp)
            os.replace(tmp, cache)
    df = gt.merge(src, on="signal_id", how="inner")
    missing = len(gt) - len(df)
    masked, did_mask = (_mask(df["text"].tolist(), df["signal_id"].tolist(), root if limit is None else None) if mask
                        else (df["text"].tolist(), False))
    score = pd.to_numeric(df["score"], errors="coerce").round().astype("Int64")
    signals = pd.DataFrame({
        "signal_id": df["signal_id"].astype(str).to_numpy(dtype=object),
        "source": df["source"].astype(str).to_numpy(dtype=object),
        "source_record_id": df["record_id"].astype(str).to_numpy(dtype=object) if "record_id" in df else df["signal_id"].str.split(":", n=1).str[1].to_numpy(dtype=object),
        "received_at": df["received_at"].to_numpy(),
        "channel": df["channel"].to_numpy(dtype=object), "cluster": df["cluster"].to_numpy(dtype=object),
        "afdeling": df["afdeling"].to_numpy(dtype=object), "wijk_code": df["wijk_code"].to_numpy(dtype=object),
        "wijk": df["wijk"].to_numpy(dtype=object), "buurt_code": df["buurt_code"].to_numpy(dtype=object),
        "buurt": df["buurt"].to_numpy(dtype=object),
        "score": score,
        "text": np.array(masked, dtype=object),
        "content_hash": [hashlib.sha256(f"{s}|{t}|{x}".encode()).hexdigest() for s, t, x in
                         zip(df["source"], df["received_at"], df["text"])],
        "source_file": "ground_truth", "ingest_run_id": "helpers_synth_store", "ingested_at": datetime.now(),
    })
    # exact duplicates (same source, time and text; the generator plants some for ingest's dedupe)
    # are stored once, as ingest does
    dup = signals.duplicated(["source", "content_hash"]).to_numpy()
    signals, df = signals[~dup].reset_index(drop=True), df[~dup].reset_index(drop=True)
    db = store.shared
    out = {"signals": 0, "duplicates": int(dup.sum()), "signal_categories": 0, "signal_perception": 0, "missing_text": int(missing), "masked": did_mask}
    with db.transaction():
        out["signals"] = db.insert_df("signals", signals)
        if categories:
            _ensure_topic_tables(db)
            db.execute(
                "INSERT INTO topic_models (model_version, created_at, params, seed, n_docs, data_hash, lib_versions, metrics, is_current, path) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, TRUE, ?) ON CONFLICT DO NOTHING",
                [model_version, datetime.now(), json.dumps({"source": "ground truth"}), 0, len(signals), "", "{}", "{}", None])
            db.execute("UPDATE topic_models SET is_current = (model_version = ?)", [model_version])
            out["signal_categories"] = db.insert_df("signal_categories", _categories(df, model_version))
        if perception:
            per = pd.DataFrame({"signal_id": signals["signal_id"], "model_version": "gt-synth",
                                "perception": df["perception"].astype(str).to_numpy(dtype=object), "prob": 1.0})
            out["signal_perception"] = db.insert_df("signal_perception", per)
    if db.backend == "postgres":
        # fresh bulk loads have no planner statistics: without ANALYZE PostgreSQL picks nested
        # loops over the join signals x signal_categories (minutes instead of milliseconds)
        for t in ("signals", "signal_categories", "signal_perception", "topic_models"):
            if db.table_exists(t):
                db.execute(f"ANALYZE {t}")
    return out


def _ensure_topic_tables(db) -> None:
    """The topics part creates these in its migrations (20-29); create them here when it has not landed."""
    if not db.table_exists("topic_models"):
        db.execute("""CREATE TABLE IF NOT EXISTS topic_models (
            model_version TEXT PRIMARY KEY, created_at TIMESTAMP, params TEXT, seed INTEGER, n_docs INTEGER,
            data_hash TEXT, lib_versions TEXT, metrics TEXT, is_current BOOLEAN, path TEXT)""")
    if not db.table_exists("signal_categories"):
        db.execute("""CREATE TABLE IF NOT EXISTS signal_categories (
            signal_id TEXT NOT NULL, model_version TEXT NOT NULL, rank INTEGER NOT NULL, category TEXT NOT NULL,
            subcategory TEXT, prob FLOAT8, PRIMARY KEY (signal_id, model_version, rank))""")


def ground_truth(out_dir: str | Path) -> pd.DataFrame:
    """``ground_truth/signals.csv`` with parsed times."""
    gt = pd.read_csv(Path(out_dir) / "ground_truth" / "signals.csv", dtype={"record_id": str, "signal_id": str})
    gt["received_at"] = pd.to_datetime(gt["received_at"])
    return gt


def events(out_dir: str | Path) -> dict:
    """``ground_truth/events.json`` as {key: event}."""
    data = json.loads((Path(out_dir) / "ground_truth" / "events.json").read_text(encoding="utf-8"))
    return {e["key"]: e for e in data["events"]}
