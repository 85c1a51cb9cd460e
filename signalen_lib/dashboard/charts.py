"""Altair charts for the dashboard, drawn in the browser by the Vega renderer Voila bundles.

A chart goes to the page as an ``application/vnd.vegalite.v5+json`` output of an
``ipywidgets.Output`` (:class:`ChartBox`): Voila's own bundled Vega/Vega-Lite (served from the
Voila server, no CDN) draws it, so a filter change only sends a small spec. Data are small
aggregated frames inlined in the spec (row limits hold). :func:`to_svg` (vl-convert, offline) gives
the same chart as SVG for reports and tests.
"""
from __future__ import annotations

import html
import json
from functools import lru_cache
from pathlib import Path

import altair as alt
import ipywidgets as W
import pandas as pd

FONT = "DejaVu Sans, Arial, sans-serif"
WIDTH = 760
ATTRIBUTION = "Bron kaartgrenzen: CBS Wijk- en Buurtkaart (CC BY 4.0)"
VEGALITE_MIME = "application/vnd.vegalite.v5+json"
SCHEMA_V5 = "https://vega.github.io/schema/vega-lite/v5.json"  # an identifier only; never fetched


NL_LOCALE = {
    "number": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["€ ", ""]},
    "time": {
        "dateTime": "%a %e %B %Y %X", "date": "%d-%m-%Y", "time": "%H:%M:%S", "periods": ["AM", "PM"],
        "days": ["zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"],
        "shortDays": ["zo", "ma", "di", "wo", "do", "vr", "za"],
        "months": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
                   "oktober", "november", "december"],
        "shortMonths": ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
    },
}


CONFIG = {"font": FONT, "locale": NL_LOCALE, "view": {"stroke": None}}


def _to_dict(chart: alt.TopLevelMixin) -> dict:
    # the config is added as a plain dict: chart.configure(...) makes Altair rebuild its schema
    # lookup tables (hundreds of ms per chart); validation is skipped (the specs are fixed code)
    out = chart.to_dict(validate=False)
    out["config"] = {**CONFIG, **out.get("config", {})}
    return out


def spec(chart: alt.TopLevelMixin) -> dict:
    """The Vega-Lite spec of a chart as the page's renderer (Vega-Lite 5) takes it."""
    out = _to_dict(chart)
    out["$schema"] = SCHEMA_V5
    out["usermeta"] = {"embedOptions": {"actions": False}}  # no "open in Vega editor" link to the internet
    # large inline values (map geometry) are added after to_dict, which is slow on deep data
    for name, values in getattr(chart, "_signalen_datasets", {}).items():
        out.setdefault("datasets", {})[name] = values
    return out


def to_svg(chart: alt.TopLevelMixin) -> str:
    """SVG markup of a chart (vl-convert, offline)."""
    import vl_convert as vlc

    out = _to_dict(chart)
    for name, values in getattr(chart, "_signalen_datasets", {}).items():
        out.setdefault("datasets", {})[name] = values
    return vlc.vegalite_to_svg(out)


def message_html(text: str, css: str = "signalen-message") -> str:
    return f"<div class='{css}'><p>{html.escape(text)}</p></div>"


class ChartBox(W.VBox):
    """A titled chart area: ``show(chart, title, note)``; ``spec`` keeps the last spec shown."""

    def __init__(self, name: str):
        self.spec: dict | None = None
        self.w_title = W.HTML()
        self.w_out = W.Output()
        self.w_note = W.HTML()
        super().__init__([self.w_title, self.w_out, self.w_note])
        self.add_class("signalen-chart")
        self.add_class(f"signalen-chart-{name}")

    def show(self, chart: alt.TopLevelMixin | None, title: str = "", note: str = "") -> None:
        self.w_title.value = f"<h4>{html.escape(title)}</h4>" if title else ""
        self.w_note.value = f"<div class='signalen-note'>{html.escape(note)}</div>" if note else ""
        self.spec = spec(chart) if chart is not None else None
        if self.spec is None:
            data = {"text/html": message_html("Geen gegevens voor deze selectie.", "signalen-message signalen-empty"),
                    "text/plain": "geen gegevens"}
        else:
            data = {VEGALITE_MIME: self.spec, "text/plain": "<grafiek>"}
        # set the output directly (no IPython display machinery needed; works outside a kernel too)
        self.w_out.outputs = ({"output_type": "display_data", "data": data, "metadata": {}},)


def volume_chart(df: pd.DataFrame, grain: str) -> alt.Chart | None:
    """Stacked area of volume per period and category (df: t, categorie, n)."""
    if df.empty:
        return None
    label = {"day": "dag", "week": "week", "month": "maand"}[grain]
    return alt.Chart(df).mark_area(interpolate="monotone").encode(
        x=alt.X("t:T", title=label),
        y=alt.Y("n:Q", title="aantal signalen", stack="zero"),
        color=alt.Color("categorie:N", title="categorie", legend=alt.Legend(orient="right", labelLimit=180)),
        tooltip=[alt.Tooltip("t:T", title=label), alt.Tooltip("categorie:N"), alt.Tooltip("n:Q", title="aantal")],
    ).properties(width=WIDTH - 200, height=230)


def kpi_chart(df: pd.DataFrame, target: float | None) -> alt.Chart | None:
    """Monthly share of dissatisfied KTO scores with the target line (df: t, aandeel)."""
    if df.empty:
        return None
    base = alt.Chart(df).mark_line(point=True, color="#c0392b").encode(
        x=alt.X("t:T", title="maand"),
        y=alt.Y("aandeel:Q", title="aandeel ontevreden (0–6)", axis=alt.Axis(format="%")),
        tooltip=[alt.Tooltip("t:T", title="maand", format="%B %Y"), alt.Tooltip("aandeel:Q", format=".1%")],
    )
    layers = [base]
    if target is not None:
        rule = alt.Chart(pd.DataFrame({"doel": [target]})).mark_rule(strokeDash=[6, 4], color="#27ae60").encode(
            y="doel:Q", tooltip=[alt.Tooltip("doel:Q", title="doel", format=".1%")])
        layers.append(rule)
    return alt.layer(*layers).properties(width=WIDTH - 200, height=160)


def change_chart(df: pd.DataFrame) -> alt.Chart | None:
    """Horizontal bars of the change vs the previous period (df: categorie, verschil)."""
    if df.empty:
        return None
    df = df.assign(richting=["stijging" if v > 0 else "daling" for v in df["verschil"]])
    return alt.Chart(df).mark_bar().encode(
        y=alt.Y("categorie:N", sort="-x", title=None, axis=alt.Axis(labelLimit=220)),
        x=alt.X("verschil:Q", title="verschil met vorige periode"),
        color=alt.Color("richting:N", legend=None,
                        scale=alt.Scale(domain=["stijging", "daling"], range=["#c0392b", "#2980b9"])),
        tooltip=[alt.Tooltip("categorie:N"), alt.Tooltip("nu:Q"), alt.Tooltip("vorige:Q"), alt.Tooltip("verschil:Q")],
    ).properties(width=WIDTH - 360, height=alt.Step(18))


def season_chart(df: pd.DataFrame, title_cat: str) -> alt.Chart | None:
    """Weekly volume this year vs the same weeks last year (df: week, jaar, n)."""
    if df.empty:
        return None
    return alt.Chart(df).mark_line(point=True).encode(
        x=alt.X("week:Q", title="week", scale=alt.Scale(domain=[1, 53])),
        y=alt.Y("n:Q", title=f"signalen per week — {title_cat}"),
        color=alt.Color("jaar:N", title="Jaar", scale=alt.Scale(range=["#2c3e50", "#95a5a6"]),
                        legend=alt.Legend(orient="top", direction="horizontal")),
        strokeDash=alt.StrokeDash("jaar:N", legend=None),
        tooltip=[alt.Tooltip("jaar:N"), alt.Tooltip("week:Q"), alt.Tooltip("n:Q")],
    ).properties(width=WIDTH - 180, height=240)


def alert_chart(df: pd.DataFrame, title: str) -> alt.Chart | None:
    """Daily volume of a flagged series over the last weeks (df: dag, n)."""
    if df.empty:
        return None
    return alt.Chart(df).mark_bar(color="#e67e22").encode(
        x=alt.X("dag:T", title="dag"), y=alt.Y("n:Q", title=f"per dag — {title}"),
        tooltip=[alt.Tooltip("dag:T", format="%d-%m-%Y"), alt.Tooltip("n:Q")],
    ).properties(width=WIDTH - 180, height=160)


@lru_cache(maxsize=2)
def _wijk_features(path: str) -> tuple:
    return tuple(json.loads(Path(path).read_text(encoding="utf-8"))["features"])


def wijk_map(geojson: Path, values: pd.DataFrame, measure_title: str, fmt: str) -> alt.Chart:
    """Choropleth of Rotterdam's wijken (values: wijkcode, waarde, label); grey = suppressed/none."""
    feats = []
    vals = values.set_index("wijkcode")
    for f in _wijk_features(str(geojson)):
        code = f["properties"]["wijkcode"]
        props = {"wijkcode": code, "wijknaam": f["properties"]["wijknaam"]}
        if code in vals.index and pd.notna(vals.loc[code, "waarde"]):
            props["waarde"] = float(vals.loc[code, "waarde"])
        props["label"] = str(vals.loc[code, "label"]) if code in vals.index else "geen signalen"
        feats.append({"type": "Feature", "geometry": f["geometry"], "properties": props})
    data = alt.NamedData(name="wijken_geo")
    base = alt.Chart(data).mark_geoshape(stroke="white", strokeWidth=0.8).encode(
        tooltip=[alt.Tooltip("properties.wijknaam:N", title="wijk"), alt.Tooltip("properties.label:N", title=measure_title)],
    ).project(type="mercator")
    grey = base.encode(color=alt.ColorValue("#dddddd"))
    col = base.transform_filter("isValid(datum.properties.waarde)").encode(
        color=alt.Color("properties.waarde:Q", title=measure_title, scale=alt.Scale(scheme="orangered"),
                        legend=alt.Legend(format=fmt)))
    out = alt.layer(grey, col).properties(width=560, height=420)
    out._signalen_datasets = {"wijken_geo": feats}
    return out


def heatmap(df: pd.DataFrame) -> alt.Chart | None:
    """Category x wijk heatmap (df: categorie, wijk, n, label); suppressed cells have n = null."""
    if df.empty:
        return None
    return alt.Chart(df).mark_rect().encode(
        x=alt.X("wijk:N", title=None, axis=alt.Axis(labelAngle=-45, labelLimit=140)),
        y=alt.Y("categorie:N", title=None, axis=alt.Axis(labelLimit=200)),
        color=alt.Color("n:Q", title="signalen", scale=alt.Scale(scheme="blues")),  # suppressed (null): not drawn
        tooltip=[alt.Tooltip("categorie:N"), alt.Tooltip("wijk:N"), alt.Tooltip("label:N", title="signalen")],
    ).properties(width=alt.Step(26), height=alt.Step(18))


def impact_chart(df: pd.DataFrame) -> alt.Chart | None:
    """Bars: how many percentage points the dissatisfied share would fall per category, with its
    95%-interval (df: categorie, impact, lo, hi)."""
    if df.empty:
        return None
    base = alt.Chart(df).encode(y=alt.Y("categorie:N", sort="-x", title=None))
    bars = base.mark_bar(color="#b45309").encode(
        x=alt.X("impact:Q", title="daling van het aandeel ontevreden (procentpunt)", axis=alt.Axis(format=".1%")),
        tooltip=[alt.Tooltip("categorie:N", title="Categorie"), alt.Tooltip("impact:Q", title="Daling", format=".1%"),
                 alt.Tooltip("lo:Q", title="95%-interval van", format=".1%"), alt.Tooltip("hi:Q", title="tot", format=".1%")])
    rules = base.mark_rule(color="#111827").encode(x="lo:Q", x2="hi:Q")
    return (bars + rules).properties(width=WIDTH - 260, height=max(120, 22 * len(df)))


def quality_chart(df: pd.DataFrame) -> alt.Chart | None:
    """Bars: F1 per category with its 95%-interval (df: categorie, f1, lo, hi, n)."""
    if df.empty:
        return None
    base = alt.Chart(df).encode(y=alt.Y("categorie:N", sort="-x", title=None))
    bars = base.mark_bar(color="#00689e").encode(
        x=alt.X("f1:Q", title="hoe vaak het model de categorie goed heeft (F1)", scale=alt.Scale(domain=[0, 1])),
        tooltip=[alt.Tooltip("categorie:N", title="Categorie"), alt.Tooltip("f1:Q", title="F1", format=".2f"),
                 alt.Tooltip("lo:Q", title="95%-interval van", format=".2f"), alt.Tooltip("hi:Q", title="tot", format=".2f"),
                 alt.Tooltip("n:Q", title="gelabelde teksten")])
    rules = base.mark_rule(color="#111827").encode(x="lo:Q", x2="hi:Q")
    return (bars + rules).properties(width=WIDTH - 260, height=max(120, 20 * len(df)))
