"""The workbench's category and perception models against TF-IDF + LR, on real Dutch text.

For each data set below, writes texts and labels to CSVs in a temporary folder (the data stays in
../shared/data/real/ and is never copied into the repository) and runs, per seed,

    signalen validate   --texts T.csv --labels L.csv --train-fraction 0.3 --seed S --json
    signalen perception --texts T.csv --labels P.csv --train-fraction 0.3 --seed S --json

then prints the mean over the seeds of held-out accuracy and macro-F1 of the workbench and of
the baseline (TF-IDF + logistic regression trained on the same labels), and the workbench's
mean top probability (calibration: it should be close to its accuracy).

- ``sib200``: SIB-200 nld_Latn, 7 topics; the pool is all 1,004 sentences (train + dev + test),
  30% of them labelled for training, the rest held out.
- ``absa_entity``: SemEval-2016 Dutch restaurant sentences, 575 texts, the 450 with an aspect
  labelled by their first aspect's entity (6 categories); the 125 without stay unlabelled text.
- ``absa_polarity``: the same sentences, perception: positive / negative / neutral (mixed counts
  as negative), via ``signalen perception``.

    .venv/bin/python benchmarks/bench_categories_real.py [--seeds 0 1 2] [--train-fraction 0.3] [--sets ...]
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
REAL = ROOT.parent / "shared" / "data" / "real"
SIB = REAL / "sib200_nld"
ABSA = REAL / "absa2016_nl_test" / "sentences.csv"


def _write(folder: Path, name: str, rows: list[dict], col: str) -> tuple[Path, Path]:
    texts, labels = folder / f"{name}_texts.csv", folder / f"{name}_labels.csv"
    with texts.open("w", newline="", encoding="utf-8") as ft, labels.open("w", newline="", encoding="utf-8") as fl:
        wt, wl = csv.writer(ft), csv.writer(fl)
        wt.writerow(["id", "text"])
        wl.writerow(["id", col])
        for r in rows:
            wt.writerow([r["id"], r["text"]])
            if r.get("label"):
                wl.writerow([r["id"], r["label"]])
    return texts, labels


def datasets(folder: Path) -> dict[str, tuple[str, Path, Path]]:
    out = {}
    if SIB.exists():
        rows = []
        for split in ("train", "dev", "test"):
            with (SIB / f"{split}.tsv").open(encoding="utf-8") as fh:
                for rec in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
                    rows.append({"id": f"sib:{split}:{rec['index_id']}", "text": rec["text"], "label": rec["category"]})
        out["sib200"] = ("validate", *_write(folder, "sib200", rows, "category"))
    if ABSA.exists():
        with ABSA.open(encoding="utf-8") as fh:
            recs = list(csv.DictReader(fh))
        out["absa_entity"] = ("validate", *_write(
            folder, "absa_entity", [{"id": r["id"], "text": r["text"], "label": r["entity"]} for r in recs], "category"))
        out["absa_polarity"] = ("perception", *_write(
            folder, "absa_polarity", [{"id": r["id"], "text": r["text"], "label": r["polarity"]} for r in recs], "polarity"))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--train-fraction", type=float, default=0.3)
    ap.add_argument("--sets", nargs="+", default=["sib200", "absa_entity", "absa_polarity"])
    args = ap.parse_args()
    if not REAL.exists():
        print(f"{REAL} not found: skipped")
        return 0
    signalen = shutil.which("signalen", path=str(Path(sys.executable).parent)) or "signalen"
    tmp = Path(tempfile.mkdtemp(prefix="bench-categories-"))
    env = {**os.environ, "SIGNALEN_HOME": str(tmp)}  # data/ and reports/ of these runs go to the temp folder
    try:
        sets = datasets(tmp)
        print(f"train fraction {args.train_fraction}, seeds {args.seeds}; held out: the other labels")
        print(f"{'data set':14s} {'command':10s} {'wb acc':>7} {'base acc':>8} {'wb mF1':>7} {'base mF1':>8} {'diff':>6} "
              f"{'wb conf':>7} {'sec/run':>7}")
        for name in args.sets:
            if name not in sets:
                print(f"{name:14s} not found: skipped")
                continue
            command, texts, labels = sets[name]
            runs = []
            for seed in args.seeds:
                cmd = [signalen, command, "--texts", str(texts), "--labels", str(labels),
                       "--train-fraction", str(args.train_fraction), "--seed", str(seed), "--json"]
                out = subprocess.run(cmd, capture_output=True, text=True, cwd=str(ROOT), env=env)
                if out.returncode != 0:
                    print(out.stderr[-3000:])
                    return out.returncode
                runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
            m = lambda who, key: st.mean(r[who][key] for r in runs)
            print(f"{name:14s} {command:10s} {m('workbench', 'accuracy'):7.3f} {m('baseline', 'accuracy'):8.3f} "
                  f"{m('workbench', 'macro_f1'):7.3f} {m('baseline', 'macro_f1'):8.3f} "
                  f"{m('workbench', 'macro_f1') - m('baseline', 'macro_f1'):+6.3f} {m('workbench', 'mean_top_prob'):7.3f} "
                  f"{st.mean(r['seconds'] for r in runs):7.1f}", flush=True)
            print(f"{'':14s} views (last seed): {runs[-1]['workbench']['weights']}, temperature "
                  f"{runs[-1]['workbench']['temperature']}, {runs[-1]['workbench']['n_pseudo_labelled']} pseudo-labelled")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
