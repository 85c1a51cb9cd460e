"""A pooled Voila kernel loads the aggregates before anyone visits; when the nightly pipeline has
refreshed them in the meantime, the visitor still gets today's numbers (Debian chromium)."""
from __future__ import annotations

import re
import time

import pytest

from test_browser_dashboard import CHROMIUM, CHROMIUM_ARGS, _free_port, _require_browser

pytestmark = pytest.mark.browser


def _wait_log(log, pattern: str, count: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(re.findall(pattern, log.read_text(errors="replace") if log.exists() else "")) >= count:
            return
        time.sleep(0.5)
    raise AssertionError(f"{pattern!r} not logged {count}x within {timeout}s:\n" + log.read_text(errors="replace")[-3000:])


def _total(pg) -> int:
    pg.wait_for_selector(".signalen-total", timeout=120_000)
    return int(pg.inner_text(".signalen-total").replace(".", ""))


def test_a_pooled_kernel_shows_the_refreshed_aggregates(tmp_path):
    _require_browser()
    from playwright.sync_api import sync_playwright

    from signalen_lib.config import load_config
    from signalen_lib.dashboard.demo import fill_demo_store
    from signalen_lib.dashboard.serve import start, stop, wait_until_ready
    from signalen_lib.store import open_store

    settings = load_config(None, data_dir=str(tmp_path / "data"), reports_dir=str(tmp_path / "reports"))
    with open_store(settings) as st:
        fill_demo_store(st, settings, n=3000)
    port = _free_port()
    log = tmp_path / "voila.log"
    proc = start(settings, port=port, pool_size=1, cull_idle_timeout=120, cull_interval=30, log_path=log)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(base + "/voila/tree", 90, proc)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            first = browser.new_page()
            first.goto(base + "/voila/render/dashboard.ipynb")
            before = _total(first)
            # the pool refills: a new kernel loads the aggregates and waits for the next visitor
            _wait_log(log, r"aggregates loaded", 2)
            # the nightly pipeline refreshes the aggregates (here: every count doubled)
            with open_store(settings, restricted=False) as st:
                with st.shared.transaction():
                    st.shared.execute("UPDATE agg_daily SET n = n * 2")
                    st.shared.execute("UPDATE agg_meta SET value = '2099-01-01T00:00:00' WHERE key = 'refreshed_at'")
            second = browser.new_page()
            second.goto(base + "/voila/render/dashboard.ipynb")
            _total(second)  # the page built ahead opens at once, and is rebuilt from the refreshed aggregates
            try:
                second.wait_for_function(
                    "(n) => Number(document.querySelector('.signalen-total')?.innerText.replaceAll('.', '')) === n",
                    arg=2 * before, timeout=60_000)
            except Exception:  # noqa: BLE001 - report what the visitor sees
                pass
            after = _total(second)
            browser.close()
        assert after == 2 * before, (before, after)
        _wait_log(log, r"aggregates reloaded for a visitor \(refreshed_at 2099-01-01", 1, timeout=5)
    finally:
        stop(proc, timeout=20)
