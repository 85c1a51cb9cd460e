"""Small helpers the insights modules share (not public API)."""
from __future__ import annotations

import json
from typing import Any, Iterable, Sequence

import pandas as pd

from signalen_lib.store.database import _ident


def where_clause(
    start=None,
    end=None,
    filters: dict[str, Any] | None = None,
    alias: str = "s",
) -> tuple[str, list]:
    """``WHERE`` text (possibly empty) and params for [start, end) and equality/IN filters."""
    where, params = [], []
    if start is not None:
        where.append(f"{alias}.received_at >= ?")
        params.append(pd.Timestamp(start).to_pydatetime())
    if end is not None:
        where.append(f"{alias}.received_at < ?")
        params.append(pd.Timestamp(end).to_pydatetime())
    for col, val in (filters or {}).items():
        if val is None:
            continue
        if isinstance(val, (list, tuple, set)):
            vals = list(val)
            if not vals:
                continue
            where.append(f"{alias}.{_ident(col)} IN ({', '.join('?' * len(vals))})")
            params.extend(vals)
        else:
            where.append(f"{alias}.{_ident(col)} = ?")
            params.append(val)
    return (" WHERE " + " AND ".join(where)) if where else "", params


def query_for_ids(db, sql: str, ids: Sequence[str], params: Sequence = (), chunk: int = 5000) -> pd.DataFrame:
    """``sql`` with ``{ids}`` standing for a list of ``?`` placeholders, run for ``ids`` in chunks
    and concatenated: the rows of a few signals without reading the whole table."""
    ids = list(dict.fromkeys(ids))
    frames = [db.query_df(sql.format(ids=", ".join("?" * len(part))), [*params, *part])
              for part in (ids[k:k + chunk] for k in range(0, len(ids), chunk))]
    if not frames:
        return db.query_df(sql.format(ids="NULL"), list(params))
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def analyze(db, *tables: str) -> None:
    """Refresh PostgreSQL's planner statistics after a bulk write (a no-op on DuckDB)."""
    if db.backend == "postgres":
        for t in tables:
            db.execute(f"ANALYZE {_ident(t)}")


def to_json_list(value: Any) -> str | None:
    """A list (or a ';'/','/'|' separated string) as a JSON array text; None/empty -> None."""
    items = parse_list(value)
    return json.dumps(items, ensure_ascii=False) if items else None


def parse_list(value: Any) -> list[str]:
    """JSON array text, a Python sequence or a separated string -> list of stripped strings."""
    if value is None:
        return []
    if isinstance(value, float) and pd.isna(value):
        return []
    if isinstance(value, (list, tuple, set)):
        return [str(v).strip() for v in value if str(v).strip()]
    text = str(value).strip()
    if not text:
        return []
    if text.startswith("["):
        try:
            data = json.loads(text)
            if isinstance(data, list):
                return [str(v).strip() for v in data if str(v).strip()]
        except json.JSONDecodeError:
            pass
    for sep in ("|", ";", ","):
        if sep in text:
            return [p.strip() for p in text.split(sep) if p.strip()]
    return [text]


def as_list(x: str | Sequence[str] | None) -> list[str]:
    if x is None:
        return []
    if isinstance(x, str):
        return [x]
    return list(x)


def unique(seq: Iterable) -> list:
    seen, out = set(), []
    for x in seq:
        if x not in seen:
            seen.add(x)
            out.append(x)
    return out
