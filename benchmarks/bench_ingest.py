"""Ingest end to end (read, validate, dedupe, store; masking excluded) on the synthetic corpus.

    .venv/bin/python benchmarks/bench_ingest.py [--n 250000] [--backend duckdb|postgres]

Target (issue 4): the year's 250,000 signals in under 60 seconds on a 2-core machine.
Prints per-source rows/s and the total.
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from pathlib import Path

from signalen_lib.config import load_config
from signalen_lib.ingest import ingest_all
from signalen_lib.store import open_store
from signalen_lib.synth import generate

PG_URL = os.environ.get("SIGNALEN_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=250_000)
    ap.add_argument("--backend", choices=["duckdb", "postgres"], default="duckdb")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw"
        t0 = time.perf_counter()
        generate(args.n, 42, raw)
        print(f"generated {args.n} signals in {time.perf_counter() - t0:.1f}s (not part of the figure)")
        over = {}
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        if args.backend == "postgres":
            over = dict(database_url=f"{PG_URL}?schema={schema}", restricted_url=f"{PG_URL}?schema={schema}_r")
        s = load_config(None, data_dir=str(Path(tmp) / "data"), reports_dir=str(Path(tmp) / "reports"), **over)
        try:
            with open_store(s) as st:
                t0 = time.perf_counter()
                results = ingest_all(st, s, raw, mask=False)
                dt = time.perf_counter() - t0
                total_read = sum(r.total("rows_read") for r in results)
                for r in results:
                    secs = sum(f.seconds for f in r.files)
                    print(f"  {r.source:16s} read {r.total('rows_read'):7d} stored {r.total('stored'):7d} dup {r.total('duplicates'):5d} "
                          f"quarantined {r.total('quarantined'):5d} in {secs:6.1f}s = {r.total('rows_read') / max(secs, 1e-9):,.0f} rows/s")
                stored = st.restricted.count("signals_raw")
            print(f"{args.backend}: ingested {total_read} rows ({stored} stored) in {dt:.1f}s = {total_read / dt:,.0f} rows/s "
                  f"(target: 250,000 in < 60 s)")
        finally:
            if args.backend == "postgres":
                import psycopg

                with psycopg.connect(PG_URL, autocommit=True) as con:
                    con.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
                    con.execute(f'DROP SCHEMA IF EXISTS "{schema}_r" CASCADE')


if __name__ == "__main__":
    main()
