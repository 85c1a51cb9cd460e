"""Person-name masking on real Dutch newspaper text (CoNLL-2002 ned.testa, read in place; skipped
when ../shared/data/real is absent). Measuring only: nothing is trained on CoNLL data."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from signalen_lib.privacy import get_masker
from signalen_lib.privacy.evaluate import eval_conll


def test_conll_subset(real_data):
    res = eval_conll(real_data / "conll2002_ned" / "ned.testa", get_masker(), limit=1000)
    assert res["per_tokens"] > 200
    assert res["per_recall"] >= 0.90
    assert res["o_masked"] <= 0.02


@pytest.mark.slow
def test_conll_full_via_cli(real_data):
    path = real_data / "conll2002_ned" / "ned.testa"
    proc = subprocess.run([sys.executable, "-m", "signalen_lib.cli", "privacy-eval", "--conll", str(path)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    res = json.loads(proc.stdout)  # exactly one JSON object on stdout
    assert res["per_recall"] >= 0.90 and res["o_masked"] <= 0.02
    for t in ("PER", "LOC", "ORG"):
        assert set(res[t]) == {"precision", "recall", "f1", "support"}
    assert res["texts_per_second"] > 0
