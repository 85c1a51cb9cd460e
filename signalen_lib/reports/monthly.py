"""The monthly report per organisation unit (``notebooks/04_maandrapportage.ipynb``).

The notebook stays thin::

    ctx = monthly.open_report(period, cluster, config)
    monthly.show_section(ctx, "volumes")      # one call per section

Each ``section_<name>(ctx)`` returns a list of parts (Markdown strings, DataFrames, Altair charts)
that :func:`show` displays: charts as inline SVG rendered offline by vl-convert (no JavaScript, no
CDN), tables as HTML. A section whose inputs are missing (a part of the package or a table that is
not there yet) shows the Dutch line "nog niet beschikbaar"; any other error shows a line saying the
section could not be made, and is listed in ``ctx.problems``.

Privacy: the report reads the shared zone only (masked text), opened read-only. Counts below
``settings.min_cell_size`` are suppressed (shown as "<k"), and examples/compliments are only shown
for groups with at least that many signals.
"""
from __future__ import annotations

import html as _html
import json
import sys
import traceback
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from signalen_lib.vocab.fmt import fmt_date, fmt_datetime, fmt_int, fmt_pct, month_name
from signalen_lib.vocab.taxonomy import load_taxonomy

GEO_ATTRIBUTION = "Bron kaartgrenzen: CBS Wijk- en Buurtkaart (CC BY 4.0)"
NOT_AVAILABLE = "nog niet beschikbaar"
WIDTH = 640


class NotAvailable(Exception):
    """A section's input (a module or table of another part) is not there yet."""


@dataclass
class ReportContext:
    settings: Any
    store: Any
    period: str
    cluster: str
    start: pd.Timestamp
    end: pd.Timestamp
    model_version: str | None
    problems: list[str] = field(default_factory=list)
    _cache: dict = field(default_factory=dict)

    @property
    def db(self):
        return self.store.shared

    @property
    def min_cell(self) -> int:
        return int(self.settings.min_cell_size)

    @property
    def label(self) -> str:
        s = self.settings
        own = f"gemeente {s.organisation_name}" if str(s.organisation_code).startswith("GM") else s.organisation_name
        return self.cluster or own

    @property
    def month_name(self) -> str:
        return month_name(self.start)

    def month(self, offset: int) -> tuple[pd.Timestamp, pd.Timestamp]:
        """[start, end) of the month ``offset`` months from the report month."""
        s = self.start + pd.DateOffset(months=offset)
        return s, s + pd.DateOffset(months=1)

    @property
    def org_code(self) -> str | None:
        """This organisation's code when the store holds several (a national store), else None:
        an organisation's own store needs no organisation filter."""
        if "org_code" not in self._cache:
            many = False
            if "org_code" in self.db.columns("signals"):
                many = int(self.db.scalar("SELECT count(DISTINCT org_code) FROM signals")) > 1
            self._cache["org_code"] = self.settings.organisation_code if many else None
        return self._cache["org_code"]

    def filters(self) -> dict:
        """The report's scope: this organisation (setting organisation_code) in a national store,
        and one cluster when given."""
        out = {"org_code": self.org_code} if self.org_code else {}
        if self.cluster:
            out["cluster"] = self.cluster
        return out

    def cluster_sql(self, alias: str = "s") -> tuple[str, list]:
        sql, params = "", []
        for col, val in self.filters().items():
            sql, params = sql + f" AND {alias}.{col} = ?", params + [val]
        return sql, params

    def close(self) -> None:
        self.store.close()


# ---- formatting ----------------------------------------------------------------------------
def suppress_count(n, k: int) -> str:
    """A count for display: below the small-cell threshold it becomes '<k'."""
    if n is None or pd.isna(n):
        return "–"
    return f"<{k}" if 0 < int(n) < k else fmt_int(n)


# ---- context -------------------------------------------------------------------------------
def _parse_period(period: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    from signalen_lib.runs.scheduled import parse_period, previous_month

    period = period or previous_month()
    s, e = parse_period(period)
    return pd.Timestamp(s), pd.Timestamp(e)


def open_report(period: str = "", cluster: str = "", config: str | None = None, *, settings=None, store=None) -> ReportContext:
    """Settings via ``load_config(config)`` (honours SIGNALEN_* set by the runner), the shared zone
    opened read-only, the report month [start, end)."""
    from signalen_lib.config import load_config
    from signalen_lib.vocab.models import current_topic_model

    settings = settings or load_config(config or None)
    if store is None:
        from signalen_lib.store import open_store

        store = open_store(settings, restricted=False, read_only=True)
    start, end = _parse_period(period)
    try:
        mv = current_topic_model(store.shared)
    except Exception:  # noqa: BLE001
        mv = None
    return ReportContext(settings, store, f"{start:%Y-%m}", cluster or "", start, end, mv)


def _has(ctx: ReportContext, table: str) -> bool:
    key = ("has", table)
    if key not in ctx._cache:
        ctx._cache[key] = ctx.db.table_exists(table)
    return ctx._cache[key]


def _need(ctx: ReportContext, *tables: str) -> None:
    for t in tables:
        if not _has(ctx, t):
            raise NotAvailable(f"table {t} does not exist yet")


def category_name(ctx: ReportContext, key: str) -> str:
    names = load_taxonomy(ctx.settings.taxonomy_path).names()
    return names.get(key, str(key).replace("_", " ").capitalize())


# ---- data ----------------------------------------------------------------------------------
def monthly_volumes(ctx: ReportContext, months: int = 13) -> pd.DataFrame:
    """Signals per month for the cluster over the ``months`` months up to the report month:
    columns maand (timestamp), n."""
    _need(ctx, "signals")
    first, _ = ctx.month(-(months - 1))
    extra, params = ctx.cluster_sql()
    df = ctx.db.query_df(
        "SELECT date_trunc('month', s.received_at) AS maand, count(*) AS n FROM signals s "
        f"WHERE s.received_at >= ? AND s.received_at < ?{extra} GROUP BY 1 ORDER BY 1",
        [first.to_pydatetime(), ctx.end.to_pydatetime(), *params],
    )
    idx = pd.date_range(first, ctx.start, freq="MS")
    df["maand"] = pd.to_datetime(df["maand"])
    out = df.set_index("maand").reindex(idx, fill_value=0).rename_axis("maand").reset_index()
    out["n"] = out["n"].astype("int64")
    return out


def count_signals(ctx: ReportContext, start=None, end=None) -> int:
    _need(ctx, "signals")
    start = ctx.start if start is None else start
    end = ctx.end if end is None else end
    extra, params = ctx.cluster_sql()
    return int(ctx.db.scalar(
        f"SELECT count(*) FROM signals s WHERE s.received_at >= ? AND s.received_at < ?{extra}",
        [pd.Timestamp(start).to_pydatetime(), pd.Timestamp(end).to_pydatetime(), *params]))


def volume_by_source(ctx: ReportContext) -> pd.DataFrame:
    """Per source: this month, previous month, same month last year, change vs previous."""
    _need(ctx, "signals")
    frames = []
    for label, (s, e) in (("deze maand", (ctx.start, ctx.end)), ("vorige maand", ctx.month(-1)),
                          ("vorig jaar", ctx.month(-12))):
        extra, params = ctx.cluster_sql()
        df = ctx.db.query_df(
            f"SELECT s.source AS bron, count(*) AS n FROM signals s WHERE s.received_at >= ? AND s.received_at < ?{extra} "
            "GROUP BY 1", [s.to_pydatetime(), e.to_pydatetime(), *params])
        frames.append(df.set_index("bron")["n"].rename(label))
    out = pd.concat(frames, axis=1).fillna(0).astype("int64").sort_values("deze maand", ascending=False)
    return out.reset_index()


def _category_counts(ctx: ReportContext, start, end) -> pd.Series:
    _need(ctx, "signals", "signal_categories")
    if not ctx.model_version:
        raise NotAvailable("no current topic model")
    extra, params = ctx.cluster_sql()
    df = ctx.db.query_df(
        "SELECT c.category AS category, count(*) AS n FROM signals s JOIN signal_categories c "
        "ON c.signal_id = s.signal_id AND c.model_version = ? AND c.rank = 1 "
        f"WHERE s.received_at >= ? AND s.received_at < ?{extra} GROUP BY 1",
        [ctx.model_version, pd.Timestamp(start).to_pydatetime(), pd.Timestamp(end).to_pydatetime(), *params])
    return df.set_index("category")["n"].astype("int64")


def top_categories(ctx: ReportContext, n: int = 10) -> pd.DataFrame:
    """The ``n`` largest categories this month (main category, rank 1): category, name, n, share,
    previous month, change."""
    now = _category_counts(ctx, ctx.start, ctx.end)
    prev = _category_counts(ctx, *ctx.month(-1))
    total = int(now.sum())
    df = pd.DataFrame({"category": now.index, "n": now.to_numpy()})
    df["vorige maand"] = df["category"].map(prev).fillna(0).astype("int64")
    df["aandeel"] = df["n"] / total if total else np.nan
    df["verschil"] = df["n"] - df["vorige maand"]
    df["categorie"] = [category_name(ctx, c) for c in df["category"]]
    return df.sort_values(["n", "categorie"], ascending=[False, True]).head(n).reset_index(drop=True)


def risers(ctx: ReportContext, n: int = 5, months: int = 3) -> pd.DataFrame:
    """Categories that grew most this month against the mean of the ``months`` months before
    (only categories with at least min_cell_size signals this month)."""
    now = _category_counts(ctx, ctx.start, ctx.end)
    before = [_category_counts(ctx, *ctx.month(-i)) for i in range(1, months + 1)]
    base = pd.concat(before, axis=1).reindex(now.index.union(pd.concat(before, axis=1).index)).fillna(0).mean(axis=1)
    df = pd.DataFrame({"category": now.index, "n": now.to_numpy()})
    df["gemiddeld"] = df["category"].map(base).fillna(0.0)
    df["stijging"] = df["n"] - df["gemiddeld"]
    df["stijging_pct"] = np.where(df["gemiddeld"] > 0, df["n"] / df["gemiddeld"].replace(0, np.nan) - 1, np.nan)
    df = df[(df["n"] >= ctx.min_cell) & (df["stijging"] > 0)]
    df["categorie"] = [category_name(ctx, c) for c in df["category"]]
    return df.sort_values("stijging", ascending=False).head(n).reset_index(drop=True)


def wijk_counts(ctx: ReportContext) -> pd.DataFrame:
    """Signals per wijk this month (wijk_code, wijk, n), suppressed below min_cell_size (n NaN)."""
    _need(ctx, "signals")
    extra, params = ctx.cluster_sql()
    df = ctx.db.query_df(
        "SELECT s.wijk_code AS wijk_code, count(*) AS n FROM signals s "
        f"WHERE s.received_at >= ? AND s.received_at < ?{extra} AND s.wijk_code IS NOT NULL GROUP BY 1",
        [ctx.start.to_pydatetime(), ctx.end.to_pydatetime(), *params])
    feats = _wijk_features(str(ctx.settings.geo_dir / "rotterdam_wijken.geojson"))
    names = {f["properties"]["wijkcode"]: f["properties"]["wijknaam"] for f in feats}
    inw = {f["properties"]["wijkcode"]: f["properties"].get("inwoners") for f in feats}
    out = pd.DataFrame({"wijk_code": list(names)})
    out["wijk"] = out["wijk_code"].map(names)
    out["n"] = out["wijk_code"].map(df.set_index("wijk_code")["n"]).fillna(0).astype("int64")
    out["inwoners"] = pd.to_numeric(out["wijk_code"].map(inw), errors="coerce")
    out["suppressed"] = (out["n"] > 0) & (out["n"] < ctx.min_cell)
    out["per_1000"] = np.where(out["suppressed"] | (out["inwoners"].fillna(0) <= 0), np.nan,
                               out["n"] / out["inwoners"] * 1000)
    return out.sort_values("n", ascending=False).reset_index(drop=True)


@lru_cache(maxsize=2)
def _wijk_features(path: str) -> tuple:
    with open(path, encoding="utf-8") as fh:
        return tuple(json.load(fh)["features"])


def kpi_month(ctx: ReportContext) -> dict:
    """The dissatisfaction KPI of the report month against the nulmeting
    (:func:`signalen_lib.reports.kpi.kpi_for_window`, the definition the dashboard uses too)."""
    from signalen_lib.reports.kpi import kpi_for_window

    _need(ctx, "signals")
    return kpi_for_window(ctx.store, ctx.settings, ctx.start, ctx.end - pd.Timedelta(days=1), filters=ctx.filters())


def kpi_trend(ctx: ReportContext) -> pd.DataFrame:
    from signalen_lib.reports.kpi import kpi
    first, _ = ctx.month(-12)
    return kpi(ctx.store, by=(), period="month", settings=ctx.settings, start=first, end=ctx.end,
               filters=ctx.filters())


def month_alerts(ctx: ReportContext) -> pd.DataFrame:
    """Categories far above their expected level during the report month
    (``signalen_lib.dashboard.alerts.detect_alerts`` over the whole month as the recent window)."""
    from signalen_lib.dashboard.alerts import detect_alerts
    _need(ctx, "signals", "signal_categories")
    if not ctx.model_version:
        raise NotAvailable("no current topic model")
    first = ctx.start - pd.Timedelta(weeks=70)
    extra, params = ctx.cluster_sql()
    daily = ctx.db.query_df(
        "SELECT date_trunc('day', s.received_at) AS day, c.category AS category, count(*) AS n FROM signals s "
        "JOIN signal_categories c ON c.signal_id = s.signal_id AND c.model_version = ? AND c.rank = 1 "
        f"WHERE s.received_at >= ? AND s.received_at < ?{extra} GROUP BY 1, 2",
        [ctx.model_version, first.to_pydatetime(), ctx.end.to_pydatetime(), *params])
    if daily.empty:
        return pd.DataFrame()
    daily["day"] = pd.to_datetime(daily["day"])
    days = int((ctx.end - ctx.start).days)
    found = detect_alerts(daily, keys=("category",), as_of=ctx.end - pd.Timedelta(days=1), recent_days=days,
                          baseline_weeks=8, min_count=ctx.min_cell)
    if found is None or len(found) == 0:
        return pd.DataFrame()
    found = found.copy()
    found["categorie"] = [category_name(ctx, k) for k in found["key"]]
    return found.reset_index(drop=True)


def improvement_effects(ctx: ReportContext) -> pd.DataFrame:
    """Running improvement actions of the cluster and their measured effect
    (``signalen_lib.improvements.register`` and ``signalen_lib.improvements.effect.measure_effect``)."""
    from signalen_lib.improvements import effect as eff
    from signalen_lib.improvements import register as imp
    items = imp.list_improvements(ctx.store)
    if isinstance(items, pd.DataFrame):
        records = items.to_dict("records")
    else:
        records = [i if isinstance(i, dict) else getattr(i, "__dict__", {"improvement": i}) for i in (items or [])]
    rows = []
    for item in records:
        cl = item.get("cluster")
        if ctx.cluster and cl and cl != ctx.cluster:
            continue
        started = pd.to_datetime(item.get("start") or item.get("started_at") or item.get("start_date"), errors="coerce")
        if pd.notna(started) and started >= ctx.end:
            continue
        try:
            res = eff.measure_effect(ctx.store, item, ctx.settings)
        except TypeError:
            res = eff.measure_effect(ctx.store, item.get("improvement_id") or item.get("id"), ctx.settings)
        r = res if isinstance(res, dict) else getattr(res, "__dict__", {"effect": res})
        rows.append({
            "actie": item.get("title") or item.get("name") or item.get("titel") or item.get("improvement_id") or item.get("id"),
            "categorie": category_name(ctx, item["category"]) if item.get("category") else "",
            "gestart": started.strftime("%d-%m-%Y") if pd.notna(started) else "",
            "effect": r.get("summary_nl") or r.get("summary") or r.get("conclusion") or r.get("effect"),
        })
    return pd.DataFrame(rows)


def examples(ctx: ReportContext, per_category: int = 2, categories: int = 3) -> pd.DataFrame:
    """A few masked example texts for the largest categories (shared zone; only categories with at
    least min_cell_size signals; deterministic choice). Prefers complaints when perception exists."""
    top = top_categories(ctx, n=categories)
    top = top[top["n"] >= ctx.min_cell]
    if top.empty:
        return pd.DataFrame(columns=["categorie", "tekst"])
    extra, params = ctx.cluster_sql()
    has_perc = _has(ctx, "signal_perception")
    order = ("CASE WHEN p.perception = 'klacht' THEN 0 ELSE 1 END, " if has_perc else "") + "s.content_hash"
    join = "LEFT JOIN signal_perception p ON p.signal_id = s.signal_id " if has_perc else ""
    rows = []
    for cat, name in zip(top["category"], top["categorie"]):
        df = ctx.db.query_df(
            "SELECT s.text AS tekst FROM signals s JOIN signal_categories c ON c.signal_id = s.signal_id "
            f"AND c.model_version = ? AND c.rank = 1 {join}"
            f"WHERE c.category = ? AND s.received_at >= ? AND s.received_at < ?{extra} "
            f"AND length(s.text) BETWEEN 40 AND 400 ORDER BY {order} LIMIT ?",
            [ctx.model_version, cat, ctx.start.to_pydatetime(), ctx.end.to_pydatetime(), *params, per_category])
        rows += [{"categorie": name, "tekst": t} for t in df["tekst"]]
    return pd.DataFrame(rows)


def compliments(ctx: ReportContext, n: int = 5) -> pd.DataFrame:
    """The month's best compliments (``signalen_lib.reports.compliments.best_compliments``)."""
    from signalen_lib.reports.compliments import best_compliments
    df = best_compliments(ctx.store, cluster=ctx.cluster or None, start=ctx.start, end=ctx.end, n=n)
    if df is None:
        return pd.DataFrame()
    if not isinstance(df, pd.DataFrame):
        df = pd.DataFrame(df)
    total = count_signals(ctx)
    if total < ctx.min_cell:
        return pd.DataFrame()
    return df


# ---- charts --------------------------------------------------------------------------------
def _alt():
    import altair as alt

    return alt


def volume_chart(df: pd.DataFrame, label: str):
    alt = _alt()
    d = df.assign(maand=df["maand"].dt.strftime("%Y-%m"))
    return alt.Chart(d).mark_bar(color="#00811f").encode(
        x=alt.X("maand:O", title=None, axis=alt.Axis(labelAngle=-45)),
        y=alt.Y("n:Q", title="signalen per maand"),
    ).properties(width=WIDTH, height=220, title=f"Aantal signalen per maand — {label}")


def categories_chart(df: pd.DataFrame):
    alt = _alt()
    return alt.Chart(df).mark_bar(color="#0b71a1").encode(
        y=alt.Y("categorie:N", sort="-x", title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X("n:Q", title="signalen deze maand"),
    ).properties(width=WIDTH - 260, height=alt.Step(20))


def kpi_chart(trend: pd.DataFrame, target: float | None):
    alt = _alt()
    d = trend.dropna(subset=["share"]).assign(maand=lambda x: pd.to_datetime(x["period"]).dt.strftime("%Y-%m"))
    line = alt.Chart(d).mark_line(point=True, color="#c0392b").encode(
        x=alt.X("maand:O", title=None, axis=alt.Axis(labelAngle=-45)),
        y=alt.Y("share:Q", title="aandeel ontevreden (cijfer 0–6)", axis=alt.Axis(format="%")),
    )
    if target is not None and np.isfinite(target):
        rule = alt.Chart(pd.DataFrame({"doel": [target]})).mark_rule(strokeDash=[6, 4], color="#333").encode(y="doel:Q")
        line = line + rule
    return line.properties(width=WIDTH, height=200, title="Ontevredenheid per maand (stippellijn: doel)")


def wijk_map_chart(ctx: ReportContext, counts: pd.DataFrame):
    alt = _alt()
    feats = _wijk_features(str(ctx.settings.geo_dir / "rotterdam_wijken.geojson"))
    vals = counts.set_index("wijk_code")
    features = []
    for f in feats:
        code = f["properties"]["wijkcode"]
        props = dict(f["properties"])
        row = vals.loc[code] if code in vals.index else None
        props["per_1000"] = None if row is None or pd.isna(row["per_1000"]) else round(float(row["per_1000"]), 2)
        features.append({"type": "Feature", "geometry": f["geometry"], "properties": props})
    data = alt.Data(values=features)
    base = alt.Chart(data).mark_geoshape(stroke="white", strokeWidth=0.7).encode(
        color=alt.condition(
            "isValid(datum.properties.per_1000)",
            alt.Color("properties.per_1000:Q", title="per 1.000 inwoners", scale=alt.Scale(scheme="greens")),
            alt.value("#dddddd"),
        ),
    ).project(type="mercator")
    return base.properties(width=WIDTH, height=420, title="Signalen per 1.000 inwoners per wijk")


# ---- sections ------------------------------------------------------------------------------
def section_summary(ctx: ReportContext) -> list:
    from signalen_lib.runs.pipeline import last_successful_run

    n = count_signals(ctx)
    prev = count_signals(ctx, *ctx.month(-1))
    ly = count_signals(ctx, *ctx.month(-12))
    parts = [f"# Maandrapportage {ctx.label} — {ctx.month_name}"]
    lines = [f"In **{ctx.month_name}** ontving {ctx.label} **{fmt_int(n)}** signalen "
             f"({month_name(ctx.month(-1)[0])}: {fmt_int(prev)}"
             + (f", {fmt_pct(n / prev - 1, signed=True)}" if prev else "")
             + f"; {month_name(ctx.month(-12)[0])}: {fmt_int(ly)}"
             + (f", {fmt_pct(n / ly - 1, signed=True)}" if ly else "") + ")."]
    meta = []
    try:
        good = last_successful_run(ctx.store)
    except Exception:  # noqa: BLE001
        good = None
    if good and good.get("finished_at") is not None:
        meta.append(f"gegevens van de verwerking van {fmt_datetime(good['finished_at'], ctx.settings.timezone)}")
    if ctx.model_version:
        meta.append(f"topicmodel {ctx.model_version}")
    meta.append(f"aantallen kleiner dan {ctx.min_cell} worden niet getoond (privacy)")
    lines.append("*" + "; ".join(meta) + ".*")
    parts.append("\n\n".join(lines))
    return parts


def section_volumes(ctx: ReportContext) -> list:
    vol = monthly_volumes(ctx)
    src = volume_by_source(ctx)
    k = ctx.min_cell
    shown = src.copy()
    for c in ("deze maand", "vorige maand", "vorig jaar"):
        shown[c] = [suppress_count(v, k) for v in src[c]]
    return ["## Volume en trend", volume_chart(vol, ctx.label), "Per bron:", shown]


def section_categories(ctx: ReportContext) -> list:
    top = top_categories(ctx)
    if top.empty:
        return ["## Belangrijkste onderwerpen", "Geen signalen met een onderwerp in deze maand."]
    k = ctx.min_cell
    shown = pd.DataFrame({
        "onderwerp": top["categorie"],
        "signalen": [suppress_count(v, k) for v in top["n"]],
        "aandeel": [fmt_pct(a) if n >= k else "–" for a, n in zip(top["aandeel"], top["n"])],
        "vorige maand": [suppress_count(v, k) for v in top["vorige maand"]],
    })
    chart_df = top[top["n"] >= k]
    parts = ["## Belangrijkste onderwerpen", f"De {len(top)} grootste onderwerpen van {ctx.month_name} "
             "(hoofdonderwerp per signaal):", shown]
    if len(chart_df):
        parts.insert(2, categories_chart(chart_df))
    return parts


def section_risers(ctx: ReportContext) -> list:
    r = risers(ctx)
    if r.empty:
        return ["## Stijgers", "Geen onderwerpen die duidelijk groeiden ten opzichte van de drie maanden ervoor."]
    shown = pd.DataFrame({
        "onderwerp": r["categorie"],
        "deze maand": [fmt_int(v) for v in r["n"]],
        "gemiddeld 3 maanden ervoor": [f"{v:.1f}".replace(".", ",") for v in r["gemiddeld"]],
        "stijging": [fmt_pct(v, signed=True) if pd.notna(v) else "nieuw" for v in r["stijging_pct"]],
    })
    return ["## Stijgers", "Onderwerpen die deze maand het sterkst groeiden ten opzichte van het "
            "gemiddelde van de drie maanden ervoor:", shown]


def section_kpi(ctx: ReportContext) -> list:
    fig = kpi_month(ctx)
    parts: list = ["## Ontevredenheid (KPI)"]
    if fig["n_scored"] == 0:
        return parts + ["Geen KTO-cijfers in deze maand."]
    maxs = ctx.settings.dissatisfied_max_score
    if fig["share"] is None:
        parts.append(f"Te weinig KTO-cijfers deze maand (minder dan {ctx.min_cell}) om de KPI te tonen.")
        return parts
    txt = (f"In {ctx.month_name} gaf **{fmt_pct(fig['share'])}** van de {fmt_int(fig['n_scored'])} "
           f"beoordelingen een cijfer 0 t/m {maxs} (ontevreden).")
    target = fig["target_share"]
    if target is not None:
        bs, be = fig["baseline_window"]
        txt += (f" In de nulmeting ({fmt_date(bs)} t/m {fmt_date(be)}) was dat {fmt_pct(fig['baseline_share'])}; "
                f"verandering {fmt_pct(fig['change'], signed=True)}. "
                f"Doel: {fmt_pct(ctx.settings.kpi_target_change, signed=True, digits=0)} ten opzichte van de nulmeting, "
                f"dus hoogstens {fmt_pct(target)}: **{'gehaald' if fig['target_met'] else 'nog niet gehaald'}**.")
    else:
        txt += " Er zijn te weinig cijfers in de nulmeting om het doel aan af te meten."
    parts.append(txt)
    try:
        trend = kpi_trend(ctx)
        if trend is not None and len(trend.dropna(subset=["share"])) >= 2:
            parts.append(kpi_chart(trend, float(target) if target is not None else None))
    except NotAvailable:
        pass
    return parts


def section_map(ctx: ReportContext) -> list:
    counts = wijk_counts(ctx)
    parts: list = ["## Signalen per wijk", wijk_map_chart(ctx, counts), f"*{GEO_ATTRIBUTION}. Grijs: geen of "
                   f"minder dan {ctx.min_cell} signalen.*"]
    top = counts[counts["n"] >= ctx.min_cell].head(5)
    if len(top):
        parts.append(pd.DataFrame({
            "wijk": top["wijk"], "signalen": [fmt_int(v) for v in top["n"]],
            "per 1.000 inwoners": [f"{v:.1f}".replace(".", ",") if pd.notna(v) else "–" for v in top["per_1000"]],
        }))
    unknown = count_signals(ctx) - int(counts["n"].sum())
    if unknown > 0:
        parts.append(f"Signalen zonder bekende wijk: {suppress_count(unknown, ctx.min_cell)}.")
    return parts


def section_alerts(ctx: ReportContext) -> list:
    al = month_alerts(ctx)
    if al.empty:
        return ["## Signaleringen", f"Geen onderwerpen die in {ctx.month_name} ongewoon hoog uitkwamen."]
    shown = pd.DataFrame({
        "onderwerp": al["categorie"],
        "waargenomen": [fmt_int(v) for v in al["observed"]],
        "verwacht": [f"{v:.0f}" for v in al["expected"]],
        "nieuw": ["ja" if v else "" for v in al.get("is_new", [False] * len(al))],
    })
    return ["## Signaleringen", f"Onderwerpen die in {ctx.month_name} ongewoon hoog uitkwamen, vergeleken met "
            "de acht weken ervoor (en dezelfde periode vorig jaar):", shown]


def section_improvements(ctx: ReportContext) -> list:
    eff = improvement_effects(ctx)
    if eff.empty:
        return ["## Verbeteracties", "Geen lopende verbeteracties geregistreerd voor deze eenheid."]
    return ["## Verbeteracties en hun effect", eff]


def section_examples(ctx: ReportContext) -> list:
    ex = examples(ctx)
    if ex.empty:
        return ["## Voorbeelden", "Te weinig signalen om voorbeelden te tonen."]
    parts: list = ["## Voorbeelden", "Enkele (geanonimiseerde) signalen uit de grootste onderwerpen:"]
    for cat, grp in ex.groupby("categorie", sort=False):
        parts.append(f"**{_md_escape(cat)}**\n\n" + "\n".join(f"> {_md_escape(t)}\n>" for t in grp["tekst"]))
    return parts


def section_compliments(ctx: ReportContext) -> list:
    df = compliments(ctx)
    if df is None or df.empty:
        return ["## Complimenten", "Geen complimenten om te tonen deze maand."]
    col = next((c for c in ("text", "tekst") if c in df.columns), df.columns[0])
    return ["## Complimenten", "\n\n".join(f"> {_md_escape(str(t))}" for t in df[col].head(5))]


def _md_escape(text: str) -> str:
    text = " ".join(str(text).split())
    return _html.escape(text).replace("*", "\\*").replace("_", "\\_").replace("#", "\\#")


# ---- display -------------------------------------------------------------------------------
def chart_svg(chart) -> str:
    """An Altair chart as SVG text, rendered offline by vl-convert."""
    import vl_convert as vlc

    return vlc.vegalite_to_svg(chart.to_dict())


def table_html(df: pd.DataFrame) -> str:
    return df.to_html(index=False, escape=True, border=0, classes="signalen-table", na_rep="–")


def show(part) -> None:
    from IPython.display import HTML, SVG, Markdown, display

    if part is None:
        return
    if isinstance(part, str):
        display(Markdown(part))
    elif isinstance(part, pd.DataFrame):
        display(HTML(table_html(part)))
    elif type(part).__module__.startswith("altair"):
        display(SVG(chart_svg(part)))
    else:
        display(part)


# the report's sections in order: name -> the function that builds its parts
SECTION_BUILDERS = {
    "summary": section_summary, "volumes": section_volumes, "categories": section_categories,
    "risers": section_risers, "kpi": section_kpi, "map": section_map, "alerts": section_alerts,
    "improvements": section_improvements, "examples": section_examples, "compliments": section_compliments,
}
SECTIONS = tuple(SECTION_BUILDERS)


def build_section(ctx: ReportContext, name: str) -> list:
    """The parts of one section; never raises: missing inputs give "nog niet beschikbaar"."""
    func = SECTION_BUILDERS.get(name)
    if func is None:
        raise ValueError(f"unknown section {name!r} (known: {', '.join(SECTIONS)})")
    try:
        return func(ctx)
    except NotAvailable as exc:
        print(f"section {name}: not available: {exc}", file=sys.stderr)
        return [f"## {_TITLES.get(name, name)}", f"*Dit onderdeel is {NOT_AVAILABLE}.*"]
    except Exception as exc:  # noqa: BLE001 - one broken section must not sink the report
        ctx.problems.append(f"{name}: {type(exc).__name__}: {exc}")
        traceback.print_exc(file=sys.stderr)
        return [f"## {_TITLES.get(name, name)}", f"*Dit onderdeel kon niet worden gemaakt ({type(exc).__name__}).*"]


def show_section(ctx: ReportContext, name: str) -> None:
    from signalen_lib.runs.timing import timed

    with timed(f"report section {name}: data and charts"):
        parts = build_section(ctx, name)
    with timed(f"report section {name}: display"):
        for part in parts:
            show(part)


def build_report(ctx: ReportContext) -> dict[str, list]:
    """All sections' parts (for tests and other front ends)."""
    return {name: build_section(ctx, name) for name in SECTIONS}


_TITLES = {
    "summary": "Samenvatting", "volumes": "Volume en trend", "categories": "Belangrijkste onderwerpen",
    "risers": "Stijgers", "kpi": "Ontevredenheid (KPI)", "map": "Signalen per wijk",
    "alerts": "Signaleringen", "improvements": "Verbeteracties en hun effect", "examples": "Voorbeelden",
    "compliments": "Complimenten",
}


def footer(ctx: ReportContext) -> str:
    return (f"*Gemaakt met signalen op {date.today():%d-%m-%Y} voor {ctx.label}, periode {ctx.period}. "
            f"Teksten zijn geanonimiseerd; aantallen kleiner dan {ctx.min_cell} zijn onderdrukt. {GEO_ATTRIBUTION}.*")
