"""Synthetic corpus generation speed (issue 3).

    .venv/bin/python benchmarks/bench_synth.py [--n 250000] [--seed 42] [--repeat 1]

Target: 250,000 signals (all four exports plus ground truth) in under 60 seconds on a 2-core
machine. Prints wall-clock seconds, CPU seconds (this process plus its two worker processes),
signals per second, the output size and the machine's load (other jobs slow the wall clock).
"""
from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

from signalen_lib.synth import generate


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=250_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    # warm the caches (name lists from deduce, compiled grammar) as a long-running process would
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        generate(100, args.seed, Path(tmp) / "warm")
        print(f"warm-up (load name lists, compile grammar): {time.perf_counter() - t:.2f} s")
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "raw"
            t0, c0, k0 = time.perf_counter(), time.process_time(), _children_cpu()
            summary = generate(args.n, args.seed, out)
            wall = time.perf_counter() - t0
            cpu = time.process_time() - c0 + _children_cpu() - k0  # incl. the worker processes
            size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
            per = ", ".join(f"{k} {v}" for k, v in summary["sources"].items())
            print(f"synth: {args.n} signals ({per}), {summary['pii_spans']} PII spans, {size / 1e6:.1f} MB")
            load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
            print(f"synth: {wall:.1f} s wall, {cpu:.1f} s CPU, {args.n / wall:,.0f} signals/s, load average {load:.1f} "
                  f"(target < 60 s: {'OK' if wall < 60 else 'MISSED'})")


if __name__ == "__main__":
    main()
