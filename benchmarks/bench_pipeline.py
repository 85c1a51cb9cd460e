"""Benchmark: the nightly pipeline on one day of new signals over a store holding a year, and the
monthly reports for all clusters.

    .venv/bin/python benchmarks/bench_pipeline.py                 # a year of ~250,000 signals (slow: hours of masking)
    .venv/bin/python benchmarks/bench_pipeline.py --year-n 30000  # a smaller year, same day size

The synthetic corpus (signalen_lib.synth) is generated over 366 days; everything before the last
day(s) is delivered and run through the pipeline once (the initial load: fit), then the last
day(s) -- about ``--day-n`` KTO and terugbel rows -- arrive as new exports and the nightly pipeline
runs (assign). Printed: the time of every step of both runs, and of the monthly report per cluster
(HTML, plus PDF when Chromium is installed), each with the load average; then the summary table of
docs/PERFORMANCE.md, the masking rate inside the pipeline, the peak memory, and for each run the
profile of steps and sub-steps (``signalen pipeline --profile``). The quality gate is lowered
(this measures time).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from signalen_lib.config import load_config  # noqa: E402
from signalen_lib.runs import pipeline as pl  # noqa: E402
from signalen_lib.demo import deliver, pipeline_steps_with_labels  # noqa: E402
from signalen_lib.runs.scheduled import clusters_in_period, run_monthly_reports  # noqa: E402
from signalen_lib.store import open_store  # noqa: E402


def _steps_table(res) -> str:
    return "  ".join(f"{s.name} {s.seconds:.1f}s" for s in res.steps)


def _load() -> str:
    return "load " + "/".join(f"{x:.2f}" for x in os.getloadavg())


def _step(res, name: str) -> float:
    return sum(s.seconds for s in res.steps if s.name == name)


def _mask_rate(res) -> tuple[int, float]:
    """Texts masked and the seconds of the masking sub-step (analysis incl. writing) in the run's profile."""
    recs = [r for r in res.profile if r["name"] in ("mask: analyse texts", "mask: analyse texts (workers)")]
    return sum(r.get("count", 0) for r in recs), sum(r["seconds"] for r in recs)


def _peak_rss_gb() -> float:
    """Peak resident memory of this process and of the largest finished child (the notebook kernels)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024 / 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--year-n", type=int, default=250_000, help="signals in the year (default 250000)")
    ap.add_argument("--day-n", type=int, default=700, help="new KTO+terugbel signals in the nightly delivery")
    ap.add_argument("--end", default="2026-10-31", help="last day of the corpus")
    ap.add_argument("--pdf", action="store_true", help="also print the reports to PDF")
    ap.add_argument("--notebooks", type=Path, default=None, help="notebooks folder (default: notebooks/)")
    ap.add_argument("--keep", type=Path, default=None, help="work in this folder (kept) instead of a temp dir")
    args = ap.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-pipeline-"))
    work.mkdir(parents=True, exist_ok=True)
    settings = load_config(None, data_dir=str(work / "data"), reports_dir=str(work / "reports"),
                           gate_macro_f1=0.0, gate_kappa=-1.0)
    end = pd.Timestamp(args.end)
    start = end - pd.Timedelta(days=365)
    gen = work / "gen"
    from signalen_lib.synth import generate

    t = time.perf_counter()
    info = generate(args.year_n, 2026, out_dir=gen, start=f"{start:%Y-%m-%d}", end=f"{end:%Y-%m-%d}")
    print(f"generate: {args.year_n} signals {start:%Y-%m-%d}..{end:%Y-%m-%d} in {time.perf_counter() - t:.1f}s "
          f"({json.dumps(info.get('sources', {}))})")
    # the new delivery: the last days that hold about day_n KTO + terugbel rows
    per_day = max(1.0, args.year_n * 0.78 / 366)
    days = max(1, math.ceil(args.day_n / per_day))
    cut = end + pd.Timedelta(days=1) - pd.Timedelta(days=days)
    n_year = deliver(gen, settings.raw_dir, "2000-01-01", cut, "jaar", whole=True)
    labels_csv = work / "labels.csv"
    make_steps = lambda: pipeline_steps_with_labels(settings, gen / "ground_truth" / "signals.csv", labels_csv,  # noqa: E731
                                                    n=600, nb_dir=args.notebooks)

    t = time.perf_counter()
    r0 = pl.run_pipeline(settings, steps=make_steps(), profile=True)
    load_s = time.perf_counter() - t
    load0 = _load()
    with open_store(settings, restricted=False) as st:
        n_store = st.shared.count("signals")
    print(f"initial load (fit) : {n_year} KTO/terugbel rows + klachten/interviews -> {n_store} signals in store, "
          f"{load_s:.1f}s [{r0.status}] ({load0})  {_steps_table(r0)}")
    if not r0.ok:
        print(f"  failed at {r0.failed_step}: {r0.error}")
        return 1

    n_day = deliver(gen, settings.raw_dir, cut, end + pd.Timedelta(days=1), "nieuw")
    t = time.perf_counter()
    r1 = pl.run_pipeline(settings, steps=make_steps(), profile=True)
    night_s = time.perf_counter() - t
    load1 = _load()
    with open_store(settings, restricted=False) as st:
        added = st.shared.count("signals") - n_store
    print(f"nightly pipeline   : {n_day} new rows ({days} day(s)) -> {added} new signals over a store of {n_store}, "
          f"{night_s:.1f}s [{r1.status}] ({load1})  {_steps_table(r1)}")
    if not r1.ok:
        print(f"  failed at {r1.failed_step}: {r1.error}")
        return 1

    period = f"{(end.replace(day=1) - pd.Timedelta(days=1)):%Y-%m}"  # the last complete month
    clusters = clusters_in_period(settings, period)
    t = time.perf_counter()
    rep = run_monthly_reports(settings, period=period, all_clusters=True, pdf=args.pdf, nb_dir=args.notebooks)
    rep_s = time.perf_counter() - t
    load2 = _load()
    print(f"monthly reports    : {len(clusters)} clusters for {period} in {rep_s:.1f}s [{rep.status}] "
          f"({rep_s / max(len(clusters), 1):.1f}s per report{', with PDF' if args.pdf else ''}) ({load2})")
    for s in rep.steps:
        size = Path(s.html_path).stat().st_size / 1e6 if s.html_path else 0
        print(f"  {s.name:<52} {s.seconds:6.1f}s  {s.status}  html {size:.1f} MB{'  pdf' if s.pdf_path else ''}")

    # the summary table of docs/PERFORMANCE.md (and of issue 18)
    print()
    print("| run | total | ingest | labels | topics | perception | validate | alerts | aggregates | load average |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for label, res, secs, load in ((f"initial load, {n_store:,} signals (fit)", r0, load_s, load0),
                                   (f"nightly run, {added:,} new signals over that store (assign)", r1, night_s, load1)):
        cells = " | ".join(f"{_step(res, n):.1f} s" for n in ("ingest", "labels", "topics", "perception", "validate",
                                                              "alerts", "aggregates"))
        print(f"| {label} | {secs:.1f} s | {cells} | {load.split()[1]} |")
    # the labels step stands in for analysts (600 validation labels, then 500 training labels chosen
    # by active learning: five retrains in the labelling tool, work staff do during the day)
    for label, res, secs in (("initial load", r0, load_s), ("nightly run", r1, night_s)):
        print(f"{label} without the labels stand-in: {secs - _step(res, 'labels'):.1f} s")
    n_masked, mask_s = _mask_rate(r0)
    if mask_s:
        print(f"masking inside the pipeline (initial load): {n_masked:,} texts in {mask_s:.1f} s = "
              f"{n_masked / mask_s:,.0f} texts/s ({load0})")
    print(f"monthly report: {rep_s / max(len(clusters), 1):.1f} s per cluster ({len(clusters)} clusters) ({load2})")
    print(f"peak memory (largest process): {_peak_rss_gb():.2f} GB ({_load()})")
    for label, res in (("initial load", r0), ("nightly run", r1)):
        print(f"\nprofile of the {label} (steps and sub-steps):")
        print(res.profile_table())
    print(f"work folder: {work}")
    return 0 if rep.ok else 1


if __name__ == "__main__":
    sys.exit(main())
