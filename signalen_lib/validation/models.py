"""Learning from the labels: a baseline to beat, and the workbench's label-informed assignment.

- :class:`TfidfBaseline`: TF-IDF words + logistic regression trained on labelled texts only. It
  is there so nobody mistakes a weak topic model for a good one: the workbench must match it.
- :func:`learn_topic_category_map`: which category each topic stands for, from the labels
  (weighted by how much of each labelled text the topic explains); topics that staff named keep
  their name.
- :class:`LabelInformedAssigner`: the workbench's category assignment sharpened by the labels: a
  logistic regression on the topic model's document-topic weights, the label-learned category
  prior (doc-topic weights × topic→category map) and the words. Its settings (regularisation and
  the weight of the topic features) are chosen by cross-validation on the training labels only.

All estimators follow scikit-learn's conventions: ``__init__`` stores parameters, ``fit`` returns
self, fitted attributes end in ``_``.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold
from threadpoolctl import threadpool_limits

# These fits are small (hundreds to a few thousand labelled texts): BLAS threads only add
# overhead, and on a busy machine OpenBLAS' spinning threads made them 20-50x slower.
_ONE_THREAD = dict(limits=1, user_api="blas")


def _tfidf(**kw) -> TfidfVectorizer:
    params = dict(sublinear_tf=True, ngram_range=(1, 2), min_df=1, lowercase=True, strip_accents="unicode")
    params.update(kw)
    return TfidfVectorizer(**params)


def _lr(C: float, seed: int) -> LogisticRegression:
    return LogisticRegression(C=C, max_iter=3000, random_state=seed)


class TfidfBaseline:
    """TF-IDF (word uni- and bigrams, sublinear tf) + logistic regression (C=10)."""

    def __init__(self, C: float = 10.0, seed: int = 0):
        self.C = C
        self.seed = seed

    def fit(self, texts: Sequence[str], y: Sequence[str]) -> "TfidfBaseline":
        with threadpool_limits(**_ONE_THREAD):
            return self._fit(texts, y)

    def _fit(self, texts, y) -> "TfidfBaseline":
        self.vectorizer_ = _tfidf()
        X = self.vectorizer_.fit_transform([str(t) for t in texts])
        self.classes_ = np.array(sorted(set(map(str, y))), dtype=object)
        if len(self.classes_) == 1:
            self.model_ = None
        else:
            self.model_ = _lr(self.C, self.seed).fit(X, [str(v) for v in y])
        return self

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        if self.model_ is None:
            return np.array([self.classes_[0]] * len(texts), dtype=object)
        return self.model_.predict(self.vectorizer_.transform([str(t) for t in texts])).astype(object)


def learn_topic_category_map(
    doc_topics: np.ndarray,
    y: Sequence[str],
    *,
    named: Sequence[str | None] | None = None,
    classes: Sequence[str] | None = None,
    smoothing: float = 0.5,
) -> pd.DataFrame:
    """P(category | topic) from labelled texts: each text's label counts for a topic in
    proportion to the topic's weight in the text. A topic staff have named (``named[k]`` not
    None and a known class) is pinned to that category. Returns a topics × categories frame whose
    rows sum to 1, with a ``category`` column-free index 0..K-1."""
    W = np.asarray(doc_topics, dtype=float)
    y = np.asarray([str(v) for v in y], dtype=object)
    cls = list(classes) if classes is not None else sorted(set(y))
    Y = np.zeros((len(y), len(cls)))
    pos = {c: i for i, c in enumerate(cls)}
    for i, v in enumerate(y):
        if v in pos:
            Y[i, pos[v]] = 1.0
    M = W.T @ Y + smoothing / max(1, len(cls))
    M = M / M.sum(axis=1, keepdims=True)
    if named is not None:
        for k, name in enumerate(named):
            if name is not None and name in pos and k < M.shape[0]:
                M[k] = 0.0
                M[k, pos[name]] = 1.0
    return pd.DataFrame(M, columns=cls)


def topic_names(mapping: pd.DataFrame) -> list[str]:
    """The most likely category of each topic in a :func:`learn_topic_category_map` frame."""
    return list(mapping.idxmax(axis=1))


class LabelInformedAssigner:
    """Category assignment from topic weights, label-learned priors and words.

    ``fit(texts, doc_topics, y)``; ``predict(texts, doc_topics)``. ``named_topics`` optionally
    gives the category staff (or the taxonomy seeding) gave each topic (None where unnamed).
    ``Cs`` × ``topic_weights`` is the grid searched by ``cv``-fold cross-validation (macro-F1) on
    the training labels; ``topic_weight=0`` is words only.
    """

    def __init__(
        self,
        named_topics: Sequence[str | None] | None = None,
        Cs: Sequence[float] = (1.0, 10.0, 30.0),
        topic_weights: Sequence[float] = (0.0, 1.0, 3.0),
        use_words: bool = True,
        cv: int = 4,
        seed: int = 0,
    ):
        self.named_topics = named_topics
        self.Cs = Cs
        self.topic_weights = topic_weights
        self.use_words = use_words
        self.cv = cv
        self.seed = seed

    # features ---------------------------------------------------------------------------
    def _features(self, vec, mapping, texts, doc_topics, tw):
        W = np.asarray(doc_topics, dtype=float)
        prior = W @ mapping.values
        blocks = []
        if self.use_words:
            blocks.append(vec.transform(texts))
        if tw > 0 or not self.use_words:
            w = tw if tw > 0 else 1.0
            blocks.append(sp.csr_matrix(np.hstack([W, prior]) * w))
        return sp.hstack(blocks).tocsr()

    def _fit_one(self, texts, W, y, C, tw):
        vec = _tfidf().fit(texts) if self.use_words else None
        mapping = learn_topic_category_map(W, y, named=self.named_topics, classes=sorted(set(y)))
        X = self._features(vec, mapping, texts, W, tw)
        model = _lr(C, self.seed).fit(X, y) if len(set(y)) > 1 else None
        return vec, mapping, model

    def _predict_one(self, parts, texts, W, tw):
        vec, mapping, model = parts
        if model is None:
            return np.array([mapping.columns[0]] * len(texts), dtype=object)
        return model.predict(self._features(vec, mapping, texts, W, tw)).astype(object)

    def fit(self, texts: Sequence[str], doc_topics, y: Sequence[str]) -> "LabelInformedAssigner":
        with threadpool_limits(**_ONE_THREAD):
            return self._fit(texts, doc_topics, y)

    def _fit(self, texts, doc_topics, y) -> "LabelInformedAssigner":
        texts = [str(t) for t in texts]
        W = np.asarray(doc_topics, dtype=float)
        y = np.asarray([str(v) for v in y], dtype=object)
        tws = list(self.topic_weights) if self.use_words else [1.0]
        grid = [(C, tw) for C in self.Cs for tw in tws]
        counts = pd.Series(y).value_counts()
        folds = min(self.cv, int(counts.min())) if len(counts) > 1 else 0
        scores = {}
        if len(grid) > 1 and folds >= 2:
            skf = StratifiedKFold(n_splits=folds, shuffle=True, random_state=self.seed)
            for C, tw in grid:
                preds = np.empty(len(y), dtype=object)
                for tr, te in skf.split(texts, y):
                    parts = self._fit_one([texts[i] for i in tr], W[tr], y[tr], C, tw)
                    preds[te] = self._predict_one(parts, [texts[i] for i in te], W[te], tw)
                scores[(C, tw)] = f1_score(y, preds, average="macro", zero_division=0)
            self.C_, self.topic_weight_ = max(grid, key=lambda g: (round(scores[g], 6), g[1], -abs(np.log10(g[0]))))
        else:
            self.C_, self.topic_weight_ = grid[len(grid) // 2]
        self.cv_scores_ = scores
        self.vectorizer_, self.topic_category_map_, self.model_ = self._fit_one(texts, W, y, self.C_, self.topic_weight_)
        self.classes_ = np.array(sorted(set(y)), dtype=object)
        return self

    def predict(self, texts: Sequence[str], doc_topics) -> np.ndarray:
        return self._predict_one(
            (self.vectorizer_, self.topic_category_map_, self.model_), [str(t) for t in texts],
            np.asarray(doc_topics, dtype=float), self.topic_weight_,
        )

    def predict_from_topics(self, doc_topics) -> np.ndarray:
        """Category by the label-learned topic→category map alone (no words, no classifier)."""
        P = np.asarray(doc_topics, dtype=float) @ self.topic_category_map_.values
        return np.asarray(self.topic_category_map_.columns, dtype=object)[P.argmax(axis=1)]
