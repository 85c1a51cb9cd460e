"""Bulk insert: rows per second for 250,000 signals into DuckDB and into PostgreSQL.

    .venv/bin/python benchmarks/bench_store.py [--n 250000]

PostgreSQL is the server at SIGNALEN_TEST_PG_URL (default postgresql://postgres@127.0.0.1:5432/test);
it uses a throw-away schema. Prints one line per backend.
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid

import numpy as np
import pandas as pd

from signalen_lib.config import load_config
from signalen_lib.store import open_store

PG_URL = os.environ.get("SIGNALEN_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


def frame(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    words = np.array("wachttijd parkeren vergunning afval container brief aanslag betalingsregeling medewerker vriendelijk lang niet gebeld".split())
    texts = [" ".join(rng.choice(words, 25)) for _ in range(n)]
    t = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 365 * 24 * 3600, n), unit="s")
    return pd.DataFrame({
        "signal_id": [f"kto:{i}" for i in range(n)], "source": "kto", "source_record_id": [str(i) for i in range(n)],
        "received_at": t, "channel": rng.choice(["web", "telefoon 14010", "e-mail"], n), "cluster": "Dienstverlening",
        "afdeling": "Klantcontactcentrum 14010", "wijk_code": "WK059901", "wijk": "Stadscentrum",
        "buurt_code": "BU05990112", "buurt": "Cool", "score": pd.array(rng.integers(0, 11, n), dtype="Int64"),
        "text": texts, "content_hash": [uuid.UUID(int=int(x)).hex for x in rng.integers(0, 2**62, n)],
        "source_file": "bench.csv", "source_row": np.arange(n) + 2, "ingest_run_id": "bench",
    })


def bench(settings, df: pd.DataFrame) -> float:
    with open_store(settings) as st:
        t0 = time.perf_counter()
        with st.shared.transaction():
            st.shared.insert_df("signals", df)
        dt = time.perf_counter() - t0
        assert st.shared.count("signals") == len(df)
    return dt


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=250_000)
    args = ap.parse_args()
    df = frame(args.n)
    with tempfile.TemporaryDirectory() as tmp:
        s = load_config(None, data_dir=tmp, reports_dir=tmp)
        dt = bench(s, df)
        print(f"duckdb:     {args.n} rows in {dt:.2f}s = {args.n / dt:,.0f} rows/s")
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        s = load_config(None, data_dir=tmp, reports_dir=tmp, database_url=f"{PG_URL}?schema={schema}",
                        restricted_url=f"{PG_URL}?schema={schema}_r")
        try:
            dt = bench(s, df)
            print(f"postgresql: {args.n} rows in {dt:.2f}s = {args.n / dt:,.0f} rows/s")
        except Exception as exc:  # noqa: BLE001
            print(f"postgresql: not measured ({str(exc).splitlines()[0]})")
        finally:
            try:
                import psycopg

                with psycopg.connect(PG_URL, autocommit=True) as con:
                    con.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
                    con.execute(f'DROP SCHEMA IF EXISTS "{schema}_r" CASCADE')
            except Exception:  # noqa: BLE001
                pass


if __name__ == "__main__":
    main()
