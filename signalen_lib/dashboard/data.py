"""The dashboard's data: aggregates copied into an in-memory DuckDB, filters, small-cell rule.

The store is opened read-only and briefly (DuckDB allows one writer process): at start the
aggregates (``agg_daily``) are copied into an in-memory DuckDB in this kernel and the store is
closed; every chart is then an aggregate query there. Only the examples page and the compliments
wall read masked texts, again by opening the store read-only for one query.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd

from signalen_lib.categories.edits import display_names
from signalen_lib.config import Settings
from signalen_lib.dashboard.aggregates import DIMENSIONS, MEASURES, read_meta
from signalen_lib.store import open_store
from signalen_lib.vocab.taxonomy import load_national_taxonomy

ALL = "(alle)"
PERIODS = {"laatste maand": 30, "laatste kwartaal": 91, "laatste jaar": 365, "alles": None, "aangepast": None}


class DashboardDataError(Exception):
    """The store cannot be read (missing, being written, no aggregates); message is Dutch."""


@dataclass(frozen=True)
class Filters:
    """The dashboard's selection. Empty tuples/None mean 'all'. ``end`` is inclusive."""

    start: date | None = None
    end: date | None = None
    source: str | None = None
    channel: str | None = None
    cluster: str | None = None
    afdeling: str | None = None
    wijk_code: str | None = None
    buurt_code: str | None = None
    categories: tuple[str, ...] = ()
    subcategory: str | None = None
    perception: str | None = None
    org_code: str | None = None

    def where(self, *, period: bool = True, start: date | None = None, end: date | None = None,
              skip: tuple[str, ...] = ()) -> tuple[str, list]:
        """SQL condition and parameters for agg_daily (or signals, same column names)."""
        cond, params = ["TRUE"], []
        s = start if start is not None else (self.start if period else None)
        e = end if end is not None else (self.end if period else None)
        if s is not None:
            cond.append("day >= ?")
            params.append(pd.Timestamp(s).to_pydatetime())
        if e is not None:
            cond.append("day < ?")
            params.append((pd.Timestamp(e) + pd.Timedelta(days=1)).to_pydatetime())
        for col in ("source", "channel", "cluster", "afdeling", "wijk_code", "buurt_code", "subcategory", "perception",
                    "org_code"):
            val = getattr(self, col)
            if val is not None and col not in skip:
                cond.append(f"{col} = ?")
                params.append(val)
        if self.categories and "category" not in skip:
            cond.append(f"category IN ({', '.join('?' * len(self.categories))})")
            params.extend(self.categories)
        return " AND ".join(cond), params

    def previous(self) -> "Filters":
        """The same selection for the period of equal length just before."""
        if self.start is None or self.end is None:
            return self
        length = (self.end - self.start).days + 1
        return replace(self, start=self.start - timedelta(days=length), end=self.start - timedelta(days=1))

    def year_before(self) -> "Filters":
        if self.start is None or self.end is None:
            return self
        return replace(self, start=self.start - timedelta(weeks=52), end=self.end - timedelta(weeks=52))


@dataclass
class DashboardData:
    """Aggregates in memory plus what the views need to name things."""

    settings: Settings
    con: duckdb.DuckDBPyConnection
    meta: dict
    first_day: date | None
    last_day: date | None
    category_names: dict[str, str] = field(default_factory=dict)
    subcategory_names: dict[str, str] = field(default_factory=dict)
    wijken: pd.DataFrame = field(default_factory=pd.DataFrame)
    buurten: pd.DataFrame = field(default_factory=pd.DataFrame)
    models: pd.DataFrame = field(default_factory=pd.DataFrame)
    staff_tables: dict = field(default_factory=dict)  # what Kwaliteit, Signalering and Verbeteren show
    org_names: dict[str, str] = field(default_factory=dict)  # org_code -> name
    national: pd.DataFrame = field(default_factory=pd.DataFrame)  # national_aggregates (a national store only)
    national_effects: pd.DataFrame = field(default_factory=pd.DataFrame)  # saved national-effect estimates

    # ---- loading ------------------------------------------------------------------------
    @classmethod
    def load(cls, settings: Settings, aggregates: pd.DataFrame | None = None) -> "DashboardData":
        """Copy agg_daily (or the given frame) into memory; read names, models, status."""
        models = pd.DataFrame()
        status: dict[str, pd.DataFrame] = {}
        con = duckdb.connect(":memory:")
        org_names = {settings.organisation_code: settings.organisation_name}
        national = effects = pd.DataFrame()
        if aggregates is not None:
            if "org_code" not in aggregates:
                aggregates = aggregates.assign(org_code=settings.organisation_code)
            con.register("agg_src", aggregates)
            con.execute("CREATE TABLE agg AS SELECT * FROM agg_src ORDER BY day")
            con.unregister("agg_src")
            meta = {"model_version": "", "refreshed_at": ""}
        else:
            try:
                store = open_store(settings, restricted=False, read_only=True)
            except Exception as exc:  # noqa: BLE001
                raise DashboardDataError(
                    f"De gegevens kunnen nu niet gelezen worden ({str(exc).splitlines()[0]}). "
                    "Draai eerst de pijplijn, of probeer het zo opnieuw als die nog loopt."
                ) from None
            try:
                db = store.shared
                if not db.table_exists("agg_daily"):
                    raise DashboardDataError("Er zijn nog geen aggregaten: draai eerst de pijplijn (signalen pipeline).")
                meta = read_meta(db)
                meta.update(_freshness(store, settings))
                org = str(settings.organisation_code).replace("'", "''")
                has_org = "org_code" in db.columns("agg_daily")  # a store not yet migrated has none
                cols = ", ".join(("day",) + tuple(
                    (f"COALESCE(org_code, '{org}') AS org_code" if has_org else f"'{org}' AS org_code")
                    if c == "org_code" else c for c in DIMENSIONS) + MEASURES)
                if db.table_exists("national_organisations"):
                    orgs = db.query_df("SELECT org_code, org_name FROM national_organisations")
                    org_names.update(zip(orgs["org_code"], orgs["org_name"]))
                    if len(orgs):
                        national = db.query_df("SELECT a.*, o.org_name, o.mode, o.suppressed_signals FROM national_aggregates a "
                                               "JOIN national_organisations o ON o.org_code = a.org_code")
                if db.table_exists("national_effects"):
                    effects = db.query_df("SELECT * FROM national_effects ORDER BY category, role, org_code")
                if db.backend == "duckdb":
                    tbl = db._con.execute(f"SELECT {cols} FROM agg_daily").to_arrow_table()  # noqa: SLF001 (fast path)
                    con.register("agg_src", tbl)
                else:
                    con.register("agg_src", db.query_df(f"SELECT {cols} FROM agg_daily"))
                # sorted by day: DuckDB's zone maps then skip row groups outside a period
                con.execute("CREATE TABLE agg AS SELECT * FROM agg_src ORDER BY day")
                con.unregister("agg_src")
                if db.table_exists("topic_models"):
                    models = db.query_df(
                        "SELECT model_version, created_at, n_docs, is_current, metrics, path FROM topic_models "
                        "ORDER BY created_at DESC LIMIT 20")
                status = _staff_tables(store, settings)
                cat_names, sub_names = display_names(db, settings)  # the taxonomy with staff's edits
            finally:
                store.close()
        first, last = con.execute("SELECT min(day), max(day) FROM agg").fetchone()
        for c in load_national_taxonomy().categories:  # a national store's categories
            cat_names.setdefault(c.key, c.name)
        geo = settings.geo_dir
        bu = pd.read_csv(geo / "rotterdam_buurten.tsv", sep="\t", dtype={"inwoners": "Int64"})
        wj = bu.groupby(["wijkcode", "wijknaam"], as_index=False)["inwoners"].sum()
        return cls(settings=settings, con=con, meta=meta,
                   first_day=pd.Timestamp(first).date() if first is not None else None,
                   last_day=pd.Timestamp(last).date() if last is not None else None,
                   category_names=cat_names, subcategory_names=sub_names, wijken=wj, buurten=bu,
                   models=models, staff_tables=status, org_names=org_names, national=national,
                   national_effects=effects)

    @staticmethod
    def current_meta(settings: Settings) -> dict | None:
        """What :meth:`load` would put in ``meta`` now (the aggregates' refresh record and the
        pipeline's notice), read without copying the aggregates; None when it cannot be read."""
        try:
            store = open_store(settings, restricted=False, read_only=True)
        except Exception:  # noqa: BLE001
            return None
        try:
            meta = read_meta(store.shared)
            meta.update(_freshness(store, settings))
            return meta
        except Exception:  # noqa: BLE001
            return None
        finally:
            store.close()

    def is_stale(self) -> bool:
        """True when the pipeline has refreshed the aggregates (or recorded a run) since this copy
        was loaded."""
        now = self.current_meta(self.settings)
        return now is not None and now != self.meta

    # ---- queries ------------------------------------------------------------------------
    def q(self, sql: str, params: list | None = None) -> pd.DataFrame:
        return self.con.execute(sql, params or []).df()

    def distinct(self, col: str, where: str = "TRUE", params: list | None = None) -> list[str]:
        if col not in DIMENSIONS:
            raise ValueError(col)
        df = self.q(f"SELECT DISTINCT {col} AS v FROM agg WHERE {where} ORDER BY 1", params)
        return [str(v) for v in df["v"]]

    def org_name(self, code: str) -> str:
        return self.org_names.get(code, code)

    @property
    def is_national(self) -> bool:
        """A national store: organisations have published to it."""
        return not self.national.empty

    def cat_name(self, key: str) -> str:
        return self.category_names.get(key, key.replace("_", " "))

    def sub_name(self, key: str) -> str:
        return self.subcategory_names.get(key, key.replace("_", " "))

    def wijk_name(self, code: str) -> str:
        if "_wijk_names" not in self.__dict__:
            self._wijk_names = dict(zip(self.wijken.wijkcode, self.wijken.wijknaam))
        return str(self._wijk_names.get(code, code))

    def buurt_name(self, code: str) -> str:
        if "_buurt_names" not in self.__dict__:
            self._buurt_names = dict(zip(self.buurten.buurtcode, self.buurten.buurtnaam))
        return str(self._buurt_names.get(code, code))

    def period_for(self, preset: str) -> tuple[date | None, date | None]:
        days = PERIODS.get(preset)
        if self.last_day is None:
            return None, None
        if days is None:
            return self.first_day, self.last_day
        return self.last_day - timedelta(days=days - 1), self.last_day

    # ---- texts (read-only store, one query) ---------------------------------------------
    def compliments(self, f: Filters, n: int = 12) -> pd.DataFrame:
        """The best compliments of the selection (:func:`signalen_lib.reports.compliments.best_compliments`:
        clear, positive, checked once more for personal data), newest first."""
        from signalen_lib.reports.compliments import best_compliments

        filters = {c: getattr(f, c) for c in ("source", "channel", "cluster", "afdeling", "wijk_code", "buurt_code")
                   if getattr(f, c) is not None}
        end = pd.Timestamp(f.end) + pd.Timedelta(days=1) if f.end else None
        try:
            store = open_store(self.settings, restricted=False, read_only=True)
        except Exception as exc:  # noqa: BLE001
            raise DashboardDataError(f"De teksten kunnen nu niet gelezen worden ({str(exc).splitlines()[0]}).") from None
        try:
            df = best_compliments(store, start=f.start, end=end, n=n, filters=filters, settings=self.settings)
        finally:
            store.close()
        return df.sort_values("received_at", ascending=False) if len(df) else df

    def examples(self, f: Filters, page: int = 0, page_size: int = 10, perception: str | None = None) -> pd.DataFrame:
        """A page of masked texts for the selection, newest first (raw rows never leave this page)."""
        mv = self.meta.get("model_version") or None
        where, params = f.where()
        where = (where.replace("day >=", "s.received_at >=").replace("day <", "s.received_at <"))
        for col in ("source", "channel", "cluster", "afdeling", "wijk_code", "buurt_code"):
            where = where.replace(f"{col} = ?", f"s.{col} = ?")
        where = where.replace("subcategory = ?", "COALESCE(c.subcategory, 'overig') = ?")
        where = where.replace("category IN", "COALESCE(c.category, 'overig') IN")
        where = where.replace("perception = ?", "COALESCE(p.perception, 'onbekend') = ?")
        if perception:
            where += " AND COALESCE(p.perception, 'onbekend') = ?"
            params = params + [perception]
        try:
            store = open_store(self.settings, restricted=False, read_only=True)
        except Exception as exc:  # noqa: BLE001
            raise DashboardDataError(f"De teksten kunnen nu niet gelezen worden ({str(exc).splitlines()[0]}).") from None
        try:
            db = store.shared
            has_cat = db.table_exists("signal_categories") and mv is not None
            has_per = db.table_exists("signal_perception")
            cat_join = ("LEFT JOIN (SELECT signal_id, category, subcategory FROM signal_categories WHERE rank = 1 "
                        "AND model_version = ?) c ON c.signal_id = s.signal_id") if has_cat else \
                "LEFT JOIN (SELECT CAST(NULL AS TEXT) AS signal_id, CAST(NULL AS TEXT) AS category, CAST(NULL AS TEXT) AS subcategory) c ON FALSE"
            per_join = "LEFT JOIN signal_perception p ON p.signal_id = s.signal_id" if has_per else \
                "LEFT JOIN (SELECT CAST(NULL AS TEXT) AS signal_id, CAST(NULL AS TEXT) AS perception) p ON FALSE"
            sql = f"""SELECT s.received_at, s.source, s.channel, s.wijk, COALESCE(c.category, 'overig') AS category,
                             COALESCE(c.subcategory, 'overig') AS subcategory,
                             COALESCE(p.perception, 'onbekend') AS perception, s.text
                      FROM signals s {cat_join} {per_join}
                      WHERE {where}
                      ORDER BY s.received_at DESC, s.signal_id
                      LIMIT {int(page_size)} OFFSET {int(page) * int(page_size)}"""
            return db.query_df(sql, ([mv] if has_cat else []) + params)
        finally:
            store.close()


def _staff_tables(store, settings: Settings) -> dict:
    """What the Kwaliteit, Signalering and Verbeteren views show, read once with the aggregates:
    the latest validation run, label counts, the category model's learning curve, the alert history, the improvement register and the
    latest measured effects. A table that does not exist yet gives an empty frame."""
    from signalen_lib.categories.store import learning_curve
    from signalen_lib.dashboard.alerts import alert_history
    from signalen_lib.improvements.effect import latest_effects
    from signalen_lib.privacy.report import privacy_summary

    db = store.shared

    def q(table: str, sql: str) -> pd.DataFrame:
        return db.query_df(sql) if db.table_exists(table) else pd.DataFrame()

    return {
        "validation": q("validation_runs", "SELECT * FROM validation_runs ORDER BY created_at DESC LIMIT 1"),
        "labels": q("labels", "SELECT count(*) AS n, count(DISTINCT signal_id) AS n_signals, min(labelled_at) AS first, "
                              "max(labelled_at) AS last FROM labels"),
        "learning_curve": learning_curve(db),
        "perception_model": q("perception_models", "SELECT model_version, created_at, n_train, n_labelled, metrics "
                                                   "FROM perception_models WHERE is_current LIMIT 1"),
        "alerts": alert_history(db),
        "improvements": q("improvements", "SELECT * FROM improvements ORDER BY start_date DESC, id"),
        "effects": latest_effects(db),
        "privacy": privacy_summary(store, settings),
    }


def find_ldavis(settings: Settings, models: pd.DataFrame) -> Path | None:
    """The pyLDAvis HTML of the current model, if the topics part wrote one."""
    candidates: list[Path] = []
    if len(models):
        cur = models[models["is_current"].astype(bool)] if "is_current" in models else models
        for p in cur.get("path", pd.Series(dtype=str)).dropna():
            if p:
                pp = Path(p)
                candidates += sorted(pp.glob("*ldavis*.html")) if pp.is_dir() else []
    for base in (settings.models_dir, settings.reports_dir):
        if base.exists():
            candidates += sorted(base.glob("**/*ldavis*.html"), key=lambda x: x.stat().st_mtime, reverse=True)
    return candidates[0] if candidates else None


def parse_metrics(text) -> dict:
    try:
        return json.loads(text) if text else {}
    except (TypeError, ValueError):
        return {}


def _freshness(store, settings) -> dict:
    """The pipeline's "laatste geslaagde verwerking" notice (and whether the last run failed), so a
    failed night shows staff that they are looking at the last good data."""
    try:
        from signalen_lib.runs.pipeline import pipeline_status

        st = pipeline_status(store, tz=settings.timezone)
        return {"pipeline_notice": st["notice"], "pipeline_level": st["level"]}
    except Exception:  # noqa: BLE001 - no pipeline runs recorded (e.g. aggregates built by hand)
        return {}
