"""The improvement register (stap 5, Verbeteren): what was changed, where, from when, for which topics.

An improvement has an ``id`` (given, or ``VB-001``, ``VB-002``... when left out), a ``title``, a
``description``, the org unit (``cluster``, ``afdeling``), a ``start_date``, the ``categories``
it targets (taxonomy keys; optional ``subcategories``), optionally the ``wijken``, ``channels``
and ``sources`` it applies to, the ``expected_direction`` of the signal volume (``afname`` or
``toename``) and who recorded it when. Edit it with :func:`register_widget` or import a CSV with
:func:`import_csv` (``signalen improvements import FILE``).

CSV format (UTF-8, comma or semicolon separated, one improvement per row; list fields separated
by ``|``, ``;`` inside quotes, or ``,`` in a semicolon file)::

    id;title;description;cluster;afdeling;start_date;categories;subcategories;wijken;channels;sources;expected_direction;created_by
    VB-001;Betalingsregeling direct via 14010;...;Dienstverlening;Belastingen;2024-03-01;betalingsregeling;;;;;afname;e.klomps

Required: ``title``, ``start_date`` (YYYY-MM-DD or DD-MM-YYYY), ``categories``. Errors name the
line and field, e.g. ``line 3, field 'start_date': '31-02-2024' is not a date``.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from signalen_lib.schema import CHANNELS, ORG_UNITS, SOURCES
from signalen_lib.store.queries import parse_list, to_json_list
from signalen_lib.vocab.models import current_topic_model

DIRECTIONS = ("afname", "toename")
LIST_FIELDS = ("categories", "subcategories", "wijken", "channels", "sources")
COLUMNS = ("id", "title", "description", "cluster", "afdeling", "start_date", "categories", "subcategories", "wijken",
           "channels", "sources", "expected_direction", "created_by")
_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")


class ImprovementError(ValueError):
    """An improvement or an import file is invalid; ``errors`` lists every problem (line, field, what)."""

    def __init__(self, errors: Sequence[str]):
        self.errors = list(errors)
        more = f" (and {len(self.errors) - 5} more)" if len(self.errors) > 5 else ""
        super().__init__("; ".join(self.errors[:5]) + more)


@dataclass
class Improvement:
    title: str
    start_date: pd.Timestamp
    categories: list[str]
    id: str | None = None
    description: str = ""
    cluster: str | None = None
    afdeling: str | None = None
    subcategories: list[str] = field(default_factory=list)
    wijken: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    expected_direction: str = "afname"
    created_by: str | None = None
    created_at: pd.Timestamp | None = None

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Improvement":
        def clean(v):
            if v is None or (isinstance(v, float) and pd.isna(v)):
                return None
            return v

        return cls(
            id=clean(d.get("id")), title=str(d.get("title") or ""), description=str(clean(d.get("description")) or ""),
            cluster=clean(d.get("cluster")), afdeling=clean(d.get("afdeling")),
            start_date=pd.Timestamp(d["start_date"]),
            categories=parse_list(d.get("categories")), subcategories=parse_list(d.get("subcategories")),
            wijken=parse_list(d.get("wijken")), channels=parse_list(d.get("channels")), sources=parse_list(d.get("sources")),
            expected_direction=str(clean(d.get("expected_direction")) or "afname"),
            created_by=clean(d.get("created_by")),
            created_at=pd.Timestamp(d["created_at"]) if clean(d.get("created_at")) is not None else None,
        )

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["start_date"] = pd.Timestamp(self.start_date).strftime("%Y-%m-%d")
        d["created_at"] = None if self.created_at is None else pd.Timestamp(self.created_at).isoformat()
        return d


# ---- validation ------------------------------------------------------------------------------
def known_categories(store=None, settings=None) -> set[str]:
    """Taxonomy keys (main and sub), ``overig``, and the categories of the current topic model."""
    from signalen_lib.vocab.taxonomy import load_taxonomy

    keys = load_taxonomy(settings.taxonomy_path if settings is not None else None).all_keys()
    if store is not None:
        mv = current_topic_model(store.shared)
        if mv is not None and store.shared.table_exists("signal_categories"):
            rows = store.shared.execute("SELECT DISTINCT category FROM signal_categories WHERE model_version = ?", [mv])
            keys |= {r[0] for r in rows if r[0]}
    return keys


def parse_date(value: Any) -> pd.Timestamp | None:
    """YYYY-MM-DD, DD-MM-YYYY or DD/MM/YYYY (also with a time) -> Timestamp; None when not a date."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, (pd.Timestamp, datetime)):
        return pd.Timestamp(value)
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%d-%m-%Y %H:%M"):
        try:
            return pd.Timestamp(datetime.strptime(text, fmt))
        except ValueError:
            continue
    return None


def validate(d: dict[str, Any], categories: set[str], *, where: str = "") -> list[str]:
    """Every problem of one improvement's fields (strings as from a CSV or a form)."""
    pre = f"{where}, " if where else ""
    errs = []

    def err(fieldname, msg):
        errs.append(f"{pre}field '{fieldname}': {msg}")

    idv = str(d.get("id") or "").strip()
    if idv and not _ID_RE.match(idv):
        err("id", f"{idv!r} is not a valid id (letters, digits, - _ . : ; at most 64)")
    if not str(d.get("title") or "").strip():
        err("title", "is empty (give a short title)")
    sd = d.get("start_date")
    if sd is None or str(sd).strip() == "":
        err("start_date", "is empty (give a date like 2024-03-01)")
    elif parse_date(sd) is None:
        err("start_date", f"{str(sd)!r} is not a date (use YYYY-MM-DD or DD-MM-YYYY)")
    cats = parse_list(d.get("categories"))
    if not cats:
        err("categories", "is empty (give at least one category key, e.g. betalingsregeling)")
    bad = [c for c in cats if c not in categories]
    if bad:
        err("categories", f"unknown category {bad[0]!r} (known: {', '.join(sorted(categories))})")
    direction = str(d.get("expected_direction") or "afname").strip().lower()
    if direction not in DIRECTIONS:
        err("expected_direction", f"{direction!r} is not one of {', '.join(DIRECTIONS)}")
    chans = parse_list(d.get("channels"))
    badc = [c for c in chans if c not in CHANNELS]
    if badc:
        err("channels", f"unknown channel {badc[0]!r} (known: {', '.join(CHANNELS)})")
    cluster = str(d.get("cluster") or "").strip()
    afdeling = str(d.get("afdeling") or "").strip()
    if cluster and afdeling and cluster in ORG_UNITS and afdeling not in ORG_UNITS[cluster]:
        err("afdeling", f"{afdeling!r} is not an afdeling of cluster {cluster!r} ({', '.join(ORG_UNITS[cluster])})")
    return errs


def _next_id(store) -> str:
    ids = [r[0] for r in store.shared.execute("SELECT id FROM improvements")]
    nums = [int(m.group(1)) for i in ids if (m := re.match(r"^VB-(\d+)$", str(i)))]
    return f"VB-{(max(nums) + 1) if nums else 1:03d}"


# ---- CRUD ------------------------------------------------------------------------------------
def _row(imp: Improvement) -> dict[str, Any]:
    return {
        "id": imp.id, "title": imp.title.strip(), "description": imp.description or None, "cluster": imp.cluster or None,
        "afdeling": imp.afdeling or None, "start_date": pd.Timestamp(imp.start_date).to_pydatetime(),
        "categories": to_json_list(imp.categories), "subcategories": to_json_list(imp.subcategories),
        "wijken": to_json_list(imp.wijken), "channels": to_json_list(imp.channels), "sources": to_json_list(imp.sources),
        "expected_direction": imp.expected_direction or "afname", "created_by": imp.created_by,
        "created_at": pd.Timestamp(imp.created_at or datetime.now()).to_pydatetime(), "updated_at": datetime.now(),
    }


def save_improvement(store, improvement: Improvement | dict, *, settings=None) -> Improvement:
    """Validate and insert (or replace, same id) an improvement; returns it with its id."""
    imp = improvement if isinstance(improvement, Improvement) else None
    d = improvement.to_dict() if imp is not None else dict(improvement)
    errs = validate(d, known_categories(store, settings))
    if errs:
        raise ImprovementError(errs)
    imp = imp or Improvement.from_dict(d)
    db = store.shared
    with db.transaction():
        if not imp.id:
            imp.id = _next_id(store)
        existing = db.query_df("SELECT created_at, created_by FROM improvements WHERE id = ?", [imp.id])
        if len(existing):
            imp.created_at = imp.created_at or pd.Timestamp(existing.loc[0, "created_at"])
            imp.created_by = imp.created_by or existing.loc[0, "created_by"]
            db.execute("DELETE FROM improvements WHERE id = ?", [imp.id])
        imp.created_at = imp.created_at or pd.Timestamp(datetime.now())
        row = _row(imp)
        cols = list(row)
        db.execute(f"INSERT INTO improvements ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", [row[c] for c in cols])
    return imp


def add_improvement(store, *, settings=None, **fields) -> Improvement:
    """``add_improvement(store, title=..., start_date="2024-03-01", categories=["betalingsregeling"], ...)``"""
    return save_improvement(store, fields, settings=settings)


def delete_improvement(store, improvement_id: str) -> bool:
    db = store.shared
    n = db.count("improvements", "id = ?", [improvement_id])
    db.execute("DELETE FROM improvements WHERE id = ?", [improvement_id])
    return n > 0


def list_improvements(store) -> pd.DataFrame:
    """The register, newest start first; list fields as Python lists."""
    df = store.shared.query_df("SELECT * FROM improvements ORDER BY start_date DESC, id")
    for c in LIST_FIELDS:
        df[c] = df[c].map(parse_list) if len(df) else df[c]
    if len(df):
        df["start_date"] = pd.to_datetime(df["start_date"])
    return df


def register_frame(df: pd.DataFrame, settings=None) -> pd.DataFrame:
    """The register as staff read it: Dutch column names, category names, Dutch dates."""
    from signalen_lib.vocab.fmt import fmt_date
    from signalen_lib.vocab.taxonomy import load_taxonomy

    names = load_taxonomy(settings.taxonomy_path if settings is not None else None).names()
    cols = ["nummer", "verbeteractie", "start", "categorieën", "cluster", "verwacht"]
    if df is None or df.empty:
        return pd.DataFrame(columns=cols)
    return pd.DataFrame({
        "nummer": df["id"],
        "verbeteractie": df["title"],
        "start": [fmt_date(d) for d in df["start_date"]],
        "categorieën": [", ".join(names.get(c, c) for c in cats) for cats in df["categories"]],
        "cluster": df["cluster"].fillna("").astype(str),
        "verwacht": df["expected_direction"].fillna("").astype(str),
    }, columns=cols)


def get_improvement(store, improvement_id: str) -> Improvement:
    df = store.shared.query_df("SELECT * FROM improvements WHERE id = ?", [improvement_id])
    if df.empty:
        known = [r[0] for r in store.shared.execute("SELECT id FROM improvements ORDER BY id")]
        raise KeyError(f"no improvement with id {improvement_id!r} (known: {', '.join(known) or 'none'})")
    return Improvement.from_dict(df.iloc[0].to_dict())


# ---- CSV --------------------------------------------------------------------------------------
def read_csv_rows(path: str | Path) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) pairs of a CSV with a header; comma or semicolon separated."""
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"improvements file {p} does not exist")
    raw = p.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    first = text.splitlines()[0] if text.strip() else ""
    delim = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delim)
    if not reader.fieldnames:
        raise ImprovementError([f"{p.name}: the file is empty (expected a header line with {', '.join(COLUMNS)})"])
    header = [h.strip().lower() for h in reader.fieldnames]
    unknown = [h for h in header if h and h not in COLUMNS]
    missing = [h for h in ("title", "start_date", "categories") if h not in header]
    errs = []
    if unknown:
        errs.append(f"{p.name} line 1: unknown column {unknown[0]!r} (columns: {', '.join(COLUMNS)})")
    if missing:
        errs.append(f"{p.name} line 1: missing column {missing[0]!r}")
    if errs:
        raise ImprovementError(errs)
    rows = []
    for rec in reader:
        line = reader.line_num
        row = {k.strip().lower(): (v.strip() if isinstance(v, str) else v) for k, v in rec.items() if k}
        if None in rec and rec[None]:
            row["__extra__"] = rec[None]
        if not any(str(v or "").strip() for k, v in row.items() if k != "__extra__"):
            continue
        rows.append((line, row))
    return rows


def import_csv(store, path: str | Path, *, created_by: str | None = None, settings=None) -> list[str]:
    """Validate every row, then insert all of them in one transaction (nothing is stored when a row
    is wrong: :class:`ImprovementError` lists each problem by line and field). Rows with an id that
    already exists replace that improvement. Returns the ids."""
    rows = read_csv_rows(path)
    cats = known_categories(store, settings)
    errs, imps = [], []
    seen: dict[str, int] = {}
    name = Path(path).name
    for line, row in rows:
        where = f"{name} line {line}"
        if "__extra__" in row:
            errs.append(f"{where}: more values than columns (a separator inside a value? quote it)")
            continue
        e = validate(row, cats, where=where)
        idv = (row.get("id") or "").strip()
        if idv:
            if idv in seen:
                e.append(f"{where}, field 'id': {idv!r} is also on line {seen[idv]}")
            seen[idv] = line
        if e:
            errs.extend(e)
            continue
        d = dict(row)
        d["start_date"] = parse_date(row["start_date"])
        d["expected_direction"] = (row.get("expected_direction") or "afname").strip().lower()
        d["created_by"] = row.get("created_by") or created_by
        imps.append(Improvement.from_dict(d))
    if errs:
        raise ImprovementError(errs)
    ids = []
    with store.shared.transaction():
        for imp in imps:
            ids.append(save_improvement(store, imp, settings=settings).id)
    return ids


def export_csv(store, path: str | Path) -> int:
    df = list_improvements(store)
    out = df.reindex(columns=list(COLUMNS)).copy()
    for c in LIST_FIELDS:
        out[c] = out[c].map(lambda v: "|".join(v) if isinstance(v, list) else "")
    out["start_date"] = pd.to_datetime(out["start_date"]).dt.strftime("%Y-%m-%d")
    out.to_csv(path, sep=";", index=False)
    return len(out)


# ---- widget -----------------------------------------------------------------------------------
def register_widget(store, settings=None, *, user: str | None = None):
    """An ipywidgets form to view, add, edit and delete improvements and import a CSV (Dutch labels)."""
    import ipywidgets as w

    cats = sorted(known_categories(store, settings))
    clusters = [""] + list(ORG_UNITS)
    table = w.HTML()
    msg = w.HTML()
    pick = w.Dropdown(description="Bewerk", options=[("— nieuw —", "")], layout=w.Layout(width="420px"))
    f_title = w.Text(description="Titel", layout=w.Layout(width="520px"))
    f_desc = w.Textarea(description="Omschrijving", layout=w.Layout(width="520px", height="70px"))
    f_cluster = w.Dropdown(description="Cluster", options=clusters)
    f_afd = w.Dropdown(description="Afdeling", options=[""])
    f_start = w.DatePicker(description="Startdatum")
    f_cats = w.SelectMultiple(description="Categorieën", options=cats, rows=6)
    f_wijken = w.Text(description="Wijken", placeholder="optioneel, gescheiden door |")
    f_chan = w.SelectMultiple(description="Kanalen", options=list(CHANNELS), rows=4)
    f_src = w.SelectMultiple(description="Bronnen", options=list(SOURCES), rows=4)
    f_dir = w.ToggleButtons(description="Verwacht", options=[("minder signalen", "afname"), ("meer signalen", "toename")])
    f_by = w.Text(description="Door", value=user or "")
    b_save = w.Button(description="Opslaan", button_style="primary", icon="save")
    b_delete = w.Button(description="Verwijderen", button_style="danger", icon="trash")
    upload = w.FileUpload(description="CSV importeren", accept=".csv", multiple=False)

    def afdelingen(*_):
        f_afd.options = [""] + list(ORG_UNITS.get(f_cluster.value, ()))

    f_cluster.observe(afdelingen, names="value")

    def refresh(select: str | None = None):
        df = list_improvements(store)
        pick.options = [("— nieuw —", "")] + [(f"{r.id}: {r.title}", r.id) for r in df.itertuples()]
        if select is not None:
            pick.value = select
        if df.empty:
            table.value = "<i>Nog geen verbeteracties geregistreerd.</i>"
            return
        view = df[["id", "title", "cluster", "afdeling", "start_date", "categories", "expected_direction"]].copy()
        view["start_date"] = view["start_date"].dt.strftime("%d-%m-%Y")
        view["categories"] = view["categories"].map(", ".join)
        view.columns = ["id", "titel", "cluster", "afdeling", "start", "categorieën", "verwacht"]
        table.value = view.to_html(index=False, escape=True, border=0)

    def load(change):
        iid = change["new"]
        if not iid:
            for x in (f_title, f_desc, f_wijken):
                x.value = ""
            f_cats.value, f_chan.value, f_src.value = (), (), ()
            f_start.value = None
            return
        imp = get_improvement(store, iid)
        f_title.value, f_desc.value = imp.title, imp.description or ""
        f_cluster.value = imp.cluster if imp.cluster in clusters else ""
        afdelingen()
        f_afd.value = imp.afdeling if imp.afdeling in f_afd.options else ""
        f_start.value = pd.Timestamp(imp.start_date).date()
        f_cats.value = tuple(c for c in imp.categories if c in cats)
        f_wijken.value = "|".join(imp.wijken)
        f_chan.value = tuple(c for c in imp.channels if c in CHANNELS)
        f_src.value = tuple(s for s in imp.sources if s in SOURCES)
        f_dir.value = imp.expected_direction if imp.expected_direction in DIRECTIONS else "afname"
        f_by.value = imp.created_by or f_by.value

    pick.observe(load, names="value")

    def save(_):
        d = {"id": pick.value or None, "title": f_title.value, "description": f_desc.value, "cluster": f_cluster.value or None,
             "afdeling": f_afd.value or None, "start_date": f_start.value.isoformat() if f_start.value else None,
             "categories": list(f_cats.value), "wijken": f_wijken.value, "channels": list(f_chan.value),
             "sources": list(f_src.value), "expected_direction": f_dir.value, "created_by": f_by.value or None}
        try:
            imp = save_improvement(store, d, settings=settings)
        except ImprovementError as exc:
            msg.value = "<b style='color:#b91c1c'>Niet opgeslagen:</b> " + "<br>".join(_html(e) for e in exc.errors)
            return
        msg.value = f"<span style='color:#15803d'>Opgeslagen als {_html(imp.id)}.</span>"
        refresh(select=imp.id)

    def delete(_):
        if pick.value and delete_improvement(store, pick.value):
            msg.value = f"Verwijderd: {_html(pick.value)}"
            refresh(select="")

    def do_upload(change):
        files = change["new"]
        if not files:
            return
        item = files[0] if isinstance(files, (list, tuple)) else next(iter(files.values()))
        import tempfile

        content = item["content"] if isinstance(item, dict) else item.content
        with tempfile.NamedTemporaryFile("wb", suffix=".csv", delete=False) as fh:
            fh.write(bytes(content))
            tmp = fh.name
        try:
            ids = import_csv(store, tmp, created_by=f_by.value or None, settings=settings)
            msg.value = f"<span style='color:#15803d'>{len(ids)} verbeteracties geïmporteerd.</span>"
            refresh()
        except (ImprovementError, FileNotFoundError) as exc:
            errors = getattr(exc, "errors", [str(exc)])
            msg.value = "<b style='color:#b91c1c'>Import mislukt:</b> " + "<br>".join(_html(e) for e in errors)
        finally:
            Path(tmp).unlink(missing_ok=True)

    b_save.on_click(save)
    b_delete.on_click(delete)
    upload.observe(do_upload, names="value")
    refresh()
    form = w.VBox([pick, f_title, f_desc, w.HBox([f_cluster, f_afd]), f_start, f_cats, f_wijken,
                   w.HBox([f_chan, f_src]), f_dir, f_by, w.HBox([b_save, b_delete, upload]), msg])
    box = w.VBox([w.HTML("<h3>Verbeteracties</h3>"), table, form])
    # handles for tests and notebooks
    box.fields = {"pick": pick, "title": f_title, "description": f_desc, "cluster": f_cluster, "afdeling": f_afd,
                  "start_date": f_start, "categories": f_cats, "wijken": f_wijken, "channels": f_chan, "sources": f_src,
                  "expected_direction": f_dir, "created_by": f_by, "save": b_save, "delete": b_delete, "upload": upload,
                  "message": msg, "table": table}
    box.refresh = refresh
    return box


def _html(s: str) -> str:
    import html

    return html.escape(str(s))
