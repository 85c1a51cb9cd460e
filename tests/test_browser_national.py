"""The national view in the browser (issue 16): a national store built by the real path (each
organisation's exports -> its own ingest, masking and topic model -> `signalen publish`), served
by Voila, drawn by chromium. The screenshot goes to ``reports/screenshots/dashboard_landelijk.png``."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from signalen_lib.config import load_config
from signalen_lib.dashboard.browser import CHROMIUM, CHROMIUM_ARGS, chromium_available, free_port
from signalen_lib.ingest.load import ingest_all
from signalen_lib.national.publish import publish
from signalen_lib.store import open_store
from signalen_lib.synth.national import EVENT_CATEGORY, national_plan, write_national
from signalen_lib.topics.service import fit_store

ORGS = ["GM0599", "GM0363", "UWV", "GM0518", "GM0344"]


def build_national_store(root: Path, n: int = 16000, seed: int = 5):
    """Settings of a national store that ``ORGS`` published to (Rotterdam under an aggregates-only
    agreement, the others with signals)."""
    plan = national_plan(n, organisations=ORGS, seed=seed)
    write_national(plan, root / "raw")
    national_url = f"duckdb:///{root / 'national' / 'signalen.duckdb'}"
    (root / "national").mkdir(parents=True, exist_ok=True)
    for org in plan.organisations:
        s = load_config(None, data_dir=str(root / org.code), reports_dir=str(root / "reports"),
                        organisation_code=org.code, organisation_name=org.name, national_url=national_url,
                        national_publish="aggregates" if org.code == "GM0599" else "signals")
        with open_store(s) as st:
            ingest_all(st, s, root / "raw" / org.code)
            fit_store(st, s)
            publish(st, s)
    # the national event's effect, estimated and saved by the CLI (the dashboard shows it)
    affected = [f"--affected={c}={d}" for c, d in plan.event_start.items() if d]
    out = subprocess.run([sys.executable, "-m", "signalen_lib.cli", "national-effect", "--category", EVENT_CATEGORY,
                          *affected, "--national-url", national_url, "--save"], capture_output=True, text=True,
                         cwd=root, env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    return load_config(None, data_dir=str(root / "national"), reports_dir=str(root / "reports"),
                       organisation_code="NL", organisation_name="Nederland")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not chromium_available():
        pytest.skip(f"no chromium at {CHROMIUM}")
    from signalen_lib.dashboard.serve import start, stop, wait_until_ready

    root = tmp_path_factory.mktemp("national_browser")
    settings = build_national_store(root)
    port = free_port()
    proc = start(settings, port=port, pool_size=1, cull_idle_timeout=120, cull_interval=30, log_path=root / "voila.log")
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(base + "/voila/tree", 90, proc)
        yield {"base": base, "settings": settings}
    finally:
        stop(proc, timeout=20)


def test_national_view_compares_organisations_in_dutch(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pg = b.new_page(viewport={"width": 1400, "height": 1000})
        pg.goto(server["base"] + "/voila/render/dashboard.ipynb")
        pg.wait_for_selector(".signalen-national", timeout=120_000)
        time.sleep(1.0)
        shots = Path(load_config().reports_dir) / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(shots / "dashboard_landelijk.png"), full_page=True)
        text = pg.inner_text(".signalen-app")
        table = pg.inner_text(".signalen-national")
        effect = pg.inner_text(".signalen-national-effect")
        org_filter = pg.locator(".signalen-filter-organisation")
        assert org_filter.is_visible()
        options = org_filter.locator("option").all_inner_texts()
        b.close()
    assert "Landelijk signaalmanagement" in text and "Landelijk beeld" in text
    assert "per 10.000 contacten" in text
    for name in ("Rotterdam", "Amsterdam", "UWV", "'s-Gravenhage", "Utrecht"):
        assert name in table, name
    # the filter lists the organisations whose signals are in the store: Rotterdam published aggregates only
    assert {"Amsterdam", "UWV", "Utrecht"} <= set(options) and "Rotterdam" not in options
    # national category names, Dutch numbers; no keys, JSON or paths
    assert "Bereikbaarheid" in table or "Bejegening" in table
    assert not re.search(r"\b(informatie_brieven|status_aanvraag|org_code|national_)\w*", text)
    assert "{" not in table and "/tmp" not in text and "GM0" not in table
    # the national effect: Dutch verdicts with an interval, per organisation
    assert "Effect van landelijk beleid op Informatie en brieven" in text
    assert "getroffen vanaf" in effect and "95%-interval" in effect
    assert re.search(r"(toename van|nog geen aantoonbaar effect|afname van)", effect)
    assert "GM0" not in effect and "getroffen" in effect
