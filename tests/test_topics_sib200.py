"""On real Dutch text (SIB-200): the workbench's seeded topics agree with the labels clearly more
than plain gensim LDA does. Skips cleanly without ../shared/data/real."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def _bench():
    spec = importlib.util.spec_from_file_location("eval_topics_sib200", ROOT / "benchmarks" / "eval_topics_sib200.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_workbench_beats_plain_lda_on_sib200(real_data):
    from sklearn.metrics import adjusted_mutual_info_score as ami

    from signalen_lib.vocab.taxonomy import Taxonomy

    b = _bench()
    df = b.load(real_data / "sib200_nld")
    texts, y = df["text"].tolist(), df["category"].to_numpy()
    tax = Taxonomy.from_dict({"categories": [{"key": k, "name": k, "seeds": v.split()} for k, v in b.SIB_SEEDS.items()]})
    plain = np.mean([ami(y, b.plain_lda(texts, 7, s)) for s in (0, 1)])
    seeded = np.mean([ami(y, b.workbench(texts, 7, s, tax)) for s in (0, 1)])
    assert seeded > plain + 0.04, (plain, seeded)
