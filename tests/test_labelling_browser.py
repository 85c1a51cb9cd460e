"""The labelling tool in a real browser: Voila serves notebooks/labelling/label.ipynb, chromium
(Debian's, through Playwright) labels three texts with the keyboard, reloads and sees them stored."""
from __future__ import annotations

from signalen_lib.dashboard.serve import stop

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "labelling" / "label.ipynb"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

pytestmark = pytest.mark.browser


def _need_browser():
    missing = None
    if not Path(CHROMIUM).exists():
        missing = f"{CHROMIUM} not found (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "playwright (python) is not installed"
    if missing:
        if IN_CI:
            pytest.fail(missing)
        pytest.skip(missing)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def voila_app(tmp_path):
    _need_browser()
    from signalen_lib.config import load_config
    from signalen_lib.store import open_store
    from helpers_validation import make_demo_store
    from signalen_lib.validation.sampling import draw_sample

    cfg = tmp_path / "cfg.yaml"
    cfg.write_text(yaml.safe_dump({"data_dir": str(tmp_path / "data"), "reports_dir": str(tmp_path / "reports")}))
    settings = load_config(cfg)
    make_demo_store(settings, n=60, seed=5)
    with open_store(settings, restricted=False) as st:
        draw_sample(st.shared, 6, seed=1, sample_id="browser")
    port = _free_port()
    env = dict(os.environ, SIGNALEN_CONFIG=str(cfg))
    voila = shutil.which("voila", path=str(Path(sys.executable).parent)) or "voila"
    log = open(tmp_path / "voila.log", "w")
    proc = subprocess.Popen(
        [voila, str(NOTEBOOK), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1", "--show_tracebacks=True"],
        cwd=str(ROOT), env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        # wait for the server's own "running at" line: requesting "/" would execute the notebook
        deadline = time.time() + 60
        while "running at" not in (tmp_path / "voila.log").read_text():
            if proc.poll() is not None or time.time() > deadline:
                raise RuntimeError("voila did not start: " + (tmp_path / "voila.log").read_text()[-2000:])
            time.sleep(0.3)
        yield url, settings
    finally:
        stop(proc, timeout=10)
        log.close()


def test_label_three_texts_with_the_keyboard_reload_and_see_them_stored(voila_app):
    from playwright.sync_api import expect, sync_playwright

    from signalen_lib.store import open_store
    from signalen_lib.validation import load_labels

    url, settings = voila_app
    labelled = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page()
        page.goto(url, timeout=90_000)
        name = page.locator(".signalen-labeller input")
        name.wait_for(timeout=90_000)
        name.fill("tester")
        name.press("Enter")
        progress = page.locator(".signalen-progress")
        expect(progress).to_contain_text("0 van 6 gelabeld door tester", timeout=30_000)
        box = page.locator(".signalen-shortcut input")
        for i, code in enumerate(("1 k", "2.1 c", "3 ?"), start=1):
            sid = page.locator(".signalen-signal-id").get_attribute("data-id", timeout=15_000)
            labelled.append(sid)
            box.click()
            page.keyboard.type(code)
            page.keyboard.press("Enter")
            expect(progress).to_contain_text(f"{i} van 6", timeout=15_000)
            expect(page.locator(".signalen-signal-id")).not_to_have_attribute("data-id", sid, timeout=15_000)
        page.reload()
        name = page.locator(".signalen-labeller input")
        name.wait_for(timeout=90_000)
        name.fill("tester")
        name.press("Enter")
        expect(page.locator(".signalen-progress")).to_contain_text("3 van 6 gelabeld door tester", timeout=30_000)
        shown = page.locator(".signalen-signal-id").get_attribute("data-id")
        assert shown not in labelled  # continues with an unlabelled text
        browser.close()
    with open_store(settings, restricted=False) as st:
        got = load_labels(st.shared, labeller="tester")
    assert sorted(got["signal_id"].unique()) == sorted(labelled)
    by = got.set_index("signal_id")
    assert by.loc[labelled[0], "perception"] == "klacht"
    assert by.loc[labelled[1], "subcategory"] is not None and by.loc[labelled[1], "perception"] == "compliment"
    assert bool(by.loc[labelled[2], "unsure"])
