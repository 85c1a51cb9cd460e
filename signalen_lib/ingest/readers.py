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
import re
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
    warnings: list[str] = field(default_factory=list)

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


def _utf16_without_bom(data: bytes) -> str | None:
    """'le'/'be' when the bytes look like UTF-16 text without a BOM (NUL in every other byte)."""
    head = data[:4000]
    if len(head) < 8:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.8 * len(odd) and even.count(0) < 0.05 * len(even):
        return "le"
    if even.count(0) > 0.8 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "be"
    return None


def _decode_utf16(data: bytes, codec: str, path: Path, label: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise FileUnreadable(f"{path}: looks like {label} but byte {exc.start} is not valid {label} ({exc.reason}); "
                             f"save the export again as UTF-8 CSV") from None


def _line_ranges(lines: list[int]) -> str:
    """[3, 4, 5, 9] -> '3-5, 9' (at most 10 ranges shown)."""
    out: list[str] = []
    start = prev = None
    for n in lines + [None]:
        if start is not None and n == prev + 1:
            prev = n
            continue
        if start is not None:
            out.append(str(start) if start == prev else f"{start}-{prev}")
        start = prev = n
    return ", ".join(out[:10]) + (f" and {len(out) - 10} more" if len(out) > 10 else "")


def decode(data: bytes, encoding: str, path: Path, warnings: list[str] | None = None) -> tuple[str, str]:
    """Decode with the declared encoding, or detect it.

    Detection: UTF-16 (BOM, or the NUL pattern of UTF-16 without BOM), UTF-8 (with/without BOM),
    else line by line: a line that is valid UTF-8 is read as UTF-8, any other line as cp1252
    (latin-1 for the five bytes cp1252 leaves undefined). A file mixing UTF-8 and cp1252 lines is
    read correctly and reported in ``warnings`` with the lines that were not UTF-8."""
    if encoding != "auto":
        codec = {"utf-16": "utf-16"}.get(encoding, encoding)
        try:
            return data.decode(codec), encoding
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise FileUnreadable(
                f"{path}: line {line}: bytes are not valid {encoding} ({exc.reason} at byte {exc.start}); "
                f"declare the right encoding in the source register or use 'auto'"
            ) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _decode_utf16(data, "utf-16", path, "UTF-16"), "utf-16"
    bomless = _utf16_without_bom(data)
    if bomless:
        return _decode_utf16(data, f"utf-16-{bomless}", path, f"UTF-16-{bomless.upper()}"), f"utf-16-{bomless}"
    sig = data.startswith(b"\xef\xbb\xbf")
    body = data[3:] if sig else data
    try:
        return body.decode("utf-8"), "utf-8-sig" if sig else "utf-8"
    except UnicodeDecodeError:
        pass
    parts = body.split(b"\n")
    out, by_enc = [], {"utf-8": [], "cp1252": [], "latin-1": []}
    for i, part in enumerate(parts, start=1):
        try:
            out.append(part.decode("utf-8"))
            if not part.isascii():
                by_enc["utf-8"].append(i)
            continue
        except UnicodeDecodeError:
            pass
        try:
            out.append(part.decode("cp1252"))
            by_enc["cp1252"].append(i)
        except UnicodeDecodeError:
            out.append(part.decode("latin-1"))
            by_enc["latin-1"].append(i)
    text = "\n".join(out)
    legacy = by_enc["cp1252"] + by_enc["latin-1"]
    if not by_enc["utf-8"] and not sig:
        return text, "cp1252" if not by_enc["latin-1"] else "latin-1"
    legacy_enc = "cp1252" if not by_enc["latin-1"] else ("latin-1" if not by_enc["cp1252"] else "cp1252/latin-1")
    if warnings is not None:
        warnings.append(
            f"mixed encodings: line(s) {_line_ranges(sorted(legacy))} are not UTF-8 and were read as {legacy_enc}; "
            f"{len(by_enc['utf-8'])} other line(s) with accents were read as UTF-8 (the export was probably edited "
            f"in two programs; check these lines)"
        )
    return text, f"utf-8+{legacy_enc}"


def sniff_delimiter(text: str, declared: str) -> str:
    if declared not in ("auto", "", None):
        return "\t" if declared in ("\\t", "tab") else declared
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in (";", ",", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else ","


def _shape(value: str) -> str:
    """Coarse shape of a value ("2701" -> "9", "Z-12" -> "a-9"): recognises an id column's pattern."""
    return re.sub(r"[^\W\d_]+", "a", re.sub(r"\d+", "9", value.strip()))[:20]


def read_csv(path: Path, encoding: str = "auto", delimiter: str = "auto") -> RawTable:
    """CSV/TSV. Besides the csv module's parsing this catches a *runaway quote*: a field that opens a
    quote which is not closed on its line swallows the following lines into one field until some
    later quote closes it. When such a field spans lines that look like records themselves (the
    header's number of fields and the usual shape of the first column), the line where the quote
    opened is quarantined, naming that line, and every swallowed line is read as its own record.
    A legitimate multi-line quoted answer (no record-shaped lines inside) is kept as one record."""
    data = _read_bytes(path)
    warnings: list[str] = []
    text, enc = decode(data, encoding, path, warnings)
    if text.startswith("\ufeff"):
        text = text[1:]
    delim = sniff_delimiter(text, delimiter)
    # physical lines exactly as the csv module counts them (it splits on \n, \r and \r\n)
    phys = io.StringIO(text, newline="").readlines()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    try:
        header = next(reader)
    except StopIteration:
        raise FileUnreadable(f"{path}: no header line") from None
    except csv.Error as exc:
        raise FileUnreadable(f"{path}: line 1: CSV header cannot be parsed: {exc}") from None
    header = [h.strip().lstrip("\ufeff") for h in header]
    if len(header) < 2:
        raise FileUnreadable(
            f"{path}: line 1: header has one column ({header[0][:60]!r}); delimiter {delim!r} does not split it"
        )
    ncol = len(header)
    parsed: list[tuple[int, int, list[str]]] = []
    prev_end = reader.line_num
    try:
        for row in reader:
            start = prev_end + 1
            prev_end = reader.line_num
            parsed.append((start, prev_end, row))
    except csv.Error as exc:
        raise FileUnreadable(f"{path}: line {reader.line_num}: CSV cannot be parsed: {exc}") from None

    def line(n: int) -> str:
        return phys[n - 1].rstrip("\r\n") if 0 < n <= len(phys) else ""

    def raw_of(a: int, b: int) -> str:
        return "\n".join(line(n) for n in range(a, b + 1))[:10000]

    def alone(s: str) -> list[str]:
        try:
            return next(csv.reader([s], delimiter=delim), [])
        except csv.Error:
            return []

    first_shapes = {_shape(r[0]) for a, b, r in parsed if a == b and len(r) == ncol}

    def record_shaped(s: str) -> bool:
        f = alone(s)
        return len(f) == ncol and (not first_shapes or _shape(f[0]) in first_shapes)

    def blank(row: list[str]) -> bool:
        return not row or (len(row) == 1 and not row[0].strip())

    records, lines, bad = [], [], []
    last_normal: tuple[int, bool] | None = None  # (start line, was it a record) of the last row read normally
    for start, end, row in parsed:
        if blank(row):
            continue
        if end > start and any(record_shaped(line(n)) for n in range(start + 1, end + 1)):
            opened = alone(line(start))
            j = len(opened) - 1 if opened else 0
            col = header[j] if 0 <= j < ncol else f"field {j + 1}"
            bad.append(BadRecord(
                start, col,
                f"runaway quote opened on line {start}: a quote opens in field '{col}' and is not closed on that "
                f"line; it swallowed lines {start + 1}-{end}, which are records of their own and were read separately",
                raw_of(start, start)))
            for n in range(start + 1, end + 1):
                s = line(n)
                if not s.strip():
                    continue
                f = alone(s)
                if len(f) == ncol:
                    records.append(f)
                    lines.append(n)
                else:
                    bad.append(BadRecord(n, "*", f"expected {ncol} fields, found {len(f)} (line inside a runaway quote "
                                                 f"opened on line {start})", raw_of(n, n)))
            last_normal = None
            continue
        if len(row) != ncol:
            hint = " (other delimiter in this row?)" if len(row) == 1 else ""
            bad.append(BadRecord(start, "*", f"expected {ncol} fields, found {len(row)}{hint}", raw_of(start, end)))
            last_normal = (start, False)
            continue
        records.append(row)
        lines.append(start)
        last_normal = (start, True)
    last_start = parsed[-1][0] if parsed else None
    if last_normal and last_normal[0] == last_start:
        tail = "\n".join(line(n) for n in range(last_start, len(phys) + 1))
        if not last_normal[1] and not text.endswith(("\n", "\r")):
            b = bad[-1]
            b.reason = ("record is cut off (unclosed quote at end of file: truncated export?)" if b.raw.count('"') % 2
                        else f"{b.reason}; last record of a file without final newline: truncated export?")
        elif last_normal[1] and tail.count('"') % 2 == 1:
            # a file cut off inside a quoted field: the last record swallowed the rest of the file
            records.pop()
            lines.pop()
            bad.append(BadRecord(last_start, "*", "record is cut off (unclosed quote at end of file: truncated export?)", tail[:10000]))
    bad.sort(key=lambda b: b.line)
    return RawTable(header, records, lines, bad, encoding=enc, delimiter=delim, warnings=warnings)


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
    warnings: list[str] = []
    text, enc = decode(data, encoding, path, warnings)
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
    return RawTable(list(cols), records, lines, bad, encoding=enc, warnings=warnings)


def read_json(path: Path, encoding: str = "auto") -> RawTable:
    """A JSON array of objects (or {"records": [...]}); a truncated array keeps the complete records
    before the cut and quarantines the rest. Record numbers count from 1."""
    data = _read_bytes(path)
    warnings: list[str] = []
    text, enc = decode(data, encoding, path, warnings)
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
    return RawTable(list(cols), records, lines, bad, encoding=enc, warnings=warnings)


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
