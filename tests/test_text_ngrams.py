"""The fast char_wb transform gives exactly scikit-learn's matrix (perception and category model)."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from signalen_lib.perception.model import PerceptionClassifier, normalise_text
from signalen_lib.text.ngrams import char_wb_transform

TEXTS = [
    "Mevr. [NAAM],  bel 06-123 <PERSOON>! De parkeervergunning is 3x afgewezen.",
    "",
    "   a  b\tc\n[NAAM]x  Überhaupt ÉÉN straat-naam, 2024-01-01",
    "Heel fijn geholpen door de medewerker van de Stadswinkel :)",
    "Slecht bereikbaar, 45 minuten in de wacht. Slecht!",
    "parkeervergunning vergunning parkeer",
]


@pytest.mark.parametrize("params", [
    dict(preprocessor=normalise_text, ngram_range=(3, 5), min_df=1, sublinear_tf=True, dtype=np.float32),
    dict(ngram_range=(2, 5), min_df=1, sublinear_tf=True, lowercase=True, strip_accents="unicode", dtype=np.float64),
    dict(ngram_range=(3, 4), min_df=2, max_features=40),
])
def test_char_wb_transform_equals_scikit_learn(params):
    vec = TfidfVectorizer(analyzer="char_wb", **params).fit(TEXTS)
    other = TEXTS[::-1] + ["een tekst met woorden die het model nooit zag qqq"]
    A, B = vec.transform(other), char_wb_transform(vec, other)
    assert A.dtype == B.dtype and A.shape == B.shape
    assert (A != B).nnz == 0


def test_perception_features_equal_the_feature_union():
    scores = [1, 9, 5, 10, 0, 7]
    m = PerceptionClassifier(min_df=1).fit(TEXTS, None, scores=scores, sources=["kto"] * len(TEXTS))
    A = m.vectorizer_.transform(TEXTS)
    B = m._features(np.array(TEXTS, dtype=object), np.array(["kto"] * len(TEXTS), dtype=object))
    assert A.shape == B.shape and (A != B).nnz == 0
