"""Readers for exports: CSV/TSV (any delimiter, detected or declared encoding), XLSX, JSON, JSON lines.

Each reader returns a :class:`RawTable`: every record as a dict of strings (or native values
from XLSX/JSON) keyed by the export's own column names, with the line (CSV, JSONL), row (XLSX)
or record number (JSON) it started on; and the records that could not be parsed, with a reason.
A file that cannot be read at all raises :class:`FileUnreadable` with a message naming the file.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

csv.field_size_limit(16 * 1024 * 1024)


class FileUnreadable(Exception):
    """The whole file cannot be read (missing, empty, not this format, required column absent)."""


@dataclass
class BadRecord:
    line: int
    field: str
    reason: str
    raw: str


@dataclass
class RawTable:
    columns: list[str]
    records: list[dict[str, Any]]
    lines: list[int]
    bad: list[BadRecord] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None

    @property
    def rows_read(self) -> int:
        return len(self.records) + len(self.bad)

    def record(self, i: int) -> dict[str, Any]:
        """Record i as a dict (CSV and XLSX keep rows as lists aligned with ``columns``)."""
        r = self.records[i]
        return r if isinstance(r, dict) else dict(zip(self.columns, r))

    def frame(self):
        """All good records as a DataFrame of the export's own columns (object dtype)."""
        import pandas as pd

        if not self.records:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in self.columns})
        if isinstance(self.records[0], dict):
            return pd.DataFrame.from_records(self.records).astype(object)
        cols = list(zip(*self.records))
        return pd.DataFrame({c: pd.Series(v, dtype=object) for c, v in zip(self.columns, cols)})


def _read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise FileUnreadable(f"{path}: file does not exist")
    if path.is_dir():
        raise FileUnreadable(f"{path}: is a folder, not a file")
    data = path.read_bytes()
    if not data.strip():
        raise FileUnreadable(f"{path}: file is empty (0 records, no header)")
    return data


def decode(data: bytes, encoding: str, path: Path) -> tuple[str, str]:
    """Decode with the declared encoding, or detect: utf-8 (with/without BOM), else cp1252, else latin-1."""
    if encoding != "auto":
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise FileUnreadable(
                f"{path}: line {line}: bytes are not valid {encoding} ({exc.reason} at byte {exc.start}); "
                f"declare the right encoding in the source register or use 'auto'"
            ) from None
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def sniff_delimiter(text: str, declared: str) -> str:
    if declared not in ("auto", "", None):
        return "\t" if declared in ("\\t", "tab") else declared
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in (";", ",", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else ","


def read_csv(path: Path, encoding: str = "auto", delimiter: str = "auto") -> RawTable:
    data = _read_bytes(path)
    text, enc = decode(data, encoding, path)
    delim = sniff_delimiter(text, delimiter)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    try:
        header = next(reader)
    except StopIteration:
        raise FileUnreadable(f"{path}: no header line") from None
    header = [h.strip().lstrip("\ufeff") for h in header]
    if len(header) < 2:
        raise FileUnreadable(
            f"{path}: line 1: header has one column ({header[0][:60]!r}); delimiter {delim!r} does not split it"
        )
    ncol = len(header)
    records, lines, bad = [], [], []
    prev_end = reader.line_num
    raw_lines = None
    last_start = None
    try:
        for row in reader:
            start = prev_end + 1
            prev_end = reader.line_num
            last_start = start
            if not row or (len(row) == 1 and not row[0].strip()):
                continue  # blank line
            if len(row) != ncol:
                if raw_lines is None:
                    raw_lines = text.split("\n")
                raw = "\n".join(raw_lines[start - 1 : prev_end])
                hint = " (other delimiter in this row?)" if len(row) == 1 else ""
                bad.append(BadRecord(start, "*", f"expected {ncol} fields, found {len(row)}{hint}", raw))
                continue
            records.append(row)
            lines.append(start)
    except csv.Error as exc:
        raise FileUnreadable(f"{path}: line {reader.line_num}: CSV cannot be parsed: {exc}") from None
    if bad and bad[-1].line == last_start and not text.endswith(("\n", "\r")):
        b = bad[-1]
        b.reason = ("record is cut off (unclosed quote at end of file: truncated export?)" if b.raw.count('"') % 2
                    else f"{b.reason}; last record of a file without final newline: truncated export?")
    # a file cut off inside a quoted field: the last record swallowed the rest of the file
    if records and lines and lines[-1] == last_start:
        tail_start = lines[-1]
        if raw_lines is None:
            raw_lines = text.split("\n")
        tail = "\n".join(raw_lines[tail_start - 1 :])
        if tail.count('"') % 2 == 1:
            rec = records.pop()
            lines.pop()
            bad.append(BadRecord(tail_start, "*", "record is cut off (unclosed quote at end of file: truncated export?)", tail[:10000]))
            del rec
    return RawTable(header, records, lines, bad, encoding=enc, delimiter=delim)


def read_xlsx(path: Path, sheet: str | None = None) -> RawTable:
    """XLSX through calamine (Rust; ~20x faster than openpyxl). Date cells arrive as datetimes."""
    from python_calamine import CalamineWorkbook

    if not path.exists():
        raise FileUnreadable(f"{path}: file does not exist")
    if path.stat().st_size == 0:
        raise FileUnreadable(f"{path}: file is empty (0 bytes)")
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for damaged/other files
        raise FileUnreadable(f"{path}: not a readable XLSX workbook (truncated or another format?): {str(exc).splitlines()[0]}") from None
    names = wb.sheet_names
    if sheet is not None and sheet not in names:
        raise FileUnreadable(f"{path}: sheet {sheet!r} not found (sheets: {', '.join(names)})")
    try:
        rows = wb.get_sheet_by_name(sheet or names[0]).to_python(skip_empty_area=False)
    except Exception as exc:  # noqa: BLE001
        raise FileUnreadable(f"{path}: sheet {sheet or names[0]!r} cannot be read (damaged workbook?): {str(exc).splitlines()[0]}") from None
    if not rows:
        raise FileUnreadable(f"{path}: sheet {sheet or names[0]!r} is empty (no header row)")
    header = [str(h).strip() if h not in (None, "") else "" for h in rows[0]]
    while header and header[-1] == "":
        header.pop()
    ncol = len(header)
    records, lines = [], []
    for i, row in enumerate(rows[1:], start=2):
        vals = list(row[:ncol])
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in vals):
            continue
        vals = [None if v == "" else v for v in vals] + [None] * (ncol - len(vals))
        records.append(vals)
        lines.append(i)
    return RawTable(header, records, lines, [])


def read_jsonl(path: Path, encoding: str = "auto") -> RawTable:
    data = _read_bytes(path)
    text, enc = decode(data, encoding, path)
    records, lines, bad, cols = [], [], [], {}
    for i, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            bad.append(BadRecord(i, "*", f"not valid JSON ({exc.msg} at column {exc.colno}): truncated or broken line", line[:10000]))
            continue
        if not isinstance(obj, dict):
            bad.append(BadRecord(i, "*", f"expected a JSON object, found {type(obj).__name__}", line[:10000]))
            continue
        records.append(obj)
        lines.append(i)
        for k in obj:
            cols.setdefault(k, None)
    if not records and not bad:
        raise FileUnreadable(f"{path}: no JSON records")
    return RawTable(list(cols), records, lines, bad, encoding=enc)


def read_json(path: Path, encoding: str = "auto") -> RawTable:
    """A JSON array of objects (or {"records": [...]}); a truncated array keeps the complete records
    before the cut and quarantines the rest. Record numbers count from 1."""
    data = _read_bytes(path)
    text, enc = decode(data, encoding, path)
    try:
        doc = json.loads(text)
        items = doc
        if isinstance(doc, dict):
            lists = [v for v in doc.values() if isinstance(v, list)]
            if len(lists) != 1:
                raise FileUnreadable(f"{path}: expected a JSON array of records (or an object holding one array)")
            items = lists[0]
        if not isinstance(items, list):
            raise FileUnreadable(f"{path}: expected a JSON array of records")
        cut = None
    except json.JSONDecodeError as exc:
        # salvage complete records of a truncated array
        items, cut = _salvage_array(text)
        if items is None:
            raise FileUnreadable(f"{path}: not valid JSON ({exc.msg}, line {exc.lineno} column {exc.colno})") from None
    records, lines, bad, cols = [], [], [], {}
    for i, obj in enumerate(items, start=1):
        if not isinstance(obj, dict):
            bad.append(BadRecord(i, "*", f"record {i} is not a JSON object", json.dumps(obj, ensure_ascii=False)[:10000]))
            continue
        records.append(obj)
        lines.append(i)
        for k in obj:
            cols.setdefault(k, None)
    if cut is not None and cut[1].strip():
        pos, rest = cut
        bad.append(BadRecord(len(items) + 1, "*", f"JSON is cut off at character {pos}: truncated export; the incomplete record is quarantined", rest[:10000]))
    return RawTable(list(cols), records, lines, bad, encoding=enc)


def _salvage_array(text: str):
    dec = json.JSONDecoder()
    i = text.find("[")
    if i < 0:
        return None, None
    i += 1
    items = []
    n = len(text)
    while i < n:
        while i < n and text[i] in " \t\r\n,":
            i += 1
        if i >= n or text[i] == "]":
            break
        try:
            obj, end = dec.raw_decode(text, i)
        except json.JSONDecodeError:
            return items, (i, text[i:])
        items.append(obj)
        i = end
    return items, (n, "")


def read_any(path: Path, fmt: str, *, encoding: str = "auto", delimiter: str = "auto", sheet: str | None = None) -> RawTable:
    path = Path(path)
    if fmt == "csv":
        return read_csv(path, encoding, delimiter)
    if fmt == "xlsx":
        return read_xlsx(path, sheet)
    if fmt == "jsonl":
        return read_jsonl(path, encoding)
    if fmt == "json":
        return read_json(path, encoding)
    raise FileUnreadable(f"{path}: unsupported format {fmt!r}")
