"""A pooled Voila kernel loads the aggregates before anyone visits; when the nightly pipeline has
refreshed them in the meantime, the visitor still gets today's numbers (Debian chromium)."""
from __future__ import annotations

import re
import time

import pytest

from test_browser_dashboard import CHROMIUM, CHROMIUM_ARGS, _require_browser, demo_server

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

    from signalen_lib.store import open_store

    with demo_server(tmp_path, n=3000) as srv, sync_playwright() as pw:
        settings, log, base = srv["settings"], srv["log"], srv["base"]
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
