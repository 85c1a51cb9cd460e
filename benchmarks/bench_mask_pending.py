"""Benchmark: masking as the pipeline does it (``mask_pending``: batches read from the restricted
zone, masked, written to both zones), with one process and with a pool of workers.

    .venv/bin/python benchmarks/bench_mask_pending.py                  # 50,000 signals, workers 2 then 1
    .venv/bin/python benchmarks/bench_mask_pending.py --n 250000 --workers 2

A synthetic corpus is generated and ingested without masking once; before each measurement the
store is copied back to that state, so every worker count masks the same signals. The masker is
built before the clock starts (as in bench_masking.py). Printed: texts per second (wall), the
parent's CPU seconds and the load average.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from signalen_lib.config import load_config  # noqa: E402
from signalen_lib.demo import deliver  # noqa: E402
from signalen_lib.ingest.load import ingest_all, mask_pending  # noqa: E402
from signalen_lib.privacy import get_masker  # noqa: E402
from signalen_lib.store import open_store  # noqa: E402
from signalen_lib.synth import generate  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=50_000, help="signals (default 50000)")
    ap.add_argument("--workers", default="2,1", help="worker counts to measure, comma-separated (default 2,1)")
    ap.add_argument("--keep", type=Path, default=None, help="work in this folder (kept) instead of a temp dir")
    args = ap.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-mask-pending-"))
    settings = load_config(None, data_dir=str(work / "data"), reports_dir=str(work / "reports"))
    snap = work / "ingested"
    if not snap.exists():
        settings.ensure_dirs()
        generate(args.n, 2026, out_dir=work / "gen", start="2025-10-31", end="2026-10-31")
        deliver(work / "gen", settings.raw_dir, "2000-01-01", "2026-11-01", "jaar", whole=True)
        with open_store(settings) as st:
            ingest_all(st, settings, settings.raw_dir, mask=False)
        shutil.copytree(work / "data", snap)
    get_masker()
    for w in (int(x) for x in args.workers.split(",")):
        shutil.rmtree(work / "data")
        shutil.copytree(snap, work / "data")
        with open_store(settings) as st:
            t, c = time.perf_counter(), time.process_time()
            k = mask_pending(st, settings, workers=w)
            s = time.perf_counter() - t
        load = "/".join(f"{x:.2f}" for x in os.getloadavg())
        print(f"workers {w}: {k:,} texts in {s:.1f} s = {k / s:,.0f} texts/s (parent CPU {time.process_time() - c:.1f} s, "
              f"batches of {settings.mask_batch_rows}) load {load}", flush=True)
    print(f"work folder: {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
