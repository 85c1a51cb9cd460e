"""``signalen validate --taxonomy``: an organisation's own taxonomy on real Dutch text.

    .venv/bin/python benchmarks/bench_validate_taxonomy.py [--seeds 0 1 2] [--train-fraction 0.3]

On the SemEval-2016 Dutch restaurant sentences (``../shared/data/real/absa2016_nl_test``; skipped
when absent), the six aspect entities lower-cased as categories: the standalone validation with
the restaurant's own taxonomy (``benchmarks/taxonomy_restaurant.yaml``: its seed words seed the
topic model and the category model, its size sets the number of topics) against the same run
without it (the package's settings: unseeded, 66 topics), and the TF-IDF + LR baseline on the
same labels. Prints accuracy and macro-F1 per seed and their mean, with the load average.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import statistics as st
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ABSA = ROOT.parent / "shared" / "data" / "real" / "absa2016_nl_test" / "sentences.csv"
TAXONOMY = ROOT / "benchmarks" / "taxonomy_restaurant.yaml"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--train-fraction", type=float, default=0.3)
    a = ap.parse_args()
    if not ABSA.exists():
        print(f"{ABSA} not found: skipped")
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="bench-taxonomy-"))
    try:
        texts, labels = tmp / "texts.csv", tmp / "labels.csv"
        with ABSA.open(encoding="utf-8") as fh, texts.open("w", newline="", encoding="utf-8") as ft, \
                labels.open("w", newline="", encoding="utf-8") as fl:
            wt, wl = csv.writer(ft), csv.writer(fl)
            wt.writerow(["id", "text"])
            wl.writerow(["id", "category"])
            for r in csv.DictReader(fh):
                wt.writerow([r["id"], r["text"]])
                if r["entity"]:
                    wl.writerow([r["id"], r["entity"].lower()])
        env = {**os.environ, "SIGNALEN_HOME": str(tmp)}
        runs: dict[str, list[dict]] = {"own taxonomy": [], "package settings": []}
        for seed in a.seeds:
            for mode in runs:
                cmd = [sys.executable, "-m", "signalen_lib.cli", "validate", "--texts", str(texts), "--labels", str(labels),
                       "--train-fraction", str(a.train_fraction), "--seed", str(seed), "--json"]
                if mode == "own taxonomy":
                    cmd += ["--taxonomy", str(TAXONOMY)]
                out = subprocess.run(cmd, capture_output=True, text=True, cwd=str(ROOT), env=env)
                if out.returncode != 0:
                    print(out.stderr[-3000:])
                    return out.returncode
                r = json.loads(out.stdout.strip().splitlines()[-1])
                runs[mode].append(r)
                print(f"seed {seed} {mode:16s} workbench {r['workbench']['accuracy']:.3f} / {r['workbench']['macro_f1']:.3f}  "
                      f"baseline {r['baseline']['accuracy']:.3f} / {r['baseline']['macro_f1']:.3f}  "
                      f"{r['pipeline']['topic_model']}  {r['seconds']:.0f}s at load "
                      f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
        print(f"mean of {len(a.seeds)} seeds, {a.train_fraction:.0%} of the labels for training (accuracy / macro-F1):")
        for mode, rs in runs.items():
            m = lambda who, key: st.mean(r[who][key] for r in rs)  # noqa: E731
            print(f"  {mode:16s} workbench {m('workbench', 'accuracy'):.3f} / {m('workbench', 'macro_f1'):.3f}   "
                  f"TF-IDF+LR {m('baseline', 'accuracy'):.3f} / {m('baseline', 'macro_f1'):.3f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
