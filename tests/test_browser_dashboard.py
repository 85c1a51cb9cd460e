"""What a person sees: the dashboard in Voila, driven by Debian chromium through Playwright.

One Voila server (started here, on demo data) serves the whole module. Under ``CI=true`` a
missing chromium or Playwright is a failure; elsewhere the tests skip with a message.
Screenshots of every view go to ``reports/screenshots/``.
"""
from __future__ import annotations

from signalen_lib.dashboard.serve import stop

import asyncio
import contextlib
import http.client
import json
import os
import re
import socket
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest

from signalen_lib.synth.store import CANARY_NAME, CANARY_PHONE, SCRIPT_TEXT, fill_demo_store

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
VIEWS = {  # tab title -> (screenshot name, selector that proves the view is drawn)
    "Overzicht": ("overzicht", ".signalen-chart-volume .vega-embed :is(canvas, svg)"),
    "Trends en seizoen": ("trends", ".signalen-chart-trend .vega-embed :is(canvas, svg)"),
    "Signalering": ("signalering", ".signalen-alerts"),
    "Wijken": ("wijken", ".signalen-chart-map .vega-embed :is(canvas, svg)"),
    "Voorbeelden": ("voorbeelden", ".signalen-examples"),
    "Complimenten": ("complimenten", ".signalen-wall .card"),
    "Wat drijft ontevredenheid": ("drijvers", ".signalen-drivers"),
    "Verbeteren": ("verbeteren", "text=Verbeteren: wat leverden de verbeteracties op?"),
    "Kwaliteit": ("kwaliteit", "text=Details voor data-analisten"),
}


def _require_browser():
    problem = None
    if not Path(CHROMIUM).exists():
        problem = f"{CHROMIUM} not found (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "playwright (python) is not installed"
    if problem:
        if IN_CI:
            pytest.fail(f"browser tests need chromium and playwright: {problem}")
        pytest.skip(f"browser tests skipped: {problem}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    _require_browser()
    with demo_server(tmp_path_factory.mktemp("browser"), n=12000) as srv:
        yield srv


@contextlib.contextmanager
def demo_server(root: Path, n: int):
    """A Voila server (pool of 1) on a demo store of ``n`` signals in ``root``."""
    from signalen_lib.config import load_config
    from signalen_lib.dashboard.serve import start, wait_until_ready
    from signalen_lib.store import open_store

    settings = load_config(None, data_dir=str(root / "data"), reports_dir=str(root / "reports"))
    with open_store(settings) as st:
        fill_demo_store(st, settings, n=n)
    port = _free_port()
    log = root / "voila.log"
    proc = start(settings, port=port, pool_size=1, cull_idle_timeout=120, cull_interval=30, log_path=log)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(base + "/voila/tree", 90, proc)
        yield {"base": base, "settings": settings, "log": log, "proc": proc}
    finally:
        stop(proc, timeout=20)


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def page(server, browser):
    """One dashboard page for the module; every request it makes is recorded."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = ctx.new_page()
    pg.requests = []  # type: ignore[attr-defined]
    pg.dialogs = []  # type: ignore[attr-defined]
    pg.console = []  # type: ignore[attr-defined]
    pg.on("request", lambda r: pg.requests.append(r.url))
    pg.on("console", lambda m: pg.console.append(m.text))
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.response = pg.goto(server["base"] + "/voila/render/dashboard.ipynb")  # type: ignore[attr-defined]
    pg.wait_for_selector(VIEWS["Overzicht"][1], timeout=120_000)
    yield pg
    ctx.close()


def _renders(pg) -> int:
    return int(pg.get_attribute(".signalen-status-text", "data-renders"))


def _wait_render(pg, before: int, timeout: float = 30) -> None:
    pg.wait_for_function(
        f"() => Number(document.querySelector('.signalen-status-text')?.dataset.renders) > {before}", timeout=timeout * 1000)


def _open_tab(pg, title: str) -> None:
    pg.get_by_role("tab", name=title).click()
    pg.wait_for_selector(VIEWS[title][1], timeout=60_000)


def _screens_dir() -> Path:
    from signalen_lib.config import load_config

    d = load_config().reports_dir / "screenshots"
    d.mkdir(parents=True, exist_ok=True)
    return d


def test_every_view_renders_with_charts_drawn(page):
    assert page.locator("text=Loading widget").count() == 0
    shots = _screens_dir()
    for title, (name, selector) in VIEWS.items():
        _open_tab(page, title)
        time.sleep(0.5)  # let the canvas paint before the screenshot
        assert page.locator(selector).first.is_visible()
        page.screenshot(path=str(shots / f"dashboard_{name}.png"), full_page=True)
    # the drawn charts have a real size, not an empty placeholder
    _open_tab(page, "Overzicht")
    box = page.locator(VIEWS["Overzicht"][1]).first.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 150
    assert page.locator("text=Loading widget").count() == 0
    _open_tab(page, "Wijken")
    assert "Bron kaartgrenzen: CBS Wijk- en Buurtkaart (CC BY 4.0)" in page.inner_text(".signalen-attribution")
    _open_tab(page, "Overzicht")


def test_changing_a_filter_changes_the_numbers(page):
    _open_tab(page, "Overzicht")
    total_before = page.inner_text(".signalen-total")
    kpis_before = page.inner_text(".signalen-kpis")
    n = _renders(page)
    page.locator(".signalen-filter-categories select").select_option(label="Afval")
    _wait_render(page, n)
    total_after = page.inner_text(".signalen-total")
    assert total_after != total_before
    assert int(total_after.replace(".", "")) < int(total_before.replace(".", ""))
    assert page.inner_text(".signalen-kpis") != kpis_before
    # the volume chart now shows only the selected category
    page.wait_for_function("() => !document.querySelector('.signalen-chart-volume').innerText.includes('andere categorieën')")
    n = _renders(page)
    page.locator(".signalen-filter-period select").select_option(label="laatste maand")
    _wait_render(page, n)
    assert page.inner_text(".signalen-total") != total_after


def test_examples_are_masked_and_script_shows_as_text(page):
    n = _renders(page)
    page.locator(".signalen-filter-period select").select_option(label="laatste maand")
    if _renders(page) == n:
        time.sleep(0.2)
    _open_tab(page, "Voorbeelden")
    page.wait_for_selector(".signalen-examples td", timeout=30_000)
    text = page.inner_text(".signalen-examples")
    assert SCRIPT_TEXT in text  # shown literally ...
    assert page.locator(".signalen-examples script").count() == 0  # ... not as an element
    assert page.dialogs == []  # type: ignore[attr-defined]
    assert "[NAAM]" in text and "[TELEFOON]" in text
    html = page.content()
    assert CANARY_NAME not in html and CANARY_PHONE not in html and CANARY_PHONE.replace("-", "") not in html
    # pagination moves to other signals
    page.locator(".signalen-next button, button.signalen-next").first.click()
    page.wait_for_function("() => document.querySelector('.signalen-pageinfo')?.innerText.startsWith('Pagina 2')")
    page.wait_for_function("(t) => document.querySelector('.signalen-examples').innerText !== t", arg=text)
    assert SCRIPT_TEXT not in page.inner_text(".signalen-examples")


def test_no_request_leaves_localhost(page, server):
    hosts = {urlparse(u).hostname for u in page.requests if urlparse(u).scheme in ("http", "https", "ws", "wss")}
    assert hosts and hosts <= {"127.0.0.1", "localhost"}, hosts


def test_content_security_policy_keeps_the_page_local(page):
    """The page is served with a CSP that allows this server only; the dashboard draws without a
    single violation, and a script that tries to reach another host is refused by the browser."""
    csp = page.response.headers.get("content-security-policy", "")
    assert "default-src 'self'" in csp and "connect-src 'self'" in csp, csp
    assert not [m for m in page.console if "Content Security Policy" in m], page.console
    outcome = page.evaluate("""async () => {
        try { await fetch('http://198.51.100.7/x', {mode: 'no-cors'}); return 'sent'; }
        catch (e) { return 'refused'; } }""")
    assert outcome == "refused"
    page.wait_for_function("() => true")
    assert any("Content Security Policy" in m and "198.51.100.7" in m for m in page.console), page.console[-5:]


def _raw_get(base: str, path: str) -> tuple[int, bytes]:
    """GET the path as is (no normalisation), following redirects (render -> files) as a browser would."""
    u = urlparse(base)
    for _ in range(5):
        con = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
        con.putrequest("GET", path, skip_accept_encoding=True)
        con.endheaders()
        r = con.getresponse()
        body = r.read()
        if r.status in (301, 302, 303, 307, 308) and r.getheader("Location"):
            path = r.getheader("Location")
            continue
        return r.status, body
    return r.status, body


def test_data_files_are_refused(server):
    settings = server["settings"]
    db_file = settings.data_dir / "signalen.duckdb"
    assert db_file.exists()
    magic = db_file.read_bytes()[:64]
    paths = [
        "/voila/files/dashboard.ipynb",
        "/voila/files/../../../data/signalen.duckdb",
        "/voila/files/%2e%2e/%2e%2e/data/signalen.duckdb",
        f"/voila/files/{db_file}",
        f"/voila/files/..%2f..%2f..%2f{str(db_file).lstrip('/')}",
        f"/voila/static/..%2f..%2f{str(db_file).lstrip('/')}",
        f"/voila/templates/..%2f..%2f{str(db_file).lstrip('/')}",
        f"/voila/api/contents/..%2f..%2f{str(db_file).lstrip('/')}",
        f"/voila/render/..%2f..%2f{str(db_file).lstrip('/')}",
        "/voila/files/settings.yaml",
    ]
    for p in paths:
        status, body = _raw_get(server["base"], p)
        assert status >= 400, (p, status)
        assert magic not in body and b"DUCK" not in body[:64], p


def test_browser_cannot_execute_code(page, server, tmp_path):
    """Voila forwards only comm/kernel_info/shutdown messages: an execute_request is dropped."""
    html = page.content()
    ids = set(re.findall(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", html))
    assert ids
    marker = tmp_path / "pwned.txt"

    async def attempt(kernel_id: str) -> bool:
        from tornado.websocket import websocket_connect

        url = server["base"].replace("http", "ws") + f"/api/kernels/{kernel_id}/channels"
        try:
            ws = await websocket_connect(url)
        except Exception:  # noqa: BLE001  (not a kernel id)
            return False
        session = uuid.uuid4().hex

        def msg(kind, content):
            return json.dumps({"header": {"msg_id": uuid.uuid4().hex, "msg_type": kind, "session": session,
                                          "username": "x", "version": "5.3", "date": "2026-01-01T00:00:00Z"},
                               "parent_header": {}, "metadata": {}, "content": content, "channel": "shell", "buffers": []})

        await ws.write_message(msg("execute_request", {"code": f"open({str(marker)!r}, 'w').write('x')", "silent": False,
                                                       "store_history": False, "user_expressions": {},
                                                       "allow_stdin": False, "stop_on_error": True}))
        await ws.write_message(msg("kernel_info_request", {}))
        got_info = False
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not got_info:
            try:
                m = await asyncio.wait_for(ws.read_message(), timeout=2)
            except asyncio.TimeoutError:
                continue
            if m is None:
                break
            if isinstance(m, str) and '"kernel_info_reply"' in m:
                got_info = True
        await asyncio.sleep(1.0)
        ws.close()
        return got_info

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as ex:  # Playwright's sync API owns this thread's event loop
        reached = [ex.submit(asyncio.run, attempt(k)).result() for k in ids]
    assert any(reached), "no kernel answered kernel_info: the check would prove nothing"
    assert not marker.exists()


def test_compliments_wall_page(server, browser):
    ctx = browser.new_context(viewport={"width": 1600, "height": 900})
    pg = ctx.new_page()
    urls = []
    pg.on("request", lambda r: urls.append(r.url))
    pg.goto(server["base"] + "/voila/render/complimenten.ipynb")
    pg.wait_for_selector(".signalen-fullwall .card", timeout=120_000)
    assert pg.locator(".signalen-fullwall .card").count() >= 5
    pg.screenshot(path=str(_screens_dir() / "dashboard_complimentenmuur.png"))
    ctx.close()
    assert {urlparse(u).hostname for u in urls if u.startswith("http")} <= {"127.0.0.1", "localhost"}


def test_root_opens_the_dashboard_and_no_served_page_links_a_cdn(server):
    """The server's own address leads to the dashboard (not a file listing), and no page it serves
    (the tree, error pages) references anything outside the server."""
    status, body = _raw_get(server["base"], "/")
    assert status == 200 and b"voila/render/dashboard.ipynb" in body and b"Voil\xc3\xa0 Home" not in body
    for path in ("/", "/voila/tree", "/voila/render/bestaat-niet.ipynb", "/bestaat-niet"):
        status, body = _raw_get(server["base"], path)
        assert b"//cdn" not in body and b"jsdelivr" not in body and b"https://" not in body, (path, status)
