"""The privacy report of a run, in Dutch, for the privacy officer (*privacyrapportage*).

Written with every pipeline run (step ``privacy_report``) into the run folder as ``privacy.json``
and ``privacy.html``; ``signalen privacy-report`` writes one by hand. It holds counts only — never
the text of a finding, never a signal's text:

- the texts in the restricted zone, those with at least one finding, and the findings per type and
  per source (``pii_findings``; a finding's source is the prefix of its ``signal_id``);
- the canary check: the canary sentences of :mod:`.canary` masked by the current masker (every
  canary must be found), and the shared zone searched for every canary value (none may be there);
- the small cells: cells of the dashboard's aggregates (``agg_daily``) with fewer than
  ``settings.min_cell_size`` signals, which the dashboard and the reports suppress;
- retention: what was deleted (``retention_deletions``, per source and month, the last 12 months),
  and what is past its retention period now (:func:`.retention.retention_plan`);
- the sources of the source register with their approval and retention, and what each delivered.

The headline counts are also recorded in the shared zone (``privacy_reports``), so that
:func:`privacy_summary` can give the dashboard's *Kwaliteit* tab a summary without the dashboard
ever opening the restricted zone.

The run folder: a function step of the pipeline gets only ``(store, settings)``. The runner records
the run (``pipeline_runs``, status ``running``, with its ``output_dir``) before the first step and
holds the pipeline lock, so the one running run in the store is this run;
:func:`current_pipeline_run` reads it. Outside a pipeline run the report goes to a new run folder
(``settings.runs_dir / <new run id "privacy">``) or to ``out_dir``.
"""
from __future__ import annotations

import html
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from ..config import Settings
from ..vocab.fmt import fmt_date, fmt_datetime, fmt_int, fmt_pct, month_name
from ..vocab.ids import new_run_id
from .retention import retention_plan, with_restricted

__all__ = ["current_pipeline_run", "privacy_report", "render_html", "write_privacy_report", "privacy_report_step",
           "privacy_summary", "canary_check"]

REPORT_JSON = "privacy.json"
REPORT_HTML = "privacy.html"
RETENTION_MONTHS = 12  # how far back the report lists retention deletions


def _utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


def _iso(v) -> str | None:
    if v is None:
        return None
    try:
        import pandas as pd

        if pd.isna(v):
            return None
        return pd.Timestamp(v).isoformat()
    except (TypeError, ValueError):
        return str(v)


# ---- which run ---------------------------------------------------------------------------
def current_pipeline_run(store) -> dict | None:
    """The run the pipeline runner is executing now (``pipeline_runs`` status ``running``: the runner
    holds the lock and marks any older running row interrupted), as ``{run_id, output_dir,
    started_at}``; None outside a run."""
    db = store.shared
    if not db.table_exists("pipeline_runs"):
        return None
    rows = db.execute("SELECT run_id, output_dir, started_at FROM pipeline_runs WHERE status = 'running' "
                      "ORDER BY started_at DESC LIMIT 1")
    if not rows:
        return None
    run_id, out, started = rows[0]
    return {"run_id": run_id, "output_dir": out, "started_at": started}


# ---- the parts of the report -------------------------------------------------------------
def canary_check(store, settings: Settings, masker=None) -> dict:
    """Mask every canary sentence with the current masker (each canary's type must be found and its
    value must be gone) and search the shared zone's texts for every canary value (also with the
    separators of a number removed). Returns counts and the types concerned, never a value."""
    from . import get_masker
    from .canary import CANARIES, find_leaks

    masker = masker or get_masker(settings)
    masked, findings = masker.mask_many([c.text() for c in CANARIES])
    missed = [c.entity_type for c, text, fs in zip(CANARIES, masked, findings)
              if find_leaks(text) or c.entity_type not in {f.entity_type for f in fs}]
    in_shared = 0
    leaked_types: list[str] = []
    n_texts = 0
    db = store.shared
    if db.table_exists("signals"):
        n_texts = int(db.count("signals"))
        cases, params = [], []
        for c in CANARIES:
            key = "".join(ch for ch in c.value if ch.isalnum()).lower()
            if len(key) >= 6:
                cases.append("sum(CASE WHEN strpos(text, ?) > 0 OR strpos(sq, ?) > 0 THEN 1 ELSE 0 END)")
                params += [c.value, key]
            else:
                cases.append("sum(CASE WHEN strpos(text, ?) > 0 THEN 1 ELSE 0 END)")
                params.append(c.value)
        # one pass over the texts; ``sq``: the text without separators, lower case (a squashed number)
        sql = (f"SELECT {', '.join(cases)} FROM (SELECT text, lower(regexp_replace(text, '[^0-9A-Za-z]', '', 'g')) AS sq "
               "FROM signals) t")
        counts = db.execute(sql, params)[0] if n_texts else [0] * len(CANARIES)
        for c, n in zip(CANARIES, counts):
            if n:
                in_shared += int(n)
                leaked_types.append(c.entity_type)
    return {
        "canaries": len(CANARIES),
        "masker_missed": len(missed),
        "masker_missed_types": sorted(set(missed)),
        "shared_texts_searched": n_texts,
        "shared_texts_with_canary": in_shared,
        "shared_leak_types": sorted(set(leaked_types)),
        "passed": not missed and not in_shared,
    }


def _findings(rdb) -> dict:
    """Texts and findings in the restricted zone, per type and per source (counts only)."""
    n_raw = int(rdb.count("signals_raw")) if rdb.table_exists("signals_raw") else 0
    out: dict[str, Any] = {"raw_texts": n_raw, "texts_with_finding": 0, "findings": 0, "share_with_finding": None,
                           "by_type": [], "by_source": [], "by_type_and_source": []}
    if not rdb.table_exists("pii_findings"):
        return out
    src = "split_part(signal_id, ':', 1)"
    per_source_raw = {s: int(n) for s, n in rdb.execute("SELECT source, count(*) FROM signals_raw GROUP BY source")}
    by_ts = rdb.execute(
        f"SELECT {src} AS source, entity_type, count(*) AS n, count(DISTINCT signal_id) AS texts FROM pii_findings "
        "GROUP BY 1, 2 ORDER BY 1, 2")
    by_type = rdb.execute("SELECT entity_type, count(*), count(DISTINCT signal_id) FROM pii_findings "
                          "GROUP BY entity_type ORDER BY count(*) DESC, entity_type")
    by_src = {s: (int(n), int(t)) for s, n, t in rdb.execute(
        f"SELECT {src}, count(*), count(DISTINCT signal_id) FROM pii_findings GROUP BY 1")}
    out["findings"] = int(rdb.scalar("SELECT count(*) FROM pii_findings") or 0)
    out["texts_with_finding"] = int(rdb.scalar("SELECT count(DISTINCT signal_id) FROM pii_findings") or 0)
    out["share_with_finding"] = out["texts_with_finding"] / n_raw if n_raw else None
    out["by_type"] = [{"entity_type": t, "findings": int(n), "texts": int(x)} for t, n, x in by_type]
    out["by_type_and_source"] = [{"source": s, "entity_type": t, "findings": int(n), "texts": int(x)}
                                 for s, t, n, x in by_ts]
    for s in sorted(set(per_source_raw) | set(by_src)):
        n, t = by_src.get(s, (0, 0))
        raw = per_source_raw.get(s, 0)
        out["by_source"].append({"source": s, "raw_texts": raw, "texts_with_finding": t, "findings": n,
                                 "share_with_finding": t / raw if raw else None})
    return out


def _small_cells(db, k: int) -> dict:
    out = {"min_cell_size": int(k), "cells": 0, "suppressed_cells": 0, "signals_in_suppressed": 0,
           "share_suppressed": None, "available": db.table_exists("agg_daily")}
    if not out["available"]:
        return out
    cells, small, small_n = db.execute(
        "SELECT count(*), sum(CASE WHEN n < ? THEN 1 ELSE 0 END), sum(CASE WHEN n < ? THEN n ELSE 0 END) FROM agg_daily",
        [int(k), int(k)])[0]
    out.update(cells=int(cells or 0), suppressed_cells=int(small or 0), signals_in_suppressed=int(small_n or 0))
    out["share_suppressed"] = out["suppressed_cells"] / out["cells"] if out["cells"] else None
    return out


def _retention(store, rdb, settings: Settings, now: datetime, run_id: str | None) -> dict:
    since = now - timedelta(days=31 * RETENTION_MONTHS)
    out: dict[str, Any] = {"in_pipeline": bool(settings.retention_in_pipeline), "since": _iso(since),
                           "deletions": [], "raw_deleted": 0, "findings_deleted": 0,
                           "raw_deleted_this_run": 0, "overdue": []}
    if rdb.table_exists("retention_deletions"):
        rows = rdb.execute(
            "SELECT run_id, min(run_at), source, month, sum(raw_deleted), sum(findings_deleted) FROM retention_deletions "
            "WHERE run_at >= ? GROUP BY run_id, source, month ORDER BY min(run_at) DESC, source, month", [since])
        out["deletions"] = [{"run_id": r, "run_at": _iso(at), "source": s, "month": _iso(m), "raw_deleted": int(n),
                             "findings_deleted": int(f)} for r, at, s, m, n, f in rows]
        out["raw_deleted"] = sum(d["raw_deleted"] for d in out["deletions"])
        out["findings_deleted"] = sum(d["findings_deleted"] for d in out["deletions"])
        out["raw_deleted_this_run"] = sum(d["raw_deleted"] for d in out["deletions"] if run_id and d["run_id"] == run_id)
    if rdb.table_exists("signals_raw"):
        out["overdue"] = [{"source": i.source, "retention_days": i.retention_days, "cutoff": _iso(i.cutoff),
                           "raw_texts": i.raw_rows, "findings": i.findings}
                          for i in retention_plan(store, settings, now) if i.raw_rows]
    return out


def _sources(store, rdb, settings: Settings, since: datetime | None) -> list[dict]:
    from ..ingest.sources import load_register

    register = load_register(settings)
    db = store.shared
    shared = ({s: int(n) for s, n in db.execute("SELECT source, count(*) FROM signals GROUP BY source")}
              if db.table_exists("signals") else {})
    raw = ({s: int(n) for s, n in rdb.execute("SELECT source, count(*) FROM signals_raw GROUP BY source")}
           if rdb.table_exists("signals_raw") else {})
    last: dict = {}
    this_run: dict = {}
    if db.table_exists("ingest_runs"):
        last = {s: f for s, f in db.execute(
            "SELECT source, max(finished_at) FROM ingest_runs WHERE stored > 0 GROUP BY source")}
        if since is not None:
            this_run = {s: int(n or 0) for s, n in db.execute(
                "SELECT source, sum(stored) FROM ingest_runs WHERE started_at >= ? GROUP BY source", [since])}
    out = []
    for name in sorted(set(register) | set(shared) | set(raw)):
        spec = register.get(name)
        out.append({
            "source": name,
            "registered": spec is not None,
            "kind": spec.kind if spec else None,
            "owner": spec.owner if spec else None,
            "approved": bool(spec and spec.approved),
            "approved_on": _iso(spec.approved_on) if spec and spec.approved_on else None,
            "approved_by": list(spec.approved_by) if spec else [],
            "retention_days": spec.retention_days if spec else None,
            "signals": shared.get(name, 0),
            "raw_texts": raw.get(name, 0),
            "stored_this_run": this_run.get(name, 0),
            "last_ingest": _iso(last.get(name)),
        })
    return out


def privacy_report(store, settings: Settings, *, run_id: str | None = None, now: datetime | None = None,
                   masker=None) -> dict:
    """Everything the privacy report shows, as a JSON-ready dict of counts (see the module doc).
    ``store`` may be a shared-only store: the restricted zone is opened for the duration."""
    now = now or datetime.now()
    run = current_pipeline_run(store)
    if run_id is None and run:
        run_id = run["run_id"]
    since = run["started_at"] if run and run["run_id"] == run_id else None
    with with_restricted(store, settings) as st:
        rdb = st.restricted
        report = {
            "run_id": run_id,
            "created_at": _iso(_utcnow()),
            "texts_masked": int(st.shared.count("signals")) if st.shared.table_exists("signals") else 0,
            "findings": _findings(rdb),
            "canary": canary_check(st, settings, masker=masker),
            "small_cells": _small_cells(st.shared, settings.min_cell_size),
            "retention": _retention(st, rdb, settings, now, run_id),
            "sources": _sources(st, rdb, settings, since),
        }
    return report


# ---- Dutch rendering ----------------------------------------------------------------------
TYPE_NAMES = {
    "PERSOON": "naam", "TELEFOON": "telefoonnummer", "EMAIL": "e-mailadres", "BSN": "BSN", "IBAN": "IBAN",
    "POSTCODE": "postcode", "ADRES": "adres", "KENTEKEN": "kenteken", "GEBOORTEDATUM": "geboortedatum",
    "ZAAKNUMMER": "zaaknummer", "LOCATIE": "plaats (niet gemaskeerd)", "ORGANISATIE": "organisatie (niet gemaskeerd)",
}

_CSS = """body{font-family:system-ui,Segoe UI,Arial,sans-serif;max-width:960px;margin:2em auto;color:#222}
h1{color:#00689e}h2{border-bottom:2px solid #00689e;padding-bottom:2px;margin-top:1.6em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:4px 10px;text-align:left}
td.n{text-align:right}.ok{color:#1b5e20;font-weight:bold}.bad{color:#b71c1c;font-weight:bold}.note{color:#555}"""


def _e(v) -> str:
    return html.escape("" if v is None else str(v))


def _table(head: list[str], rows: list[list], numeric: set[int] = frozenset()) -> str:
    if not rows:
        return '<p class="note">Geen.</p>'
    th = "".join(f"<th>{_e(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f'<td class="n">{_e(v)}</td>' if i in numeric else f"<td>{_e(v)}</td>"
                                    for i, v in enumerate(r)) + "</tr>" for r in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _type(t: str) -> str:
    return f"{TYPE_NAMES.get(t, t.lower())} ({t})"


def render_html(report: dict, tz: str = "Europe/Amsterdam") -> str:
    """The report as one self-contained Dutch HTML page (no scripts, nothing fetched)."""
    f, c, sc, ret = report["findings"], report["canary"], report["small_cells"], report["retention"]
    parts = [f"<h1>Privacyrapportage verwerking {_e(report.get('run_id') or '')}</h1>",
             f"<p>Gemaakt op {_e(fmt_datetime(report.get('created_at'), tz))}. Alleen aantallen: geen teksten en "
             "geen gevonden persoonsgegevens.</p>"]
    # masking
    parts.append("<h2>Maskering van persoonsgegevens</h2>")
    parts.append(_table(["", "aantal"], [
        ["Teksten in de afgeschermde zone", fmt_int(f["raw_texts"])],
        ["Teksten met minstens één vondst", fmt_int(f["texts_with_finding"])],
        ["Aandeel teksten met een vondst", fmt_pct(f["share_with_finding"])],
        ["Vondsten (gemaskeerd of getypeerd)", fmt_int(f["findings"])],
        ["Gemaskeerde teksten in de gedeelde zone", fmt_int(report["texts_masked"])],
    ], {1}))
    parts.append("<h3>Vondsten per soort</h3>")
    parts.append(_table(["soort", "vondsten", "teksten"],
                        [[_type(r["entity_type"]), fmt_int(r["findings"]), fmt_int(r["texts"])] for r in f["by_type"]],
                        {1, 2}))
    parts.append("<h3>Vondsten per bron</h3>")
    parts.append(_table(["bron", "teksten", "met vondst", "aandeel", "vondsten"],
                        [[r["source"], fmt_int(r["raw_texts"]), fmt_int(r["texts_with_finding"]),
                          fmt_pct(r["share_with_finding"]), fmt_int(r["findings"])] for r in f["by_source"]],
                        {1, 2, 3, 4}))
    parts.append("<h3>Vondsten per bron en soort</h3>")
    parts.append(_table(["bron", "soort", "vondsten", "teksten"],
                        [[r["source"], _type(r["entity_type"]), fmt_int(r["findings"]), fmt_int(r["texts"])]
                         for r in f["by_type_and_source"]], {2, 3}))
    # canary
    verdict = ('<span class="ok">geslaagd</span>' if c["passed"] else '<span class="bad">NIET geslaagd</span>')
    parts.append("<h2>Kanariecontrole</h2>")
    parts.append(f"<p>Resultaat: {verdict}. De {fmt_int(c['canaries'])} proefzinnen met verzonnen persoonsgegevens "
                 "zijn gemaskeerd met de huidige maskering, en alle teksten in de gedeelde zone zijn doorzocht op "
                 "de verzonnen waarden.</p>")
    parts.append(_table(["", "aantal"], [
        ["Proefzinnen niet (volledig) gemaskeerd", fmt_int(c["masker_missed"])],
        ["Teksten in de gedeelde zone doorzocht", fmt_int(c["shared_texts_searched"])],
        ["Teksten in de gedeelde zone met een proefwaarde", fmt_int(c["shared_texts_with_canary"])],
    ], {1}))
    missed = sorted(set(c["masker_missed_types"]) | set(c["shared_leak_types"]))
    if missed:
        parts.append(f"<p class=\"bad\">Betrokken soorten: {_e(', '.join(_type(t) for t in missed))}.</p>")
    # small cells
    parts.append("<h2>Kleine aantallen</h2>")
    if sc["available"]:
        parts.append(f"<p>Het dashboard en de rapportages tonen geen cel met minder dan {fmt_int(sc['min_cell_size'])} "
                     "signalen.</p>")
        parts.append(_table(["", "aantal"], [
            ["Cellen in de dashboardtabel (dag × dimensies)", fmt_int(sc["cells"])],
            [f"Cellen onder {fmt_int(sc['min_cell_size'])} signalen (onderdrukt)", fmt_int(sc["suppressed_cells"])],
            ["Aandeel onderdrukte cellen", fmt_pct(sc["share_suppressed"])],
            ["Signalen in onderdrukte cellen", fmt_int(sc["signals_in_suppressed"])],
        ], {1}))
    else:
        parts.append('<p class="note">De dashboardtabel is nog niet gemaakt.</p>')
    # retention
    parts.append("<h2>Bewaartermijnen</h2>")
    how = ("De verwerking verwijdert ruwe teksten na hun bewaartermijn (stap 'retention')." if ret["in_pipeline"]
           else "De verwerking verwijdert niet zelf: dat gebeurt met <code>signalen retention --apply</code> "
                "(instelling <code>retention_in_pipeline</code> staat uit).")
    parts.append(f"<p>{how} De gemaskeerde signalen blijven bestaan.</p>")
    parts.append(_table(["", "aantal"], [
        ["Ruwe teksten verwijderd in deze verwerking", fmt_int(ret["raw_deleted_this_run"])],
        [f"Ruwe teksten verwijderd sinds {fmt_date(ret['since'])}", fmt_int(ret["raw_deleted"])],
        [f"Vondsten verwijderd sinds {fmt_date(ret['since'])}", fmt_int(ret["findings_deleted"])],
        ["Ruwe teksten nu over hun bewaartermijn", fmt_int(sum(o["raw_texts"] for o in ret["overdue"]))],
    ], {1}))
    parts.append("<h3>Verwijderd per bron en maand van ontvangst</h3>")
    parts.append(_table(["verwijderd op", "bron", "maand", "ruwe teksten", "vondsten"],
                        [[fmt_date(d["run_at"]), d["source"], month_name(d["month"]), fmt_int(d["raw_deleted"]),
                          fmt_int(d["findings_deleted"])] for d in ret["deletions"]], {3, 4}))
    if ret["overdue"]:
        parts.append("<h3>Nu over de bewaartermijn</h3>")
        parts.append(_table(["bron", "bewaartermijn (dagen)", "ontvangen vóór", "ruwe teksten"],
                            [[o["source"], fmt_int(o["retention_days"]), fmt_date(o["cutoff"]), fmt_int(o["raw_texts"])]
                             for o in ret["overdue"]], {1, 3}))
    # sources
    parts.append("<h2>Bronnen</h2>")
    parts.append(_table(
        ["bron", "soort", "eigenaar", "goedgekeurd", "goedgekeurd op", "bewaartermijn (dagen)", "signalen",
         "nieuw in deze verwerking", "laatst ingelezen"],
        [[s["source"], s["kind"] or "–", s["owner"] or "niet in het bronnenregister",
          "ja" if s["approved"] else "nee", fmt_date(s["approved_on"]), fmt_int(s["retention_days"]),
          fmt_int(s["signals"]), fmt_int(s["stored_this_run"]), fmt_date(s["last_ingest"])]
         for s in report["sources"]], {5, 6, 7}))
    return ("<!DOCTYPE html><html lang=\"nl\"><head><meta charset=\"utf-8\"><title>Privacyrapportage</title>"
            f"<style>{_CSS}</style></head><body>" + "\n".join(parts) + "</body></html>\n")


# ---- writing, the pipeline step, the summary ----------------------------------------------
def _headline(report: dict) -> dict:
    """The counts the summary needs (recorded in the shared zone): numbers and types, no text."""
    f, c, sc, ret = report["findings"], report["canary"], report["small_cells"], report["retention"]
    return {
        "run_id": report.get("run_id"), "created_at": report.get("created_at"),
        "raw_texts": f["raw_texts"], "texts_with_finding": f["texts_with_finding"],
        "share_with_finding": f["share_with_finding"], "findings": f["findings"],
        "findings_by_type": {r["entity_type"]: r["findings"] for r in f["by_type"]},
        "texts_masked": report["texts_masked"],
        "canary_passed": c["passed"], "canary_masker_missed": c["masker_missed"],
        "canary_shared_texts": c["shared_texts_with_canary"],
        "min_cell_size": sc["min_cell_size"], "cells": sc["cells"], "suppressed_cells": sc["suppressed_cells"],
        "retention_in_pipeline": ret["in_pipeline"], "raw_deleted_12m": ret["raw_deleted"],
        "raw_deleted_this_run": ret["raw_deleted_this_run"],
        "raw_overdue": sum(o["raw_texts"] for o in ret["overdue"]),
        "sources": len([s for s in report["sources"] if s["registered"]]),
        "sources_approved": len([s for s in report["sources"] if s["approved"]]),
        "sources_unregistered_with_data": len([s for s in report["sources"] if not s["registered"]]),
    }


def write_privacy_report(store, settings: Settings, *, out_dir: str | Path | None = None, run_id: str | None = None,
                         now: datetime | None = None, masker=None) -> dict:
    """Compute the report, write ``privacy.json`` and ``privacy.html`` into ``out_dir`` (default: the
    running pipeline run's folder, else a new run folder), and record its counts in the shared zone.
    Returns ``{"report": dict, "json": path, "html": path}``."""
    run = current_pipeline_run(store)
    if run_id is None:
        run_id = run["run_id"] if run else new_run_id("privacy")
    if out_dir is None:
        out_dir = run["output_dir"] if run and run["run_id"] == run_id and run["output_dir"] else settings.runs_dir / run_id
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    report = privacy_report(store, settings, run_id=run_id, now=now, masker=masker)
    jpath, hpath = out / REPORT_JSON, out / REPORT_HTML
    jpath.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    hpath.write_text(render_html(report, settings.timezone), encoding="utf-8")
    db = store.shared
    with db.transaction():
        db.execute("DELETE FROM privacy_reports WHERE run_id = ?", [run_id])
        db.execute("INSERT INTO privacy_reports (run_id, created_at, report) VALUES (?, ?, ?)",
                   [run_id, _utcnow(), json.dumps(_headline(report), ensure_ascii=False, default=str)])
    return {"report": report, "json": jpath, "html": hpath}


class CanaryCheckFailed(RuntimeError):
    """A canary was not masked, or a canary value is in the shared zone."""


def privacy_report_step(store, settings: Settings) -> dict:
    """The pipeline step ``privacy_report``: the report into this run's folder. Its counts go into the
    run record (``pipeline_steps.parameters``). A failed canary check fails the step (and so the run,
    which the dashboard then shows) after the report is written."""
    out = write_privacy_report(store, settings)
    h = _headline(out["report"])
    if not h["canary_passed"]:
        raise CanaryCheckFailed(f"canary check failed ({h['canary_masker_missed']} canary sentences not masked, "
                                f"{h['canary_shared_texts']} shared-zone texts with a canary value); see {out['html']}")
    return {"texts_with_finding": h["texts_with_finding"], "findings": h["findings"],
            "canary_passed": h["canary_passed"], "suppressed_cells": h["suppressed_cells"],
            "raw_deleted_this_run": h["raw_deleted_this_run"], "html": str(out["html"])}


def privacy_summary(store, settings: Settings) -> dict:
    """A Dutch summary of the latest privacy report for the dashboard's *Kwaliteit* tab.

    Reads the counts recorded in the shared zone (``privacy_reports``), so a read-only, shared-only
    store will do. Returns ``{"available": bool, "run_id", "created_at", "canary_passed", "figures":
    {raw numbers}, "rows": [(Dutch label, Dutch value), ...], "notice": str}``.
    """
    db = store.shared
    row = None
    if db.table_exists("privacy_reports"):
        rows = db.execute("SELECT report FROM privacy_reports ORDER BY created_at DESC, run_id DESC LIMIT 1")
        row = json.loads(rows[0][0]) if rows else None
    if row is None:
        return {"available": False, "run_id": None, "created_at": None, "canary_passed": None, "figures": {},
                "rows": [], "notice": "Nog geen privacyrapportage gemaakt."}
    k = fmt_int(row["min_cell_size"])
    rows = [
        ("Teksten met persoonsgegevens gevonden", f"{fmt_int(row['texts_with_finding'])} van {fmt_int(row['raw_texts'])} "
                                                  f"({fmt_pct(row['share_with_finding'])})"),
        ("Gevonden en gemaskeerd", fmt_int(row["findings"])),
        ("Kanariecontrole", "geslaagd" if row["canary_passed"] else "NIET geslaagd"),
        (f"Onderdrukte cellen (minder dan {k} signalen)", fmt_int(row["suppressed_cells"])),
        ("Ruwe teksten verwijderd (bewaartermijn, 12 maanden)", fmt_int(row["raw_deleted_12m"])),
        ("Ruwe teksten nu over de bewaartermijn", fmt_int(row["raw_overdue"])),
        ("Goedgekeurde bronnen", f"{fmt_int(row['sources_approved'])} van {fmt_int(row['sources'])}"),
    ]
    when = fmt_datetime(row.get("created_at"), settings.timezone)
    notice = f"Privacyrapportage van {when}: kanariecontrole {'geslaagd' if row['canary_passed'] else 'NIET geslaagd'}."
    return {"available": True, "run_id": row.get("run_id"), "created_at": row.get("created_at"),
            "canary_passed": bool(row["canary_passed"]), "figures": row, "rows": rows, "notice": notice}
