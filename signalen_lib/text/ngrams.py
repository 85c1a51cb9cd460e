"""Fast transform for scikit-learn's ``char_wb`` n-gram vectorizers (perception, category model).

``char_wb`` n-grams never cross a space, so a text's n-gram counts are the sum of its words'
counts. :func:`char_wb_transform` analyses each distinct word once (scikit-learn analyses every
occurrence in Python, which was most of the assignment and prediction time) and gives the same
matrix as ``vectorizer.transform(texts)``: the same counts, in the vectorizer's dtype, through the
fitted TF-IDF weighting.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import scipy.sparse as sp


def char_wb_transform(vec, texts: Sequence[str]):
    """``vec.transform(texts)`` for a fitted ``TfidfVectorizer(analyzer="char_wb")`` (or any other
    vectorizer, which is simply asked to transform). The vectorizer's preprocessor must not join
    text across whitespace (lower-casing and token substitutions are fine)."""
    if getattr(vec, "analyzer", None) != "char_wb" or not hasattr(vec, "_tfidf"):
        return vec.transform(texts)
    analyse, vocab = vec.build_analyzer(), vec.vocabulary_
    col: dict[str, int] = {}
    rows, cols = [], []
    for i, t in enumerate(texts):
        for w in t.split():
            j = col.get(w)
            if j is None:
                j = col[w] = len(col)
            rows.append(i)
            cols.append(j)
    # words x n-grams counts, each distinct word analysed once
    g_ptr, g_idx = [0], []
    for w in col:
        g_idx.extend(vocab[g] for g in analyse(w) if g in vocab)
        g_ptr.append(len(g_idx))
    dtype = getattr(vec, "dtype", np.float64)
    G = sp.csr_matrix((np.ones(len(g_idx), dtype=dtype), np.asarray(g_idx, dtype=np.int64),
                       np.asarray(g_ptr, dtype=np.int64)), shape=(len(col), len(vocab)))
    W = sp.csr_matrix((np.ones(len(rows), dtype=dtype), (np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64))),
                      shape=(len(texts), len(col)))
    X = (W @ G).tocsr()
    X.sum_duplicates()
    X.sort_indices()
    return vec._tfidf.transform(X, copy=False)  # noqa: SLF001 (the fitted idf weighting, as transform() applies it)
