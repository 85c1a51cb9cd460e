"""Perception quality on the synthetic corpus, and the compliments wall's second-line PII check.

    .venv/bin/python benchmarks/bench_perception.py [--n 20000] [--seed 42] [--labels 0,300,1000]

Prints, per number of hand labels (a random sample labelled with the ground truth, as the
validation part's labellers would): accuracy and macro-F1 against the ground-truth perception for
held-out KTO texts (20% of KTO left out of training) and, separately, for the sources without a
score (klacht, terugbelnotitie, interview), per source too. Texts are masked first (as in the
shared zone). Then the share of planted canary PII the compliments check catches: the privacy
part's canaries and, when ``../shared/data/real/conll2002_ned`` exists, real Dutch person names
from CoNLL-2002 (research use: measured here, never shipped) planted after "geholpen door".

Then, on real text (skipped when ``../shared/data/real/absa2016_nl_test`` is absent): the
SemEval-2016 Dutch restaurant sentences' polarity through the standalone ``signalen perception``
path (30% of the labels for training, mean of 3 seeds), workbench against TF-IDF + LR, and the
perception lexicon alone (no labels) on the same sentences. The synthetic figure must not be
bought with the real one: both are printed. Every timing comes with ``os.getloadavg()``.
"""
from __future__ import annotations

import argparse
import os
import statistics as st
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from helpers_synth_store import ground_truth, store_from_ground_truth, synth_corpus  # noqa: E402

from signalen_lib.config import load_config  # noqa: E402
from signalen_lib.reports.compliments import residual_pii  # noqa: E402
from signalen_lib.perception.model import PerceptionClassifier, metrics  # noqa: E402
from signalen_lib.store import open_store  # noqa: E402

REAL = ROOT.parent / "shared" / "data" / "real"


def perception(n: int, seed: int, label_counts: list[int]) -> None:
    corpus = synth_corpus(n=n, seed=seed)
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_config(None, data_dir=f"{tmp}/data", reports_dir=f"{tmp}/reports")
        with open_store(settings) as store:
            t = time.time()
            info = store_from_ground_truth(store, corpus, perception=False, categories=False)
            print(f"corpus n={n} seed={seed}: {info['signals']} signals loaded (masked={info['masked']}) in {time.time() - t:.0f}s")
            df = store.shared.query_df("SELECT signal_id, source, score, text FROM signals ORDER BY signal_id")
    truth = ground_truth(corpus).set_index("signal_id")["perception"]
    df["truth"] = df["signal_id"].map(truth)
    df["score"] = pd.to_numeric(df["score"])
    rng = np.random.default_rng(seed)
    kto = (df["source"] == "kto").to_numpy()
    held = np.zeros(len(df), bool)
    held[rng.choice(np.flatnonzero(kto), int(kto.sum() * 0.2), replace=False)] = True
    print(f"{'labels':>6} {'group':<16} {'n':>6} {'accuracy':>8} {'macro-F1':>8}")
    for n_lab in label_counts:
        y = np.full(len(df), None, dtype=object)
        pool = np.flatnonzero(~held)
        if n_lab:
            pick = rng.choice(pool, n_lab, replace=False)
            y[pick] = df["truth"].to_numpy()[pick]
        scores = df["score"].to_numpy(float).copy()
        scores[held] = np.nan  # held-out KTO texts: neither score nor label in training
        t = time.time()
        model = PerceptionClassifier(random_state=seed).fit(df["text"], y, scores=scores, sources=df["source"])
        fit_s = time.time() - t
        evalmask = pd.isna(y)
        pred = model.predict(df["text"], sources=df["source"])
        groups = [("kto (held out)", held)]
        noscore = (~kto) & evalmask
        groups.append(("zonder score", noscore))
        for src in ("klacht", "terugbelnotitie", "interview"):
            groups.append((f"  {src}", noscore & (df["source"] == src).to_numpy()))
        for name, m in groups:
            r = metrics(df["truth"][m], pred[m])
            print(f"{n_lab:>6} {name:<16} {r['n']:>6} {r['accuracy']:>8.3f} {r['macro_f1']:>8.3f}")
        # how each source was handled: its prior, and the text model's weight against the lexicon
        print(f"{n_lab:>6}   (fit {fit_s:.0f}s at load {', '.join(f'{x:.1f}' for x in os.getloadavg())}; priors "
              f"{ {k: v['method'] + (' text-model weight ' + format(v['text_model_weight'], '.2f') if 'text_model_weight' in v else '') for k, v in model.describe_priors().items()} })")
    from signalen_lib.perception.model import weak_labels

    wl = weak_labels(df.loc[kto, "score"])
    r = metrics(df.loc[kto, "truth"], wl)
    print(f"score bins 0-5/6-7/8-10 vs text perception on all KTO: accuracy {r['accuracy']:.3f}, macro-F1 {r['macro_f1']:.3f}")


TEMPLATES = [
    "Heel vriendelijk geholpen door {}, echt top!",
    "Complimenten voor {} van de stadswinkel, snel en duidelijk.",
    "Ik ben super goed geholpen. {} dacht echt met me mee.",
    "Fijn contact met mevrouw {} aan de telefoon, bedankt.",
]


def conll_names(limit: int = 1000) -> list[str]:
    path = REAL / "conll2002_ned" / "ned.testa"
    if not path.exists():
        return []
    names, cur = [], []
    for line in path.read_text(encoding="latin-1").splitlines():
        parts = line.split()
        tag = parts[-1] if len(parts) >= 3 else "O"
        if tag.endswith("PER") and (tag.startswith("I-") and cur):
            cur.append(parts[0])
            continue
        if cur:
            names.append(" ".join(cur))
            cur = []
        if tag == "B-PER":
            cur = [parts[0]]
    return list(dict.fromkeys(names))[:limit]


def pii_check() -> None:
    try:
        from signalen_lib.privacy.canary import CANARIES
    except ImportError:
        CANARIES = ()
    texts = [f"Heel vriendelijk geholpen, echt top! {c.text()}" for c in CANARIES]
    caught = sum(bool(residual_pii(t)) for t in texts)
    if texts:
        print(f"privacy canaries in compliments: {caught}/{len(texts)} rejected by the second-line check")
    names = conll_names()
    if names:
        rows = [(n, tpl.format(n)) for n in names for tpl in TEMPLATES]
        caught = sum(bool(residual_pii(t)) for _, t in rows)
        print(f"CoNLL-2002 person names planted in compliments: {caught}/{len(rows)} rejected ({caught / len(rows):.1%})")
        missed = [t for _, t in rows if not residual_pii(t)][:5]
        for t in missed:
            print(f"  passed: {t}")
    else:
        print("CoNLL-2002 not found: real-name check skipped")
    clean = ["Heel vriendelijk en snel geholpen aan de telefoon, duidelijk uitgelegd.",
             "Top service in de Stadswinkel, binnen tien minuten klaar met mijn paspoort.",
             "Prettig contact, de grofvuil afspraak in Charlois was snel geregeld."]
    print(f"clean compliments passed: {sum(not residual_pii(t) for t in clean)}/{len(clean)}")


def real_polarity(seeds=(0, 1, 2), train_fraction: float = 0.3) -> None:
    """The restaurant sentences' polarity: standalone perception (workbench vs TF-IDF+LR) and the lexicon alone."""
    from signalen_lib.perception.lexicon import lexicon_counts
    from signalen_lib.validation.metrics import evaluate
    from signalen_lib.validation.standalone import perception_texts, read_polarity_labels_csv, read_texts_csv

    path = REAL / "absa2016_nl_test" / "sentences.csv"
    if not path.exists():
        print(f"{path} not found: real-text perception skipped")
        return
    texts = read_texts_csv(path)
    labels = read_polarity_labels_csv(path, known_ids=set(texts["id"]))
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_config(None, data_dir=f"{tmp}/data", reports_dir=f"{tmp}/reports")
        runs = []
        for seed in seeds:
            t = time.time()
            runs.append(perception_texts(texts, labels, train_fraction=train_fraction, seed=seed, settings=settings))
            print(f"  real polarity seed {seed}: {time.time() - t:.0f}s at load {', '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
    m = lambda who, key: st.mean(r[who][key] for r in runs)  # noqa: E731
    print(f"real restaurant sentences (absa2016_nl_test), polarity, {len(labels)} labels, {train_fraction:.0%} for training, "
          f"mean of {len(seeds)} seeds: workbench accuracy {m('workbench', 'accuracy'):.3f} macro-F1 {m('workbench', 'macro_f1'):.3f}; "
          f"TF-IDF+LR accuracy {m('baseline', 'accuracy'):.3f} macro-F1 {m('baseline', 'macro_f1'):.3f}")
    by_id = texts.set_index("id")["text"]
    pred = []
    for sid in labels["id"]:
        neg, pos = lexicon_counts(by_id[sid])
        pred.append("negative" if neg > pos else "positive" if pos > neg else "neutral")
    r = evaluate(labels["polarity"].to_numpy(), np.array(pred, dtype=object), labels=sorted(set(labels["polarity"])), n_boot=0)
    print(f"  the perception lexicon alone (no labels) on all {len(labels)}: accuracy {r['accuracy']:.3f} macro-F1 {r['macro_f1']:.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--labels", default="0,300,1000")
    ap.add_argument("--skip-real", action="store_true", help="Skip the real-text (restaurant sentences) figures.")
    a = ap.parse_args()
    perception(a.n, a.seed, [int(x) for x in a.labels.split(",") if x != ""])
    if not a.skip_real:
        real_polarity()
    pii_check()


if __name__ == "__main__":
    main()
