"""Dutch formatting of numbers, percentages and dates: what staff read in the dashboard and reports.

One place for it: ``fmt_int(12345) == "12.345"``, ``fmt_pct(0.1234) == "12,3%"``,
``fmt_num(0.634, 2) == "0,63"``, ``fmt_date(ts) == "03-11-2026"``, ``fmt_datetime`` in local time.
A missing value (None, NaN, inf) is shown as an en dash.
"""
from __future__ import annotations

import math
from datetime import datetime, timezone

import pandas as pd

DASH = "–"
MAANDEN = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
           "oktober", "november", "december")


def _missing(x) -> bool:
    if x is None:
        return True
    try:
        return bool(pd.isna(x)) or (isinstance(x, float) and not math.isfinite(x))
    except (TypeError, ValueError):
        return False


def fmt_int(n) -> str:
    """Dutch thousands separator: 12345 -> '12.345'."""
    if _missing(n):
        return DASH
    return f"{int(round(float(n))):,}".replace(",", ".")


def fmt_num(x, digits: int = 2) -> str:
    """A decimal number with a decimal comma and a dot for thousands: 1234.5 -> '1.234,50'."""
    if _missing(x):
        return DASH
    return f"{float(x):,.{digits}f}".replace(",", "\0").replace(".", ",").replace("\0", ".")


def fmt_pct(x, signed: bool = False, digits: int = 1) -> str:
    """A share as a Dutch percentage: 0.1234 -> '12,3%' (signed: '+12,3%', '−12,3%')."""
    if _missing(x):
        return DASH
    v = float(x) * 100
    body = f"{abs(v):.{digits}f}".replace(".", ",")
    if signed:
        sign = "+" if round(v, digits) > 0 else "−" if round(v, digits) < 0 else ""
        return f"{sign}{body}%"
    return f"{'−' if round(v, digits) < 0 else ''}{body}%"


def fmt_date(d) -> str:
    """03-11-2026."""
    if _missing(d):
        return DASH
    return pd.Timestamp(d).strftime("%d-%m-%Y")


def fmt_date_long(d) -> str:
    """3 november 2026."""
    if _missing(d):
        return DASH
    ts = pd.Timestamp(d)
    return f"{ts.day} {MAANDEN[ts.month - 1]} {ts.year}"


def month_name(d) -> str:
    """november 2026."""
    ts = pd.Timestamp(d)
    return f"{MAANDEN[ts.month - 1]} {ts.year}"


def fmt_datetime(ts, tz: str = "Europe/Amsterdam", *, utc: bool = True) -> str:
    """03-11-2026 14:05 in local time ``tz``. A naive ``ts`` is UTC, or with ``utc=False`` the
    time of this machine's clock (``datetime.now()``, whatever the machine's time zone)."""
    if _missing(ts):
        return "onbekend"
    from zoneinfo import ZoneInfo

    t = pd.Timestamp(ts).to_pydatetime()
    if t.tzinfo is None:
        t = t.replace(tzinfo=timezone.utc) if utc else t.astimezone()  # astimezone(): the machine's zone
    return t.astimezone(ZoneInfo(tz)).strftime("%d-%m-%Y %H:%M")


def now_local(tz: str = "Europe/Amsterdam") -> datetime:
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(tz))
