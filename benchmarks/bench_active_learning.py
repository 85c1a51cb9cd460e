"""Active choice of training labels against random choice, same label budget, on real Dutch text.

For each data set and seed: 30% of the labelled texts are held out (stratified) for scoring;
the rest is the pool the labels come from. Every text (labelled or not, held out or not) is
given to the category model as unlabelled text, as in the store.

- random: the first ``b`` texts of a seeded random order of the pool;
- active: a seeded random warm-start batch (``choose_batch`` without a model), then batches of
  ``--batch`` texts chosen by ``signalen_lib.categories.active.choose_batch`` with
  ``--strategy`` (default ``badge``: gradient embeddings + k-means++ seeding; ``margin``: least
  sure × spread over k-means clusters), no near-duplicates, retraining the ``CategoryModel``
  after each batch — what ``signalen labels next`` does in the store.

Both train the same ``CategoryModel`` on their ``b`` labels; printed per budget: mean accuracy
and macro-F1 over the seeds on the held-out texts, active − random, and that difference's
standard error over the seeds (paired: each seed's active and random share their held-out
texts). A budget larger than the pool is skipped (the restaurant set has 450 labelled
sentences: its pool holds 315).

Data sets (from ../shared/data/real/, never copied into the repository): ``sib200`` (SIB-200
Dutch, 1,004 sentences, 7 topics) and ``absa_entity`` (SemEval-2016 Dutch restaurant sentences,
first aspect's entity, 6 categories; the 125 sentences without an aspect are unlabelled text).

    .venv/bin/python benchmarks/bench_active_learning.py [--seeds 0 1 2] [--budgets 100 200 400] [--sets ...]
"""
from __future__ import annotations

import argparse
import csv
import os
import statistics as st
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
REAL = ROOT.parent / "shared" / "data" / "real"
SIB = REAL / "sib200_nld"
ABSA = REAL / "absa2016_nl_test" / "sentences.csv"

from signalen_lib.categories.active import choose_batch  # noqa: E402
from signalen_lib.categories.model import CategoryModel  # noqa: E402
from signalen_lib.validation.standalone import stratified_split  # noqa: E402


def load_sets() -> dict[str, tuple[list[str], list[str | None]]]:
    out = {}
    if SIB.exists():
        texts, labels = [], []
        for split in ("train", "dev", "test"):
            with (SIB / f"{split}.tsv").open(encoding="utf-8") as fh:
                for rec in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
                    texts.append(rec["text"])
                    labels.append(rec["category"])
        out["sib200"] = (texts, labels)
    if ABSA.exists():
        with ABSA.open(encoding="utf-8") as fh:
            recs = list(csv.DictReader(fh))
        out["absa_entity"] = ([r["text"] for r in recs], [r["entity"] or None for r in recs])
    return out


def _fit(texts, y, rows, seed):
    lab = [None] * len(texts)
    for i in rows:
        lab[i] = y[i]
    return CategoryModel(seed=seed).fit(texts, lab)


def _score(model, texts, y, test):
    pred = model.predict([texts[i] for i in test])
    gold = [y[i] for i in test]
    return accuracy_score(gold, pred), f1_score(gold, pred, average="macro", zero_division=0)


def run_seed(texts, y, seed, budgets, batch, warm, strategy="badge", warm_start="random"):
    labelled = np.array([i for i, v in enumerate(y) if v])
    tr, te = stratified_split(pd.Series([y[i] for i in labelled], dtype=object), 0.7, seed)
    pool, test = labelled[tr], labelled[te]
    budgets = [b for b in budgets if b <= len(pool)]
    res = {"random": {}, "active": {}}
    order = np.random.default_rng(seed).permutation(pool)
    for b in budgets:
        res["random"][b] = _score(_fit(texts, y, order[:b], seed), texts, y, test)
    eligible = np.zeros(len(texts), dtype=bool)
    eligible[pool] = True
    chosen = np.zeros(0, dtype=np.int64)
    model = None
    feats = None
    while budgets and len(chosen) < max(budgets):
        nxt = min(b for b in budgets if b > len(chosen))
        step = min(batch if len(chosen) else warm, nxt - len(chosen))
        if model is None:
            from signalen_lib.categories.model import _Views

            views = _Views(char_ngrams=(2, 5), word_ngrams=(1, 2), lsa_dims=100, fasttext_dim=0, fasttext_epochs=0,
                           seed=seed).fit(texts)
            feats = views.transform(texts)
            P = None
        else:
            feats = model.views_.transform(texts)
            P = model.predict_proba(texts)
        counts = None if model is None else np.array([sum(y[i] == c for i in chosen) for c in model.classes_])
        new = choose_batch(step, features=feats.get("lsa", feats["ngrams"]), proba=P, eligible=eligible,
                           labelled=chosen, dup_features=feats["ngrams"], seed=seed + len(chosen), label_counts=counts,
                           strategy=strategy, warm_start=warm_start)
        chosen = np.concatenate([chosen, new])
        model = _fit(texts, y, chosen, seed)
        if len(chosen) in budgets:
            res["active"][len(chosen)] = _score(model, texts, y, test)
    return res, len(pool), len(test)


def _se(diffs: list[float]) -> float:
    """Standard error of the mean of the paired (same seed, same held-out texts) differences."""
    return st.stdev(diffs) / len(diffs) ** 0.5 if len(diffs) > 1 else float("nan")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--budgets", type=int, nargs="+", default=[100, 200, 400])
    ap.add_argument("--batch", type=int, default=50, help="texts per active batch (one retrain each)")
    ap.add_argument("--warm", type=int, default=50, help="the warm-start batch (spread only)")
    ap.add_argument("--sets", nargs="+", default=["sib200", "absa_entity"])
    ap.add_argument("--strategy", default="badge", choices=["badge", "margin"])
    ap.add_argument("--warm-start", default="random", choices=["random", "spread"])
    args = ap.parse_args()
    if not REAL.exists():
        print(f"{REAL} not found: skipped")
        return 0
    sets = load_sets()
    print(f"budgets {args.budgets}, seeds {args.seeds}, warm start {args.warm}, batch {args.batch}; "
          "held out: 30% of the labelled texts", flush=True)
    for name in args.sets:
        if name not in sets:
            print(f"{name}: not found, skipped")
            continue
        texts, y = sets[name]
        t0 = time.perf_counter()
        runs = []
        for seed in args.seeds:
            r, n_pool, n_test = run_seed(texts, y, seed, args.budgets, args.batch, args.warm, args.strategy, args.warm_start)
            runs.append(r)
        secs = time.perf_counter() - t0
        print(f"\n{name}: pool {n_pool} labelled texts, {n_test} held out; {secs:.0f} s, load {os.getloadavg()}")
        print(f"{'budget':>6} {'rnd acc':>8} {'act acc':>8} {'diff':>6} {'±se':>6} {'rnd mF1':>8} {'act mF1':>8} "
              f"{'diff':>6} {'±se':>6}")
        for b in args.budgets:
            if b > n_pool:
                print(f"{b:6d}  skipped: the pool holds {n_pool} labelled texts")
                continue
            ra, rf = (st.mean(r["random"][b][k] for r in runs) for k in (0, 1))
            aa, af = (st.mean(r["active"][b][k] for r in runs) for k in (0, 1))
            sa, sf = (_se([r["active"][b][k] - r["random"][b][k] for r in runs]) for k in (0, 1))
            print(f"{b:6d} {ra:8.3f} {aa:8.3f} {aa - ra:+6.3f} {sa:6.3f} {rf:8.3f} {af:8.3f} {af - rf:+6.3f} {sf:6.3f}",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
