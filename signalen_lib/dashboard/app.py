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
from datetime import timedelta

import ipywidgets as W
import pandas as pd

from signalen_lib.config import Settings, load_config
from signalen_lib.dashboard.alerts import alert_episodes, detect_alerts
from signalen_lib.dashboard import charts
from signalen_lib.reports.drivers import kpi_impact
from signalen_lib.reports.kpi import baseline_window, kpi_figures
from signalen_lib.store.queries import parse_list
from signalen_lib.vocab.fmt import fmt_date, fmt_datetime, fmt_int, fmt_num, fmt_pct
from signalen_lib.national.view import comparison_html, effects_html
from signalen_lib.dashboard.data import ALL, PERIODS, DashboardData, DashboardDataError, Filters, find_ldavis, parse_metrics

VIEWS = ["Overzicht", "Trends en seizoen", "Signalering", "Wijken", "Voorbeelden", "Complimenten",
         "Wat drijft ontevredenheid", "Verbeteren", "Kwaliteit"]
ALERT_HISTORY_DAYS = 90  # Signalering lists the alerts of at least this many days
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
.signalen-tabs .lm-TabBar-tab {flex: 0 0 auto !important; min-width: 0 !important; max-width: none !important; padding: 0 14px;}
.signalen-table td.nowrap, .signalen-improvements td:nth-child(2), .signalen-examples td:first-child,
.signalen-alert-history td:nth-child(-n+2) {white-space: nowrap;}
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
        orgs = d.distinct("org_code")
        # "Organisatie" only where the store holds more than one organisation (a national store)
        self.w_org = W.Dropdown(options=_opts(orgs, d.org_name), value="", description="Organisatie",
                                layout=W.Layout(width="280px", display="" if len(orgs) > 1 else "none"),
                                style={"description_width": "85px"})
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
        for w, name in ((self.w_org, "organisation"), (self.w_period, "period"), (self.w_start, "start"), (self.w_end, "end"),
                        (self.w_source, "source"), (self.w_channel, "channel"), (self.w_cluster, "cluster"),
                        (self.w_afdeling, "afdeling"), (self.w_wijk, "wijk"), (self.w_buurt, "buurt"),
                        (self.w_categories, "categories"), (self.w_sub, "subcategory"), (self.w_perception, "perception")):
            w.add_class(f"signalen-filter-{name}")
            w.observe(self._on_filter, names="value")
        self.w_reset.on_click(lambda _: self.reset())
        filters = W.VBox([
            W.HBox([self.w_org, self.w_period, self.w_start, self.w_end, self.w_source, self.w_channel]),
            W.HBox([self.w_cluster, self.w_afdeling, self.w_wijk, self.w_buurt, self.w_perception]),
            W.HBox([self.w_categories, W.VBox([self.w_sub, self.w_reset]), self.w_status]),
        ])
        # ---- views. Only the Overzicht's widgets exist at start: every widget is a model the page
        # must fetch and build before it shows anything, so the other views are built when opened.
        self.v = {}
        self.v["overzicht_kpis"] = W.HTML()
        self.v["landelijk"] = W.HTML(layout=W.Layout(display="" if d.is_national else "none"))
        self.v["overzicht_volume"] = charts.ChartBox("volume")
        self.v["overzicht_kpi"] = charts.ChartBox("kpi")
        self.v["overzicht_change"] = W.HTML()
        self.v["overzicht_change_chart"] = charts.ChartBox("change")
        self._cats = cats
        self._trend_default = cats[0] if cats else None
        self._built = {0}
        tabs = [W.VBox([self.v["landelijk"], self.v["overzicht_kpis"], self.v["overzicht_volume"], self.v["overzicht_kpi"],
                        self.v["overzicht_change"], self.v["overzicht_change_chart"]])]
        tabs += [W.VBox() for _ in VIEWS[1:]]
        self._tab_boxes = tabs
        self.tabs = W.Tab(children=tabs, titles=VIEWS)
        self.tabs.add_class("signalen-tabs")
        self.tabs.observe(self._on_tab, names="selected_index")
        who = "Landelijk signaalmanagement" if d.is_national else f"Signaalmanagement {settings.organisation_name}"
        title = W.HTML(CSS + f"<h2>{_esc(who)} — dashboard</h2>")
        self.w_gate = W.HTML(self.gate().banner_html())  # the model's quality verdict, above every tab
        self.w_gate.add_class("signalen-gate-banner")
        super().__init__([title, self.w_gate, filters, self.tabs])
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
            self.v["alerts_history"] = W.HTML()
            children = [self.v["alerts"], self.v["alerts_chart"], self.v["alerts_history"]]
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
        elif idx == 6:
            self.v["drivers"] = W.HTML()
            self.v["drivers_chart"] = charts.ChartBox("drivers")
            children = [self.v["drivers"], self.v["drivers_chart"]]
        elif idx == 7:
            self.v["verbeteren"] = W.HTML()
            self.v["effects"] = W.VBox()
            children = [self.v["verbeteren"], self.v["effects"]]
        else:
            self.v["kwaliteit"] = W.HTML()
            self.v["quality_chart"] = charts.ChartBox("quality")
            self.v["model"] = W.HTML()
            details = W.Accordion(children=[self.v["model"]], titles=("Details voor data-analisten",))
            details.selected_index = None
            children = [self.v["kwaliteit"], self.v["quality_chart"], details]
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
                       perception=self.w_perception.value or None, org_code=self.w_org.value or None)

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
        names = {"organisation": self.w_org, "period": self.w_period, "source": self.w_source, "channel": self.w_channel, "cluster": self.w_cluster,
                 "afdeling": self.w_afdeling, "wijk": self.w_wijk, "buurt": self.w_buurt, "categories": self.w_categories,
                 "subcategory": self.w_sub, "perception": self.w_perception, "start": self.w_start, "end": self.w_end}
        for k, v in values.items():
            names[k].value = tuple(v) if k == "categories" else v

    def reset(self) -> None:
        self._suspend = True
        try:
            self.w_period.value = "laatste jaar"
            for w in (self.w_org, self.w_source, self.w_channel, self.w_cluster, self.w_afdeling, self.w_wijk, self.w_buurt,
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
        per = f"{fmt_date(f.start)} t/m {fmt_date(f.end)}" if f.start and f.end else "hele periode"
        self.w_status.value = (
            f"<span class='signalen-status-text' data-renders='{self.renders}'>Selectie: "
            f"<b class='signalen-total'>{_esc(self._count_label(n))}</b> signalen · {_esc(per)} · "
            f"bijgewerkt {_esc(fmt_datetime(self.data.meta.get('refreshed_at') or None, self.settings.timezone))} · "
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
         self._complimenten, self._drivers, self._verbeteren, self._kwaliteit][idx]()
        self._dirty.discard(idx)

    # ---- helpers -----------------------------------------------------------------------
    def _count_label(self, n: int) -> str:
        return fmt_int(n) if n >= self.k else f"minder dan {self.k}"

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
    def selection_kpi(self, n_scored: int, n_dissatisfied: int) -> dict:
        """The KPI of the selection's counts against the nulmeting (same filters, nulmeting window),
        through :func:`signalen_lib.reports.kpi.kpi_figures`, the one definition."""
        d, f = self.data, self.filters
        bs, be = baseline_window(self.settings, d.first_day)
        where, params = f.where(start=bs.date(), end=be.date())
        base = d.q(f"SELECT coalesce(sum(n_scored), 0) AS s, coalesce(sum(n_dissatisfied), 0) AS dis FROM agg WHERE {where}", params)
        out = kpi_figures(n_scored, n_dissatisfied, int(base["s"].iloc[0]), int(base["dis"].iloc[0]), self.settings)
        out["baseline_window"] = (bs, be)
        return out

    def _overzicht(self) -> None:
        d, f, k = self.data, self.filters, self.k
        level, namer = self._group_level()
        start, end = f.start or d.first_day, f.end or d.last_day
        length = (end - start).days + 1
        prev_start = start - timedelta(days=length)
        # one scan of the aggregates: per day and category over the period and the period before;
        # everything below is computed from this small frame (the KPI's nulmeting is one more sum)
        where, params = f.where(start=prev_start, end=end)
        daily = d.q(f"""SELECT day, {level} AS c, sum(n) AS n, sum(n_scored) AS s, sum(n_dissatisfied) AS dis,
                               sum(CASE WHEN perception = 'compliment' THEN n ELSE 0 END) AS comp
                        FROM agg WHERE {where} GROUP BY 1, 2""", params)
        daily["day"] = pd.to_datetime(daily["day"])
        ts = lambda x: pd.Timestamp(x)  # noqa: E731
        cur = daily[(daily["day"] >= ts(start)) & (daily["day"] <= ts(end))]
        prv = daily[(daily["day"] >= ts(prev_start)) & (daily["day"] < ts(start))]
        n, n_s, n_dis, n_comp = (int(cur[c].sum()) for c in ("n", "s", "dis", "comp"))
        if d.is_national:
            self.v["landelijk"].value = (comparison_html(d.national, start, end, k=k, cat_name=d.cat_name)
                                         + effects_html(d.national_effects, d.org_name, d.cat_name))
        prev_n = int(prv["n"].sum())
        self._total_cache = (f, n)
        fig = self.selection_kpi(n_s, n_dis)
        share, target, base_share = fig["share"], fig["target_share"], fig["baseline_share"]
        change = f"{(n - prev_n) / prev_n * 100:+.0f}% t.o.v. vorige periode" if prev_n >= k and n >= k else ""
        cards = [
            ("Signalen", self._count_label(n), change),
            ("Ontevreden (KTO 0–6)", fmt_pct(share) if share is not None else f"minder dan {k} scores",
             f"doel hoogstens {fmt_pct(target)} (nulmeting {fmt_pct(base_share)})" if target is not None else "geen doel: te weinig cijfers in de nulmeting"),
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
            f"Doel: {fmt_pct(abs(self.settings.kpi_target_change), digits=0)} minder ontevreden dan in de nulmeting "
            f"({fmt_date(fig['baseline_window'][0])} t/m {fmt_date(fig['baseline_window'][1])}). "
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
        note = (f"Weekvolume van {d.cat_name(cat)} tot en met {fmt_date(end)}, naast dezelfde weken een jaar eerder. "
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
        head = (f"<h4>Signalering: ongewoon veel signalen in de 3 dagen tot en met {fmt_date(as_of)}</h4>"
                "<div class='signalen-note'>Verwacht niveau: hetzelfde weekdaggemiddelde over de 8 weken ervoor, "
                "gecorrigeerd voor het seizoen met dezelfde weken vorig jaar. Nieuwe onderwerpen verschijnen op hun eerste dag.</div>")
        self.v["alerts_history"].value = self._alert_history_html()
        if al.empty:
            self.v["alerts"].value = head + charts.message_html("Geen opvallende stijgingen in deze selectie.")
            self.v["alerts_chart"].children = ()
            self.v["alerts_chart"].spec = None
            return
        self.v["alerts_chart"].children = (self.v["alerts_chart"].w_title, self.v["alerts_chart"].w_out, self.v["alerts_chart"].w_note)

        def name(key: str) -> str:
            parts = key.split(" / ")
            return d.cat_name(parts[0]) + (f" — {d.sub_name(parts[1])}" if len(parts) > 1 else "")

        def unusual(r) -> str:
            if r.is_new:
                return f"nieuw onderwerp (eerste signalen {fmt_date(r.first_seen)})"
            if math.isinf(r.one_in_days) or r.one_in_days > 1e6:
                return "uiterst ongewoon (minder dan 1 op een miljoen)"
            return f"ongeveer 1 op {fmt_int(round(r.one_in_days))} keer"

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

    def _alert_history_html(self) -> str:
        """Alerts of the last ALERT_HISTORY_DAYS days (the pipeline's alerts step): the day each first
        fired, until when, and why. Filtered on the selected categories."""
        d, f = self.data, self.filters
        hist = d.staff_tables.get("alerts", pd.DataFrame())
        head = ("<h4>Eerdere signaleringen in de gekozen periode</h4><div class='signalen-note'>"
                "Elke nacht bewaart de verwerking welke onderwerpen die dag ongewoon vaak voorkwamen; zo is een nieuw "
                "signaal ook na zijn eerste dag terug te vinden.</div>")
        if hist is None or hist.empty:
            return head + charts.message_html("Nog geen eerdere signaleringen.")
        end = pd.Timestamp(f.end or d.last_day or hist["day"].max())
        start = min(pd.Timestamp(f.start or d.first_day or hist["day"].min()), end - pd.Timedelta(days=ALERT_HISTORY_DAYS - 1))
        days = pd.to_datetime(hist["day"])
        hist = hist[(days >= start) & (days <= end)]
        if f.categories:
            hist = hist[hist["category"].isin(f.categories)]
        ep = alert_episodes(hist)
        if ep.empty:
            return head + charts.message_html("Geen signaleringen voor deze selectie.")

        def why(r) -> str:
            if r.is_new:
                return "nieuw onderwerp"
            return f"{fmt_num(r.peak_ratio, 1)} keer zo veel als verwacht" if pd.notna(r.peak_ratio) else "veel meer dan verwacht"

        tbl = pd.DataFrame({
            "eerste dag": [fmt_date(x) for x in ep["first_day"]],
            "tot en met": [fmt_date(x) for x in ep["last_day"]],
            "onderwerp": [d.cat_name(c) + (f" — {d.sub_name(s)}" if lvl == "onderwerp" and s else "")
                          for c, s, lvl in zip(ep["category"], ep["subcategory"], ep["level"])],
            "waarom": [why(r) for r in ep.itertuples()],
            "hoogste 3-daagse aantal": [fmt_int(x) for x in ep["peak_observed"]],
        })
        return head + html_table(tbl.head(100), ("hoogste 3-daagse aantal",), "signalen-table signalen-alert-history")

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
            by["label"] = [f"{v:.1f} per 1.000 ({fmt_int(n)} signalen)".replace(".", ",", 1) if pd.notna(v)
                           else (f"minder dan {fmt_int(MIN_INHABITANTS)} inwoners" if f_ else f"minder dan {k} signalen")
                           for v, n, f_ in zip(by["waarde"], by["n"], few)]
            title, fmt = "signalen per 1.000 inwoners", ".1f"
        else:
            ok = by["s"] >= k
            by["waarde"] = (by["dis"] / by["s"].where(by["s"] > 0)).where(ok)
            by["label"] = [fmt_pct(v) if pd.notna(v) else f"minder dan {k} scores" for v in by["waarde"]]
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
            hm["label"] = [fmt_int(n) if n >= k else f"minder dan {k}" for n in hm["n"]]
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
        self.w_pageinfo.value = f"<span class='signalen-pageinfo'>Pagina {self._page + 1} van {fmt_int(pages)} ({fmt_int(n)} signalen)</span>"
        tbl = pd.DataFrame({
            "datum": [fmt_date(x) for x in ex["received_at"]], "bron": ex["source"], "kanaal": ex["channel"],
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

    # ---- Wat drijft ontevredenheid -----------------------------------------------------
    def _drivers(self) -> None:
        d, f, k = self.data, self.filters, self.k
        level, namer = self._group_level()
        where, params = f.where()
        by = d.q(f"SELECT {level} AS c, sum(n_scored) AS s, sum(n_dissatisfied) AS dis FROM agg WHERE {where} GROUP BY 1", params)
        n_s, n_dis = int(by["s"].sum()), int(by["dis"].sum())
        head = ("<h4>Wat drijft ontevredenheid</h4><div class='signalen-note'>Per categorie: hoeveel lager het aandeel "
                "ontevreden KTO-scores (0–6) zou zijn als de ontevreden signalen van die categorie waren opgelost. "
                "Het interval is het 95%-betrouwbaarheidsinterval.</div>")
        imp = kpi_impact(by.rename(columns={"c": "category", "s": "n_scored", "dis": "n_dissatisfied"}), k)
        if n_s < k or imp.empty:
            self.v["drivers"].value = head + charts.message_html(f"Minder dan {k} KTO-scores in deze selectie.")
            self.v["drivers_chart"].show(None)
            return
        share = n_dis / n_s
        imp = imp.head(12)
        tbl = pd.DataFrame({
            "categorie": [namer(c) for c in imp["category"]],
            "ontevreden scores": [fmt_int(v) for v in imp["n_dissatisfied"]],
            "aandeel zou dalen met": [f"{fmt_pct(v, digits=1).rstrip('%')} procentpunt" for v in imp["impact"]],
            "95%-interval": [f"{fmt_pct(lo)} – {fmt_pct(hi)}" for lo, hi in zip(imp["impact_lo"], imp["impact_hi"])],
            "dan nog ontevreden": [fmt_pct(share - v) for v in imp["impact"]],
        })
        self.v["drivers"].value = (head + f"<p>Nu ontevreden: <b>{fmt_pct(share)}</b> van {fmt_int(n_s)} scores.</p>"
                                   + html_table(tbl, ("ontevreden scores",), "signalen-table signalen-drivers"))
        chart_df = pd.DataFrame({"categorie": tbl["categorie"], "impact": imp["impact"].to_numpy(),
                                 "lo": imp["impact_lo"].to_numpy(), "hi": imp["impact_hi"].to_numpy()})
        self.v["drivers_chart"].show(charts.impact_chart(chart_df), "Effect op de KPI als een categorie is opgelost",
                                     self._suppressed_note())

    # ---- Verbeteren --------------------------------------------------------------------
    def _verbeteren(self) -> None:
        from signalen_lib.improvements.charts import effect_chart
        from signalen_lib.improvements.effect import effect_from_record

        d, f = self.data, self.filters
        reg = d.staff_tables.get("improvements", pd.DataFrame())
        eff = d.staff_tables.get("effects", pd.DataFrame())
        head = ("<h4>Verbeteren: wat leverden de verbeteracties op?</h4><div class='signalen-note'>Per verbeteractie: "
                "het aantal signalen per 1.000 contacten en het aandeel ontevreden scores, vergeleken met wat zonder de "
                "actie verwacht werd (rood gestippeld, met het 95%-interval als band).</div>")
        if reg.empty:
            self.v["verbeteren"].value = head + charts.message_html(
                "Nog geen verbeteracties geregistreerd. Registreer een actie (signalen improvements import) en de "
                "volgende verwerking meet het effect.")
            self.v["effects"].children = ()
            return
        reg = reg.copy()
        reg["cats"] = [parse_list(c) for c in reg["categories"]]
        if f.cluster:
            reg = reg[reg["cluster"].isna() | (reg["cluster"] == f.cluster)]
        if f.categories:
            reg = reg[[bool(set(c) & set(f.categories)) for c in reg["cats"]]]
        rows, boxes = [], []
        for r in reg.itertuples():
            mine = eff[eff["improvement_id"] == r.id] if len(eff) else eff
            vol = mine[mine["metric"] == "volume"] if len(mine) else mine
            dis = mine[mine["metric"] == "dissatisfaction"] if len(mine) else mine
            rows.append({"verbeteractie": r.title, "start": fmt_date(r.start_date),
                         "categorieën": ", ".join(d.cat_name(c) for c in r.cats), "cluster": r.cluster or "",
                         "effect op aantal": vol["verdict_nl"].iloc[0] if len(vol) else "nog niet gemeten",
                         "effect op ontevredenheid": dis["verdict_nl"].iloc[0] if len(dis) else "nog niet gemeten"})
            for part in (vol, dis):
                if len(part):
                    box = charts.ChartBox("effect")
                    res = effect_from_record(part.iloc[0].to_dict())
                    box.show(effect_chart(res, width=charts.WIDTH - 120, height=220), f"{r.title}",
                             f"Start {fmt_date(r.start_date)}; gemeten {fmt_datetime(part['measured_at'].iloc[0], self.settings.timezone, utc=False)}.")
                    boxes.append(box)
        if not rows:
            self.v["verbeteren"].value = head + charts.message_html("Geen verbeteracties voor deze selectie.")
            self.v["effects"].children = ()
            return
        self.v["verbeteren"].value = head + html_table(pd.DataFrame(rows), (), "signalen-table signalen-improvements")
        self.v["effects"].children = tuple(boxes)

    # ---- Kwaliteit ---------------------------------------------------------------------
    def gate(self):
        """The quality gate's verdict of the latest validation run (amber before the first labels)."""
        from signalen_lib.validation.gate import gate_from_record, not_validated

        v = self.data.staff_tables.get("validation", pd.DataFrame())
        return gate_from_record(v.iloc[0].to_dict(), self.settings) if len(v) else not_validated(self.settings)

    def _kwaliteit(self) -> None:
        d = self.data
        g = self.gate()
        v = d.staff_tables.get("validation", pd.DataFrame())
        rec = parse_metrics(v["metrics"].iloc[0]) if len(v) else {}
        parts = [g.banner_html()]
        cur = d.models[d.models["is_current"].astype(bool)] if len(d.models) else d.models
        if len(cur):
            m = cur.iloc[0]
            # topic_models.created_at is naive UTC (topics/registry.py)
            parts.append(f"<p>Onderwerpmodel van {_esc(fmt_datetime(m['created_at'], self.settings.timezone))}, "
                         f"getraind op {_esc(fmt_int(m['n_docs']))} signalen (versie {_esc(m['model_version'])}).</p>")
        labels = d.staff_tables.get("labels", pd.DataFrame())
        n_lab = int(rec.get("metrics", {}).get("n", 0)) if rec else 0
        if len(v):
            when = fmt_datetime(v["created_at"].iloc[0], self.settings.timezone, utc=False)  # datetime.now() of this machine
            parts.append(f"<p>Laatste controle: {_esc(when)}, tegen {_esc(fmt_int(n_lab))} door medewerkers gelabelde signalen"
                         + (f" (gelabeld van {_esc(fmt_date(labels['first'].iloc[0]))} t/m {_esc(fmt_date(labels['last'].iloc[0]))})"
                            if len(labels) and int(labels["n"].iloc[0]) > 0 else "") + ".</p>")
        if not g.validated:
            parts.append(charts.message_html(
                "Het model is nog niet gecontroleerd. Open de labeltool en label de voorgestelde steekproef; "
                "bij de volgende verwerking staat hier hoe vaak het model goed zit."))
            self.v["kwaliteit"].value = "".join(parts) + self._privacy_html()
            self.v["quality_chart"].show(None, "", "")
            self._model()
            return
        mm = rec.get("metrics", {})
        acc, ci = mm.get("accuracy"), mm.get("accuracy_ci")
        if acc is not None:
            txt = f"Het model kiest bij <b>{_esc(fmt_pct(acc, digits=0))}</b> van de gelabelde signalen dezelfde hoofdcategorie als de medewerker"
            if ci:
                txt += f" (met 95% zekerheid tussen {_esc(fmt_pct(ci[0], digits=0))} en {_esc(fmt_pct(ci[1], digits=0))})"
            parts.append(f"<p>{txt}.</p>")
        if mm.get("macro_f1") is not None:
            parts.append(f"<p>Gemiddeld over de categorieën (macro-F1): {_esc(fmt_num(mm['macro_f1'], 2))}; "
                         f"de kwaliteitspoort vraagt minimaal {_esc(fmt_num(g.min_macro_f1, 2))}. "
                         f"Overeenstemming voorbij toeval (kappa): {_esc(fmt_num(mm.get('kappa'), 2))}, "
                         f"minimaal {_esc(fmt_num(g.min_kappa, 2))}.</p>")
        per = pd.DataFrame(rec.get("per_category") or [])
        if len(per):
            per = per[per["support"].fillna(0) > 0]
            per["categorie"] = [d.cat_name(c) for c in per["category"]]
            per["uitleg"] = [_quality_words(f1, lo, hi) for f1, lo, hi in zip(per["f1"], per["f1_lo"], per["f1_hi"])]
            tbl = pd.DataFrame({"categorie": per["categorie"], "gelabeld": [fmt_int(x) for x in per["support"]],
                                "kwaliteit": per["uitleg"]})
            parts.append("<h4>Per categorie</h4>" + html_table(tbl, ("gelabeld",), "signalen-table signalen-quality"))
            chart_df = pd.DataFrame({"categorie": per["categorie"], "f1": per["f1"].astype(float),
                                     "lo": per["f1_lo"].astype(float), "hi": per["f1_hi"].astype(float),
                                     "n": per["support"].astype(int)})
            self.v["quality_chart"].show(charts.quality_chart(chart_df), "Kwaliteit per categorie (F1 met 95%-interval)",
                                         "F1 combineert hoe vaak het model een categorie terecht en volledig toekent (0 = nooit, 1 = altijd).")
        else:
            self.v["quality_chart"].show(None)
        parts.append(self._learning_curve_html())
        self.v["kwaliteit"].value = "".join(parts) + self._privacy_html()
        self._model()

    def _learning_curve_html(self) -> str:
        """How accuracy on the validation sample grew with the training labels: one row per retrain
        of the category model (``category_models``)."""
        lc = self.data.staff_tables.get("learning_curve", pd.DataFrame())
        head = "<h4>Leercurve van het categoriemodel</h4>"
        if lc is None or not len(lc):
            return head + charts.message_html(
                "Het categoriemodel heeft nog geen trainingslabels. Vraag in de labeltool de volgende voorstellen "
                "(of gebruik signalen labels next): het model leert van de teksten waarover het twijfelt.")
        rows = []
        for r in lc.itertuples():
            acc = getattr(r, "accuracy", None)
            f1 = getattr(r, "macro_f1", None)
            rows.append({
                "model van": fmt_datetime(r.created_at, self.settings.timezone, utc=True),
                "trainingslabels": fmt_int(r.n_training_labels),
                "nauwkeurigheid": fmt_pct(acc, digits=0) if acc is not None and pd.notna(acc) else "nog niet gemeten",
                "macro-F1": fmt_num(f1, 2) if f1 is not None and pd.notna(f1) else "",
                "gemeten op": (f"{fmt_int(r.n_validation)} signalen" if pd.notna(r.n_validation) and r.n_validation else ""),
                "in gebruik": "ja" if bool(r.is_current) else "",
            })
        first, last = lc.iloc[0], lc.iloc[-1]
        txt = ""
        if pd.notna(first["accuracy"]) and pd.notna(last["accuracy"]) and len(lc) > 1:
            txt = (f"<p>Met {_esc(fmt_int(first['n_training_labels']))} trainingslabels koos het model bij "
                   f"{_esc(fmt_pct(first['accuracy'], digits=0))} van de validatiesteekproef de juiste hoofdcategorie; "
                   f"met {_esc(fmt_int(last['n_training_labels']))} trainingslabels bij {_esc(fmt_pct(last['accuracy'], digits=0))}. "
                   "De trainingslabels zijn gekozen waar het model twijfelde; de validatiesteekproef is aselect en "
                   "telt nooit mee als trainingslabel.</p>")
        return head + txt + html_table(pd.DataFrame(rows), ("trainingslabels",), "signalen-table signalen-learning-curve")

    def _privacy_html(self) -> str:
        """The privacy report's summary (counts only), for staff and the privacy officer."""
        p = self.data.staff_tables.get("privacy") or {}
        head = "<h4>Privacy</h4>"
        if not p.get("available"):
            return head + charts.message_html(p.get("notice") or "Nog geen privacyrapportage gemaakt.")
        tbl = pd.DataFrame(p["rows"], columns=["", "aantal"])
        return head + f"<p>{_esc(p['notice'])}</p>" + html_table(tbl, ("aantal",), "signalen-table signalen-privacy")

    def _model(self) -> None:
        """The data analyst's details: model versions and their measures, pyLDAvis."""
        d = self.data
        parts = []
        if len(d.models):
            rows = []
            for m in d.models.itertuples():
                met = parse_metrics(m.metrics)
                rows.append({"versie": m.model_version, "gemaakt": fmt_datetime(m.created_at, self.settings.timezone),  # naive UTC
                             "signalen": fmt_int(m.n_docs), "in gebruik": "ja" if m.is_current else "",
                             **{METRIC_NAMES[k]: fmt_num(met[k], 3) for k in METRIC_NAMES
                                if isinstance(met.get(k), (int, float)) and math.isfinite(met[k]) and abs(met[k]) < 1e12}})
            parts += ["<h4>Onderwerpmodellen</h4>", html_table(pd.DataFrame(rows), ("signalen",))]
        else:
            parts.append(charts.message_html("Nog geen onderwerpmodel."))
        lda = find_ldavis(d.settings, d.models)
        if lda is not None:
            doc = lda.read_text(encoding="utf-8", errors="replace")
            if "src=\"http" in doc or "src='http" in doc or "https://" in doc and "<script src" in doc:
                parts.append(charts.message_html("De onderwerpkaart laadt JavaScript van internet en wordt daarom niet getoond."))
            else:
                parts.append("<h4>Onderwerpkaart (pyLDAvis)</h4><iframe sandbox='allow-scripts' style='width:100%;height:820px;border:0' "
                             f"srcdoc=\"{html.escape(doc, quote=True)}\"></iframe>")
        self.v["model"].value = "".join(parts)


METRIC_NAMES = {"v": "coherentie (c_v)", "npmi": "coherentie (NPMI)", "diversity": "diversiteit", "overig_share": "aandeel overig",
                "perplexity": "perplexiteit"}


def _quality_words(f1, lo, hi) -> str:
    """F1 with its interval in words, for staff."""
    if f1 is None or pd.isna(f1):
        return "onbekend"
    word = "goed" if f1 >= 0.8 else "redelijk" if f1 >= 0.6 else "matig" if f1 >= 0.4 else "zwak"
    band = f" (tussen {fmt_num(lo, 2)} en {fmt_num(hi, 2)})" if lo is not None and hi is not None and pd.notna(lo) and pd.notna(hi) else ""
    return f"{word}: {fmt_num(f1, 2)}{band}"


def compliments_html(data: DashboardData, f: Filters, k: int, limit: int = 12, css: str = "signalen-wall") -> str:
    """Cards with the most recent compliments in the selection (suppressed below k signals)."""
    from dataclasses import replace

    fc = replace(f, perception="compliment")
    where, params = fc.where()
    n = int(data.q(f"SELECT COALESCE(sum(n),0) n FROM agg WHERE {where}", params)["n"].iloc[0])
    head = f"<h2>Complimenten van Rotterdammers</h2><div class='signalen-note'>{fmt_int(n) if n >= k else 'minder dan ' + str(k)} complimenten in de selectie</div>"
    if n < k:
        return head + charts.message_html(f"Minder dan {k} complimenten in deze selectie; ze worden niet getoond (privacy).")
    try:
        ex = data.compliments(f, limit)
    except DashboardDataError as exc:
        return head + charts.message_html(str(exc))
    if ex.empty:
        return head + charts.message_html("Geen complimenten die geschikt zijn om te tonen in deze selectie.")
    cards = "".join(
        f"<div class='card'>“{_esc(r.text)}”<div class='meta'>{_esc(r.afdeling or r.cluster or '')} · {_esc(fmt_date(r.received_at))}"
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
