"""Voila under abuse: page loads that never open the websocket cannot exhaust the server.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_voila_limits.py [--abandoned 100] [--visits 20]
        [--max-kernels 4] [--pool-size 2] [--grace 30] [--n 3000]

Starts ``signalen serve``'s Voila on a demo store (127.0.0.1, a free port) and then, in a bounded loop:

1. ``--abandoned`` page loads that read the page and never open the kernel websocket (as curl or a
   crashed browser would), ``--parallel`` at a time;
2. ``--visits`` normal visits one after the other in Debian chromium (Playwright): each waits for a
   drawn chart (after the "druk" page's automatic reload, if it got that first) and closes the tab.

Prints the peak memory (sum of RSS of Voila and its kernels, sampled every 0.25 s), the peak number of
kernels, how the loads were answered (200 page / 503 "druk"), how long the page-less kernels lived,
and how many visits got a page. ``run()`` is also used by ``tests/test_voila_limits.py``.
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from signalen_lib.config import load_config
from signalen_lib.dashboard.browser import CHART_DRAWN, CHROMIUM, CHROMIUM_ARGS, free_port, tree_memory
from signalen_lib.dashboard.serve import start, stop, wait_until_ready
from signalen_lib.store import open_store
from signalen_lib.synth.store import fill_demo_store


class Sampler(threading.Thread):
    """Peak RSS (MB) and kernel count of a process tree, sampled in the background."""

    def __init__(self, pid: int, every: float = 0.25):
        super().__init__(daemon=True)
        self.pid, self.every = pid, every
        self.peak_mb, self.peak_kernels, self.last = 0.0, 0, (0.0, 0)
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            m, k = tree_memory(self.pid)
            self.last = (m, k)
            self.peak_mb, self.peak_kernels = max(self.peak_mb, m), max(self.peak_kernels, k)
            self._halt.wait(self.every)

    def stop(self) -> None:
        self._halt.set()
        self.join(5)


def _abandoned_load(url: str) -> tuple[int, bool]:
    """One GET of the page, read to the end, no websocket: (status, page mentions 'druk')."""
    try:
        with urllib.request.urlopen(url, timeout=300) as r:
            body = r.read().decode("utf-8", "replace")
            return r.status, "dashboard is druk" in body
    except urllib.error.HTTPError as exc:
        body = exc.read().decode("utf-8", "replace")
        return exc.code, "dashboard is druk" in body


def run(*, abandoned: int = 100, visits: int = 20, max_kernels: int = 4, pool_size: int = 2, grace: int = 30,
        n: int = 3000, parallel: int = 4, root: Path | None = None, say=print) -> dict:
    """Run the scenario; returns the figures (also printed through ``say``)."""
    from playwright.async_api import async_playwright

    root = root or Path(tempfile.mkdtemp(prefix="bench-voila-limits-"))
    settings = load_config(None, data_dir=str(root / "data"), reports_dir=str(root / "reports"),
                           dashboard_max_kernels=max_kernels, dashboard_kernel_grace_seconds=grace)
    with open_store(settings) as st:
        fill_demo_store(st, settings, n=n)
    port = free_port()
    proc = start(settings, port=port, pool_size=pool_size, log_path=root / "voila.log")
    base = f"http://127.0.0.1:{port}"
    url = base + "/voila/render/dashboard.ipynb"
    out: dict = {"max_kernels": max_kernels, "pool_size": pool_size, "grace_s": grace}
    sampler = Sampler(proc.pid)
    try:
        wait_until_ready(base + "/voila/tree", 120, proc)
        pooled = pool_size + min(pool_size, 1)
        deadline = time.monotonic() + 180
        while tree_memory(proc.pid)[1] < pooled and time.monotonic() < deadline:
            time.sleep(1)
        time.sleep(5)
        out["idle_mb"], out["idle_kernels"] = tree_memory(proc.pid)
        say(f"idle, pool warm: {out['idle_mb']:.0f} MB, {out['idle_kernels']} kernels (cap {max_kernels})")
        sampler.start()

        t0 = time.monotonic()
        with ThreadPoolExecutor(parallel) as ex:
            answers = list(ex.map(_abandoned_load, [url] * abandoned))
        out["abandoned_s"] = time.monotonic() - t0
        out["abandoned_200"] = sum(1 for s, _ in answers if s == 200)
        out["abandoned_503_druk"] = sum(1 for s, druk in answers if s == 503 and druk)
        out["abandoned_other"] = abandoned - out["abandoned_200"] - out["abandoned_503_druk"]
        out["kernels_after_abandoned"] = tree_memory(proc.pid)[1]
        say(f"1) {abandoned} page loads without websocket in {out['abandoned_s']:.1f} s: "
            f"{out['abandoned_200']} got a page, {out['abandoned_503_druk']} the 'druk' page (503), "
            f"{out['abandoned_other']} other; kernels now {out['kernels_after_abandoned']}, "
            f"peak so far {sampler.peak_mb:.0f} MB / {sampler.peak_kernels} kernels")
        # the page-less kernels go after `grace` seconds; the pool refills
        t1 = time.monotonic()
        while time.monotonic() - t1 < grace + 90:
            time.sleep(1)
            if _server_log_count(root / "voila.log", "no open page for") >= out["abandoned_200"] and \
                    tree_memory(proc.pid)[1] <= pooled:
                break
        out["reaped"] = _server_log_count(root / "voila.log", "no open page for")
        out["reaped_within_s"] = time.monotonic() - t1
        say(f"   page-less kernels shut down: {out['reaped']} within {out['reaped_within_s']:.0f} s "
            f"after the last load (grace {grace} s); kernels now {tree_memory(proc.pid)[1]}")

        async def visits_run() -> list:
            async with async_playwright() as pw:
                browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                res = []
                for _ in range(visits):
                    ctx = await browser.new_context(viewport={"width": 1400, "height": 1000})
                    page = await ctx.new_page()
                    statuses: list[int] = []
                    page.on("response", lambda r, s=statuses: s.append(r.status) if r.url.startswith(url) else None)
                    t = time.perf_counter()
                    try:
                        await page.goto(url, timeout=300_000)
                        await page.wait_for_selector(CHART_DRAWN, timeout=300_000)
                        ok = True
                    except Exception as exc:  # noqa: BLE001 - counted, printed
                        ok = False
                        say(f"   visit failed: {type(exc).__name__}: {str(exc).splitlines()[0]}")
                    res.append((ok, time.perf_counter() - t, statuses.count(503)))
                    await page.close(run_before_unload=True)
                    await asyncio.sleep(0.3)
                    await ctx.close()
                await browser.close()
                return res

        t2 = time.monotonic()
        res = asyncio.run(visits_run())
        times = [dt for ok, dt, _ in res if ok]
        out["visits_ok"] = sum(1 for ok, _, _ in res if ok)
        out["visits"] = visits
        out["visits_saw_druk"] = sum(1 for _, _, d in res if d)
        out["visit_median_s"] = statistics.median(times) if times else float("nan")
        out["visit_max_s"] = max(times) if times else float("nan")
        say(f"2) {visits} normal visits in {time.monotonic() - t2:.0f} s: {out['visits_ok']}/{visits} got a drawn page "
            f"({out['visits_saw_druk']} saw the 'druk' page first); median {out['visit_median_s']:.1f} s, "
            f"max {out['visit_max_s']:.1f} s")
        time.sleep(1)
    finally:
        sampler.stop()
        stop(proc, timeout=20)
    out["peak_mb"], out["peak_kernels"] = sampler.peak_mb, sampler.peak_kernels
    say(f"peak: {out['peak_mb']:.0f} MB (sum of RSS of Voila and its kernels), {out['peak_kernels']} kernels "
        f"(cap {max_kernels})")
    out["log"] = str(root / "voila.log")
    return out


def _server_log_count(path: Path, needle: str) -> int:
    try:
        return path.read_text(encoding="utf-8", errors="replace").count(needle)
    except OSError:
        return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--abandoned", type=int, default=100)
    ap.add_argument("--visits", type=int, default=20)
    ap.add_argument("--max-kernels", type=int, default=4, help="dashboard_max_kernels for this run (default setting: 8)")
    ap.add_argument("--pool-size", type=int, default=2)
    ap.add_argument("--grace", type=int, default=30, help="dashboard_kernel_grace_seconds")
    ap.add_argument("--parallel", type=int, default=4, help="abandoned loads at a time")
    ap.add_argument("--n", type=int, default=3000, help="demo signals in the store")
    args = ap.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} not found: apt-get install chromium", file=sys.stderr)
        return 1
    out = run(abandoned=args.abandoned, visits=args.visits, max_kernels=args.max_kernels, pool_size=args.pool_size,
              grace=args.grace, n=args.n, parallel=args.parallel, say=lambda m: print(m, flush=True))
    ok = out["visits_ok"] == out["visits"] and out["peak_kernels"] <= out["max_kernels"]
    print(f"result: {'OK' if ok else 'NOT OK'} (peak {out['peak_mb']:.0f} MB, {out['visits_ok']}/{out['visits']} visits)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
