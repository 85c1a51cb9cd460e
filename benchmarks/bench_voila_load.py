"""Voila under load: memory stays bounded over many visits; 10 simultaneous visitors all get a page.

    .venv/bin/python benchmarks/bench_voila_load.py [--visits 100] [--abrupt 20] [--concurrent 10]

Starts ``signalen serve``'s Voila (pre-heated pool of 2, culling) on a demo store and drives
Debian chromium through Playwright:

1. ``--visits`` visits in a row; each opens the dashboard, waits for the charts, and closes the
   tab normally (Voila's beforeunload handler shuts the kernel down).
2. ``--abrupt`` visits whose tab vanishes without beforeunload (crashed browser, closed lid):
   the kernels stay until the culler removes them (idle timeout ``--cull-idle``).
3. ``--concurrent`` visitors at the same moment; each must get charts drawn.

Prints the memory of the server with its kernels (RSS) and the kernel count along the way.
"""
from __future__ import annotations


import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from signalen_lib.config import load_config
from signalen_lib.dashboard.browser import CHART_DRAWN, CHROMIUM, CHROMIUM_ARGS, free_port, tree_memory
from signalen_lib.synth.store import fill_demo_store
from signalen_lib.dashboard.serve import start, stop, wait_until_ready
from signalen_lib.store import open_store


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--visits", type=int, default=100)
    ap.add_argument("--abrupt", type=int, default=20)
    ap.add_argument("--concurrent", type=int, default=10)
    ap.add_argument("--pool-size", type=int, default=2)
    ap.add_argument("--cull-idle", type=int, default=30, help="cull_idle_timeout for this run (serve's default: 600)")
    ap.add_argument("--cull-interval", type=int, default=10)
    ap.add_argument("--n", type=int, default=20000, help="demo signals in the store")
    args = ap.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} not found: apt-get install chromium", file=sys.stderr)
        return 1
    from playwright.async_api import async_playwright

    tmp = Path(tempfile.mkdtemp(prefix="bench-voila-"))
    settings = load_config(None, data_dir=str(tmp / "data"), reports_dir=str(tmp / "reports"))
    with open_store(settings) as st:
        fill_demo_store(st, settings, n=args.n)
    port = free_port()
    proc = start(settings, port=port, pool_size=args.pool_size, cull_idle_timeout=args.cull_idle,
                 cull_interval=args.cull_interval, log_path=tmp / "voila.log")
    base = f"http://127.0.0.1:{port}"
    url = base + "/voila/render/dashboard.ipynb"

    def mem(label: str) -> tuple[float, int]:
        m, k = tree_memory(proc.pid)
        print(f"  {label:<38} server+kernels RSS {m:7.0f} MB, kernels {k:3d}", flush=True)
        return m, k

    async def visit(browser, graceful: bool = True) -> float:
        ctx = await browser.new_context(viewport={"width": 1400, "height": 1000})
        page = await ctx.new_page()
        t0 = time.perf_counter()
        await page.goto(url, timeout=300_000)
        await page.wait_for_selector(CHART_DRAWN, timeout=300_000)
        dt = time.perf_counter() - t0
        await page.close(run_before_unload=graceful)
        if graceful:
            await asyncio.sleep(0.3)  # let the shutdown request go out
        await ctx.close()
        return dt

    async def run() -> None:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            # wait until the pool is warm (the first visit would otherwise measure kernel start-up)
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and tree_memory(proc.pid)[1] < args.pool_size:
                await asyncio.sleep(1)
            await asyncio.sleep(8)
            m0, _ = mem("idle, pool warm")
            print(f"1) {args.visits} visits in a row, tab closed normally")
            times, peak = [], m0
            for i in range(1, args.visits + 1):
                times.append(await visit(browser))
                if i % 10 == 0:
                    m, _ = mem(f"after {i} visits")
                    peak = max(peak, m)
            await asyncio.sleep(5)
            m_end, k_end = mem("5 s after the last visit")
            print(f"   page ready: median {statistics.median(times):.2f} s, p90 "
                  f"{sorted(times)[int(0.9 * len(times)) - 1]:.2f} s, max {max(times):.2f} s")
            print(f"   memory: idle {m0:.0f} MB, peak {peak:.0f} MB, after {m_end:.0f} MB "
                  f"({'bounded' if peak < m0 + 6 * 300 else 'GROWING'})")
            if args.abrupt:
                print(f"2) {args.abrupt} visits whose tab vanishes without beforeunload (cull_idle_timeout {args.cull_idle} s)")
                for _ in range(args.abrupt):
                    await visit(browser, graceful=False)
                m_ab, k_ab = mem("right after")
                t0 = time.monotonic()
                while time.monotonic() - t0 < args.cull_idle + 3 * args.cull_interval + 30:
                    await asyncio.sleep(5)
                    m, k = tree_memory(proc.pid)
                    if k <= args.pool_size * 2 + 1:
                        break
                m_c, k_c = mem(f"after culling ({time.monotonic() - t0:.0f} s)")
                print(f"   abandoned kernels culled: {k_ab} -> {k_c} kernels, {m_ab:.0f} -> {m_c:.0f} MB")
            print(f"3) {args.concurrent} simultaneous visitors")
            await asyncio.sleep(10)  # let the pool refill
            t0 = time.perf_counter()
            res = await asyncio.gather(*[visit(browser) for _ in range(args.concurrent)], return_exceptions=True)
            ok = [r for r in res if isinstance(r, float)]
            print(f"   {len(ok)}/{args.concurrent} visitors got a drawn page; slowest {max(ok) if ok else float('nan'):.1f} s, "
                  f"all done in {time.perf_counter() - t0:.1f} s")
            for r in res:
                if not isinstance(r, float):
                    print(f"   failure: {type(r).__name__}: {str(r).splitlines()[0]}")
            mem("after the simultaneous visits")
            await browser.close()

    try:
        wait_until_ready(base + "/voila/tree", 90, proc)
        asyncio.run(run())
    finally:
        stop(proc, timeout=20)
    return 0


if __name__ == "__main__":
    sys.exit(main())
