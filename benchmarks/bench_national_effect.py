"""The national-effect estimate (``signalen_lib/national/effect.py``) over many seeds of the
synthetic national corpus (issue 16): coverage and placebo rates.

Per seed a national corpus of ``--n`` signals from ``--organisations`` organisations is drawn
(``synth/national.py``; daily counts per organisation and national category, drawn from exactly
the distribution the streamed corpus uses, without texts) and the national event is estimated for
every organisation. Printed:

- coverage: share of affected organisations whose 95% interval holds the true effect
  (``event_factor - 1``);
- shown: share of affected organisations whose interval excludes zero (a verdict);
- placebo rate: share of unaffected organisations that get *no* verdict (target >= 95%);
- bias: mean estimate - true effect; the mean interval width.

    .venv/bin/python benchmarks/bench_national_effect.py [--seeds 200] [--n 2000000] [--organisations 24] [--factor 1.8]

The figures rest on the synthetic corpus: the organisations' weekly noise, their volume and the
event are what ``synth/national.py`` puts there, so they show the method is calibrated under that
model, not that real organisations behave so.
"""
from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np

from signalen_lib.national.effect import national_effect
from signalen_lib.synth.national import EVENT_CATEGORY, national_daily_counts, national_plan


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=200)
    ap.add_argument("--n", type=int, default=2_000_000)
    ap.add_argument("--organisations", type=int, default=24)
    ap.add_argument("--factor", type=float, default=1.8)
    ap.add_argument("--json", action="store_true", help="also print one JSON object as the last line")
    a = ap.parse_args()
    t0 = time.perf_counter()
    aff, plc = [], []
    truth = a.factor - 1.0
    for seed in range(a.seeds):
        plan = national_plan(a.n, a.organisations, seed, event_factor=a.factor)
        r = national_effect(national_daily_counts(plan), EVENT_CATEGORY, plan.event_start)
        for row in r.itertuples():
            if row.role == "getroffen":
                aff.append((row.estimate, row.ci_low, row.ci_high, row.effect_shown))
            else:
                plc.append((row.estimate, row.effect_shown))
    secs = time.perf_counter() - t0
    A = np.array([x[:3] for x in aff], dtype=float)
    shown = np.array([x[3] for x in aff], dtype=bool)
    coverage = float(np.mean((A[:, 1] <= truth) & (truth <= A[:, 2])))
    placebo_none = float(np.mean([not s for _, s in plc]))
    out = {"seeds": a.seeds, "n": a.n, "organisations": a.organisations, "true_effect": truth,
           "affected_estimates": len(aff), "placebo_estimates": len(plc), "coverage": round(coverage, 4),
           "shown": round(float(shown.mean()), 4), "placebo_no_verdict": round(placebo_none, 4),
           "bias": round(float(np.mean(A[:, 0]) - truth), 4), "mean_ci_width": round(float(np.mean(A[:, 2] - A[:, 1])), 4),
           "seconds": round(secs, 1), "loadavg": [round(x, 2) for x in os.getloadavg()]}
    print(f"{a.seeds} seeds x {a.organisations} organisations, {a.n:,} signals each, true effect {truth:+.0%}")
    print(f"  affected organisations: {len(aff)} estimates; coverage of the 95% interval {coverage:.1%}; "
          f"interval excludes zero {shown.mean():.1%}; bias {out['bias']:+.3f}; mean width {out['mean_ci_width']:.3f}")
    print(f"  placebo organisations: {len(plc)} estimates; no verdict in {placebo_none:.1%} (target >= 95%)")
    print(f"  {secs:.1f} s, load average {out['loadavg']}")
    if a.json:
        print(json.dumps(out))


if __name__ == "__main__":
    main()
