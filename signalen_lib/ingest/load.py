"""Ingest: read an export, map it onto the canonical record, validate every row, dedupe, store.

Every row read ends up in exactly one place: stored (``signals_raw``, restricted zone),
duplicate (already stored, or repeated within the file), or quarantined (``quarantine``, with
file, line, field and reason). ``rows_read == stored + duplicates + quarantined`` for each file.

A file is stored in one transaction of the restricted zone: a crash or Ctrl-C midway leaves the
store as it was before that file. Masking (:func:`mask_pending`) then copies masked text into the
shared zone; it is idempotent and resumable, so the shared zone only ever receives masked text.
"""
from __future__ import annotations

import hashlib
import json
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable

import numpy as np
import pandas as pd

from ..config import Settings
from ..schema import UNKNOWN
from ..store import Store
from ..vocab.ids import new_run_id
from .normalize import normalise_channel, parse_dates, parse_scores, resolve_places
from .readers import BadRecord, FileUnreadable, RawTable, read_any
from .sources import REQUIRED_MAPPED, SourceSpec, get_source, load_register

MAX_TEXT_CHARS = 1_000_000  # a text longer than this is quarantined (100 KB texts are stored)
EARLIEST = pd.Timestamp("2000-01-01")


@dataclass
class FileResult:
    source_file: str
    source: str
    status: str = "ok"  # ok | unreadable
    encoding: str | None = None
    rows_read: int = 0
    stored: int = 0
    duplicates: int = 0
    quarantined: int = 0
    seconds: float = 0.0
    message: str = ""
    reasons: dict[str, int] = field(default_factory=dict)

    @property
    def reconciles(self) -> bool:
        return self.rows_read == self.stored + self.duplicates + self.quarantined


@dataclass
class IngestResult:
    run_id: str
    source: str
    files: list[FileResult]
    started_at: datetime
    finished_at: datetime | None = None
    masked: int = 0

    def total(self, attr: str) -> int:
        return sum(getattr(f, attr) for f in self.files)

    @property
    def failed_files(self) -> list[FileResult]:
        return [f for f in self.files if f.status != "ok"]

    def as_dict(self) -> dict:
        d = {k: getattr(self, k) for k in ("run_id", "source", "masked")}
        d.update({k: self.total(k) for k in ("rows_read", "stored", "duplicates", "quarantined")})
        d["files"] = [asdict(f) for f in self.files]
        d["seconds"] = round(sum(f.seconds for f in self.files), 3)
        return d

    def summary_lines(self) -> list[str]:
        """The reconciliation, as printed by `signalen ingest`."""
        out = [f"ingest run {self.run_id} (source {self.source})"]
        for f in self.files:
            if f.status != "ok":
                out.append(f"  {f.source_file}: NOT READ: {f.message}")
                continue
            ok = "ok" if f.reconciles else "DOES NOT RECONCILE"
            out.append(
                f"  {f.source_file}: read {f.rows_read} = stored {f.stored} + duplicate {f.duplicates} "
                f"+ quarantined {f.quarantined} [{ok}] ({f.seconds:.1f}s, encoding {f.encoding or '-'})"
            )
            for reason, n in sorted(f.reasons.items(), key=lambda kv: -kv[1])[:8]:
                out.append(f"      quarantined {n}x: {reason}")
        out.append(
            f"  total: read {self.total('rows_read')} = stored {self.total('stored')} + duplicate "
            f"{self.total('duplicates')} + quarantined {self.total('quarantined')}; masked into shared zone: {self.masked}"
        )
        return out


def content_hash(source: str, received: pd.Series, text: pd.Series) -> pd.Series:
    """sha256 of source | received_at | text with white space collapsed and lower-cased."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(text.astype(object).tolist(), type=pa.large_string())
    norm = pc.utf8_lower(pc.utf8_trim_whitespace(pc.replace_substring_regex(arr, r"\s+", " ")))
    stamps = received.dt.strftime("%Y-%m-%dT%H:%M:%S").astype(object).tolist()
    prefix = source + "|"
    return pd.Series(
        [hashlib.sha256(f"{prefix}{t}|{n}".encode("utf-8")).hexdigest() for t, n in zip(stamps, norm.to_pylist())],
        index=text.index, dtype=object,
    )


def _as_text(v) -> str | None:
    if v is None:
        return None
    if isinstance(v, float) and np.isnan(v):
        return None
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def map_records(table: RawTable, spec: SourceSpec, path: Path) -> pd.DataFrame:
    """Map the export's columns onto canonical fields (configuration, not code).
    A required column absent from the export refuses the whole file."""
    present = {c.strip().lower(): c for c in table.columns}
    colmap = {}
    for fld, col in spec.columns.items():
        real = present.get(col.strip().lower())
        if real is None:
            if fld in REQUIRED_MAPPED or fld == "source_record_id":
                raise FileUnreadable(
                    f"{path}: required column '{col}' (field {fld}) is missing; columns found: {', '.join(table.columns)}"
                )
            continue
        colmap[fld] = real
    frame = table.frame()
    all_str = table.delimiter is not None  # CSV: every cell is already a string
    out = pd.DataFrame(index=range(len(frame)))
    for fld, col in colmap.items():
        if fld == "received_at" or all_str:
            out[fld] = frame[col].astype(object).values
        else:
            out[fld] = frame[col].map(_as_text).astype(object).values
    for fld, val in spec.defaults.items():
        if fld not in out:
            out[fld] = val
    out["source_row"] = table.lines
    return out


def _shown_value(v) -> str:
    """A field value as quoted in a quarantine reason: only short date-like values are echoed, so a
    shifted column cannot carry free text (personal data) into reasons shown in reports."""
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return "empty"
    s = str(v)
    import re

    if len(s) <= 25 and re.fullmatch(r"[0-9A-Za-z :/.\-+TZ]*", s):
        return repr(s)
    return "(value not shown)"


def validate(df: pd.DataFrame, spec: SourceSpec, settings: Settings, now: pd.Timestamp | None = None) -> tuple[pd.DataFrame, list[tuple[int, str, str]]]:
    """Validate every row. Returns (valid canonical rows, [(index, field, reason)] of rejected rows)."""
    now = now or pd.Timestamp.now()
    errors: list[tuple[int, str, str]] = []
    bad = pd.Series(False, index=df.index)

    def reject(mask: pd.Series, fld: str, reasons) -> None:
        nonlocal bad
        mask = mask & ~bad
        if not mask.any():
            return
        rs = reasons[mask] if isinstance(reasons, pd.Series) else pd.Series(reasons, index=df.index)[mask]
        errors.extend(zip(df.index[mask], [fld] * int(mask.sum()), rs))
        bad = bad | mask

    text = df["text"].astype("string") if "text" in df else pd.Series(pd.NA, index=df.index, dtype="string")
    reject(text.isna() | (text.str.strip() == ""), "text", "text is empty")
    reject(text.str.len().fillna(0) > MAX_TEXT_CHARS, "text", f"text is longer than {MAX_TEXT_CHARS} characters")

    raw_dates = df["received_at"] if "received_at" in df else pd.Series(None, index=df.index, dtype=object)
    dates = parse_dates(raw_dates, spec.date_format)
    shown = raw_dates.map(_shown_value)
    reject(dates.isna(), "received_at", "date " + shown + " is not a recognised date (e.g. 3-2-2025, 3 februari 2025, 2025-02-03)")
    reject(dates > now + pd.Timedelta(days=1), "received_at", "date " + shown + " lies in the future")
    reject(dates < EARLIEST, "received_at", "date " + shown + f" is before {EARLIEST.date()}")

    if "score" in df:
        scores, reasons = parse_scores(df["score"])
        reject(reasons.notna(), "score", reasons)
    else:
        scores = pd.Series(pd.NA, index=df.index, dtype="Int64")

    rid = df["source_record_id"].astype("string").str.strip() if "source_record_id" in df else None
    good = df.index[~bad]
    out = pd.DataFrame(index=good)
    out["source"] = spec.name
    out["received_at"] = dates[good]
    out["text"] = text[good].astype(object)
    out["score"] = scores[good]
    out["content_hash"] = content_hash(spec.name, out["received_at"], out["text"]) if len(good) else pd.Series(dtype=object)
    if rid is not None:
        r = rid[good]
        out["source_record_id"] = r.astype(object).where(r.notna() & (r != ""), None)
    else:
        out["source_record_id"] = None
    no_id = out["source_record_id"].isna()
    out["signal_id"] = (spec.name + ":" + out["source_record_id"].astype("string")).astype(object)
    out.loc[no_id, "signal_id"] = (spec.name + ":h" + out.loc[no_id, "content_hash"].str.slice(0, 20)).astype(object)
    out["channel"] = normalise_channel(df["channel"][good]) if "channel" in df else UNKNOWN
    for fld in ("cluster", "afdeling"):
        out[fld] = df[fld][good].astype(object).where(df[fld][good].notna(), None) if fld in df else None
    places = resolve_places(df.loc[good, [c for c in ("wijk_code", "wijk", "buurt_code", "buurt") if c in df]], str(settings.geo_dir))
    for c in places:
        out[c] = places[c]
    out["source_row"] = df["source_row"][good].astype("int64")
    return out, errors


def _existing(store: Store, source: str, hashes: list[str], ids: list[str]) -> tuple[set[str], dict[str, str]]:
    """Hashes of this source already stored (restricted or shared zone) and stored ids -> hash."""
    db = store.restricted
    seen_h: set[str] = set()
    seen_id: dict[str, str] = {}
    for start in range(0, max(len(hashes), 1), 20_000):
        hs, idl = hashes[start:start + 20_000], ids[start:start + 20_000]
        if not hs:
            break
        frame = pd.DataFrame({"h": hs, "i": idl})
        for zone in (store.restricted, store.shared):
            table = "signals_raw" if zone is store.restricted else "signals"
            if zone.backend == "duckdb":
                zone._con.register("__keys", frame)
                try:
                    rows = zone.execute(
                        f"SELECT t.content_hash, t.signal_id FROM {table} t WHERE t.source = ? AND "
                        f"(t.content_hash IN (SELECT h FROM __keys) OR t.signal_id IN (SELECT i FROM __keys))",
                        [source],
                    )
                finally:
                    zone._con.unregister("__keys")
            else:
                rows = zone.execute(
                    f"SELECT content_hash, signal_id FROM {table} WHERE source = ? AND (content_hash = ANY(?) OR signal_id = ANY(?))",
                    [source, hs, idl],
                )
            for h, i in rows:
                seen_h.add(h)
                seen_id[i] = h
    del db
    return seen_h, seen_id


def _progress(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def ingest_file(
    store: Store,
    settings: Settings,
    path: str | Path,
    spec: SourceSpec,
    run_id: str,
    *,
    progress: Callable[[str], None] | None = None,
) -> FileResult:
    """Ingest one export in one restricted-zone transaction. Never raises for bad content: an
    unreadable file is reported with status 'unreadable' and leaves nothing behind."""
    path = Path(path)
    t0 = time.perf_counter()
    res = FileResult(source_file=str(path), source=spec.name)
    try:
        table = read_any(path, spec.format, encoding=spec.encoding, delimiter=spec.delimiter, sheet=spec.sheet)
        res.encoding = table.encoding
        mapped = map_records(table, spec, path)
    except FileUnreadable as exc:
        res.status, res.message = "unreadable", str(exc)
        res.seconds = time.perf_counter() - t0
        _record_file(store, run_id, res, None)
        return res
    res.rows_read = table.rows_read
    valid, errors = validate(mapped, spec, settings)
    quarantine = [
        (b.line, b.field, b.reason, b.raw) for b in table.bad
    ] + [
        (int(mapped.at[i, "source_row"]), f, r, json.dumps(table.record(i), ensure_ascii=False, default=str)[:100_000])
        for i, f, r in errors
    ]
    # duplicates within the file (same content, or the same record id repeated)
    dup_in_file = valid.duplicated("content_hash", keep="first")
    same_id = valid.duplicated("signal_id", keep="first") & ~dup_in_file
    # a repeated id with other content is quarantined, not silently dropped
    for i in valid.index[same_id]:
        quarantine.append((int(valid.at[i, "source_row"]), "source_record_id",
                           f"record id {valid.at[i, 'source_record_id']!r} appears earlier in this file with other content",
                           json.dumps(table.record(i), ensure_ascii=False, default=str)[:100_000]))
    cand = valid[~dup_in_file & ~same_id]
    seen_h, seen_id = _existing(store, spec.name, cand["content_hash"].tolist(), cand["signal_id"].tolist())
    dup_store = cand["content_hash"].isin(seen_h)
    id_conflict = ~dup_store & cand["signal_id"].isin(list(seen_id))
    for i in cand.index[id_conflict]:
        quarantine.append((int(cand.at[i, "source_row"]), "source_record_id",
                           f"record id {cand.at[i, 'source_record_id']!r} is already stored with other content (changed record?)",
                           json.dumps(table.record(i), ensure_ascii=False, default=str)[:100_000]))
    new = cand[~dup_store & ~id_conflict].copy()
    res.duplicates = int(dup_in_file.sum() + dup_store.sum())
    res.quarantined = len(quarantine)
    res.stored = len(new)
    for q in quarantine:
        key = q[2] if len(q[2]) < 60 else q[2][:57] + "..."
        key = f"{q[1]}: {key}" if q[1] != "*" else key
        res.reasons[key] = res.reasons.get(key, 0) + 1
    now = datetime.now()
    new["ingest_run_id"] = run_id
    new["ingested_at"] = now
    new["source_file"] = str(path)
    qdf = pd.DataFrame(quarantine, columns=["line", "field", "reason", "raw"])
    qdf.insert(0, "run_id", run_id)
    qdf.insert(1, "source", spec.name)
    qdf.insert(2, "source_file", str(path))
    qdf["quarantined_at"] = now
    cols = ["signal_id", "source", "source_record_id", "received_at", "channel", "cluster", "afdeling", "wijk_code",
            "wijk", "buurt_code", "buurt", "score", "text", "content_hash", "source_file", "source_row",
            "ingest_run_id", "ingested_at"]
    new = new[cols]
    db = store.restricted
    with db.transaction():
        chunk = max(1, settings.ingest_chunk_rows)
        nchunks = max(1, -(-len(new) // chunk))
        for k in range(nchunks):
            db.insert_df("signals_raw", new.iloc[k * chunk:(k + 1) * chunk])
            if progress:
                progress(f"{path.name}: chunk {k + 1}/{nchunks} written (uncommitted)")
        db.insert_df("quarantine", qdf)
        res.seconds = time.perf_counter() - t0
        _record_file(store, run_id, res, table)
    if progress:
        progress(f"{path.name}: committed {res.stored} rows")
    return res


def _record_file(store: Store, run_id: str, res: FileResult, table: RawTable | None) -> None:
    sha = None
    p = Path(res.source_file)
    if p.is_file():
        sha = hashlib.sha256(p.read_bytes()).hexdigest()
    row = pd.DataFrame([{
        "run_id": run_id, "source": res.source, "source_file": res.source_file, "file_sha256": sha,
        "encoding": res.encoding, "status": res.status, "rows_read": res.rows_read, "stored": res.stored,
        "duplicates": res.duplicates, "quarantined": res.quarantined, "seconds": res.seconds,
        "message": res.message, "finished_at": datetime.now(),
    }])
    store.restricted.insert_df("ingest_files", row)


def ingest_files(
    store: Store,
    settings: Settings,
    paths: Iterable[str | Path],
    source: str,
    *,
    run_id: str | None = None,
    mask: bool = True,
    progress: Callable[[str], None] | None = None,
) -> IngestResult:
    """Ingest files of one registered, approved source; then mask what is new into the shared zone."""
    spec = get_source(settings, source)
    spec.check_approved()
    run_id = run_id or new_run_id("ingest")
    result = IngestResult(run_id=run_id, source=source, files=[], started_at=datetime.now())
    _write_run(store, result, "running")
    for p in paths:
        result.files.append(ingest_file(store, settings, p, spec, run_id, progress=progress))
    if mask:
        result.masked = mask_pending(store, settings, progress=progress)
    result.finished_at = datetime.now()
    _write_run(store, result, "failed" if result.failed_files else "ok")
    return result


def ingest_all(store: Store, settings: Settings, raw_dir: str | Path | None = None, *, mask: bool = True,
               run_id: str | None = None, progress=None) -> list[IngestResult]:
    """Ingest every registered, approved source's files found under raw_dir (its ``path`` glob)."""
    raw = Path(raw_dir) if raw_dir else settings.raw_dir
    if not raw.exists():
        raise FileNotFoundError(f"setting 'data_dir': raw export folder {raw} does not exist (run `signalen demo-data` or copy exports there)")
    run_id = run_id or new_run_id("ingest")
    results = []
    for name, spec in load_register(settings).items():
        if not spec.approved:
            continue
        files = sorted(raw.glob(spec.path))
        if files:
            results.append(ingest_files(store, settings, files, name, run_id=f"{run_id}-{name}", mask=False, progress=progress))
    if mask and results:
        results[-1].masked = mask_pending(store, settings, progress=progress)
        _write_run(store, results[-1], "failed" if results[-1].failed_files else "ok")
    return results


def _write_run(store: Store, r: IngestResult, status: str) -> None:
    db = store.shared
    with db.transaction():
        db.execute("DELETE FROM ingest_runs WHERE run_id = ?", [r.run_id])
        db.insert_df("ingest_runs", pd.DataFrame([{
            "run_id": r.run_id, "source": r.source, "started_at": r.started_at,
            "finished_at": r.finished_at, "status": status, "files": len(r.files),
            "rows_read": r.total("rows_read"), "stored": r.total("stored"), "duplicates": r.total("duplicates"),
            "quarantined": r.total("quarantined"), "masked": r.masked,
            "message": "; ".join(f.message for f in r.failed_files)[:2000] or None,
        }]))


# ---- masking into the shared zone --------------------------------------------------------
def _default_masker(settings: Settings):
    from ..privacy import get_masker

    return get_masker(settings)


def mask_pending(store: Store, settings: Settings, *, masker=None, batch_size: int = 5000, progress=None) -> int:
    """Mask every raw signal not yet in the shared zone and write it there (with its PII findings
    kept in the restricted zone). Resumable: a crash loses at most the batch in flight."""
    masker = masker or _default_masker(settings)
    raw = store.restricted
    total = 0
    cols = ["signal_id", "source", "source_record_id", "received_at", "channel", "cluster", "afdeling", "wijk_code",
            "wijk", "buurt_code", "buurt", "score", "text", "content_hash", "source_file", "source_row",
            "ingest_run_id", "ingested_at"]
    has_findings = raw.table_exists("pii_findings")
    while True:
        batch = raw.query_df(
            f"SELECT {', '.join(cols)} FROM signals_raw WHERE masked_at IS NULL AND text IS NOT NULL ORDER BY signal_id LIMIT {int(batch_size)}"
        )
        if batch.empty:
            break
        masked, findings = masker.mask_many(batch["text"].tolist())
        out = batch.copy()
        out["text"] = masked
        out["masked_at"] = datetime.now()
        out["score"] = out["score"].astype("Int64")
        out["source_row"] = out["source_row"].astype("Int64")
        store.shared.insert_df("signals", out, on_conflict_ignore=True)
        ids = batch["signal_id"].tolist()
        with raw.transaction():
            if has_findings:
                _where_ids(raw, "DELETE FROM pii_findings WHERE signal_id IN ({ids})", ids)
                frows = [
                    {"signal_id": sid, "entity_type": f.entity_type, "start": f.start, "end": f.end,
                     "original": f.original, "score": f.score, "recognizer": f.recognizer}
                    for sid, fs in zip(ids, findings) for f in fs
                ]
                if frows:
                    fdf = pd.DataFrame(frows)
                    tcols = raw.columns("pii_findings")
                    fdf = fdf.rename(columns={k: v for k, v in (("start", "start_char"), ("end", "end_char")) if v in tcols})
                    raw.insert_df("pii_findings", fdf[[c for c in fdf.columns if c in tcols]])
            _where_ids(raw, "UPDATE signals_raw SET masked_at = CURRENT_TIMESTAMP WHERE signal_id IN ({ids})", ids)
        total += len(batch)
        if progress:
            progress(f"masked {total} signals into the shared zone")
    if total and store.shared.backend == "postgres":
        store.shared.execute("ANALYZE signals")  # fresh statistics after a bulk load keep joins fast
        raw.execute("ANALYZE signals_raw")
    return total


def _where_ids(db, template: str, ids: list[str]) -> None:
    """Run ``template`` with ``{ids}`` standing for a set of signal ids, efficiently on both engines."""
    if not ids:
        return
    if db.backend == "duckdb":
        name = "__ids"
        db._con.register(name, pd.DataFrame({"signal_id": ids}))
        try:
            db.execute(template.format(ids=f"SELECT signal_id FROM {name}"))
        finally:
            db._con.unregister(name)
    else:
        db.execute(template.replace("IN ({ids})", "= ANY(?)"), [ids])
