"""The national comparison the dashboard shows in a national store (issue 16).

Organisations side by side on the *national* categories, as signals per 10,000 contacts of that
organisation (contacts: all its signals in the period), so a large and a small organisation can be
compared. Small cells are suppressed again here: a cell with fewer than ``min_cell_size`` signals
shows no rate, and an organisation with fewer than ``min_cell_size`` contacts shows no row values.
Everything staff see is Dutch, with Dutch number formats (``vocab/fmt.py``).
"""
from __future__ import annotations

import html

import pandas as pd

from signalen_lib.vocab.fmt import fmt_date, fmt_int, fmt_num, fmt_pct
from signalen_lib.vocab.taxonomy import OVERIG

PER = 10_000
ALL = "alle"  # the organisation's contacts of a week (all categories)


def comparison(national: pd.DataFrame, start=None, end=None, *, k: int = 5, top: int = 8) -> pd.DataFrame:
    """One row per organisation: org_name, contacts (its ``alle`` cells), and per national category
    (the ``top`` largest nationally, ``overig`` left out) the rate per 10,000 contacts; NaN where
    suppressed. Weeks starting in [start, end] count."""
    df = national.copy()
    df["week"] = pd.to_datetime(df["week"])
    if start is not None:
        df = df[df["week"] >= pd.Timestamp(start)]
    if end is not None:
        df = df[df["week"] <= pd.Timestamp(end)]
    if df.empty:
        return pd.DataFrame()
    contacts = df[df["category"] == ALL].groupby(["org_code", "org_name"])["n"].sum()
    df = df[df["category"] != ALL]
    cats = (df[df["category"] != OVERIG].groupby("category")["n"].sum().sort_values(ascending=False).index[:top])
    cell = df[df["category"].isin(cats)].groupby(["org_code", "org_name", "category"])["n"].sum().unstack("category")
    cell = cell.reindex(index=contacts.index, columns=list(cats)).fillna(0)
    rate = cell.div(contacts, axis=0) * PER
    rate = rate.where((cell >= k) & (contacts.to_numpy()[:, None] >= k))
    out = rate.reset_index()
    out.insert(2, "contacts", contacts.to_numpy())
    lower = set(df.loc[(df.get("mode", "signals") == "aggregates") & (df.get("suppressed_signals", 0) > 0), "org_code"]) \
        if "mode" in df else set()
    out.insert(3, "lower_bound", out["org_code"].isin(lower))
    return out.sort_values("contacts", ascending=False).reset_index(drop=True)


def comparison_html(national: pd.DataFrame, start=None, end=None, *, k: int = 5, cat_name=lambda c: c,
                    top: int = 8) -> str:
    """The comparison as an HTML table (Dutch), darker where an organisation is far above the
    median of the organisations in that category."""
    tbl = comparison(national, start, end, k=k, top=top)
    period = (f" ({fmt_date(start)} t/m {fmt_date(end)})" if start is not None and end is not None else "")
    head = (f"<h4>Landelijk beeld: organisaties vergeleken{html.escape(period)}</h4>"
            f"<div class='signalen-note'>Signalen per {fmt_int(PER)} contacten van die organisatie, op de landelijke "
            f"categorieën. Een cel met minder dan {k} signalen wordt niet getoond (–).</div>")
    if tbl.empty:
        return head + "<div class='signalen-message'><p>Geen landelijke gegevens in deze periode.</p></div>"
    cats = [c for c in tbl.columns if c not in ("org_code", "org_name", "contacts", "lower_bound")]
    med = tbl[cats].median()
    rows = []
    for r in tbl.itertuples(index=False):
        d = r._asdict()
        star = " *" if d["lower_bound"] else ""
        cells = [f"<td>{html.escape(str(d['org_name']))}{star}</td>", f"<td class='num'>{fmt_int(d['contacts'])}</td>"]
        for c in cats:
            v = getattr(r, c) if c.isidentifier() else d[c]
            if pd.isna(v):
                cells.append("<td class='num'>–</td>")
                continue
            ratio = v / med[c] if med[c] and not pd.isna(med[c]) else 1.0
            shade = "#f6c9a8" if ratio >= 1.5 else "#fbe3d2" if ratio >= 1.2 else "#d9ecf7" if ratio <= 0.67 else ""
            style = f" style='background:{shade}'" if shade else ""
            cells.append(f"<td class='num'{style}>{fmt_num(v, 0)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    th = "".join(f"<th>{html.escape(cat_name(c))}</th>" for c in cats)
    legend = ("<div class='signalen-note'>Oranje: ver boven de mediaan van de organisaties (1,2× en 1,5×); "
              "blauw: ver eronder.</div>")
    if tbl["lower_bound"].any():
        legend += (f"<div class='signalen-note'>* Deze organisatie geeft alleen totalen door; weken met minder dan {k} "
                   "signalen in een categorie zijn weggelaten, dus haar cijfers zijn een ondergrens.</div>")
    return (head + "<table class='signalen-table signalen-national'><tr><th>organisatie</th><th>contacten</th>"
            + th + "</tr>" + "".join(rows) + "</table>" + legend)


def effects_html(effects: pd.DataFrame, org_name=lambda c: c, cat_name=lambda c: c) -> str:
    """The stored national-effect estimates (``signalen national-effect --save``): per category, each
    affected organisation's estimate with its 95% interval and Dutch verdict, then the placebo
    organisations (not affected: the check that the method sees no effect where there is none)."""
    if effects is None or effects.empty:
        return ""
    parts = []
    for cat, g in effects.groupby("category", sort=False):
        rows = []
        for r in g.sort_values(["role", "org_code"]).itertuples():
            role = (f"getroffen vanaf {fmt_date(r.start_day)}" if r.role == "getroffen"
                    else "niet getroffen (controle)")
            est = "–" if pd.isna(r.estimate) else fmt_pct(r.estimate, signed=True, digits=0)
            ci = "–" if pd.isna(r.ci_low) else f"{fmt_pct(r.ci_low, signed=True, digits=0)} tot {fmt_pct(r.ci_high, signed=True, digits=0)}"
            rows.append(f"<tr><td>{html.escape(org_name(r.org_code))}</td><td>{html.escape(role)}</td>"
                        f"<td class='num'>{est}</td><td class='num'>{ci}</td><td>{html.escape(r.verdict)}</td></tr>")
        computed = fmt_date(g["computed_at"].max())
        parts.append(
            f"<h4>Effect van landelijk beleid op {html.escape(cat_name(cat))}</h4>"
            "<div class='signalen-note'>Per getroffen organisatie vergeleken met de organisaties die (nog) niet "
            "getroffen waren (verschil-in-verschillen op weekcijfers, 95%-interval). Voor niet-getroffen "
            f"organisaties hoort er geen effect te zijn. Berekend op {computed}.</div>"
            "<table class='signalen-table signalen-national-effect'><tr><th>organisatie</th><th>rol</th>"
            "<th>schatting</th><th>95%-interval</th><th>oordeel</th></tr>" + "".join(rows) + "</table>")
    return "".join(parts)
