"""Acceptance on the real `make demo` path: synthetic corpus -> `signalen pipeline` (every step) ->
monthly reports -> the served dashboard in chromium. What a staff member would check, on the
pipeline's own output (no hand-filled store). Screenshots of every tab go to reports/screenshots/.
"""
from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pandas as pd
import pytest

from test_browser_dashboard import CHROMIUM, CHROMIUM_ARGS, _free_port, _require_browser

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
N = int(os.environ.get("SIGNALEN_ACCEPT_N", "20000"))  # what `make demo` generates
TABS = ["Overzicht", "Trends en seizoen", "Signalering", "Wijken", "Voorbeelden", "Complimenten",
        "Wat drijft ontevredenheid", "Verbeteren", "Kwaliteit"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """`signalen demo --no-serve` (what `make demo` runs before serving), then the server."""
    _require_browser()
    from signalen_lib.config import load_config
    from signalen_lib.dashboard.serve import start, stop, wait_until_ready
    from signalen_lib.demo import run_demo

    root = tmp_path_factory.mktemp("acceptance")
    # the gate enforced, as `signalen demo` and a scheduled run have it
    settings = load_config(None, data_dir=str(root / "data"), reports_dir=str(root / "reports"))
    assert settings.gate_enforce
    lines: list[str] = []
    assert run_demo(settings, n=N, seed=42, reports=True, progress=lines.append) == 0, "\n".join(lines[-20:])
    port = _free_port()
    proc = start(settings, port=port, pool_size=1, cull_idle_timeout=300, cull_interval=60, log_path=root / "voila.log")
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(base + "/", 120, proc)
        yield {"base": base, "settings": settings, "lines": lines}
    finally:
        stop(proc, timeout=20)


@pytest.fixture(scope="module")
def page(demo):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        ctx = b.new_context(viewport={"width": 1400, "height": 1000})
        pg = ctx.new_page()
        pg.goto(demo["base"] + "/")  # the server's root address opens the dashboard
        pg.wait_for_selector(".signalen-chart-volume .vega-embed :is(canvas, svg)", timeout=180_000)
        yield pg
        b.close()


def _tab(pg, title: str) -> str:
    pg.get_by_role("tab", name=title).click()
    time.sleep(1.0)
    pg.wait_for_function("() => !document.body.innerText.includes('Loading widget')", timeout=60_000)
    return pg.inner_text(".jp-Widgets-tab, .widget-tab, .lm-TabPanel, body")


def _run_record(settings) -> pd.DataFrame:
    from signalen_lib.runs.pipeline import list_runs, run_steps_df
    from signalen_lib.store import open_store

    with open_store(settings, restricted=False, read_only=True) as st:
        runs = list_runs(st, limit=5)
        run = runs[runs["kind"] == "pipeline"].iloc[0]
        return run_steps_df(st, run["run_id"])


def test_every_step_ran_and_is_recorded(demo):
    steps = _run_record(demo["settings"])
    names = list(steps["step"])
    for name in ("ingest", "topics", "perception", "validate", "alerts", "effects", "aggregates"):
        assert name in names, names
    assert names.index("topics") < names.index("perception") < names.index("validate") < names.index("aggregates")
    st = dict(zip(steps["step"], steps["status"]))
    assert all(st[n] == "success" for n in ("ingest", "topics", "perception", "validate", "alerts", "effects", "aggregates")), st
    assert st["digest"] == "skipped"  # no recipients configured: skipped with its reason, not silently


def test_every_tab_screenshot_and_no_developer_dump(page, demo):
    shots = ROOT / "reports" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    for title in TABS:
        _tab(page, title)
        page.screenshot(path=str(shots / f"demo_{title.split()[0].lower()}.png"), full_page=True)
    _tab(page, "Kwaliteit")
    main = page.inner_text("body")
    # the gate passes on the demo's own output: green banner, and the learning curve of the
    # category model (one row per retrain on the active-learning batches)
    assert page.locator('.signalen-gate[data-passed="true"]').count() >= 1, main[:600]
    assert "Kwaliteitspoort gehaald" in main
    assert "Leercurve" in main and page.locator(".signalen-learning-curve tbody tr").count() >= 2
    kw = main[: main.find("Details voor data-analisten")] if "Details voor data-analisten" in main else main
    assert "{" not in kw, "raw JSON on the Kwaliteit tab"
    assert not re.search(r"\de[+-]\d", kw), "a number in e-notation on the Kwaliteit tab"
    assert not re.search(r"(^|\s)/(tmp|work|home|root|usr|data)\b", kw), "a file path on the Kwaliteit tab"
    assert "dissatisfied_max_score" not in main and "first_day" not in main


def test_compliments_wall_and_perception_are_filled(page):
    _tab(page, "Complimenten")
    page.wait_for_selector(".signalen-wall .card", timeout=60_000)
    assert page.locator(".signalen-wall .card").count() >= 5
    _tab(page, "Voorbeelden")
    page.wait_for_selector(".signalen-examples td", timeout=60_000)
    rows = page.locator(".signalen-examples tbody tr")
    header = [h.strip() for h in page.locator(".signalen-examples thead th").all_inner_texts()]
    col = header.index("beleving")
    values = [rows.nth(i).locator("td").nth(col).inner_text().strip() for i in range(rows.count())]
    assert values and sum(v == "onbekend" for v in values) < len(values) / 2, values


def test_overview_kpi_target_equals_the_monthly_report(page, demo):
    reports = sorted((demo["settings"].runs_dir).glob("*report*/maandrapportage_*.html"))
    assert reports, "no monthly report written"
    html = reports[0].read_text(encoding="utf-8")
    r = re.search(r"dus hoogstens (\d+,\d%)", html)
    assert r, "the report states no KPI target"
    cluster = re.match(r"maandrapportage_(.+)_\d{4}-\d{2}\.html", reports[0].name).group(1).replace("_", " ")
    _tab(page, "Overzicht")
    before = page.inner_text(".signalen-kpis")
    page.locator(".signalen-filter-cluster select").select_option(label=cluster)
    page.wait_for_function("(t) => document.querySelector('.signalen-kpis').innerText !== t", arg=before, timeout=60_000)
    kpis = page.inner_text(".signalen-kpis")
    m = re.search(r"doel hoogstens (\d+,\d%)", kpis)
    assert m, kpis
    assert m.group(1) == r.group(1), (cluster, kpis)
    page.locator(".signalen-filter-cluster select").select_option(label="(alle)")


def test_verbeteren_shows_the_payment_arrangement_effect(page, demo):
    _tab(page, "Verbeteren")
    body = page.inner_text("body")
    assert "Betalingsregeling direct regelen in het eerste gesprek" in body
    page.wait_for_selector(".signalen-chart-effect .vega-embed :is(canvas, svg)", timeout=60_000)
    from signalen_lib.improvements.effect import latest_effects
    from signalen_lib.store import open_store

    with open_store(demo["settings"], restricted=False, read_only=True) as st:
        eff = latest_effects(st.shared)
    assert len(eff), "no effect measured"
    assert any((lo < 0 and hi < 0) or (lo > 0 and hi > 0) for lo, hi in zip(eff["ci_low"], eff["ci_high"])), eff
    significant = [v for v, lo, hi in zip(eff["verdict_nl"], eff["ci_low"], eff["ci_high"]) if lo * hi > 0]
    assert any(v in body for v in significant)


def test_signalering_history_holds_the_slagboom_on_its_first_day(page, demo):
    from signalen_lib.vocab.fmt import fmt_date

    events = json.loads((demo["settings"].raw_dir / "ground_truth" / "events.json").read_text(encoding="utf-8"))
    slagboom = next(e for e in events["events"] if e["kind"] == "new_signal")
    first = fmt_date(slagboom["dates"]["start"])
    _tab(page, "Signalering")
    page.wait_for_selector(".signalen-alert-history", timeout=60_000)
    rows = page.locator(".signalen-alert-history tbody tr").all_inner_texts()
    assert any(r.startswith(first) and "nieuw onderwerp" in r for r in rows), (first, rows[:10])
    assert "Geen gegevens voor deze selectie" not in page.inner_text("body") or "Geen opvallende" not in page.inner_text("body")
