"""Vectorised parsing and normalisation of the canonical fields: dates, scores, places, channels."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..schema import CHANNELS, UNKNOWN

MONTHS_NL = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "maart": 3, "mrt": 3, "mar": 3, "april": 4, "apr": 4,
    "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "augustus": 8, "aug": 8, "september": 9, "sep": 9,
    "sept": 9, "oktober": 10, "okt": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}
_MONTH_RE = re.compile(r"^\s*(\d{1,2})\s+(" + "|".join(sorted(MONTHS_NL, key=len, reverse=True)) + r")\.?\s+(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*$", re.I)
_DMY = re.compile(r"^\s*(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?:[ T]+(\d{1,2})[:.](\d{2})(?::(\d{2}))?)?\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?\s*$")


def parse_dates(values: pd.Series, date_format: str = "dutch") -> pd.Series:
    """Parse ISO and Dutch dates ("3-2-2025", "03-02-2025 14:05", "3 februari 2025"); day first.
    Unparseable values become NaT. Python datetimes (from XLSX) pass through. Time-zone-aware ISO
    values are converted to Europe/Amsterdam local time and made naive."""
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
    is_dt = values.map(lambda v: hasattr(v, "year") and hasattr(v, "month"))
    if is_dt.any():
        out[is_dt] = pd.to_datetime(values[is_dt].map(lambda v: pd.Timestamp(v).tz_localize(None) if getattr(v, "tzinfo", None) else pd.Timestamp(v)))
    s = values[~is_dt].astype("string").str.strip()
    # fast path: the common exact formats, vectorised; the regexes below handle the rest
    for fmt in ("%d-%m-%Y %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%d-%m-%Y"):
        todo = out.isna() & ~is_dt
        if not todo.any():
            break
        sub = s[todo[~is_dt]]
        parsed = pd.to_datetime(sub, format=fmt, errors="coerce")
        ok = parsed.notna()
        if ok.any():
            out.loc[parsed.index[ok]] = parsed[ok].astype("datetime64[us]")
    # fast path for "3 februari 2025": split, look the month up, parse as day-month-year
    todo = out.isna() & ~is_dt
    if todo.any():
        sub = s[todo[~is_dt]]
        parts = sub.str.lower().str.split(" ", n=2, expand=True)
        if parts.shape[1] == 3:
            month = parts[1].map(MONTHS_NL)
            cand = parts[0] + "-" + month.astype("Int64").astype("string") + "-" + parts[2]
            parsed = pd.to_datetime(cand, format="%d-%m-%Y", errors="coerce")
            ok = parsed.notna()
            if ok.any():
                out.loc[parsed.index[ok]] = parsed[ok].astype("datetime64[us]")
    for regex, order in ((_ISO, "ymd"), (_DMY, "dmy"), (_MONTH_RE, "dmonthy")):
        todo = out.isna() & ~is_dt & s.reindex(out.index).notna()
        if not todo.any():
            break
        parts = s[todo[~is_dt]].str.extract(regex)
        ok = parts[0].notna()
        if not ok.any():
            continue
        p = parts[ok]
        if order == "ymd":
            y, m, d = p[0], p[1], p[2]
        elif order == "dmy":
            d, m, y = p[0], p[1], p[2]
        else:
            d, y = p[0], p[2]
            m = p[1].str.lower().map(MONTHS_NL).astype("string")
        frame = pd.DataFrame({
            "year": pd.to_numeric(y), "month": pd.to_numeric(m), "day": pd.to_numeric(d),
            "hour": pd.to_numeric(p[3]).fillna(0), "minute": pd.to_numeric(p[4]).fillna(0),
            "second": pd.to_numeric(p[5]).fillna(0),
        })
        parsed = pd.to_datetime(frame, errors="coerce")
        if order == "ymd" and p.shape[1] > 6:
            tz = p[6]
            has_tz = tz.notna()
            if has_tz.any():
                aware = pd.to_datetime(s[todo[~is_dt]][ok][has_tz], utc=True, errors="coerce", format="ISO8601")
                parsed[has_tz] = aware.dt.tz_convert("Europe/Amsterdam").dt.tz_localize(None)
        out.loc[parsed.index] = parsed.astype("datetime64[us]")
    return out


_SCORE_WORDS = None


# a score as people and spreadsheets write it: "8", "08", "8,0", "8.0", "-1" (range checked below);
# not "1e1", "0x8", "+8", "8 ", "acht" or "½"
_SCORE_RE = r"^-?[0-9]{1,3}(?:[.,][0-9]+)?$"


def parse_scores(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """KTO scores: whole numbers 0..10, written with digits ("8"; Dutch "8,0" and "8.0" are 8).
    Returns (scores as Int64 with <NA> for empty, error reasons or None). Scientific notation
    ("1e1"), hexadecimal, words and fractions ("8,5") are rejected with a reason."""
    s = values.astype("string").str.strip()
    empty = s.isna() | (s == "")
    shaped = s.str.fullmatch(_SCORE_RE, na=False)
    num = pd.to_numeric(s.where(~empty & shaped).str.replace(",", ".", regex=False), errors="coerce")
    reason = pd.Series(None, index=values.index, dtype=object)
    not_num = ~empty & num.isna()
    # echo only short number-like values: a shifted column must not carry free text into reasons
    shown = s[not_num].map(lambda v: repr(v) if len(v) <= 10 and re.fullmatch(r"[\w.,+\-]*", v) else "(value not shown)")
    reason[not_num] = "score " + shown + " is not a number 0-10"
    frac = ~empty & num.notna() & (num != np.floor(num.fillna(0)))
    reason[frac] = "score " + s[frac].map(repr) + " is not a whole number 0-10"
    out_of_range = ~empty & num.notna() & ~frac & ((num < 0) | (num > 10))
    reason[out_of_range] = "score " + s[out_of_range].map(repr) + " is outside 0-10"
    good = ~empty & reason.isna()
    scores = pd.Series(pd.NA, index=values.index, dtype="Int64")
    scores[good] = num[good].astype("int64")
    return scores, reason


CHANNEL_ALIASES = {
    "telefoon": "telefoon 14010", "telefonisch": "telefoon 14010", "14010": "telefoon 14010", "tel": "telefoon 14010",
    "telefoon 14010": "telefoon 14010", "kcc": "telefoon 14010", "email": "e-mail", "e-mail": "e-mail", "mail": "e-mail",
    "web": "web", "website": "web", "webformulier": "web", "online": "web", "internet": "web",
    "chat": "chat", "webchat": "chat", "whatsapp": "chat", "brief": "brief", "post": "brief",
    "stadswinkel": "stadswinkel", "balie": "balie", "loket": "balie", "sociale media": "sociale media",
    "social media": "sociale media", "twitter": "sociale media", "facebook": "sociale media",
}


def normalise_channel(values: pd.Series) -> pd.Series:
    s = values.astype("string").str.strip().str.lower()
    mapped = s.map(lambda v: CHANNEL_ALIASES.get(v, v if v in CHANNELS else v) if isinstance(v, str) and v else UNKNOWN)
    return mapped.astype(object)


@lru_cache(maxsize=1)
def geo_tables(geo_dir: str) -> pd.DataFrame:
    df = pd.read_csv(Path(geo_dir) / "rotterdam_buurten.tsv", sep="\t", dtype=str)
    return df


def _key(s: pd.Series) -> pd.Series:
    return s.astype("string").str.strip().str.lower().str.replace(r"[\s\-'’.]+", " ", regex=True)


def resolve_places(df: pd.DataFrame, geo_dir: str) -> pd.DataFrame:
    """Fill wijk_code/wijk/buurt_code/buurt from whichever of them the export gave (codes or names).
    Unknown places become "onbekend" (kept, not dropped)."""
    geo = geo_tables(geo_dir)
    buurt_by_code = geo.set_index("buurtcode")
    buurt_by_name = geo.assign(k=_key(geo["buurtnaam"])).drop_duplicates("k").set_index("k")
    wijken = geo.drop_duplicates("wijkcode")
    wijk_by_code = wijken.set_index("wijkcode")["wijknaam"]
    wijk_by_name = wijken.assign(k=_key(wijken["wijknaam"])).set_index("k")["wijkcode"]
    n = len(df)
    idx = df.index
    bcode = pd.Series(pd.NA, index=idx, dtype="string")
    if "buurt_code" in df:
        c = df["buurt_code"].astype("string").str.strip().str.upper()
        bcode = c.where(c.isin(buurt_by_code.index))
    if "buurt" in df:
        byname = _key(df["buurt"]).map(buurt_by_name["buurtcode"])
        bcode = bcode.fillna(byname.astype("string"))
    wcode = bcode.map(buurt_by_code["wijkcode"]).astype("string")
    if "wijk_code" in df:
        c = df["wijk_code"].astype("string").str.strip().str.upper()
        wcode = wcode.fillna(c.where(c.isin(wijk_by_code.index)))
    if "wijk" in df:
        wcode = wcode.fillna(_key(df["wijk"]).map(wijk_by_name).astype("string"))
    out = pd.DataFrame(index=idx)
    out["buurt_code"] = bcode.fillna(UNKNOWN).astype(object)
    out["buurt"] = bcode.map(buurt_by_code["buurtnaam"]).fillna(UNKNOWN).astype(object)
    out["wijk_code"] = wcode.fillna(UNKNOWN).astype(object)
    out["wijk"] = wcode.map(wijk_by_code).fillna(UNKNOWN).astype(object)
    assert len(out) == n
    return out
