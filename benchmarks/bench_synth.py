"""Synthetic corpus generation speed (issue 3).

    .venv/bin/python benchmarks/bench_synth.py [--n 250000] [--seed 42] [--repeat 1]

Target: 250,000 signals (all four exports plus ground truth) in under 60 seconds on a 2-core
machine. Prints wall-clock seconds, CPU seconds and signals per second, and the output size.
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from signalen_lib.synth import generate


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
            t0, c0 = time.perf_counter(), time.process_time()
            summary = generate(args.n, args.seed, out)
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
            per = ", ".join(f"{k} {v}" for k, v in summary["sources"].items())
            print(f"synth: {args.n} signals ({per}), {summary['pii_spans']} PII spans, {size / 1e6:.1f} MB")
            print(f"synth: {wall:.1f} s wall, {cpu:.1f} s CPU, {args.n / wall:,.0f} signals/s "
                  f"(target < 60 s: {'OK' if wall < 60 else 'MISSED'})")


if __name__ == "__main__":
    main()
