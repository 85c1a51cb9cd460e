"""CharWbTfidfVectorizer gives exactly scikit-learn's TfidfVectorizer (perception, category model)."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from signalen_lib.perception.model import normalise_text
from signalen_lib.text.ngrams import CharWbTfidfVectorizer

TEXTS = [
    "Mevr. [NAAM],  bel 06-123 <PERSOON>! De parkeervergunning is 3x afgewezen.",
    "",
    "   a  b\tc\n[NAAM]x  Überhaupt ÉÉN straat-naam, 2024-01-01 a¨b\u00a0c",
    "Heel fijn geholpen door de medewerker van de Stadswinkel :)",
    "Slecht bereikbaar, 45 minuten in de wacht. Slecht!",
    "parkeervergunning vergunning parkeer",
    "vergunning vergunning vergunning",
]
OTHER = TEXTS[::-1] + ["een tekst met woorden die het model nooit zag qqq", "ÉÉN"]


@pytest.mark.parametrize("params", [
    dict(preprocessor=normalise_text, ngram_range=(3, 5), min_df=1, sublinear_tf=True, dtype=np.float32),
    dict(ngram_range=(2, 5), min_df=2, sublinear_tf=True, lowercase=True, strip_accents="unicode", dtype=np.float64),
    dict(ngram_range=(3, 4), min_df=1, max_features=40),
    dict(ngram_range=(1, 3), max_df=0.5, binary=True, norm=None, use_idf=False),
])
def test_the_same_vocabulary_idf_and_matrices_as_scikit_learn(params):
    ref, fast = TfidfVectorizer(analyzer="char_wb", **params), CharWbTfidfVectorizer(analyzer="char_wb", **params)
    A, B = ref.fit_transform(TEXTS), fast.fit_transform(TEXTS)
    assert fast.vocabulary_ == ref.vocabulary_
    if params.get("use_idf", True):
        np.testing.assert_array_equal(fast.idf_, ref.idf_)
    for X, Y in ((A, B), (ref.transform(OTHER), fast.transform(OTHER))):
        assert X.dtype == Y.dtype and X.shape == Y.shape and type(X) is type(Y)
        assert (X != Y).nnz == 0


def test_other_analyzers_are_scikit_learns():
    ref = TfidfVectorizer(ngram_range=(1, 2)).fit(TEXTS)
    fast = CharWbTfidfVectorizer(ngram_range=(1, 2)).fit(TEXTS)
    assert fast.vocabulary_ == ref.vocabulary_ and (fast.transform(OTHER) != ref.transform(OTHER)).nnz == 0
    with pytest.raises(ValueError, match="empty vocabulary"):
        CharWbTfidfVectorizer(analyzer="char_wb").fit(["", "   "])
