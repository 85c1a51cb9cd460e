"""Standalone validation on real Dutch text: SIB-200 (nld_Latn, 1,004 sentences, 7 topic labels).

Writes the sentences and their labels to CSVs in a temporary folder (the data stays in
../shared/data/real/ and is never copied into the repository), runs

    signalen validate --texts TEXTS.csv --labels LABELS.csv --train-fraction 0.3 --seed 0 --json

and prints the held-out macro-F1 (and accuracy, kappa) of the workbench (masking, Dutch
preprocessing, the LDA topic model on all texts, then the category model of
signalen_lib.categories learned from 30% of the labels) next to the TF-IDF + logistic regression baseline trained on the
same 30%.

    .venv/bin/python benchmarks/eval_validate_sib200.py [--seeds 0 1 2] [--train-fraction 0.3]
"""
from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIB = ROOT.parent / "shared" / "data" / "real" / "sib200_nld"


def write_csvs(folder: Path) -> tuple[Path, Path, int]:
    texts, labels = folder / "texts.csv", folder / "labels.csv"
    n = 0
    with texts.open("w", newline="", encoding="utf-8") as ft, labels.open("w", newline="", encoding="utf-8") as fl:
        wt, wl = csv.writer(ft), csv.writer(fl)
        wt.writerow(["id", "text"])
        wl.writerow(["id", "category"])
        for split in ("train", "dev", "test"):
            with (SIB / f"{split}.tsv").open(encoding="utf-8") as fh:
                for rec in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
                    sid = f"sib:{split}:{rec['index_id']}"
                    wt.writerow([sid, rec["text"]])
                    wl.writerow([sid, rec["category"]])
                    n += 1
    return texts, labels, n


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0])
    ap.add_argument("--train-fraction", type=float, default=0.3)
    args = ap.parse_args()
    if not SIB.exists():
        print(f"SIB-200 not found at {SIB}: skipped")
        return 0
    signalen = shutil.which("signalen", path=str(Path(sys.executable).parent)) or "signalen"
    tmp = Path(tempfile.mkdtemp(prefix="sib200-"))
    try:
        texts, labels, n = write_csvs(tmp)
        print(f"SIB-200 nld_Latn: {n} sentences, 7 labels; train fraction {args.train_fraction}; held out: the rest")
        print(f"{'seed':>4}  {'workbench macro-F1':>18}  {'baseline macro-F1':>17}  {'wb acc':>6}  {'base acc':>8}  {'wb kappa':>8}  {'base kappa':>10}  seconds")
        rows = []
        for seed in args.seeds:
            cmd = [signalen, "validate", "--texts", str(texts), "--labels", str(labels),
                   "--train-fraction", str(args.train_fraction), "--seed", str(seed), "--json"]
            env_home = {"SIGNALEN_HOME": str(tmp)}  # data/ and reports/ of this run go to the temp folder
            out = subprocess.run(cmd, capture_output=True, text=True, cwd=str(ROOT), env={**__import__("os").environ, **env_home})
            if out.returncode != 0:
                print(out.stderr[-3000:])
                return out.returncode
            r = json.loads(out.stdout.strip().splitlines()[-1])
            wb, base = r["workbench"], r["baseline"]
            rows.append((wb["macro_f1"], base["macro_f1"]))
            print(f"{seed:>4}  {wb['macro_f1']:>18.3f}  {base['macro_f1']:>17.3f}  {wb['accuracy']:>6.3f}  {base['accuracy']:>8.3f}  "
                  f"{wb['kappa']:>8.3f}  {base['kappa']:>10.3f}  {r['seconds']}")
        if len(rows) > 1:
            import statistics as st

            print(f"mean  {st.mean(a for a, _ in rows):>18.3f}  {st.mean(b for _, b in rows):>17.3f}")
        print("workbench 95% CI (last seed):", wb.get("macro_f1_ci"), " baseline:", base.get("macro_f1_ci"))
        print("pipeline:", json.dumps(r["pipeline"], ensure_ascii=False))
        print(f"chosen views: {wb['weights']} temperature={wb['temperature']}; topic map only macro-F1 {r['topic_map_only']['macro_f1']:.3f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
