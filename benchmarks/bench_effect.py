"""Effect measurement: placebo false-positive rate, power, and the synthetic corpus' known effect.

    .venv/bin/python benchmarks/bench_effect.py [--series 1000] [--n 100000] [--seed 42]

1. Placebo: ``--series`` simulated weekly series (3 years, seasonality with a random phase, a
   trend, AR(1) log-scale noise with rho 0 / 0.4 / 0.7, negative-binomial counts, a varying
   denominator) with no change at the placebo date. The share reported as an effect (p < 0.05)
   should be 5%; printed with its binomial 95% interval.
2. Power and interval coverage with a true -30% change.
3. The synthetic corpus: the payment-arrangement improvement (true change in
   ``ground_truth/events.json``) registered on its category and source, measured; and the same
   start date on every category whose ground truth has no event (none of them changed): how
   many get an effect verdict.
4. The wave after the first letter mailing, and what sending in four weekly batches would do
   to its peak.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from signalen_lib.improvements.effect import measure_effect, weekly_series  # noqa: E402
from signalen_lib.improvements.its import its_volume  # noqa: E402
from signalen_lib.improvements.mailings import batched_wave, mailing_wave  # noqa: E402
from signalen_lib.improvements.simulation import placebo_check, simulate_weekly_series  # noqa: E402


def placebo(n_series: int, seed: int) -> None:
    print(f"1. placebo check, {n_series} simulated series per row, nominal 5%")
    for rho in (0.0, 0.4, 0.7):
        for level in (10.0, 40.0):
            t = time.time()
            r = placebo_check(n_series=n_series, seed=seed, rho=rho, level=level)
            print(f"   rho={rho:.1f} level={level:>4.0f}/week: false positives {r['false_positive_rate']:.1%} "
                  f"(95% CI {r['rate_ci_low']:.1%}-{r['rate_ci_high']:.1%}) [{time.time() - t:.0f}s]")


def power(n_series: int, seed: int) -> None:
    print("2. true change -30%")
    for level in (10.0, 40.0, 160.0):
        rng = np.random.default_rng(seed)
        found = covered = 0
        n = max(100, n_series // 4)
        for _ in range(n):
            s, start = simulate_weekly_series(rng, effect=-0.3, level=level)
            f = its_volume(s, start)
            found += f["p_value"] < 0.05 and f["estimate"] < 0
            covered += f["ci_low"] <= -0.3 <= f["ci_high"]
        print(f"   level={level:>4.0f}/week: detected {found / n:.0%}, 95% interval covers -30% in {covered / n:.0%} ({n} series)")


def corpus(n: int, seed: int) -> None:
    from helpers_synth_store import events, store_from_ground_truth, synth_corpus

    from signalen_lib.config import load_config
    from signalen_lib.improvements.register import add_improvement
    from signalen_lib.store import open_store

    out = synth_corpus(n=n, seed=seed)
    ev = events(out)
    imp = ev["verbetering_betalingsregeling"]
    true = imp["true_effect"]
    start = imp["dates"]["start"]
    touched = {c.split("/")[0] for e in ev.values() for c in e.get("categories", [])}
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_config(None, data_dir=f"{tmp}/data", reports_dir=f"{tmp}/reports")
        with open_store(settings) as store:
            store_from_ground_truth(store, out, mask=False, perception=False)
            print(f"3. synthetic corpus n={n} seed={seed}, improvement from {start}")
            add_improvement(store, settings=settings, title="Betalingsregeling direct via 14010", start_date=start,
                            categories=[true["volume"]["category"]], sources=[true["volume"]["source"]])
            r = measure_effect(store, "VB-001", settings)
            tv, td = true["volume"]["relative_change"], true["dissatisfied_share"]["relative_change"]
            print(f"   volume ({true['volume']['source']}, {true['volume']['category']}): true {tv:+.0%}, "
                  f"estimate {r.estimate:+.1%} [{r.ci_low:+.1%}, {r.ci_high:+.1%}] p={r.p_value:.2g}, "
                  f"covers truth: {r.ci_low <= tv <= r.ci_high}")
            print(f"   verdict: {r.verdict_nl}")
            if r.dissatisfaction is not None:
                d = r.dissatisfaction
                print(f"   dissatisfied share (kto): true {td:+.0%}, estimate {d.estimate:+.1%} [{d.ci_low:+.1%}, {d.ci_high:+.1%}], "
                      f"covers truth: {d.ci_low <= td <= d.ci_high}")
                print(f"   verdict: {d.verdict_nl}")
            cats = [r[0] for r in store.shared.execute(
                "SELECT DISTINCT category FROM signal_categories WHERE rank = 1 ORDER BY 1")]
            untouched = [c for c in cats if c not in touched and c != "overig"]
            hits = []
            for c in untouched:
                i = add_improvement(store, settings=settings, title=f"placebo {c}", start_date=start, categories=[c]).id
                p = measure_effect(store, i, settings)
                if p.significant:
                    hits.append(f"{c} ({p.estimate:+.0%})")
            print(f"   placebo improvements on {len(untouched)} categories without an event: "
                  f"{len(hits)} with an effect verdict {hits}")
            mailings = ev["brieven_aanslag"]["dates"]["mailings"]
            w = weekly_series(store, ["belastingen"])
            wave = mailing_wave(w, mailings[0], weeks=6)
            b = batched_wave(wave, n_batches=4)
            print(f"4. mailing {mailings[0]} (belastingen): baseline {wave['baseline'].iloc[0]:.0f}/week, weekly counts "
                  f"{wave['count'].astype(int).tolist()}, {wave.attrs['total_excess']:.0f} extra questions, "
                  f"{wave['cumulative_share'].iloc[1]:.0%} of them in the first two weeks; "
                  f"four weekly batches: peak {b.attrs['peak_reduction']:.0%} lower")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--series", type=int, default=1000)
    ap.add_argument("--n", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()
    placebo(a.series, a.seed)
    power(a.series, a.seed)
    corpus(a.n, a.seed)


if __name__ == "__main__":
    main()
