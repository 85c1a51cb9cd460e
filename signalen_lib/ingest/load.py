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
import hmac
import itertools
import json
import os
import re
import secrets
import socket
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy as np
import pandas as pd

from ..config import Settings
from ..forking import can_fork
from ..runs.timing import timed
from ..schema import UNKNOWN
from ..store import Store
from ..vocab.ids import new_run_id
from .normalize import normalise_channel, parse_dates, parse_scores, resolve_places
from .readers import FileUnreadable, RawTable, read_any
from .sources import REQUIRED_MAPPED, SourceSpec, get_source, load_register

MAX_TEXT_CHARS = 1_000_000  # a text longer than this is quarantined (100 KB texts are stored)
EARLIEST = pd.Timestamp("2000-01-01")


@dataclass
class FileResult:
    source_file: str
    source: str
    status: str = "ok"  # ok | unreadable | failed (the database refused the file; nothing of it was stored)
    encoding: str | None = None
    rows_read: int = 0
    stored: int = 0
    duplicates: int = 0
    quarantined: int = 0
    seconds: float = 0.0
    message: str = ""
    reasons: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # for the person who configured the source

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
                out.append(f"  {f.source_file}: {'NOT READ' if f.status == 'unreadable' else 'NOT STORED'}: {f.message}")
                for w in f.warnings:
                    out.append(f"      warning: {w}")
                continue
            ok = "ok" if f.reconciles else "DOES NOT RECONCILE"
            out.append(
                f"  {f.source_file}: read {f.rows_read} = stored {f.stored} + duplicate {f.duplicates} "
                f"+ quarantined {f.quarantined} [{ok}] ({f.seconds:.1f}s, encoding {f.encoding or '-'})"
            )
            for reason, n in sorted(f.reasons.items(), key=lambda kv: -kv[1])[:8]:
                out.append(f"      quarantined {n}x: {reason}")
            for w in f.warnings:
                out.append(f"      warning: {w}")
        out.append(
            f"  total: read {self.total('rows_read')} = stored {self.total('stored')} + duplicate "
            f"{self.total('duplicates')} + quarantined {self.total('quarantined')}; masked into shared zone: {self.masked}"
        )
        return out


def _norm_text(text: pd.Series) -> list[str]:
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = pa.array(text.astype(object).tolist(), type=pa.large_string())
    return pc.utf8_lower(pc.utf8_trim_whitespace(pc.replace_substring_regex(arr, r"\s+", " "))).to_pylist()


def content_hash(source: str, received: pd.Series, text: pd.Series) -> pd.Series:
    """Legacy (before issue 19) dedupe key: sha256 of source | received_at | text with white space
    collapsed and lower-cased. Still computed so that re-ingesting into an older store finds what
    it stored under this key."""
    stamps = received.dt.strftime("%Y-%m-%dT%H:%M:%S").astype(object).tolist()
    prefix = source + "|"
    return pd.Series(
        [hashlib.sha256(f"{prefix}{t}|{n}".encode("utf-8")).hexdigest() for t, n in zip(stamps, _norm_text(text))],
        index=text.index, dtype=object,
    )


def dedupe_hash(source: str, received: pd.Series, text: pd.Series, record_id: pd.Series, score: pd.Series) -> pd.Series:
    """The dedupe key stored as ``content_hash``. With a record id: source | id | received_at | text,
    so respondents who wrote the same words in the same minute stay apart while the same record
    exported twice is a duplicate. Without one: source | received_at | score | text (content only)."""
    stamps = received.dt.strftime("%Y-%m-%dT%H:%M:%S").astype(object).tolist()
    ids = record_id.astype(object).where(record_id.notna(), None).tolist()
    scores = ["" if pd.isna(v) else str(int(v)) for v in score.tolist()]
    out = []
    for t, n, i, sc in zip(stamps, _norm_text(text), ids, scores):
        key = f"v2|{source}|id|{i}|{t}|{n}" if i is not None else f"v2|{source}|content|{t}|{sc}|{n}"
        out.append(hashlib.sha256(key.encode("utf-8")).hexdigest())
    return pd.Series(out, index=text.index, dtype=object)


# C0 controls except tab/newline/carriage return, DEL, C1 controls, lone surrogates, non-characters:
# PostgreSQL refuses NUL in TEXT and no export means them; removed from every field, on both backends.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _texty(s: pd.Series) -> bool:
    return pd.api.types.is_object_dtype(s.dtype) or pd.api.types.is_string_dtype(s.dtype)


def strip_controls(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Remove control characters from the strings in ``values``: (cleaned values, changed mask)."""
    def clean(v):
        return _CONTROL.sub("", v) if isinstance(v, str) else v

    cleaned = values.map(clean)
    changed = values.map(lambda v: isinstance(v, str) and _CONTROL.search(v) is not None).astype(bool)
    return cleaned.astype(object), changed


def _visible_controls(s: str) -> str:
    """Quarantine keeps the raw row; control characters are written as visible escapes (\\x00)."""
    return _CONTROL.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), s)


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

    df = df.copy()
    cleaned_text = pd.Series(False, index=df.index)
    for col in df.columns:
        if col == "source_row" or not _texty(df[col]):
            continue
        df[col], changed = strip_controls(df[col])
        if col == "text":
            cleaned_text = changed
    text = df["text"].astype("string") if "text" in df else pd.Series(pd.NA, index=df.index, dtype="string")
    empty = text.isna() | (text.str.strip() == "")
    reject(empty & cleaned_text, "text", "text is empty after removing control characters (NUL bytes or similar)")
    reject(empty, "text", "text is empty")
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
    if rid is not None:
        r = rid[good]
        out["source_record_id"] = r.astype(object).where(r.notna() & (r != ""), None)
    else:
        out["source_record_id"] = None
    if len(good):
        out["content_hash"] = dedupe_hash(spec.name, out["received_at"], out["text"], out["source_record_id"], out["score"])
        out["legacy_hash"] = content_hash(spec.name, out["received_at"], out["text"])
    else:
        out["content_hash"] = pd.Series(dtype=object)
        out["legacy_hash"] = pd.Series(dtype=object)
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
    seen_h: set[str] = set()
    seen_id: dict[str, str] = {}
    n = max(len(hashes), len(ids))
    for start in range(0, max(n, 1), 20_000):
        hs, idl = hashes[start:start + 20_000], ids[start:start + 20_000]
        if not hs and not idl:
            break
        frame = pd.DataFrame({"k": hs + idl, "kind": ["h"] * len(hs) + ["i"] * len(idl)})
        for zone in (store.restricted, store.shared):
            table = "signals_raw" if zone is store.restricted else "signals"
            if zone.backend == "duckdb":
                zone._con.register("__keys", frame)
                try:
                    rows = zone.execute(
                        f"SELECT t.content_hash, t.signal_id FROM {table} t WHERE t.source = ? AND "
                        f"(t.content_hash IN (SELECT k FROM __keys WHERE kind = 'h') OR "
                        f"t.signal_id IN (SELECT k FROM __keys WHERE kind = 'i'))",
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
    return seen_h, seen_id


# ---- personal data in record ids -------------------------------------------------------------
_PLAIN_ID = re.compile(r"^[A-Za-z]{0,4}[-_/.]?[0-9]{1,15}(?:[-_/.][0-9]{1,15})*$")
_HEX_ID = re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$|^[0-9a-fA-F]{16,64}$")


def _elfproef(digits: str) -> bool:
    """The BSN 11-test (a 9-digit number that passes it may be a citizen service number)."""
    if len(digits) != 9:
        return False
    return (sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1))) - int(digits[8])) % 11 == 0


def personal_record_ids(ids: Iterable[str], settings: Settings, masker=None) -> set[str]:
    """The record ids that hold or may hold personal data: an e-mail address, a 9-digit number that
    passes the BSN 11-test, a Dutch phone number, or anything the masker finds in it. Plain ids
    (digits with a short prefix such as "Z-12", "2701", UUIDs) are checked without the masker."""
    out: set[str] = set()
    ask: list[str] = []
    for i in {str(v) for v in ids if v is not None}:
        if "@" in i:
            out.add(i)
        elif _PLAIN_ID.match(i) or _HEX_ID.match(i):
            digits = re.sub(r"\D", "", i)
            if _PLAIN_ID.match(i) and (_elfproef(digits) or (len(digits) == 10 and digits.startswith("0"))):
                out.add(i)
        else:
            ask.append(i)
    if ask:
        masker = masker or _default_masker(settings)
        ask.sort()
        masked, _ = masker.mask_many(ask)
        out.update(i for i, m in zip(ask, masked) if m != i)
    return out


def _pseudonym_key(store: Store) -> bytes:
    """The secret for record-id pseudonyms, kept in the restricted zone (created on first use)."""
    db = store.restricted
    got = db.scalar("SELECT secret FROM ingest_keys WHERE name = 'record_id'")
    if got is None:
        db.execute("INSERT INTO ingest_keys (name, secret, created_at) VALUES ('record_id', ?, CURRENT_TIMESTAMP) "
                   "ON CONFLICT DO NOTHING", [secrets.token_hex(32)])
        got = db.scalar("SELECT secret FROM ingest_keys WHERE name = 'record_id'")
    return bytes.fromhex(got)


def pseudonym(key: bytes, source: str, record_id: str) -> str:
    """Keyed hash of a record id: the same id always gets the same pseudonym (so dedupe works),
    and without the restricted zone's key it cannot be traced back (no dictionary attack on e-mails)."""
    return "pid-" + hmac.new(key, f"{source}|{record_id}".encode("utf-8"), hashlib.sha256).hexdigest()[:24]


# ---- extra columns --------------------------------------------------------------------------
# column names that suggest personal data: stems anywhere in the name ("E-mailadres", "Naam klant"),
# short ones only as a whole word ("tel", not "totaal")
_PERSONAL_COLUMN = re.compile(
    r"bsn|burgerservice|sofinummer|naam|name|initialen|e-?mail|telefoon|phone|mobiel|adres|address|straat|"
    r"huisnummer|postcode|woonplaats|geboorte|birth|iban|rekeningnummer|kenteken|paspoort|identiteit|"
    r"(^|[^a-z])(tel|gsm|ip|id-?kaart)([^a-z]|$)")


def unused_columns(table: RawTable, spec: SourceSpec) -> tuple[list[str], list[str]]:
    """Export columns the source does not map (ignored by ingest), and those whose names look like
    personal data."""
    mapped = {c.strip().lower() for c in spec.columns.values()}
    extra = [c for c in table.columns if c.strip() and c.strip().lower() not in mapped]
    personal = [c for c in extra if _PERSONAL_COLUMN.search(c.strip().lower().replace("_", " "))]
    return extra, personal


def _columns_warning(spec: SourceSpec, extra: list[str], personal: list[str]) -> str | None:
    if not extra:
        return None
    shown = ", ".join(repr(c) for c in extra[:20]) + (f" and {len(extra) - 20} more" if len(extra) > 20 else "")
    msg = f"{len(extra)} column(s) not mapped by source '{spec.name}' were ignored: {shown}"
    if personal:
        msg += (f"; {', '.join(repr(c) for c in personal)} look(s) like personal data: ask the supplier to leave "
                f"them out of the export, or map them in the source register if they are needed")
    return msg


def _control_rows(df: pd.DataFrame) -> int:
    hit = pd.Series(False, index=df.index)
    for col in df.columns:
        if _texty(df[col]):
            hit |= df[col].map(lambda v: isinstance(v, str) and _CONTROL.search(v) is not None).astype(bool)
    return int(hit.sum())


def _db_errors() -> tuple[type[BaseException], ...]:
    errs: list[type[BaseException]] = []
    from ..store.database import StoreError

    errs.append(StoreError)
    try:
        import duckdb

        errs.append(duckdb.Error)
    except ImportError:  # pragma: no cover
        pass
    try:
        import psycopg

        errs.append(psycopg.Error)
    except ImportError:  # pragma: no cover
        pass
    return tuple(errs)


def _db_reason(exc: BaseException) -> str:
    """A database error as a one-line named reason (no SQL context, which may quote row content)."""
    first = (str(exc).strip().splitlines() or [""])[0]
    first = re.sub(r"\s+", " ", first)[:200]
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


def _progress(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _qrow(line: int, fld: str, reason: str, raw: str) -> tuple[int, str, str, str]:
    return (int(line), fld, _visible_controls(reason), _visible_controls(raw))


def ingest_file(
    store: Store,
    settings: Settings,
    path: str | Path,
    spec: SourceSpec,
    run_id: str,
    *,
    progress: Callable[[str], None] | None = None,
    skip_unchanged: bool = False,
) -> FileResult:
    """Ingest one export in one restricted-zone transaction. Never raises for bad content: an
    unreadable file is reported with status 'unreadable' and leaves nothing behind; a file the
    database refuses is reported with status 'failed' and a named reason, and leaves nothing behind.
    ``skip_unchanged``: a file whose content (sha256) this source already ingested without error is
    recorded as unchanged and not read again (the nightly run: the year's exports stay in the folder)."""
    path = Path(path)
    t0 = time.perf_counter()
    res = FileResult(source_file=str(path), source=spec.name)
    if skip_unchanged:
        earlier = _ingested_before(store, spec.name, path)
        if earlier:
            res.message = f"unchanged since ingest run {earlier}: not read again"
            res.seconds = time.perf_counter() - t0
            _record_file(store, run_id, res, None)
            return res
    try:
        with timed("ingest: read files"):
            table = read_any(path, spec.format, encoding=spec.encoding, delimiter=spec.delimiter, sheet=spec.sheet)
            res.encoding = table.encoding
            res.warnings.extend(table.warnings)
            mapped = map_records(table, spec, path)
    except FileUnreadable as exc:
        res.status, res.message = "unreadable", str(exc)
        res.seconds = time.perf_counter() - t0
        _record_file(store, run_id, res, None)
        return res
    extra, personal = unused_columns(table, spec)
    w = _columns_warning(spec, extra, personal)
    if w:
        res.warnings.append(w)
    n_ctrl = _control_rows(mapped)
    if n_ctrl:
        res.warnings.append(f"control characters (NUL bytes or similar) were removed from {n_ctrl} row(s)")
    res.rows_read = table.rows_read
    try:
        return _store_table(store, settings, path, spec, run_id, table, mapped, res, t0, progress)
    except _db_errors() as exc:
        res.status = "failed"
        res.message = (f"{path}: the database refused this file ({_db_reason(exc)}); nothing of it was stored "
                       f"({res.rows_read} rows read)")
        res.stored = res.duplicates = res.quarantined = 0
        res.reasons = {}
        res.seconds = time.perf_counter() - t0
        try:
            _record_file(store, run_id, res, None)
        except _db_errors():
            pass
        return res


def _store_table(store: Store, settings: Settings, path: Path, spec: SourceSpec, run_id: str, table: RawTable,
                 mapped: pd.DataFrame, res: FileResult, t0: float, progress) -> FileResult:
    """Validate, dedupe and store one read file (database errors are handled by the caller)."""
    with timed("ingest: validate rows", count=len(mapped)):
        valid, errors = validate(mapped, spec, settings)

    def raw_json(i) -> str:
        return json.dumps(table.record(i), ensure_ascii=False, default=str)[:100_000]

    quarantine = [_qrow(b.line, b.field, b.reason, b.raw) for b in table.bad] + [
        _qrow(mapped.at[i, "source_row"], f, r, raw_json(i)) for i, f, r in errors
    ]
    # record ids that hold personal data get a keyed pseudonym as signal id (both zones)
    has_id = valid["source_record_id"].notna()
    if has_id.any():
        personal_ids = personal_record_ids(valid.loc[has_id, "source_record_id"].tolist(), settings)
        if personal_ids:
            key = _pseudonym_key(store)
            hit = valid["source_record_id"].isin(personal_ids)
            valid.loc[hit, "signal_id"] = [f"{spec.name}:{pseudonym(key, spec.name, r)}" for r in valid.loc[hit, "source_record_id"]]
            res.warnings.append(f"{int(hit.sum())} record id(s) look like personal data; they are stored under a "
                                f"pseudonym (keyed hash) as signal id and never reach the shared zone as they are")

    def shown_id(i) -> str:
        sid = valid.at[i, "signal_id"]
        return sid.split(":", 1)[1] if isinstance(sid, str) else "?"

    # duplicates within the file (same record id and content; content only for rows without id)
    dup_in_file = valid.duplicated("content_hash", keep="first")
    same_id = valid.duplicated("signal_id", keep="first") & ~dup_in_file
    # a repeated id with other content is quarantined, not silently dropped
    for i in valid.index[same_id]:
        quarantine.append(_qrow(valid.at[i, "source_row"], "source_record_id",
                                f"record id {shown_id(i)!r} appears earlier in this file with other content", raw_json(i)))
    cand = valid[~dup_in_file & ~same_id]
    with timed("ingest: dedupe against the store", count=len(cand)):
        seen_h, seen_id = _existing(store, spec.name, cand["content_hash"].tolist() + cand["legacy_hash"].tolist(),
                                    cand["signal_id"].tolist())
    no_id = cand["source_record_id"].isna()
    # stored before the key held the record id: the same id under the legacy key is this record
    legacy_same = (cand["signal_id"].map(seen_id) == cand["legacy_hash"]).fillna(False).astype(bool)
    dup_store = cand["content_hash"].isin(seen_h) | (no_id & cand["legacy_hash"].isin(seen_h)) | legacy_same
    id_conflict = ~dup_store & cand["signal_id"].isin(list(seen_id))
    for i in cand.index[id_conflict]:
        quarantine.append(_qrow(cand.at[i, "source_row"], "source_record_id",
                                f"record id {shown_id(i)!r} is already stored with other content (changed record?)",
                                raw_json(i)))
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
            "ingest_run_id", "ingested_at", "org_code"]
    if "org_code" not in new or new["org_code"].isna().all():
        new["org_code"] = spec.org_code(settings)
    new = new[cols]
    db = store.restricted
    with timed("ingest: store raw rows", count=len(new)), db.transaction():
        chunk = max(1, settings.ingest_chunk_rows)
        nchunks = max(1, -(-len(new) // chunk))
        for k in range(nchunks):
            db.insert_df("signals_raw", new.iloc[k * chunk:(k + 1) * chunk])
            if progress:
                progress(f"{path.name}: chunk {k + 1}/{nchunks} written (uncommitted)")
        _replace_quarantine(db, spec.name, str(path), qdf)
        res.seconds = time.perf_counter() - t0
        _record_file(store, run_id, res, table)
    if progress:
        progress(f"{path.name}: committed {res.stored} rows")
    return res


def _replace_quarantine(db, source: str, source_file: str, qdf: pd.DataFrame) -> None:
    """Quarantine is idempotent per file + line + field + reason: a re-ingest replaces the earlier
    copy of a quarantined row (which then points to the latest run) instead of adding another."""
    if len(qdf):
        old = db.query_df("SELECT DISTINCT line, field, reason FROM quarantine WHERE source = ? AND source_file = ?",
                          [source, source_file])
        if len(old):
            have = set(zip(old["line"].astype("int64"), old["field"], old["reason"]))
            again = [(source, source_file, int(r.line), r.field, r.reason) for r in qdf.itertuples()
                     if (int(r.line), r.field, r.reason) in have]
            if again:
                db.executemany("DELETE FROM quarantine WHERE source = ? AND source_file = ? AND line = ? AND field = ? "
                               "AND reason = ?", again)
    db.insert_df("quarantine", qdf)


def _file_sha256(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def _ingested_before(store: Store, source: str, path: Path) -> str | None:
    """The run that already ingested this exact file content for ``source`` without error, if any."""
    with timed("ingest: check unchanged files"):
        sha = _file_sha256(path)
        if sha is None:
            return None
        return store.restricted.scalar(
            "SELECT run_id FROM ingest_files WHERE source = ? AND file_sha256 = ? AND status = 'ok' "
            "AND (message IS NULL OR message NOT LIKE 'unchanged since%') ORDER BY finished_at LIMIT 1", [source, sha])


def _record_file(store: Store, run_id: str, res: FileResult, table: RawTable | None) -> None:
    sha = _file_sha256(Path(res.source_file))
    row = pd.DataFrame([{
        "run_id": run_id, "source": res.source, "source_file": res.source_file, "file_sha256": sha,
        "encoding": res.encoding, "status": res.status, "rows_read": res.rows_read, "stored": res.stored,
        "duplicates": res.duplicates, "quarantined": res.quarantined, "seconds": res.seconds,
        "message": _file_message(res)[:4000] or None, "finished_at": datetime.now(),
    }])
    store.restricted.insert_df("ingest_files", row)


def _file_message(res: FileResult) -> str:
    return "; ".join([m for m in [res.message] if m] + [f"warning: {w}" for w in res.warnings])


def ingest_files(
    store: Store,
    settings: Settings,
    paths: Iterable[str | Path],
    source: str,
    *,
    run_id: str | None = None,
    mask: bool = True,
    progress: Callable[[str], None] | None = None,
    skip_unchanged: bool = False,
) -> IngestResult:
    """Ingest files of one registered, approved source; then mask what is new into the shared zone.
    ``skip_unchanged``: see :func:`ingest_file`."""
    spec = get_source(settings, source)
    spec.check_approved()
    run_id = run_id or new_run_id("ingest")
    mark_stale_runs(store)
    result = IngestResult(run_id=run_id, source=source, files=[], started_at=datetime.now())
    _write_run(store, settings, result, "running")
    try:
        for p in paths:
            result.files.append(ingest_file(store, settings, p, spec, run_id, progress=progress,
                                            skip_unchanged=skip_unchanged))
        if mask:
            result.masked = mask_pending(store, settings, progress=progress)
    except BaseException as exc:
        # never leave a run 'running': an interrupt or an unexpected error is recorded, then raised
        result.finished_at = datetime.now()
        status = "interrupted" if isinstance(exc, (KeyboardInterrupt, SystemExit)) else "failed"
        try:
            _write_run(store, settings, result, status, extra=f"run stopped: {_db_reason(exc)}")
        except Exception:  # noqa: BLE001 - the original error matters more
            pass
        raise
    result.finished_at = datetime.now()
    _write_run(store, settings, result, "failed" if result.failed_files else "ok")
    return result


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def mark_stale_runs(store: Store) -> list[str]:
    """Mark runs recorded as 'running' by a process of this host that no longer exists (killed,
    machine crash) as 'interrupted'. Returns their run ids. Runs of other hosts are left alone."""
    db = store.shared
    host = socket.gethostname()
    rows = db.execute("SELECT run_id, pid FROM ingest_runs WHERE status = 'running' AND host = ?", [host])
    stale = [rid for rid, pid in rows if pid is not None and int(pid) != os.getpid() and not _pid_alive(int(pid))]
    for rid in stale:
        db.execute("UPDATE ingest_runs SET status = 'interrupted', message = ? WHERE run_id = ? AND status = 'running'",
                   [f"interrupted: process {host}:{dict(rows)[rid]} ended without finishing this run", rid])
    return stale


def ingest_all(store: Store, settings: Settings, raw_dir: str | Path | None = None, *, mask: bool = True,
               run_id: str | None = None, progress=None, skip_unchanged: bool = False) -> list[IngestResult]:
    """Ingest every registered, approved source's files found under raw_dir (its ``path`` glob);
    ``skip_unchanged``: files already ingested with the same content are not read again."""
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
            results.append(ingest_files(store, settings, files, name, run_id=f"{run_id}-{name}", mask=False,
                                        progress=progress, skip_unchanged=skip_unchanged))
    if mask and results:
        try:
            results[-1].masked = mask_pending(store, settings, progress=progress)
        except BaseException as exc:
            status = "interrupted" if isinstance(exc, (KeyboardInterrupt, SystemExit)) else "failed"
            try:
                _write_run(store, settings, results[-1], status, extra=f"masking stopped: {_db_reason(exc)}")
            except Exception:  # noqa: BLE001
                pass
            raise
        _write_run(store, settings, results[-1], "failed" if results[-1].failed_files else "ok")
    return results


def run_message(r: IngestResult, extra: str | None = None) -> str:
    """The run's message: failures, then warnings for the person who configured the source (file
    names, line numbers and column names; never row content)."""
    parts = [f.message for f in r.failed_files if f.message]
    parts += [f"{Path(f.source_file).name}: warning: {w}" for f in r.files for w in f.warnings]
    if extra:
        parts.append(extra)
    return "; ".join(parts)


def _write_run(store: Store, settings: Settings, r: IngestResult, status: str, extra: str | None = None) -> None:
    db = store.shared
    cols = set(db.columns("ingest_runs"))
    row = {
        "run_id": r.run_id, "source": r.source, "started_at": r.started_at,
        "finished_at": r.finished_at, "status": status, "files": len(r.files),
        "rows_read": r.total("rows_read"), "stored": r.total("stored"), "duplicates": r.total("duplicates"),
        "quarantined": r.total("quarantined"), "masked": r.masked,
        "message": run_message(r, extra)[:4000] or None, "pid": os.getpid(), "host": socket.gethostname(),
        "org_code": settings.organisation_code,
    }
    with db.transaction():
        db.execute("DELETE FROM ingest_runs WHERE run_id = ?", [r.run_id])
        db.insert_df("ingest_runs", pd.DataFrame([{k: v for k, v in row.items() if k in cols}]))


# ---- masking into the shared zone --------------------------------------------------------
def _default_masker(settings: Settings):
    from ..privacy import get_masker

    return get_masker(settings)


#: columns of signals_raw that masking reads (and the shared zone's ``signals`` receives, masked)
MASK_COLUMNS = ("signal_id", "source", "source_record_id", "received_at", "channel", "cluster", "afdeling", "wijk_code",
                "wijk", "buurt_code", "buurt", "score", "text", "content_hash", "source_file", "source_row",
                "ingest_run_id", "ingested_at", "org_code")


def mask_workers(settings: Settings) -> int:
    """Processes that mask: setting ``workers`` (0: every core)."""
    n = int(settings.workers or 0)
    return n if n > 0 else (os.cpu_count() or 1)


def mask_frame(batch: pd.DataFrame, masker=None) -> tuple[pd.DataFrame, list]:
    """Mask one batch of raw signals (columns :data:`MASK_COLUMNS`): the text and the free labels,
    and a pseudonymised record id. Returns (the rows for the shared zone without ``masked_at``,
    the masked findings per row). The masker's casing evidence and the label cache are the batch's
    own, so the same batch gives the same result in any process: the single-process path, the
    process pool of :func:`mask_pending` and the Dask engine (``signalen_lib.runs.engine``) all
    call this on the same batches."""
    masker = masker or _default_masker(None)
    with timed("mask: analyse texts", count=len(batch)):
        masked, findings = masker.mask_many(batch["text"].tolist())
    out = batch.copy()
    out["text"] = masked
    _mask_labels(out, masker, {})
    # a pseudonymised record id (see personal_record_ids) reaches the shared zone as its pseudonym only
    pseud = out["signal_id"].astype(str).str.contains(":pid-", regex=False) & (
        out["signal_id"] != out["source"] + ":" + out["source_record_id"].astype(str))
    if pseud.any():
        out.loc[pseud, "source_record_id"] = out.loc[pseud, "signal_id"].str.split(":", n=1).str[1]
    for col in ("score", "source_row"):
        if col in out:
            out[col] = out[col].astype("Int64")
    return out, findings


def pending_batches(store: Store, batch_size: int = 5000) -> Iterator[pd.DataFrame]:
    """The raw signals not yet masked, in batches of ``batch_size`` in signal_id order (keyset
    pagination: the batches are the same whether or not earlier ones are written meanwhile)."""
    last = None
    while True:
        where = "masked_at IS NULL AND text IS NOT NULL" + (" AND signal_id > ?" if last is not None else "")
        with timed("mask: read batch") as t:
            batch = store.restricted.query_df(
                f"SELECT {', '.join(MASK_COLUMNS)} FROM signals_raw WHERE {where} ORDER BY signal_id LIMIT {int(batch_size)}",
                [last] if last is not None else None)
            t.count = len(batch)
        if batch.empty:
            return
        last = batch["signal_id"].iloc[-1]
        yield batch


def write_masked(store: Store, out: pd.DataFrame, findings: list) -> None:
    """Write one masked batch: its rows into the shared zone, its findings into the restricted
    zone's ``pii_findings``, and mark the raw rows masked."""
    raw = store.restricted
    out = out.copy()
    out["masked_at"] = datetime.now()
    store.shared.insert_df("signals", out, on_conflict_ignore=True)
    ids = out["signal_id"].tolist()
    with raw.transaction():
        if raw.table_exists("pii_findings"):
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


def mask_pending(store: Store, settings: Settings, *, masker=None, batch_size: int | None = None, progress=None,
                 workers: int | None = None, map_batches=None) -> int:
    """Mask every raw signal not yet in the shared zone and write it there (with its PII findings
    kept in the restricted zone). Resumable: each batch is written on its own, so a crash or a kill
    loses at most the batches in flight and the next run continues with the rest.

    The pending signals are cut into batches of ``batch_size`` (default: setting
    ``mask_batch_rows``) in signal-id order; each batch is masked by :func:`mask_frame`, so the
    result does not depend on where it ran. Where: ``map_batches(batches) -> iterable of (out,
    findings)`` in order (the Dask engine's); else ``workers`` (default: setting ``workers``, 0 =
    every core) processes, each with its own masker built once, while this process writes the
    finished batches in order; a custom ``masker`` masks in this process."""
    batch_size = int(batch_size or settings.mask_batch_rows)
    if map_batches is None:
        workers = 1 if masker is not None else (workers or mask_workers(settings))
        if workers > 1 and can_fork():
            def map_batches(batches):
                return _mask_in_pool(batches, workers)
        else:
            state = {"masker": masker}

            def map_batches(batches):
                for b in batches:
                    if state["masker"] is None:
                        state["masker"] = _default_masker(settings)
                    yield mask_frame(b, state["masker"])

    total = 0
    for out, findings in map_batches(pending_batches(store, batch_size)):
        with timed("mask: write both zones", count=len(out)):
            write_masked(store, out, findings)
        total += len(out)
        if progress:
            progress(f"masked {total} signals into the shared zone")
    if total and store.shared.backend == "postgres":
        store.shared.execute("ANALYZE signals")  # fresh statistics after a bulk load keep joins fast
        store.restricted.execute("ANALYZE signals_raw")
    return total


def _mask_in_pool(batches: Iterator[pd.DataFrame], workers: int) -> Iterator[tuple[pd.DataFrame, list]]:
    """:func:`mask_frame` over ``batches`` in a fork pool of ``workers`` processes, results in
    order; one batch (or none) is masked here, without a pool."""
    import multiprocessing as mp
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    first = [b for _, b in zip(range(2), batches)]
    if len(first) < 2:
        for b in first:
            yield mask_frame(b, _default_masker(None))
        return
    todo = itertools.chain(first, batches)  # lazy: a batch is read when a worker is free for it
    with timed("mask: analyse texts (workers)") as t, \
            ProcessPoolExecutor(workers, mp_context=mp.get_context("fork"), initializer=_mask_worker_init) as pool:
        t.count = 0
        flight: deque = deque()
        for _ in range(workers + 1):  # keep every worker busy while the caller writes
            b = next(todo, None)
            if b is not None:
                flight.append(pool.submit(_mask_worker, b))
        try:
            while flight:
                res = flight.popleft().result()
                b = next(todo, None)
                if b is not None:
                    flight.append(pool.submit(_mask_worker, b))
                t.count += len(res[0])
                yield res
        except BaseException:  # stopped: what was written stays; the batches in flight are dropped
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def _mask_worker_init() -> None:
    """A masking worker: its masker is built once (inherited when the parent had built it). On
    Linux the worker is ended with its parent, so a killed run leaves no worker masking on."""
    import ctypes
    import signal

    from ..privacy import get_masker

    try:
        ctypes.CDLL(None).prctl(1, int(signal.SIGTERM))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    get_masker()


def _mask_worker(batch: pd.DataFrame) -> tuple[pd.DataFrame, list]:
    from ..privacy import get_masker

    return mask_frame(batch, get_masker())


def _safe_labels() -> frozenset[str]:
    from ..schema import CHANNELS, ORG_UNITS

    return frozenset(CHANNELS) | frozenset(ORG_UNITS) | frozenset(a for v in ORG_UNITS.values() for a in v) | {UNKNOWN}


# free labels a source maps besides the text; places are resolved to CBS codes/names (or "onbekend")
# by ingest, so only a known name can reach the shared zone there
LABEL_FIELDS = ("channel", "cluster", "afdeling")


def _mask_labels(out: pd.DataFrame, masker, cache: dict[str, str]) -> None:
    """Mask the free-label fields of a batch with the same masker as the text; the organisation's
    known clusters, departments and channels pass unchanged. Each distinct value is masked once.
    ``masker`` may be a callable that returns the masker (built only when a label needs it)."""
    safe = _safe_labels()
    for col in LABEL_FIELDS:
        if col not in out:
            continue
        vals = out[col]
        todo = sorted({v for v in vals.dropna().unique() if isinstance(v, str) and v not in safe and v not in cache})
        if todo:
            m = masker() if callable(masker) and not hasattr(masker, "mask_many") else masker
            masked, _ = m.mask_many(todo)
            cache.update(zip(todo, masked))
        out[col] = vals.map(lambda v: cache.get(v, v) if isinstance(v, str) else v)


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
