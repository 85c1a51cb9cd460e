"""The staff dashboard as one ipywidgets app: ``build_app(settings)`` (Voila shows it).

Filters (periode, bron, kanaal, cluster → afdeling, wijk → buurt, categorie → subcategorie,
beleving) drive every view. Views are tabs; a filter change redraws the visible tab at once and the
others when they are opened. All numbers come from aggregates; a cell or list for fewer than
``settings.min_cell_size`` signals is suppressed; every text is HTML-escaped.
"""
from __future__ import annotations

import html
import math
import os
import time
from datetime import date, timedelta

import ipywidgets as W
import pandas as pd

from ..config import Settings, load_config
from ..insights.alerts import detect_alerts
from . import charts
from .data import ALL, PERIODS, DashboardData, DashboardDataError, Filters, find_ldavis, parse_metrics

VIEWS = ["Overzicht", "Trends en seizoen", "Signalering", "Wijken", "Voorbeelden", "Complimenten", "Model en validatie"]
PERCEPTIONS = [("klacht", "klacht"), ("neutraal", "neutraal"), ("compliment", "compliment")]
PAGE_SIZE = 10
MIN_INHABITANTS = 1000  # wijken with fewer inhabitants get no per-1,000 rate on the map

CSS = """
<style>
.signalen-app {font-family: 'DejaVu Sans', Arial, sans-serif; color: #222;}
.signalen-app h2 {margin: 4px 0 8px 0; font-size: 20px;}
.signalen-app h4 {margin: 10px 0 4px 0;}
.signalen-kpis {display: flex; gap: 12px; flex-wrap: wrap; margin: 6px 0;}
.signalen-kpi {border: 1px solid #ddd; border-radius: 6px; padding: 8px 14px; min-width: 170px; background: #fafafa;}
.signalen-kpi .v {font-size: 24px; font-weight: bold;}
.signalen-kpi .l {font-size: 12px; color: #555;}
.signalen-note {font-size: 11px; color: #666; margin-top: 2px;}
.signalen-table {border-collapse: collapse; font-size: 13px; margin: 4px 0;}
.signalen-table th, .signalen-table td {border-bottom: 1px solid #e5e5e5; padding: 3px 8px; text-align: left; vertical-align: top;}
.signalen-table td.num {text-align: right;}
.signalen-message {padding: 10px; background: #fff6e0; border-left: 4px solid #f0ad4e; margin: 6px 0;}
.signalen-wall {display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 12px;}
.signalen-wall .card {background: #eafaf1; border-radius: 10px; padding: 14px; font-size: 15px; line-height: 1.35;}
.signalen-wall .card .meta {font-size: 11px; color: #4d6b57; margin-top: 8px;}
.signalen-fullwall .card {font-size: 24px;}
.signalen-fullwall h2 {font-size: 34px;}
.signalen-status {font-size: 12px; color: #555;}
</style>
"""


def _esc(x) -> str:
    return html.escape("" if x is None or (isinstance(x, float) and math.isnan(x)) else str(x))


def html_table(df: pd.DataFrame, num_cols: tuple[str, ...] = (), css: str = "signalen-table") -> str:
    """An HTML table with every header and cell escaped."""
    head = "".join(f"<th>{_esc(c)}</th>" for c in df.columns)
    rows = []
    for rec in df.itertuples(index=False):
        cells = "".join(
            f"<td class='num'>{_esc(v)}</td>" if c in num_cols else f"<td>{_esc(v)}</td>"
            for c, v in zip(df.columns, rec))
        rows.append(f"<tr>{cells}</tr>")
    return f"<table class='{css}'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _fmt_int(n) -> str:
    return f"{int(n):,}".replace(",", ".")


def _fmt_pct(x) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x * 100:.1f}%".replace(".", ",")


def _dt(d) -> str:
    return pd.Timestamp(d).strftime("%d-%m-%Y")


def _opts(values: list[str], namer=lambda v: v) -> list[tuple[str, str]]:
    return [(ALL, "")] + [(namer(v), v) for v in values]


class Dashboard(W.VBox):
    """The app widget; ``build_app`` returns one. Python attributes are for tests and benchmarks."""

    def __init__(self, settings: Settings, data: DashboardData):
        self.settings = settings
        self.data = data
        self.k = int(settings.min_cell_size)
        self.renders = 0
        self.last_render_seconds = 0.0
        self._suspend = False
        self._dirty = set(range(len(VIEWS)))
        self._page = 0
        d = data
        lay = W.Layout(width="200px")
        style = {"description_width": "70px"}
        self.w_period = W.Dropdown(options=list(PERIODS), value="laatste jaar", description="Periode", layout=lay, style=style)
        self.w_start = W.DatePicker(description="Van", layout=W.Layout(width="200px", display="none"), style=style)
        self.w_end = W.DatePicker(description="Tot en met", layout=W.Layout(width="200px", display="none"), style=style)
        self.w_source = W.Dropdown(options=_opts(d.distinct("source")), value="", description="Bron", layout=lay, style=style)
        self.w_channel = W.Dropdown(options=_opts(d.distinct("channel")), value="", description="Kanaal", layout=lay, style=style)
        self.w_cluster = W.Dropdown(options=_opts(d.distinct("cluster")), value="", description="Cluster", layout=lay, style=style)
        self.w_afdeling = W.Dropdown(options=_opts(d.distinct("afdeling")), value="", description="Afdeling", layout=lay, style=style)
        self.w_wijk = W.Dropdown(options=_opts(d.distinct("wijk_code"), d.wijk_name), value="", description="Wijk", layout=lay, style=style)
        self.w_buurt = W.Dropdown(options=_opts(d.distinct("buurt_code"), d.buurt_name), value="", description="Buurt", layout=lay, style=style)
        cats = d.distinct("category")
        self.w_categories = W.SelectMultiple(options=[(d.cat_name(c), c) for c in cats], value=(), rows=5,
                                             description="Categorie", layout=W.Layout(width="260px"), style=style)
        self.w_sub = W.Dropdown(options=_opts([]), value="", description="Subcat.", layout=lay, style=style, disabled=True)
        self.w_perception = W.Dropdown(options=[(ALL, "")] + PERCEPTIONS, value="", description="Beleving", layout=lay, style=style)
        self.w_reset = W.Button(description="Wis filters", icon="", layout=W.Layout(width="110px"))
        self.w_status = W.HTML(layout=W.Layout(margin="0 0 0 8px"))
        self.w_status.add_class("signalen-status")
        for w, name in ((self.w_period, "period"), (self.w_start, "start"), (self.w_end, "end"),
                        (self.w_source, "source"), (self.w_channel, "channel"), (self.w_cluster, "cluster"),
                        (self.w_afdeling, "afdeling"), (self.w_wijk, "wijk"), (self.w_buurt, "buurt"),
                        (self.w_categories, "categories"), (self.w_sub, "subcategory"), (self.w_perception, "perception")):
            w.add_class(f"signalen-filter-{name}")
            w.observe(self._on_filter, names="value")
        self.w_reset.on_click(lambda _: self.reset())
        filters = W.VBox([
            W.HBox([self.w_period, self.w_start, self.w_end, self.w_source, self.w_channel]),
            W.HBox([self.w_cluster, self.w_afdeling, self.w_wijk, self.w_buurt, self.w_perception]),
            W.HBox([self.w_categories, W.VBox([self.w_sub, self.w_reset]), self.w_status]),
        ])
        # ---- views. Only the Overzicht's widgets exist at start: every widget is a model the page
        # must fetch and build before it shows anything, so the other views are built when opened.
        self.v = {}
        self.v["overzicht_kpis"] = W.HTML()
        self.v["overzicht_volume"] = charts.ChartBox("volume")
        self.v["overzicht_kpi"] = charts.ChartBox("kpi")
        self.v["overzicht_change"] = W.HTML()
        self.v["overzicht_change_chart"] = charts.ChartBox("change")
        self._cats = cats
        self._trend_default = cats[0] if cats else None
        self._built = {0}
        tabs = [W.VBox([self.v["overzicht_kpis"], self.v["overzicht_volume"], self.v["overzicht_kpi"],
                        self.v["overzicht_change"], self.v["overzicht_change_chart"]])]
        tabs += [W.VBox() for _ in VIEWS[1:]]
        self._tab_boxes = tabs
        self.tabs = W.Tab(children=tabs, titles=VIEWS)
        self.tabs.add_class("signalen-tabs")
        self.tabs.observe(self._on_tab, names="selected_index")
        title = W.HTML(CSS + "<h2>Signaalmanagement Rotterdam — dashboard</h2>")
        super().__init__([title, filters, self.tabs])
        self.add_class("signalen-app")
        self.filters = self._read_filters()
        self.refresh()

    def _build_view(self, idx: int) -> None:
        """Create a view's widgets the first time it is shown."""
        if idx in self._built:
            return
        d = self.data
        style = {"description_width": "70px"}
        if idx == 1:
            self.w_trend_cat = W.Dropdown(options=[(d.cat_name(c), c) for c in self._cats], value=self._trend_default,
                                          description="Categorie", layout=W.Layout(width="320px"), style=style)
            self.w_trend_cat.add_class("signalen-trend-category")
            self.w_trend_cat.observe(lambda _: self._render_view(1), names="value")
            self.v["trend"] = charts.ChartBox("trend")
            children = [self.w_trend_cat, self.v["trend"]]
        elif idx == 2:
            self.v["alerts"] = W.HTML()
            self.v["alerts_chart"] = charts.ChartBox("alert")
            children = [self.v["alerts"], self.v["alerts_chart"]]
        elif idx == 3:
            self.w_map_measure = W.ToggleButtons(options=[("per 1.000 inwoners", "rate"), ("ontevredenheid", "dissat")],
                                                 value="rate", description="Kleur")
            self.w_map_measure.add_class("signalen-map-measure")
            self.w_map_measure.observe(lambda _: self._render_view(3), names="value")
            self.v["map"] = charts.ChartBox("map")
            self.v["attribution"] = W.HTML(f"<div class='signalen-note signalen-attribution'>{_esc(charts.ATTRIBUTION)}</div>")
            self.v["heatmap"] = charts.ChartBox("heatmap")
            children = [self.w_map_measure, self.v["map"], self.v["attribution"], self.v["heatmap"]]
        elif idx == 4:
            self.v["examples"] = W.HTML()
            self.w_prev = W.Button(description="‹ Vorige", layout=W.Layout(width="100px"))
            self.w_next = W.Button(description="Volgende ›", layout=W.Layout(width="100px"))
            self.w_prev.add_class("signalen-prev")
            self.w_next.add_class("signalen-next")
            self.w_pageinfo = W.HTML()
            self.w_prev.on_click(lambda _: self._goto_page(self._page - 1))
            self.w_next.on_click(lambda _: self._goto_page(self._page + 1))
            children = [W.HBox([self.w_prev, self.w_pageinfo, self.w_next]), self.v["examples"]]
        elif idx == 5:
            self.v["compliments"] = W.HTML()
            children = [self.v["compliments"]]
        else:
            self.v["model"] = W.HTML()
            children = [self.v["model"]]
        self._tab_boxes[idx].children = children
        self._built.add(idx)

    # ---- filters -----------------------------------------------------------------------
    def _read_filters(self) -> Filters:
        preset = self.w_period.value
        if preset == "aangepast":
            start, end = self.w_start.value, self.w_end.value
        else:
            start, end = self.data.period_for(preset)
        cats = tuple(self.w_categories.value)
        return Filters(start=start, end=end, source=self.w_source.value or None, channel=self.w_channel.value or None,
                       cluster=self.w_cluster.value or None, afdeling=self.w_afdeling.value or None,
                       wijk_code=self.w_wijk.value or None, buurt_code=self.w_buurt.value or None, categories=cats,
                       subcategory=(self.w_sub.value or None) if len(cats) == 1 else None,
                       perception=self.w_perception.value or None)

    def _set_options(self, w: W.Dropdown, options: list[tuple[str, str]]) -> None:
        keep = w.value if w.value in {v for _, v in options} else ""
        w.options = options
        w.value = keep

    def _on_filter(self, change) -> None:
        if self._suspend:
            return
        self._suspend = True
        try:
            owner = change["owner"]
            d = self.data
            if owner is self.w_period:
                custom = self.w_period.value == "aangepast"
                for w in (self.w_start, self.w_end):
                    w.layout.display = "" if custom else "none"
                if custom and self.w_start.value is None:
                    s, e = d.period_for("laatste jaar")
                    self.w_start.value, self.w_end.value = s, e
            if owner is self.w_cluster:
                where, params = ("cluster = ?", [self.w_cluster.value]) if self.w_cluster.value else ("TRUE", [])
                self._set_options(self.w_afdeling, _opts(d.distinct("afdeling", where, params)))
            if owner is self.w_wijk:
                where, params = ("wijk_code = ?", [self.w_wijk.value]) if self.w_wijk.value else ("TRUE", [])
                self._set_options(self.w_buurt, _opts(d.distinct("buurt_code", where, params), d.buurt_name))
            if owner is self.w_categories:
                cats = self.w_categories.value
                if len(cats) == 1:
                    self._set_options(self.w_sub, _opts(d.distinct("subcategory", "category = ?", [cats[0]]), d.sub_name))
                    self.w_sub.disabled = False
                    self._trend_default = cats[0]
                    if 1 in self._built:
                        self.w_trend_cat.value = cats[0]
                else:
                    self._set_options(self.w_sub, _opts([]))
                    self.w_sub.disabled = True
        finally:
            self._suspend = False
        new = self._read_filters()
        if new != self.filters:
            self.filters = new
            self.refresh()

    def set_filters(self, **values) -> None:
        """Set filter widgets by name (period, source, channel, cluster, afdeling, wijk, buurt,
        categories, subcategory, perception, start, end) — as a person would, for tests."""
        names = {"period": self.w_period, "source": self.w_source, "channel": self.w_channel, "cluster": self.w_cluster,
                 "afdeling": self.w_afdeling, "wijk": self.w_wijk, "buurt": self.w_buurt, "categories": self.w_categories,
                 "subcategory": self.w_sub, "perception": self.w_perception, "start": self.w_start, "end": self.w_end}
        for k, v in values.items():
            names[k].value = tuple(v) if k == "categories" else v

    def reset(self) -> None:
        self._suspend = True
        try:
            self.w_period.value = "laatste jaar"
            for w in (self.w_source, self.w_channel, self.w_cluster, self.w_afdeling, self.w_wijk, self.w_buurt,
                      self.w_perception, self.w_sub):
                w.value = ""
            self.w_categories.value = ()
            self.w_sub.disabled = True
        finally:
            self._suspend = False
        self.filters = self._read_filters()
        self.refresh()

    # ---- rendering ---------------------------------------------------------------------
    def _on_tab(self, change) -> None:
        idx = change["new"]
        if idx is not None and idx in self._dirty:
            t0 = time.perf_counter()
            self._render_view(idx)
            self._update_status(time.perf_counter() - t0)

    def refresh(self) -> None:
        """Redraw the visible view now, the others when opened."""
        t0 = time.perf_counter()
        self._dirty = set(range(len(VIEWS)))
        self._page = 0
        self._render_view(self.tabs.selected_index or 0)
        self._update_status(time.perf_counter() - t0)

    def render_all(self) -> None:
        for i in range(len(VIEWS)):
            self._render_view(i)

    def _update_status(self, seconds: float) -> None:
        self.renders += 1
        self.last_render_seconds = seconds
        n = self.total(self.filters)
        f = self.filters
        per = f"{_dt(f.start)} t/m {_dt(f.end)}" if f.start and f.end else "hele periode"
        self.w_status.value = (
            f"<span class='signalen-status-text' data-renders='{self.renders}'>Selectie: "
            f"<b class='signalen-total'>{_esc(self._count_label(n))}</b> signalen · {_esc(per)} · "
            f"bijgewerkt {_esc(self.data.meta.get('refreshed_at', '') or 'onbekend')} · "
            f"weergave {self.renders} ({seconds:.2f} s)</span>" + self._freshness_html())

    def _freshness_html(self) -> str:
        notice = self.data.meta.get("pipeline_notice")
        if not notice:
            return ""
        warn = self.data.meta.get("pipeline_level") == "warning"
        style = "color:#b71c1c;font-weight:bold" if warn else "color:#555"
        return f"<div class='signalen-freshness' data-level='{'warning' if warn else 'info'}' style='{style}'>{_esc(notice)}</div>"

    def _render_view(self, idx: int) -> None:
        self._build_view(idx)
        [self._overzicht, self._trends, self._signalering, self._wijken, self._voorbeelden,
         self._complimenten, self._model][idx]()
        self._dirty.discard(idx)

    # ---- helpers -----------------------------------------------------------------------
    def _count_label(self, n: int) -> str:
        return _fmt_int(n) if n >= self.k else f"minder dan {self.k}"

    def total(self, f: Filters) -> int:
        cached = getattr(self, "_total_cache", None)
        if cached is not None and cached[0] == f:
            return cached[1]
        where, params = f.where()
        return int(self.data.q(f"SELECT COALESCE(sum(n), 0) AS n FROM agg WHERE {where}", params)["n"].iloc[0])

    def _suppressed_note(self) -> str:
        return f"Cellen met minder dan {self.k} signalen worden niet getoond."

    def _group_level(self) -> tuple[str, callable]:
        if len(self.filters.categories) == 1:
            return "subcategory", self.data.sub_name
        return "category", self.data.cat_name

    # ---- Overzicht ---------------------------------------------------------------------
    def _overzicht(self) -> None:
        d, f, k = self.data, self.filters, self.k
        level, namer = self._group_level()
        start, end = f.start or d.first_day, f.end or d.last_day
        length = (end - start).days + 1
        prev_start, base_start = start - timedelta(days=length), start - timedelta(days=365)
        # one scan of the aggregates: per day and category over the period, the period before and
        # the KPI baseline year; everything below is computed from this small frame
        where, params = f.where(start=min(prev_start, base_start), end=end)
        daily = d.q(f"""SELECT day, {level} AS c, sum(n) AS n, sum(n_scored) AS s, sum(n_dissatisfied) AS dis,
                               sum(CASE WHEN perception = 'compliment' THEN n ELSE 0 END) AS comp
                        FROM agg WHERE {where} GROUP BY 1, 2""", params)
        daily["day"] = pd.to_datetime(daily["day"])
        ts = lambda x: pd.Timestamp(x)  # noqa: E731
        cur = daily[(daily["day"] >= ts(start)) & (daily["day"] <= ts(end))]
        prv = daily[(daily["day"] >= ts(prev_start)) & (daily["day"] < ts(start))]
        base = daily[(daily["day"] >= ts(base_start)) & (daily["day"] < ts(start))]
        n, n_s, n_dis, n_comp = (int(cur[c].sum()) for c in ("n", "s", "dis", "comp"))
        prev_n = int(prv["n"].sum())
        self._total_cache = (f, n)
        share = n_dis / n_s if n_s >= k else None
        target = base_share = None
        if int(base["s"].sum()) >= k:
            base_share = float(base["dis"].sum() / base["s"].sum())
            target = base_share * (1 + self.settings.kpi_target_change)
        change = f"{(n - prev_n) / prev_n * 100:+.0f}% t.o.v. vorige periode" if prev_n >= k and n >= k else ""
        cards = [
            ("Signalen", self._count_label(n), change),
            ("Ontevreden (KTO 0–6)", _fmt_pct(share) if share is not None else f"minder dan {k} scores",
             f"doel {_fmt_pct(target)} (basis {_fmt_pct(base_share)})" if target is not None else "geen doel: te weinig basisgegevens"),
            ("Complimenten", self._count_label(n_comp), ""),
        ]
        self.v["overzicht_kpis"].value = "<div class='signalen-kpis'>" + "".join(
            f"<div class='signalen-kpi'><div class='l'>{_esc(l)}</div><div class='v'>{_esc(v)}</div>"
            f"<div class='l'>{_esc(s_)}</div></div>" for l, v, s_ in cards) + "</div>"
        # volume over time, selected categories stacked (else the 8 largest + the rest)
        grain = "day" if length <= 92 else ("week" if length <= 800 else "month")
        by_c = cur.groupby("c")["n"].sum().sort_values(ascending=False)
        keep = list(f.categories) if (f.categories and level == "category") else list(by_c.index[:8])
        if len(cur):
            t = cur["day"]
            if grain == "week":
                t = t - pd.to_timedelta(t.dt.day_of_week, unit="D")
            elif grain == "month":
                t = t.dt.to_period("M").dt.start_time
            vol = pd.DataFrame({"t": t, "categorie": [namer(c) if c in keep else "andere categorieën" for c in cur["c"]],
                                "n": cur["n"]})
            vol = vol.groupby(["t", "categorie"], as_index=False)["n"].sum()
            vol = vol[vol["n"] >= k]
        else:
            vol = pd.DataFrame()
        self.v["overzicht_volume"].show(
            charts.volume_chart(vol, grain) if len(vol) else None,
            f"Volume per {dict(day='dag', week='week', month='maand')[grain]}", self._suppressed_note())
        # KPI per month
        kpi = cur.assign(t=cur["day"].dt.to_period("M").dt.start_time).groupby("t", as_index=False)[["s", "dis"]].sum()
        kpi = kpi[kpi["s"] >= k]
        kpi = kpi.assign(aandeel=kpi["dis"] / kpi["s"])[["t", "aandeel"]]
        self.v["overzicht_kpi"].show(
            charts.kpi_chart(kpi, target) if len(kpi) else None,
            "Aandeel ontevreden KTO-scores (0–6) per maand, met doel",
            f"Doel: {abs(self.settings.kpi_target_change) * 100:.0f}% minder ontevreden dan in het jaar vóór de periode. "
            + self._suppressed_note())
        # rising / falling vs the previous period of equal length
        m = pd.concat([cur.groupby("c")["n"].sum().rename("n_nu"), prv.groupby("c")["n"].sum().rename("n_vorige")],
                      axis=1).fillna(0).reset_index().rename(columns={"index": "c"})
        m = m[(m["n_nu"] >= k) & (m["n_vorige"] >= k)]  # both cells must be large enough to compare
        m = m.assign(verschil=(m["n_nu"] - m["n_vorige"]).astype(int), categorie=[namer(c) for c in m["c"]])
        both = pd.concat([m[m["verschil"] > 0].nlargest(5, "verschil"), m[m["verschil"] < 0].nsmallest(5, "verschil")])
        head = "<h4>Sterkste stijgers en dalers t.o.v. de vorige periode</h4>"
        if len(both):
            tbl = pd.DataFrame({
                "categorie": both["categorie"], "nu": both["n_nu"].astype(int), "vorige periode": both["n_vorige"].astype(int),
                "verschil": both["verschil"].map(lambda v: f"{v:+d}"),
                "in %": [f"{(a - b_) / b_ * 100:+.0f}%" for a, b_ in zip(both["n_nu"], both["n_vorige"])],
            })
            chart_df = pd.DataFrame({"categorie": both["categorie"], "verschil": both["verschil"],
                                     "nu": both["n_nu"].astype(int), "vorige": both["n_vorige"].astype(int)})
            self.v["overzicht_change"].value = head + html_table(tbl, ("nu", "vorige periode", "verschil", "in %"),
                                                                 "signalen-table signalen-change")
            self.v["overzicht_change_chart"].show(charts.change_chart(chart_df))
        else:
            self.v["overzicht_change"].value = head + charts.message_html(
                "Te weinig signalen (of geen vorige periode) om perioden te vergelijken.")
            self.v["overzicht_change_chart"].show(None)

    # ---- Trends en seizoen -------------------------------------------------------------
    def _trends(self) -> None:
        d, f, k = self.data, self.filters, self.k
        if len(f.categories) == 1 and self.w_trend_cat.value != f.categories[0]:
            self.w_trend_cat.value = f.categories[0]  # observer redraws
            return
        cat = self.w_trend_cat.value
        if cat is None:
            self.v["trend"].show(None, "Trend en seizoen")
            return
        end = f.end or d.last_day
        start = end - timedelta(weeks=52) + timedelta(days=1)
        rows = []
        for label, s, e in (("afgelopen 52 weken", start, end),
                            ("dezelfde weken een jaar eerder", start - timedelta(weeks=52), end - timedelta(weeks=52))):
            w, p = f.where(start=s, end=e, skip=("category", "subcategory"))
            if len(f.categories) == 1 and f.subcategory:
                w += " AND subcategory = ?"
                p = p + [f.subcategory]
            df = d.q(f"""SELECT date_trunc('week', day) AS wk, sum(n) n FROM agg WHERE {w} AND category = ?
                         GROUP BY 1 ORDER BY 1""", p + [cat])
            df["week"] = [int(pd.Timestamp(x).isocalendar().week) for x in df["wk"]]
            df["jaar"] = label
            rows.append(df)
        all_ = pd.concat(rows)
        all_ = all_[all_["n"] >= k][["week", "jaar", "n"]]
        note = (f"Weekvolume van {d.cat_name(cat)} tot en met {_dt(end)}, naast dezelfde weken een jaar eerder. "
                + self._suppressed_note())
        self.v["trend"].show(charts.season_chart(all_, d.cat_name(cat)) if len(all_) else None,
                                                  f"Trend en seizoen — {d.cat_name(cat)}", note)

    # ---- Signalering -------------------------------------------------------------------
    def alerts(self) -> pd.DataFrame:
        """Current alerts for the selection (categories and category/subcategory topics)."""
        d, f, k = self.data, self.filters, self.k
        as_of = f.end or d.last_day
        start = as_of - timedelta(weeks=62)
        w, p = f.where(start=start, end=as_of)
        daily = d.q(f"SELECT day, category, subcategory, sum(n) n FROM agg WHERE {w} GROUP BY 1, 2, 3", p)
        if daily.empty:
            return pd.DataFrame()
        a1 = detect_alerts(daily, keys=("category",), as_of=as_of, min_count=k).assign(niveau="categorie")
        a2 = detect_alerts(daily, keys=("category", "subcategory"), as_of=as_of, min_count=k).assign(niveau="onderwerp")
        out = pd.concat([a for a in (a1, a2) if len(a)]) if (len(a1) or len(a2)) else a1
        return out.sort_values(["is_new", "z"], ascending=[False, False]).reset_index(drop=True) if len(out) else out

    def _signalering(self) -> None:
        d, k = self.data, self.k
        as_of = self.filters.end or d.last_day
        al = self.alerts()
        head = (f"<h4>Signalering: ongewoon veel signalen in de 3 dagen tot en met {_dt(as_of)}</h4>"
                "<div class='signalen-note'>Verwacht niveau: hetzelfde weekdaggemiddelde over de 8 weken ervoor, "
                "gecorrigeerd voor het seizoen met dezelfde weken vorig jaar. Nieuwe onderwerpen verschijnen op hun eerste dag.</div>")
        if al.empty:
            self.v["alerts"].value = head + charts.message_html("Geen opvallende stijgingen in deze selectie.")
            self.v["alerts_chart"].show(None)
            return

        def name(key: str) -> str:
            parts = key.split(" / ")
            return d.cat_name(parts[0]) + (f" — {d.sub_name(parts[1])}" if len(parts) > 1 else "")

        def unusual(r) -> str:
            if r.is_new:
                return f"nieuw onderwerp (eerste signalen {_dt(r.first_seen)})"
            if math.isinf(r.one_in_days) or r.one_in_days > 1e6:
                return "uiterst ongewoon (minder dan 1 op een miljoen)"
            return f"ongeveer 1 op {_fmt_int(round(r.one_in_days))} keer"

        tbl = pd.DataFrame({
            "onderwerp": [name(x) for x in al["key"]], "niveau": al["niveau"],
            "laatste 3 dagen": al["observed"].astype(int),
            "verwacht": [f"{x:.1f}".replace(".", ",") for x in al["expected"]],
            "factor": ["nieuw" if n else (f"×{r:.1f}".replace(".", ",") if not math.isinf(r) else "∞")
                       for n, r in zip(al["is_new"], al["ratio"])],
            "z": [f"{z:.1f}".replace(".", ",") for z in al["z"]],
            "hoe ongewoon": [unusual(r) for r in al.itertuples()],
        })
        top = al.iloc[0]
        parts = top["key"].split(" / ")
        w, p = self.filters.where(start=as_of - timedelta(weeks=8), end=as_of)
        cond = " AND category = ?" + (" AND subcategory = ?" if len(parts) > 1 else "")
        daily = d.q(f"SELECT day AS dag, sum(n) n FROM agg WHERE {w}{cond} GROUP BY 1 ORDER BY 1", p + parts)
        daily = daily[daily["n"] >= k]
        self.v["alerts"].value = head + html_table(tbl, ("laatste 3 dagen", "verwacht", "factor", "z"), "signalen-table signalen-alerts")
        self.v["alerts_chart"].show(charts.alert_chart(daily, name(top["key"])) if len(daily) else None,
                                    f"Dagvolume: {name(top['key'])}", self._suppressed_note())

    # ---- Wijken ------------------------------------------------------------------------
    def _wijken(self) -> None:
        d, f, k = self.data, self.filters, self.k
        where, params = f.where(skip=("buurt_code",))
        by = d.q(f"SELECT wijk_code AS wijkcode, sum(n) n, sum(n_scored) s, sum(n_dissatisfied) dis FROM agg WHERE {where} GROUP BY 1", params)
        by = by.merge(d.wijken[["wijkcode", "inwoners"]], on="wijkcode", how="left")
        if self.w_map_measure.value == "rate":
            # a rate over a handful of inhabitants (port and industrial areas) says nothing: grey
            few = by["inwoners"].isna() | (by["inwoners"].fillna(0) < MIN_INHABITANTS)
            ok = (by["n"] >= k) & ~few
            by["waarde"] = (by["n"] / by["inwoners"].astype(float) * 1000).where(ok)
            by["label"] = [f"{v:.1f} per 1.000 ({_fmt_int(n)} signalen)".replace(".", ",", 1) if pd.notna(v)
                           else (f"minder dan {_fmt_int(MIN_INHABITANTS)} inwoners" if f_ else f"minder dan {k} signalen")
                           for v, n, f_ in zip(by["waarde"], by["n"], few)]
            title, fmt = "signalen per 1.000 inwoners", ".1f"
        else:
            ok = by["s"] >= k
            by["waarde"] = (by["dis"] / by["s"].where(by["s"] > 0)).where(ok)
            by["label"] = [_fmt_pct(v) if pd.notna(v) else f"minder dan {k} scores" for v in by["waarde"]]
            title, fmt = "aandeel ontevreden", ".0%"
        sel = ", ".join(d.cat_name(c) for c in f.categories) or "alle categorieën"
        mp = charts.wijk_map(d.settings.geo_dir / "rotterdam_wijken.geojson", by[["wijkcode", "waarde", "label"]], title, fmt)
        self.v["map"].show(mp, f"Wijken — {title} ({sel})", self._suppressed_note())
        level, namer = self._group_level()
        w2, p2 = f.where(skip=("wijk_code", "buurt_code"))
        hm = d.q(f"SELECT {level} AS c, wijk_code, sum(n) n FROM agg WHERE {w2} GROUP BY 1, 2", p2)
        if len(hm):
            top = hm.groupby("c")["n"].sum().nlargest(15).index
            hm = hm[hm["c"].isin(top)]
            hm = hm.assign(categorie=[namer(c) for c in hm["c"]], wijk=[d.wijk_name(w) for w in hm["wijk_code"]])
            hm["label"] = [_fmt_int(n) if n >= k else f"minder dan {k}" for n in hm["n"]]
            hm["n"] = hm["n"].where(hm["n"] >= k)
            hm = hm[["categorie", "wijk", "n", "label"]]
        self.v["heatmap"].show(charts.heatmap(hm) if len(hm) else None,
                               "Categorie × wijk (aantal signalen)", self._suppressed_note())

    # ---- Voorbeelden -------------------------------------------------------------------
    def _goto_page(self, page: int) -> None:
        self._page = max(0, page)
        self._voorbeelden()

    def _voorbeelden(self) -> None:
        f, k = self.filters, self.k
        n = self.total(f)
        pages = max(1, math.ceil(n / PAGE_SIZE))
        self._page = min(self._page, pages - 1)
        if n < k:
            self.w_pageinfo.value = ""
            self.w_prev.disabled = self.w_next.disabled = True
            self.v["examples"].value = charts.message_html(
                f"Deze selectie heeft minder dan {k} signalen; voorbeelden worden niet getoond (privacy).")
            return
        try:
            ex = self.data.examples(f, self._page, PAGE_SIZE)
        except DashboardDataError as exc:
            self.v["examples"].value = charts.message_html(str(exc))
            return
        self.w_prev.disabled = self._page == 0
        self.w_next.disabled = self._page >= pages - 1
        self.w_pageinfo.value = f"<span class='signalen-pageinfo'>Pagina {self._page + 1} van {_fmt_int(pages)} ({_fmt_int(n)} signalen)</span>"
        tbl = pd.DataFrame({
            "datum": [_dt(x) for x in ex["received_at"]], "bron": ex["source"], "kanaal": ex["channel"],
            "categorie": [self.data.cat_name(c) for c in ex["category"]],
            "subcategorie": [self.data.sub_name(c) for c in ex["subcategory"]],
            "beleving": ex["perception"], "tekst (gemaskeerd)": ex["text"],
        })
        self.v["examples"].value = html_table(tbl, (), "signalen-table signalen-examples")

    # ---- Complimenten ------------------------------------------------------------------
    def _complimenten(self) -> None:
        self.v["compliments"].value = (
            "<div><a href='complimenten.ipynb' target='_blank' class='signalen-fullscreen'>Volledig scherm (voor kantoorschermen)</a></div>"
            + compliments_html(self.data, self.filters, self.k, limit=12))

    # ---- Model en validatie ------------------------------------------------------------
    def _model(self) -> None:
        d = self.data
        parts = ["<h4>Aggregaten</h4>", html_table(pd.DataFrame(sorted(d.meta.items()), columns=["kenmerk", "waarde"]))]
        if len(d.models):
            mdf = d.models.copy()
            mdf["metrics"] = [", ".join(f"{a}={b}" for a, b in parse_metrics(m).items()) for m in mdf["metrics"]]
            parts += ["<h4>Topicmodellen</h4>", html_table(mdf.drop(columns=["path"], errors="ignore"))]
        else:
            parts.append(charts.message_html("Nog geen topicmodel in de store."))
        for name, df in d.status_tables.items():
            parts += [f"<h4>{_esc(name)}</h4>", html_table(df)]
        if not d.status_tables:
            parts.append(charts.message_html("Nog geen validatieresultaten in de store."))
        lda = find_ldavis(d.settings, d.models)
        if lda is not None:
            doc = lda.read_text(encoding="utf-8", errors="replace")
            if "src=\"http" in doc or "src='http" in doc or "https://" in doc and "<script src" in doc:
                parts.append(charts.message_html(f"Topicmodelweergave {lda.name} laadt JavaScript van internet en wordt daarom niet getoond."))
            else:
                parts.append("<h4>Topicmodel (pyLDAvis)</h4><iframe sandbox='allow-scripts' style='width:100%;height:820px;border:0' "
                             f"srcdoc=\"{html.escape(doc, quote=True)}\"></iframe>")
        else:
            parts.append(charts.message_html("Geen pyLDAvis-weergave gevonden (die maakt de topicstap)."))
        self.v["model"].value = "".join(parts)


def compliments_html(data: DashboardData, f: Filters, k: int, limit: int = 12, css: str = "signalen-wall") -> str:
    """Cards with the most recent compliments in the selection (suppressed below k signals)."""
    from dataclasses import replace

    fc = replace(f, perception="compliment")
    where, params = fc.where()
    n = int(data.q(f"SELECT COALESCE(sum(n),0) n FROM agg WHERE {where}", params)["n"].iloc[0])
    head = f"<h2>Complimenten van Rotterdammers</h2><div class='signalen-note'>{_fmt_int(n) if n >= k else 'minder dan ' + str(k)} complimenten in de selectie</div>"
    if n < k:
        return head + charts.message_html(f"Minder dan {k} complimenten in deze selectie; ze worden niet getoond (privacy).")
    try:
        ex = data.examples(fc, 0, limit)
    except DashboardDataError as exc:
        return head + charts.message_html(str(exc))
    cards = "".join(
        f"<div class='card'>“{_esc(r.text)}”<div class='meta'>{_esc(data.cat_name(r.category))} · {_esc(_dt(r.received_at))}"
        f" · {_esc(r.source)}</div></div>" for r in ex.itertuples())
    return head + f"<div class='{css}'>{cards}</div>"


def wait_for_visitor() -> bool:
    """In a kernel Voila pre-heats for its pool, block until a visitor's request arrives and return
    True; elsewhere return False at once."""
    if os.environ.get("VOILA_PREHEAT", "False") != "True":
        return False
    from voila.utils import wait_for_request

    wait_for_request()
    return True


def _log(msg: str) -> None:
    import sys

    # the server's log: in a kernel, sys.stderr would become output on the page
    print("signalen dashboard: " + msg, file=sys.__stderr__ or sys.stderr, flush=True)


def show(builder, settings: Settings | None = None, **kwargs) -> None:
    """Display what ``builder(settings, data=...)`` builds, for a Voila notebook. The page is built
    ahead (in a pooled kernel: before anyone visits, so it opens at once); when the visitor
    arrives after the nightly pipeline refreshed the aggregates, the page is built again from the
    new aggregates, so no visitor sees yesterday's numbers."""
    from IPython.display import display

    settings = settings or load_config()
    try:
        data = DashboardData.load(settings)
    except DashboardDataError:
        data = None
    _log(f"aggregates loaded (refreshed_at {data.meta.get('refreshed_at', '') if data else '-'})")
    box = W.VBox([builder(settings, data=data, **kwargs) if data is not None else builder(settings, **kwargs)])
    display(box)
    if wait_for_visitor() and (data is None or data.is_stale()):
        try:
            fresh = DashboardData.load(settings)
        except DashboardDataError:
            return
        old = box.children
        box.children = (builder(settings, data=fresh, **kwargs),)
        for w in old:
            w.close()
        if data is not None:
            data.con.close()
        _log(f"aggregates reloaded for a visitor (refreshed_at {fresh.meta.get('refreshed_at', '')})")


def build_app(settings: Settings | None = None, *, data: DashboardData | None = None) -> W.Widget:
    """The dashboard widget for ``settings`` (default: ``load_config()``); a Dutch message if no data."""
    settings = settings or load_config()
    try:
        data = data or DashboardData.load(settings)
    except DashboardDataError as exc:
        return W.HTML(CSS + f"<div class='signalen-app'><h2>Signaalmanagement</h2>{charts.message_html(str(exc))}</div>")
    if data.last_day is None:
        return W.HTML(CSS + "<div class='signalen-app'><h2>Signaalmanagement</h2>"
                      + charts.message_html("Er zijn nog geen signalen verwerkt.") + "</div>")
    return Dashboard(settings, data)


def build_compliments_wall(settings: Settings | None = None, *, days: int = 30, limit: int = 24,
                           data: DashboardData | None = None) -> W.Widget:
    """Full-screen wall of the most recent compliments (last ``days`` days) for office displays."""
    settings = settings or load_config()
    try:
        data = data or DashboardData.load(settings)
    except DashboardDataError as exc:
        return W.HTML(CSS + charts.message_html(str(exc)))
    if data.last_day is None:
        return W.HTML(CSS + charts.message_html("Er zijn nog geen signalen verwerkt."))
    f = Filters(start=data.last_day - timedelta(days=days - 1), end=data.last_day)
    body = W.HTML(CSS + "<div class='signalen-app signalen-fullwall'>"
                  + compliments_html(data, f, int(settings.min_cell_size), limit=limit) + "</div>")
    body.add_class("signalen-compliments-wall")
    return body
