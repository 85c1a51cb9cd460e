"""Topic model on real Dutch text (SIB-200, nld_Latn; 1,004 sentences, 7 topic labels).

Prints the adjusted mutual information (AMI) between each text's dominant topic and its label,
for plain gensim LDA (gensim's simple_preprocess, default settings) and for the workbench's
configurations, mean ± sd over five seeds. The labels are used only to score. Reads
../shared/data/real/sib200_nld in place; exits 0 with a message when it is absent.

  .venv/bin/python benchmarks/eval_topics_sib200.py [--seeds 5]

The "seeded" configuration is what the workbench adds for a municipality: a taxonomy with a few
seed words per category. For SIB-200 the seed lists below were written from the label names
alone (general knowledge, not from the data).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
REAL = ROOT.parent / "shared" / "data" / "real" / "sib200_nld"

SIB_SEEDS = {
    "science/technology": "wetenschap wetenschapper onderzoek technologie computer energie cel planeet",
    "travel": "reis reiziger reizen hotel toerist vlucht vakantie bagage",
    "politics": "regering president minister verkiezing partij politiek parlement wet",
    "sports": "sport wedstrijd team speler kampioenschap voetbal winnen olympisch",
    "health": "gezondheid ziekte arts patiënt virus ziekenhuis medisch behandeling",
    "entertainment": "film muziek festival show concert theater televisie spel",
    "geography": "land rivier berg eiland zee gebied continent bevolking",
}


def load(folder: Path = REAL) -> pd.DataFrame:
    return pd.concat([pd.read_csv(folder / f, sep="\t") for f in ("train.tsv", "dev.tsv", "test.tsv")], ignore_index=True)


def plain_lda(texts, k: int, seed: int) -> np.ndarray:
    """Plain gensim: simple_preprocess, Dictionary, LdaModel defaults; dominant topic per text."""
    from gensim.corpora import Dictionary
    from gensim.models import LdaModel
    from gensim.utils import simple_preprocess

    docs = [simple_preprocess(t) for t in texts]
    d = Dictionary(docs)
    corpus = [d.doc2bow(x) for x in docs]
    lda = LdaModel(corpus, num_topics=k, id2word=d, random_state=seed)
    out = np.full(len(texts), -1)
    for i, b in enumerate(corpus):
        tp = lda.get_document_topics(b, minimum_probability=0.0)
        if tp:
            out[i] = max(tp, key=lambda x: x[1])[0]
    return out


def workbench(texts, k: int, seed: int, taxonomy=None) -> np.ndarray:
    from signalen_lib.topics import TopicModel

    m = TopicModel(k, taxonomy=taxonomy, seed_level="category", random_state=seed, alpha=0.05, eta=0.01,
                   passes=20, chunksize=1000, no_below=2, no_above=0.5).fit(texts)
    th = m.transform(texts)
    return np.where(th.sum(1) > 0, th.argmax(1), -1)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=5)
    args = ap.parse_args(argv)
    if not REAL.exists():
        print(f"SIB-200 not found at {REAL}: nothing to evaluate")
        return 0
    from sklearn.metrics import adjusted_mutual_info_score as ami

    from signalen_lib.vocab.taxonomy import Taxonomy

    df = load()
    texts, y = df["text"].tolist(), df["category"].to_numpy()
    tax = Taxonomy.from_dict({"categories": [{"key": k, "name": k, "seeds": v.split()} for k, v in SIB_SEEDS.items()]})
    configs = [
        ("plain gensim LDA (simple_preprocess, defaults), 7 topics", lambda s: plain_lda(texts, 7, s)),
        ("workbench, unseeded (Dutch preprocessing, alpha/eta/passes tuned), 7 topics", lambda s: workbench(texts, 7, s)),
        ("workbench, seeded with 7 seed lists, 7 topics", lambda s: workbench(texts, 7, s, tax)),
        ("workbench, seeded with 7 seed lists + 3 free topics", lambda s: workbench(texts, 10, s, tax)),
    ]
    print(f"SIB-200 nld_Latn: {len(texts)} texts, {len(set(y))} labels; AMI(dominant topic, label) over seeds 0..{args.seeds - 1}")
    rows = []
    for name, fn in configs:
        t0 = time.perf_counter()
        vals = [ami(y, fn(s)) for s in range(args.seeds)]
        rows.append((name, np.mean(vals), np.std(vals), time.perf_counter() - t0))
        print(f"  {name:<80s} AMI {np.mean(vals):.3f} ± {np.std(vals):.3f}  ({time.perf_counter() - t0:.0f}s)", flush=True)
    base = rows[0][1]
    print(f"best workbench / plain LDA: {max(r[1] for r in rows[1:]) / max(base, 1e-9):.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
