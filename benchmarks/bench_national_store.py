"""The national store, partitioned by organisation and month: PostgreSQL declarative partitioning
against a Parquet dataset (hive folders org_code=/month=, read with DuckDB). Same rows, same queries.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_national_store.py --n 200000 [--organisations 24]
        [--pg postgresql://postgres@127.0.0.1:5432/test] [--json]

Rows: the synthetic national corpus (``signalen_lib.synth.national``) with the derived columns the
national store holds (org_code, month, category, perception, score, ...). The text column is the
corpus's synthetic text (a size stand-in for masked text; the schema and folder are dropped after).

Measured for each store: load (rows/s), size on disk, and four queries the national side runs:

- ``national_month``: counts per organisation x category for one month (the national dashboard);
- ``one_org_year``: one organisation's counts per month and category (its own view);
- ``one_org_month_rows``: the rows of one organisation in one month (drill-down, masked text);
- ``event_series``: daily counts of one category in every organisation (the national-effect input);

and retention of one organisation-month (PostgreSQL: DETACH + DROP of its leaf partition; Parquet:
removing its folder). Every figure is printed with the load average.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from signalen_lib.synth.national import iter_national, national_plan  # noqa: E402

COLUMNS = ["signal_id", "org_code", "month", "received_at", "source", "channel", "cluster", "afdeling", "wijk_code",
           "score", "category", "subcategory", "perception", "text"]


def load() -> str:
    return "load %.2f %.2f %.2f" % os.getloadavg()


def say(msg: str) -> None:
    print(msg, flush=True)


def corpus(n: int, organisations: int, seed: int) -> pd.DataFrame:
    plan = national_plan(n, organisations, seed=seed, chunk_size=50_000)
    parts = []
    for chunk in iter_national(plan):
        df = chunk.rename(columns={"true_category": "category", "true_subcategory": "subcategory",
                                   "true_perception": "perception"})
        df["month"] = df["received_at"].dt.strftime("%Y-%m")
        parts.append(df[COLUMNS])
    out = pd.concat(parts, ignore_index=True)
    out["received_at"] = out["received_at"].astype("datetime64[us]")
    return out


def queries(org: str, month: str, category: str) -> dict[str, str]:
    return {
        "national_month": f"SELECT org_code, category, count(*) AS n FROM {{t}} WHERE month = '{month}' "
                          "GROUP BY 1, 2",
        "one_org_year": f"SELECT month, category, count(*) AS n FROM {{t}} WHERE org_code = '{org}' GROUP BY 1, 2",
        "one_org_month_rows": f"SELECT signal_id, received_at, category, text FROM {{t}} "
                              f"WHERE org_code = '{org}' AND month = '{month}'",
        "event_series": f"SELECT org_code, CAST(received_at AS DATE) AS day, count(*) AS n FROM {{t}} "
                        f"WHERE category = '{category}' GROUP BY 1, 2",
    }


def timed(fn, repeat: int = 3) -> tuple[float, int]:
    best, rows = float("inf"), 0
    for _ in range(repeat):
        t = time.perf_counter()
        rows = fn()
        best = min(best, time.perf_counter() - t)
    return best, rows


def bench_parquet(df: pd.DataFrame, qs: dict, org: str, month: str, work: Path) -> dict:
    import duckdb
    import pyarrow as pa
    import pyarrow.parquet as pq

    root = work / "national_parquet"
    shutil.rmtree(root, ignore_errors=True)
    t = time.perf_counter()
    pq.write_to_dataset(pa.Table.from_pandas(df, preserve_index=False), root, partition_cols=["org_code", "month"])
    load_s = time.perf_counter() - t
    size = sum(f.stat().st_size for f in root.rglob("*.parquet"))
    files = sum(1 for _ in root.rglob("*.parquet"))
    con = duckdb.connect()
    con.execute(f"CREATE VIEW signals AS SELECT * FROM read_parquet('{root}/**/*.parquet', hive_partitioning = true)")
    out = {"load_rows_per_s": len(df) / load_s, "size_mb": size / 2**20, "files": files}
    for name, sql in qs.items():
        sec, rows = timed(lambda sql=sql: len(con.execute(sql.format(t="signals")).fetchall()))
        out[name] = {"ms": sec * 1000, "rows": rows}
    t = time.perf_counter()
    shutil.rmtree(root / f"org_code={org}" / f"month={month}")
    out["retention_ms"] = (time.perf_counter() - t) * 1000
    con.close()
    shutil.rmtree(root, ignore_errors=True)
    return out


def bench_postgres(df: pd.DataFrame, qs: dict, org: str, month: str, url: str) -> dict:
    import psycopg

    schema = f"bench_nat_{uuid.uuid4().hex[:8]}"
    orgs, months = sorted(df["org_code"].unique()), sorted(df["month"].unique())
    con = psycopg.connect(url.split("?")[0], autocommit=True)
    try:
        cur = con.cursor()
        cur.execute(f"CREATE SCHEMA {schema}")
        cur.execute(f"SET search_path TO {schema}")
        t = time.perf_counter()
        cur.execute("""CREATE TABLE signals (
            signal_id TEXT NOT NULL, org_code TEXT NOT NULL, month TEXT NOT NULL, received_at TIMESTAMP NOT NULL,
            source TEXT, channel TEXT, cluster TEXT, afdeling TEXT, wijk_code TEXT, score INTEGER,
            category TEXT, subcategory TEXT, perception TEXT, text TEXT,
            PRIMARY KEY (org_code, month, signal_id)) PARTITION BY LIST (org_code)""")
        for o in orgs:
            ot = f"signals_{o.lower()}"
            cur.execute(f"CREATE TABLE {ot} PARTITION OF signals FOR VALUES IN ('{o}') PARTITION BY LIST (month)")
            for m in months:
                cur.execute(f"CREATE TABLE {ot}_{m.replace('-', '')} PARTITION OF {ot} FOR VALUES IN ('{m}')")
        ddl_s = time.perf_counter() - t
        t = time.perf_counter()
        cols = ", ".join(COLUMNS)
        with cur.copy(f"COPY signals ({cols}) FROM STDIN") as cp:
            for row in df.itertuples(index=False, name=None):
                cp.write_row([None if (isinstance(v, float) and v != v) or v is pd.NA else
                              int(v) if isinstance(v, (int,)) and not isinstance(v, bool) else v for v in row])
        cur.execute("ANALYZE signals")
        load_s = time.perf_counter() - t
        size = cur.execute("SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n "
                           "ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind IN ('r', 'i', 't')",
                           [schema]).fetchone()[0]
        out = {"load_rows_per_s": len(df) / load_s, "size_mb": float(size) / 2**20,
               "leaf_partitions": len(orgs) * len(months), "ddl_s": ddl_s}
        for name, sql in qs.items():
            sec, rows = timed(lambda sql=sql: len(cur.execute(sql.format(t="signals")).fetchall()))
            out[name] = {"ms": sec * 1000, "rows": rows}
        plan = cur.execute("EXPLAIN " + qs["one_org_month_rows"].format(t="signals")).fetchall()
        out["one_org_month_scans"] = sum(1 for (line,) in plan if "Scan" in line)
        leaf = f"signals_{org.lower()}_{month.replace('-', '')}"
        t = time.perf_counter()
        cur.execute(f"ALTER TABLE signals_{org.lower()} DETACH PARTITION {leaf}")
        cur.execute(f"DROP TABLE {leaf}")
        out["retention_ms"] = (time.perf_counter() - t) * 1000
    finally:
        con.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        con.close()
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=200_000)
    ap.add_argument("--organisations", type=int, default=24)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--pg", default=os.environ.get("SIGNALEN_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    t = time.perf_counter()
    df = corpus(args.n, args.organisations, args.seed)
    say(f"{len(df):,} rows, {df['org_code'].nunique()} organisations, {df['month'].nunique()} months "
        f"(generated in {time.perf_counter() - t:.0f} s)  [{load()}]")
    org = df["org_code"].value_counts().index[0]
    month = sorted(df["month"].unique())[-3]
    qs = queries(org, month, "informatie_brieven")
    work = Path(tempfile.mkdtemp(prefix="bench_national_store_"))
    res = {}
    try:
        res["parquet"] = bench_parquet(df, qs, org, month, work)
        say(f"parquet done  [{load()}]")
        res["postgres"] = bench_postgres(df, qs, org, month, args.pg)
        say(f"postgres done  [{load()}]")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    say(f"\n{'':24}{'PostgreSQL (list org / list month)':>38}{'Parquet org=/month= + DuckDB':>32}")
    pg, pq = res["postgres"], res["parquet"]
    say(f"{'load (rows/s)':24}{pg['load_rows_per_s']:>38,.0f}{pq['load_rows_per_s']:>32,.0f}")
    say(f"{'size on disk (MB)':24}{pg['size_mb']:>38,.1f}{pq['size_mb']:>32,.1f}")
    say(f"{'partitions / files':24}{pg['leaf_partitions']:>38,}{pq['files']:>32,}")
    for name in qs:
        say(f"{name + ' (ms)':24}{pg[name]['ms']:>38,.1f}{pq[name]['ms']:>32,.1f}   ({pg[name]['rows']:,} rows)")
    say(f"{'retention 1 org-month':24}{pg['retention_ms']:>35,.1f} ms{pq['retention_ms']:>29,.1f} ms")
    say(f"PostgreSQL plan for one_org_month_rows scans {pg['one_org_month_scans']} partition(s)  [{load()}]")
    if args.json:
        print(json.dumps({"n": len(df), "organisations": int(df["org_code"].nunique()), **res,
                          "loadavg": [round(x, 2) for x in os.getloadavg()]}, default=float))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
