"""A faster ``TfidfVectorizer`` for ``char_wb`` n-grams (perception, category model).

``char_wb`` n-grams never cross a space, so a text's n-gram counts are the sum of its words'
counts. :class:`CharWbTfidfVectorizer` counts them that way: each distinct word is analysed once
(scikit-learn analyses every occurrence in Python, which was most of the fitting, assignment and
prediction time of the models that use character n-grams). Everything else (vocabulary limits,
feature order, idf, normalisation) is scikit-learn's own code, so ``fit``, ``fit_transform`` and
``transform`` give exactly the matrices of ``TfidfVectorizer`` with the same parameters (tested).
For any other analyzer it is ``TfidfVectorizer``.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import sklearn.feature_extraction.text as _sk_text
from sklearn.feature_extraction.text import TfidfVectorizer

# scikit-learn >= 1.8 converts its count matrix to the configured sparse interface; older ones do not
_align = getattr(_sk_text, "_align_api_if_sparse", lambda X: X)


class CharWbTfidfVectorizer(TfidfVectorizer):
    """``TfidfVectorizer`` whose ``char_wb`` counting analyses each distinct word once. The
    preprocessor must not join text across whitespace (lower-casing, accent stripping and token
    substitutions are fine: a word is preprocessed and split again by the analyzer itself)."""

    def _count_vocab(self, raw_documents, fixed_vocab):
        if self.analyzer != "char_wb":
            return super()._count_vocab(raw_documents, fixed_vocab)
        analyse = self.build_analyzer()
        col: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        n_docs = 0
        for i, doc in enumerate(raw_documents):
            n_docs = i + 1
            for w in self.decode(doc).split():
                j = col.get(w)
                if j is None:
                    j = col[w] = len(col)
                rows.append(i)
                cols.append(j)
        vocabulary: dict[str, int] = self.vocabulary_ if fixed_vocab else {}
        g_ptr, g_idx = [0], []
        for w in col:  # words x n-grams counts, each distinct word analysed once
            if fixed_vocab:
                g_idx.extend(vocabulary[g] for g in analyse(w) if g in vocabulary)
            else:
                g_idx.extend(vocabulary.setdefault(g, len(vocabulary)) for g in analyse(w))
            g_ptr.append(len(g_idx))
        if not fixed_vocab and not vocabulary:
            raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
        G = sp.csr_matrix((np.ones(len(g_idx), dtype=np.int64), np.asarray(g_idx, dtype=np.int64),
                           np.asarray(g_ptr, dtype=np.int64)), shape=(len(col), len(vocabulary)))
        W = sp.csr_matrix((np.ones(len(rows), dtype=np.int64), (np.asarray(rows, dtype=np.int64),
                                                                np.asarray(cols, dtype=np.int64))),
                          shape=(n_docs, len(col)))
        C = (W @ G).tocsr()
        C.sum_duplicates()
        C.eliminate_zeros()
        idx_dtype = np.int32 if C.nnz <= np.iinfo(np.int32).max else np.int64
        X = sp.csr_matrix((C.data.astype(self.dtype), C.indices.astype(idx_dtype), C.indptr.astype(idx_dtype)),
                          shape=C.shape, dtype=self.dtype)
        X.sort_indices()
        return vocabulary, _align(X)
