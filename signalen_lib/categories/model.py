"""A category model that learns from few labels and many unlabelled texts.

Short Dutch feedback is hard for a plain word classifier trained on a few hundred labels: most
words occur once, compounds (``parkeervergunning``) hide the word that matters (``vergunning``),
and rare categories have a handful of examples. :class:`CategoryModel` therefore

1. builds several *views* of every text, all fitted on every text (labelled or not, which is how
   the unlabelled texts teach the model Dutch): word 1-2-gram and character 2-5-gram TF-IDF (the
   character n-grams match parts of compounds), latent semantic axes of those n-grams (truncated
   SVD, so words that occur together count as related), subword word vectors trained on the
   corpus itself with gensim FastText (small: 48 dimensions; 20 epochs on a small corpus, fewer
   on a large one, see :func:`fasttext_epochs_for`), and LDA document-topic
   weights when the caller has them;
2. learns one classifier per view (class-balanced logistic regression; complement naive Bayes on
   the n-grams), with the taxonomy's seed words as extra labelled pseudo-texts (a prior) when
   seed words are given;
3. combines the views by their weighted geometric mean: each view's out-of-fold probabilities on
   the training labels get their own temperature, then, starting from every view once, greedy
   ensemble selection by out-of-fold log loss adds weight where it helps (nothing is tuned per
   data set by hand; ``ensemble="select"`` starts from none, ``"equal"`` keeps the equal mix);
4. self-trains: the unlabelled texts the model is surest of, per category at most as many as
   that category has labels, join the training set with half weight, and steps 2-3 are redone;
5. calibrates: one temperature, fitted on the out-of-fold predictions, so that a probability of
   0.7 is right about 70% of the time and an ``overig`` threshold means what it says.

``fit(texts, y, doc_topics=None)`` is transductive: ``texts`` are *all* texts, ``y`` the label
of each (None or NaN where unlabelled). ``predict_proba(texts, doc_topics=None)`` also works on
new texts. :func:`top_categories` gives up to three categories per text, main one first.
"""
from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.naive_bayes import ComplementNB
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from signalen_lib.forking import default_jobs, fork_call, fork_map
from signalen_lib.text.ngrams import CharWbTfidfVectorizer
from signalen_lib.vocab.taxonomy import OVERIG
_EPS = 1e-6
_TOKEN = re.compile(r"[^\W\d_]{2,}")


def seed_words_from_taxonomy(taxonomy) -> dict[str, list[str]]:
    """{category key: its seed words and those of its subcategories} from a topics Taxonomy."""
    out: dict[str, list[str]] = {}
    for c in taxonomy.categories:
        words = list(c.seeds)
        for s in c.subcategories:
            words.extend(s.seeds)
        out[c.key] = list(dict.fromkeys(w for w in words if w))
    return out


FASTTEXT_UPDATES = 2_000_000  # word-vector training: passes over the corpus × its words


def fasttext_epochs_for(n_tokens: int, max_epochs: int) -> int:
    """Passes over the corpus for the word vectors: ``max_epochs`` on a small corpus (a few
    thousand texts need many passes to place their words), fewer on a large one, where each pass
    already holds many examples of every word: about ``FASTTEXT_UPDATES`` word updates in all,
    but at least gensim's default of 5 passes (a year's 20,000-text sample: 5 passes instead of 20,
    4x faster)."""
    return int(min(max_epochs, max(5, round(FASTTEXT_UPDATES / max(n_tokens, 1)))))


def _tfidf(fit_texts, **kw) -> TfidfVectorizer:
    params = dict(sublinear_tf=True, lowercase=True, strip_accents="unicode", min_df=2, dtype=np.float64)
    params.update(kw)
    try:
        return CharWbTfidfVectorizer(**params).fit(fit_texts)
    except ValueError:  # a tiny corpus: no n-gram in two texts
        params["min_df"] = 1
        return CharWbTfidfVectorizer(**params).fit(fit_texts)


class _Views:
    """The feature views, fitted once on all texts."""

    def __init__(self, *, char_ngrams, word_ngrams, lsa_dims, fasttext_dim, fasttext_epochs, seed, n_jobs=1):
        self.char_ngrams = char_ngrams
        self.word_ngrams = word_ngrams
        self.lsa_dims = lsa_dims
        self.fasttext_dim = fasttext_dim
        self.fasttext_epochs = fasttext_epochs
        self.seed = seed
        self.n_jobs = n_jobs

    def fit(self, texts: list[str]) -> _Views:
        # the word vectors train in a forked process (n_jobs > 1) while this one fits the n-grams
        # and their semantic axes: the two largest steps of a fit on a large corpus, overlapped
        ft = fork_call(lambda: self._fit_fasttext(texts), enabled=self.n_jobs > 1 and bool(self.fasttext_dim))
        self.word_ = _tfidf(texts, ngram_range=tuple(self.word_ngrams))
        self.char_ = _tfidf(texts, analyzer="char_wb", ngram_range=tuple(self.char_ngrams))
        X = self._ngrams(texts)
        k = min(self.lsa_dims, X.shape[1] - 1, X.shape[0] - 1)
        self.svd_ = TruncatedSVD(k, random_state=self.seed).fit(X) if k >= 2 else None
        self.ft_, self.idf_, self.idf_unseen_, self.ft_mean_ = ft.result()
        return self

    def _fit_fasttext(self, texts):
        """(FastText model, idf per word, idf of an unseen word, mean text vector), or Nones
        without word vectors."""
        if not self.fasttext_dim:
            return None, None, None, None
        from gensim.models import FastText

        toks = [_TOKEN.findall(t.lower()) for t in texts]
        n_tokens = sum(map(len, toks))
        if n_tokens < 50:
            return None, None, None, None
        self.ft_ = FastText(
            toks, vector_size=self.fasttext_dim, window=5, min_count=1,
            epochs=fasttext_epochs_for(n_tokens, self.fasttext_epochs),
            min_n=3, max_n=5, sg=1, workers=1, seed=self.seed + 1, bucket=1 << 16,
        )
        df = pd.Series([w for ts in toks for w in set(ts)]).value_counts()
        self.idf_ = (np.log((1 + len(toks)) / (1 + df)) + 1).to_dict()
        self.idf_unseen_ = float(np.log(1 + len(toks)) + 1)  # a word no text had: rarest
        return self.ft_, self.idf_, self.idf_unseen_, self._ft_raw(toks).mean(axis=0)

    def _ngrams(self, texts):
        return (sp.hstack([self.word_.transform(texts), self.char_.transform(texts)]).tocsr() / np.sqrt(2)).tocsr()

    def _ft_raw(self, toks):
        """Per text the idf-weighted mean of its words' FastText vectors. Each distinct word is
        looked up once (a sparse texts x words matrix of idf weights times the words' vectors):
        the per-token lookups were a quarter of the assignment time."""
        col: dict[str, int] = {}
        rows, cols = [], []
        for i, ts in enumerate(toks):
            for t in ts:
                j = col.get(t)
                if j is None:
                    j = col[t] = len(col)
                rows.append(i)
                cols.append(j)
        if not col:
            return np.zeros((len(toks), self.fasttext_dim))
        words = list(col)
        w = np.array([self.idf_.get(t, self.idf_unseen_) for t in words])
        V = np.vstack([self.ft_.wv[t] for t in words]).astype(np.float64)
        cols_a = np.asarray(cols, dtype=np.int64)
        M = sp.csr_matrix((w[cols_a], (np.asarray(rows, dtype=np.int64), cols_a)), shape=(len(toks), len(words)))
        den = np.asarray(M.sum(axis=1)).ravel()
        out = np.asarray(M @ V)
        nz = den > 0
        out[nz] /= den[nz, None]
        return out

    def transform(self, texts: list[str], doc_topics=None) -> dict[str, object]:
        X = self._ngrams(texts)
        views: dict[str, object] = {"ngrams": X}
        if self.svd_ is not None:
            views["lsa"] = normalize(self.svd_.transform(X))
        if self.ft_ is not None:
            V = self._ft_raw([_TOKEN.findall(t.lower()) for t in texts]) - self.ft_mean_
            views["fasttext"] = normalize(V)
        if doc_topics is not None:
            W = np.clip(np.asarray(doc_topics, dtype=float), 0, None)
            views["topics"] = normalize(np.sqrt(W))  # Hellinger embedding of the topic mixture
        return views


def _fit_on_used_columns(model: LogisticRegression, X, y, sample_weight=None) -> LogisticRegression:
    """Fit an L2-regularised logistic regression on a sparse view using only the columns that
    occur in its training rows, then give it back its full width (zero weights elsewhere).

    A column that is zero in every training row has a zero gradient from the data and the
    penalty pulls its weight to zero, so its optimal weight is exactly 0: leaving it out changes
    nothing but the size of the problem. A corpus of 20,000 texts has hundreds of thousands of
    character n-grams, the few hundred labelled texts a small share of them, and the optimiser's
    cost grows with the number of weights. The fitted model predicts on the full view as usual."""
    cols = np.flatnonzero(X.getnnz(axis=0) > 0)
    model.fit(X[:, cols], y, sample_weight=sample_weight)
    coef = np.zeros((model.coef_.shape[0], X.shape[1]), dtype=model.coef_.dtype)
    coef[:, cols] = model.coef_
    model.coef_ = coef
    model.n_features_in_ = X.shape[1]
    return model


# the classifiers: (name, view, factory)
def _lr(C, seed):
    return LogisticRegression(C=C, max_iter=3000, class_weight="balanced", random_state=seed)


_LEARNERS = (
    ("ngrams_lr", "ngrams", lambda seed: _lr(10.0, seed)),
    ("ngrams_nb", "ngrams", lambda seed: ComplementNB(alpha=0.1)),
    ("lsa_lr", "lsa", lambda seed: _lr(3.0, seed)),
    ("fasttext_lr", "fasttext", lambda seed: _lr(3.0, seed)),
    ("topics_lr", "topics", lambda seed: _lr(3.0, seed)),
)


def _log_loss(P, yi) -> float:
    return float(-np.mean(np.log(np.clip(P[np.arange(len(yi)), yi], _EPS, None))))


def _best_temperature(Z, yi) -> float:
    grid = np.exp(np.linspace(np.log(0.1), np.log(10.0), 61))
    return float(grid[int(np.argmin([_log_loss(_softmax(Z / t), yi) for t in grid]))])


def _softmax(Z):
    Z = Z - Z.max(axis=1, keepdims=True)
    E = np.exp(Z)
    return E / E.sum(axis=1, keepdims=True)


class CategoryModel:
    """Categories from few labels: multi-view ensemble, self-training, calibrated probabilities.

    Parameters are general (no per-data-set tuning); the mix of views is chosen by
    cross-validation on the training labels (``ensemble``, ``ensemble_steps``,
    ``view_temperature``). ``seed_words``: {category: [words]} (e.g. from
    :func:`seed_words_from_taxonomy`), used as a prior for the categories among the labels.

    ``n_jobs``: processes for the fit (None: all cores from 5,000 texts on, one below): the
    word vectors train beside the n-gram views, and the cross-validation folds run side by side.
    The fitted model is the same for any ``n_jobs``.

    Fitted attributes: ``classes_``, ``weights_`` ({learner: weight of its log-probabilities}), ``temperature_``,
    ``cv_log_loss_``, ``n_pseudo_`` (unlabelled texts self-trained on), ``views_``.
    """

    def __init__(
        self,
        *,
        seed: int = 0,
        word_ngrams: tuple[int, int] = (1, 2),
        char_ngrams: tuple[int, int] = (2, 5),
        lsa_dims: int = 150,
        fasttext_dim: int = 48,
        fasttext_epochs: int = 20,
        seed_words: Mapping[str, Sequence[str]] | None = None,
        self_training_rounds: int = 1,
        self_training_min_prob: float = 0.5,
        pseudo_per_label: float = 1.0,
        pseudo_weight: float = 0.5,
        cv: int = 4,
        ensemble_steps: int = 8,
        ensemble: str = "blend",
        view_temperature: bool = True,
        n_jobs: int | None = None,
    ):
        self.seed = seed
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.lsa_dims = lsa_dims
        self.fasttext_dim = fasttext_dim
        self.fasttext_epochs = fasttext_epochs
        self.seed_words = seed_words
        self.self_training_rounds = self_training_rounds
        self.self_training_min_prob = self_training_min_prob
        self.pseudo_per_label = pseudo_per_label
        self.pseudo_weight = pseudo_weight
        self.cv = cv
        self.ensemble_steps = ensemble_steps
        self.ensemble = ensemble
        self.view_temperature = view_temperature
        self.n_jobs = n_jobs

    # ---- helpers ---------------------------------------------------------------------------
    def _fit_learner(self, name, view, X, yi, w):
        factory = dict((n, f) for n, _, f in _LEARNERS)[name]
        model = factory(self.seed)
        present = np.unique(yi)
        if len(present) == 1:
            return ("const", int(present[0]))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if isinstance(model, LogisticRegression) and sp.issparse(X):
                _fit_on_used_columns(model, X, yi, w)
            else:
                model.fit(X, yi, sample_weight=w)
        return ("model", model)

    def _proba_learner(self, fitted, X, n_classes):
        kind, m = fitted
        n = X.shape[0]
        P = np.full((n, n_classes), _EPS)
        if kind == "const":
            P[:, m] = 1.0
        else:
            P[:, m.classes_] = np.clip(m.predict_proba(X), _EPS, None)
        return P / P.sum(axis=1, keepdims=True)

    def _train_rows(self, V, idx, extra):
        """The training matrix of one view: texts ``idx`` plus (ngram views) the seed pseudo-texts."""
        X = V[idx]
        if extra is not None:
            X = sp.vstack([X, extra]).tocsr() if sp.issparse(X) else np.vstack([X, extra])
        return X

    def _fit_all(self, views, idx, yi, w, learners):
        """Fit every learner on texts ``idx`` (labels ``yi``, weights ``w``) plus seed pseudo-texts."""
        fitted = {}
        for name, view in learners:
            extra = self.seed_views_.get(view)
            X = self._train_rows(views[view], idx, extra)
            y_ = np.concatenate([yi, self.seed_y_]) if extra is not None else yi
            w_ = np.concatenate([w, np.ones(len(self.seed_y_))]) if extra is not None else w
            fitted[name] = self._fit_learner(name, view, X, y_, w_)
        return fitted

    def _self_train(self, views, idx, yi, pool, learners, schedule):
        """Fit on texts ``idx``; then for each (weights, temperature) in ``schedule`` add the
        surest texts of ``pool`` as pseudo-labelled texts and refit. Returns (fitted, pseudo
        rows, pseudo labels)."""
        pseudo, ypseudo = np.zeros(0, dtype=int), np.zeros(0, dtype=int)
        fitted = self._fit_all(views, idx, yi, np.ones(len(idx)), learners)
        for weights, T in schedule:
            if len(pool) == 0:
                break
            P = self._combine(fitted, views, pool, weights=weights, temperature=T)
            pseudo, ypseudo = self._pick_pseudo(P, pool, yi)
            w = np.concatenate([np.ones(len(idx)), np.full(len(pseudo), self.pseudo_weight)])
            fitted = self._fit_all(views, np.concatenate([idx, pseudo]), np.concatenate([yi, ypseudo]), w, learners)
        return fitted, pseudo, ypseudo

    def _oof(self, views, lab, yi, learners, schedule):
        """Out-of-fold probabilities of each learner on the labelled texts. Self-training is
        redone inside every fold (the held-out texts count as unlabelled), so the figures are
        honest about it."""
        k = len(self.classes_)
        folds = int(max(2, min(self.cv, np.bincount(yi).max())))
        skf = StratifiedKFold(n_splits=folds, shuffle=True, random_state=self.seed)
        oof = {name: np.zeros((len(yi), k)) for name, _ in learners}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a category with fewer labels than folds
            splits = list(skf.split(np.zeros(len(yi)), yi))
        n = views["ngrams"].shape[0]

        def fold(f):
            tr, te = splits[f]
            pool = np.setdiff1d(np.arange(n), lab[tr])
            fitted, _, _ = self._self_train(views, lab[tr], yi[tr], pool, learners, schedule)
            return {name: self._proba_learner(fitted[name], views[view][lab[te]], k) for name, view in learners}

        # the folds are independent: over forked processes (n_jobs), each sends back its probabilities
        for (_, te), probs in zip(splits, fork_map(fold, len(splits), self.n_jobs_)):
            for name in oof:
                oof[name][te] = probs[name]
        return oof

    def _select(self, oof, yi):
        """Each learner's out-of-fold probabilities get their own temperature (complement naive
        Bayes, for one, is far too sure of itself); then greedy ensemble selection (with
        replacement) by out-of-fold log loss of the weighted geometric mean; then one temperature
        for the mix. Returns ({learner: weight on its log-probabilities}, temperature, loss)."""
        names = list(oof)
        raw = {n: np.log(np.clip(oof[n], _EPS, None)) for n in names}
        Tn = {n: (_best_temperature(raw[n], yi) if self.view_temperature else 1.0) for n in names}
        logs = {n: np.log(_softmax(raw[n] / Tn[n])) for n in names}
        # "blend" starts from every view once (a prior toward the equal mix, which a few hundred
        # out-of-fold predictions cannot overrule by chance), "select" from none
        counts = {n: int(self.ensemble in ("equal", "blend")) for n in names}
        if self.ensemble != "equal":
            for _ in range(max(1, self.ensemble_steps)):
                best, best_loss = None, np.inf
                tot = sum(counts.values()) + 1
                for n in names:
                    Z = (sum(counts[m] * logs[m] for m in names) + logs[n]) / tot
                    loss = _log_loss(_softmax(Z), yi)
                    if loss < best_loss - 1e-9:
                        best, best_loss = n, loss
                counts[best] += 1
        total = sum(counts.values())
        Z = sum(counts[n] * logs[n] for n in names) / total
        T = _best_temperature(Z, yi)
        weights = {n: counts[n] / total / Tn[n] for n in names}
        return weights, T, _log_loss(_softmax(Z / T), yi)

    def _combine(self, fitted, views, rows=None, *, weights=None, temperature=None):
        weights = self.weights_ if weights is None else weights
        temperature = self.temperature_ if temperature is None else temperature
        Z = 0.0
        for name, wt in weights.items():
            if wt <= 0:
                continue
            view = dict((n, v) for n, v, _ in _LEARNERS)[name]
            X = views[view] if rows is None else views[view][rows]
            Z = Z + wt * np.log(self._proba_learner(fitted[name], X, len(self.classes_)))
        return _softmax(Z / temperature)

    # ---- API -------------------------------------------------------------------------------
    def fit(self, texts: Sequence[str], y: Sequence, doc_topics=None) -> CategoryModel:
        with threadpool_limits(1):
            return self._fit(texts, y, doc_topics)

    def _fit(self, texts, y, doc_topics):
        texts = [str(t) for t in texts]
        yv = pd.Series(list(y), dtype="object")
        labelled = yv.notna().to_numpy() & (yv.astype(str).str.strip() != "").to_numpy()
        if len(texts) != len(yv):
            raise ValueError(f"{len(texts)} texts but {len(yv)} labels")
        if not labelled.any():
            raise ValueError("no labelled texts")
        ys = yv[labelled].astype(str).to_numpy()
        self.classes_ = np.array(sorted(set(ys)), dtype=object)
        cidx = {c: i for i, c in enumerate(self.classes_)}
        lab = np.flatnonzero(labelled)
        yi = np.array([cidx[c] for c in ys])
        self.n_jobs_ = default_jobs(len(texts), threshold=5_000) if self.n_jobs is None else int(self.n_jobs)
        self.views_ = _Views(char_ngrams=self.char_ngrams, word_ngrams=self.word_ngrams, lsa_dims=self.lsa_dims,
                             fasttext_dim=self.fasttext_dim, fasttext_epochs=self.fasttext_epochs, seed=self.seed,
                             n_jobs=self.n_jobs_).fit(texts)
        views = self.views_.transform(texts, doc_topics)
        self.uses_topics_ = "topics" in views
        learners = [(n, v) for n, v, _ in _LEARNERS if v in views]
        # seed words: one pseudo-text per category among the labels (a prior, weight 1)
        self.seed_views_, self.seed_y_ = {}, np.zeros(0, dtype=int)
        seeds = [(c, " ".join(self.seed_words[c])) for c in self.classes_
                 if self.seed_words and self.seed_words.get(c)]
        if seeds:
            sv = self.views_.transform([s for _, s in seeds])
            self.seed_views_ = {"ngrams": sv["ngrams"]}
            self.seed_y_ = np.array([cidx[c] for c, _ in seeds])
        unl = np.flatnonzero(~labelled)
        schedule: list = []
        can_cv = len(lab) >= 4 and len(self.classes_) > 1
        for rnd in range(self.self_training_rounds + 1 if can_cv else 1):
            if can_cv:
                oof = self._oof(views, lab, yi, learners, schedule)
                weights, T, self.cv_log_loss_ = self._select(oof, yi)
                self.oof_proba_ = _softmax(sum(w * np.log(np.clip(oof[n], _EPS, None)) for n, w in weights.items()) / T)
            else:  # too few labels to cross-validate: the n-gram classifier alone, no self-training
                weights, T, self.cv_log_loss_, self.oof_proba_ = {"ngrams_lr": 1.0}, 1.0, float("nan"), None
            if rnd < self.self_training_rounds:
                schedule.append((weights, T))
        self.weights_, self.temperature_ = weights, T
        self.fitted_, pseudo, ypseudo = self._self_train(views, lab, yi, unl, learners, schedule)
        self.n_pseudo_ = len(pseudo)
        self.n_labelled_ = len(lab)
        return self

    def _pick_pseudo(self, P, unl, yi):
        top, conf = P.argmax(axis=1), P.max(axis=1)
        counts = np.bincount(yi, minlength=len(self.classes_))
        rows, labels = [], []
        for k in range(len(self.classes_)):
            mine = np.flatnonzero((top == k) & (conf >= self.self_training_min_prob))
            q = int(np.ceil(self.pseudo_per_label * counts[k]))
            mine = mine[np.argsort(-conf[mine], kind="stable")][:q]
            rows.extend(unl[mine])
            labels.extend([k] * len(mine))
        return np.array(rows, dtype=int), np.array(labels, dtype=int)

    def predict_proba(self, texts: Sequence[str], doc_topics=None) -> np.ndarray:
        """Calibrated probabilities, columns in ``classes_`` order; each row sums to 1."""
        if self.uses_topics_ and doc_topics is None:
            raise ValueError("this model was fitted with doc_topics: pass them for the new texts too")
        with threadpool_limits(1):
            views = self.views_.transform([str(t) for t in texts], doc_topics if self.uses_topics_ else None)
            return self._combine(self.fitted_, views)

    def predict(self, texts: Sequence[str], doc_topics=None) -> np.ndarray:
        return self.classes_[self.predict_proba(texts, doc_topics).argmax(axis=1)]

    def top_categories(self, texts: Sequence[str], doc_topics=None, **kw) -> pd.DataFrame:
        """:func:`top_categories` of :meth:`predict_proba`."""
        return top_categories(self.predict_proba(texts, doc_topics), self.classes_, **kw)


def top_categories(
    proba: np.ndarray,
    classes: Iterable[str],
    *,
    k: int = 3,
    min_prob: float = 0.15,
    overig_threshold: float = 0.0,
) -> pd.DataFrame:
    """Up to ``k`` categories per text (row, rank 1..k, category, prob), main one first.

    Rank 1 is the most probable category; ranks 2..k follow in order while their probability is
    at least ``min_prob``. A text whose main probability is below ``overig_threshold`` gets one
    row, ``overig``, with that (too low) probability. Probabilities per text sum to at most 1."""
    P = np.asarray(proba, dtype=float)
    cls = np.asarray(list(classes), dtype=object)
    order = np.argsort(-P, axis=1, kind="stable")
    rows = []
    for i in range(P.shape[0]):
        first = order[i, 0]
        if P[i, first] < overig_threshold:
            rows.append((i, 1, OVERIG, float(P[i, first])))
            continue
        for r, j in enumerate(order[i, :k], start=1):
            if r > 1 and P[i, j] < min_prob:
                break
            rows.append((i, r, cls[j], float(P[i, j])))
    return pd.DataFrame(rows, columns=["row", "rank", "category", "prob"])
