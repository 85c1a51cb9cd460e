"""Recall per PII type on the synthetic corpus's ground truth (names also for held-out names)."""
from __future__ import annotations

import pytest

from signalen_lib.privacy import get_masker
from signalen_lib.privacy.evaluate import eval_synthetic

synth = pytest.importorskip("signalen_lib.synth")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    synth.generate(2000, 20260101, out)
    return out


def test_synthetic_recall(corpus):
    res = eval_synthetic(corpus, get_masker())
    rec, held = res["recall"], res["recall_heldout"]
    assert res["spans"] > 500
    assert rec["PERSOON"] >= 0.97 and held["PERSOON"] >= 0.97, res["examples_missed"].get("PERSOON")
    for t in ("BSN", "TELEFOON", "EMAIL", "IBAN", "POSTCODE"):
        if t in rec:
            assert rec[t] >= 0.99, (t, res["examples_missed"].get(t))
    assert res["non_pii_chars_masked"] < 0.05
