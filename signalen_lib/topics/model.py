"""A seeded LDA topic model over gensim, estimator style.

>>> model = TopicModel(n_topics=40, taxonomy=load_taxonomy(), random_state=42).fit(texts)
>>> model.transform(texts)          # (n_texts, n_topics) document-topic weights, rows sum to 1 (0 for empty texts)
>>> model.assign(texts, ids)        # long table: signal_id, rank, topic_id, stable_id, category, subcategory, prob
>>> model.category_scores(texts)    # wide table: one column per category key (+ "overig")

Seeded topics: each seed group of the taxonomy (a subcategory, or a category) gets one topic whose
Dirichlet prior on topic-word distributions (gensim ``eta``) puts pseudo-counts on its seed words,
proportional to how often each seed occurs in the corpus (``seed_strength``), so the prior stays
informative however large the corpus is. The remaining ``n_topics - n_seeded`` topics are free
and catch what nobody anticipated. Inference for new texts is vectorised over a batch and
starts from a fixed point, so the same model gives the same weights for the same text.

Two things make the seeded categories hold on short municipal texts (see
``benchmarks/bench_topics.py``): ``fit(texts, groups=sources)`` drops each channel's template
words (call-back notes' "klt ... tnv ... terugbelverzoek" otherwise form one topic that swallows
a fifth of all texts), and a self-trained refiner (TF-IDF + logistic regression learned from the
texts LDA is surest of) votes with LDA when :meth:`assign` ranks categories.
"""
from __future__ import annotations

import hashlib
import os
import time
from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd
from scipy.special import psi

from signalen_lib.runs.timing import timed
from signalen_lib.text import Preprocessor
from signalen_lib.vocab.taxonomy import OVERIG, Taxonomy


def default_preprocessor() -> Preprocessor:
    """The topic model's default preprocessing: lemmas and stop words, no phrase merging (on the
    synthetic corpus phrases split the vocabulary and cost ~0.3 macro-F1; pass
    ``Preprocessor(phrases=True)`` to use them)."""
    return Preprocessor(phrases=False)


def data_hash(texts: Iterable[str]) -> str:
    """sha256 over the texts in order (the model's data snapshot)."""
    h = hashlib.sha256()
    for t in texts:
        h.update(("" if t is None else str(t)).encode("utf-8", "surrogatepass"))
        h.update(b"\x1e")
    return h.hexdigest()


def lib_versions() -> dict[str, str]:
    import importlib.metadata as md
    import sys

    out = {"python": sys.version.split()[0]}
    for name in ("signalen", "gensim", "numpy", "scipy", "simplemma", "spacy", "pandas"):
        try:
            out[name] = md.version(name)
        except md.PackageNotFoundError:
            pass
    return out


def topics_for(taxonomy: Taxonomy, free_topics: int = 8) -> int:
    """The number of topics a taxonomy asks for: one seeded topic per subcategory (a category without
    subcategories counts once), plus ``free_topics`` for what nobody foresaw."""
    return len(taxonomy.seed_groups("subcategory")) + int(free_topics)


class TopicModel:
    """Seeded LDA (gensim ``LdaModel``) with Dutch preprocessing and stable topic identities.

    Parameters (stored only; see :meth:`fit`):
        n_topics: total number of topics (seeded + free).
        taxonomy: a :class:`Taxonomy` (or None for a plain, unseeded model).
        seed_level: "subcategory" (one seeded topic per subcategory), "category", or "auto"
            (subcategory when n_topics leaves room for them, else category).
        seed_strength: pseudo-count on a seed word in its topic, as a fraction of the word's
            corpus frequency (0 disables the priors but keeps the topic's name).
        alpha: document-topic prior: a float (symmetric), "symmetric" (1/K), "asymmetric" or "auto".
        eta: base topic-word prior.
        passes: passes over the corpus (None: enough for ~150,000 document updates, 1 to 10).
        iterations, chunksize, decay, offset: gensim's online variational Bayes settings
            (offset > 1 slows the first updates down so the informed start is not overwritten by
            the first chunk).
        no_below, no_above, keep_n: vocabulary filter (min documents, max document share, size).
        overig_threshold: a text whose best topic's probability is below this is "overig".
        max_topics: at most this many topics per text in :meth:`assign`.
        random_state: the seed: same seed and data give the same topics.
        preprocessor: a :class:`signalen_lib.text.Preprocessor` (None: the default one).
        seed_init: informed start: each seeded topic starts as the word profile of the texts that
            contain its seeds, times this weight (0: gensim's random start only); free topics start
            from anchor words of the texts no seed covers.
        auto_map_share: a free topic whose texts use one category's seed words this often (and
            twice as often as any other's) is mapped to that category (``mapped_by='auto'``);
            0 disables. Unmapped free topics count as ``overig`` until staff name them.
        boilerplate_df, boilerplate_lift: with ``fit(texts, groups=sources)``, a word in at least
            ``boilerplate_df`` of one channel's texts and ``boilerplate_lift`` times as frequent
            there as in the other channels is that channel's template ("klt", "tnv",
            "hoogachtend", "citaat") and is left out of the vocabulary (seed words never are);
            ``boilerplate_lift=0`` disables. Without groups nothing is removed.
        refine: self-training: after LDA, a TF-IDF + logistic regression classifier is trained on
            the texts LDA assigns most confidently (``refine_share`` of each topic group's texts)
            and its probabilities are blended with LDA's (``refine_weight``) to decide the
            categories. LDA's topics, words and ids are unchanged; short texts whose few words
            LDA cannot place get the category their words predict across the whole corpus.
    """

    def __init__(
        self,
        n_topics: int = 30,
        *,
        taxonomy: Taxonomy | None = None,
        seed_level: str = "auto",
        seed_strength: float = 0.3,
        alpha: float | str = 0.05,
        eta: float = 0.01,
        passes: int | None = None,
        iterations: int = 50,
        chunksize: int = 4000,
        decay: float = 0.5,
        offset: float = 16.0,
        no_below: int = 3,
        no_above: float = 0.3,
        keep_n: int = 50_000,
        overig_threshold: float = 0.25,
        max_topics: int = 3,
        random_state: int = 42,
        preprocessor: Preprocessor | None = None,
        seed_init: float = 1.0,
        auto_map_share: float = 0.5,
        boilerplate_df: float = 0.05,
        boilerplate_lift: float = 20.0,
        refine: bool = True,
        refine_share: float = 0.5,
        refine_weight: float = 0.5,
        refine_C: float = 4.0,
        refine_max_train: int = 60_000,
    ):
        self.n_topics = n_topics
        self.taxonomy = taxonomy
        self.seed_level = seed_level
        self.seed_strength = seed_strength
        self.alpha = alpha
        self.eta = eta
        self.passes = passes
        self.iterations = iterations
        self.chunksize = chunksize
        self.decay = decay
        self.offset = offset
        self.no_below = no_below
        self.no_above = no_above
        self.keep_n = keep_n
        self.overig_threshold = overig_threshold
        self.max_topics = max_topics
        self.random_state = random_state
        self.preprocessor = preprocessor
        self.seed_init = seed_init
        self.auto_map_share = auto_map_share
        self.boilerplate_df = boilerplate_df
        self.boilerplate_lift = boilerplate_lift
        self.refine = refine
        self.refine_share = refine_share
        self.refine_weight = refine_weight
        self.refine_C = refine_C
        self.refine_max_train = refine_max_train

    # ---- parameters --------------------------------------------------------------------
    _PARAMS = ("n_topics", "seed_level", "seed_strength", "alpha", "eta", "passes", "iterations", "chunksize",
               "decay", "offset", "no_below", "no_above", "keep_n", "overig_threshold", "max_topics", "random_state", "seed_init", "auto_map_share",
               "boilerplate_df", "boilerplate_lift", "refine", "refine_share", "refine_weight", "refine_C",
               "refine_max_train")

    def get_params(self) -> dict[str, Any]:
        p = {k: getattr(self, k) for k in self._PARAMS}
        p["taxonomy"] = None if self.taxonomy is None else self.taxonomy.to_dict()
        p["preprocessor"] = (self.preprocessor or default_preprocessor()).get_params()
        return p

    @classmethod
    def from_settings(cls, settings=None, *, seed: int | None = None, taxonomy: Taxonomy | None | str = "settings",
                      **params) -> "TopicModel":
        """A model configured from Settings (n_topics, overig_threshold, max_topics_per_text, seed,
        taxonomy_path); keyword arguments override."""
        from signalen_lib.config import load_config
        from signalen_lib.vocab.taxonomy import load_taxonomy

        settings = settings or load_config()
        if taxonomy == "settings":
            taxonomy = load_taxonomy(settings.taxonomy_path)
        base = dict(n_topics=settings.n_topics or topics_for(taxonomy if isinstance(taxonomy, Taxonomy)
                                                             else load_taxonomy(settings.taxonomy_path), settings.free_topics),
                    overig_threshold=settings.overig_threshold,
                    max_topics=settings.max_topics_per_text, random_state=settings.seed if seed is None else seed)
        base.update(params)
        return cls(taxonomy=taxonomy, **base)

    def set_params(self, **params) -> "TopicModel":
        for k, v in params.items():
            if not hasattr(self, k) or k.endswith("_"):
                raise ValueError(f"unknown parameter {k!r}")
            setattr(self, k, v)
        return self

    # ---- fitting -----------------------------------------------------------------------
    def _seed_groups(self) -> list[dict[str, Any]]:
        if self.taxonomy is None:
            return []
        level = self.seed_level
        if level == "auto":  # subcategory topics when there is room for them (and a few free ones)
            n_sub = len(self.taxonomy.seed_groups("subcategory"))
            level = "subcategory" if self.n_topics >= n_sub + 2 else "category"
        groups = self.taxonomy.seed_groups(level)
        self.seed_level_ = level
        if len(groups) > self.n_topics:
            raise ValueError(
                f"n_topics={self.n_topics} is smaller than the {len(groups)} seeded topics at level "
                f"'{self.seed_level}': raise n_topics or use seed_level='category'"
            )
        return groups

    def fit(self, texts: Sequence[str], y=None, *, groups: Sequence[str] | None = None) -> "TopicModel":
        """Learn phrases, vocabulary and topics from the texts. ``groups`` (optional, one per
        text): the channel each text came from (kto, klacht, ...), used to find and drop each
        channel's boilerplate words. Returns self."""
        from gensim.corpora import Dictionary
        from gensim.models import LdaModel

        t0 = time.perf_counter()
        texts = list(texts)
        seed_groups = self._seed_groups()
        pre = Preprocessor(**(self.preprocessor.get_params())) if self.preprocessor is not None else default_preprocessor()
        docs = pre.fit_transform(texts)
        self.preprocessor_ = pre
        self.n_docs_ = len(texts)
        self.data_hash_ = data_hash(texts)
        self.seconds_preprocess_ = time.perf_counter() - t0

        # seed words, lemmatised like the texts (a seed can itself be a phrase: "ondergrondse_container")
        seed_tokens: list[list[str]] = []
        for g in seed_groups:
            toks: list[str] = []
            for s in g["seeds"]:
                toks.extend(pre.transform([s])[0] or [s.lower()])
            seed_tokens.append(list(dict.fromkeys(toks)))
        dictionary = Dictionary(docs)
        keep = sorted({t for ts in seed_tokens for t in ts if t in dictionary.token2id})
        dictionary.filter_extremes(no_below=self.no_below, no_above=self.no_above, keep_n=self.keep_n, keep_tokens=keep)
        self.boilerplate_words_ = self._boilerplate(docs, groups, dictionary, set(keep))
        if self.boilerplate_words_:
            dictionary.filter_tokens(bad_ids=[dictionary.token2id[w] for w in self.boilerplate_words_])
        if len(dictionary) == 0:
            raise ValueError("no words left after preprocessing and filtering: too few or too short texts")
        self.dictionary_ = dictionary
        corpus = [b for b in (dictionary.doc2bow(d) for d in docs) if b]
        if not corpus:
            raise ValueError("no text has words left after preprocessing")

        K, V = self.n_topics, len(dictionary)
        eta = np.full((K, V), float(self.eta), dtype=np.float64)
        cfs = np.zeros(V)
        for i, c in dictionary.cfs.items():
            cfs[i] = c
        n_seed_topics = np.zeros(V)
        ids_per_group = []
        for toks in seed_tokens:
            ids = sorted({dictionary.token2id[t] for t in toks if t in dictionary.token2id})
            ids_per_group.append(ids)
            n_seed_topics[ids] += 1
        if self.seed_strength > 0:
            for k, ids in enumerate(ids_per_group):
                if ids:
                    eta[k, ids] += self.seed_strength * cfs[ids] / n_seed_topics[ids]
        self.seed_ids_ = ids_per_group
        self.eta_ = eta

        alpha = self.alpha
        if isinstance(alpha, (int, float)):
            alpha = np.full(K, float(alpha))
        passes = self.passes or int(min(10, max(1, np.ceil(150_000 / len(corpus)))))
        self.passes_ = passes
        lda = LdaModel(
            num_topics=K, id2word=dictionary, chunksize=self.chunksize, passes=passes,
            iterations=self.iterations, alpha=alpha, eta=eta, decay=self.decay, offset=self.offset,
            random_state=self.random_state, eval_every=None, update_every=1, dtype=np.float64,
        )
        if self.seed_init and any(ids_per_group):
            # informed start: a seeded topic begins as the word profile of the texts that use its seeds
            lda.state.sstats[...] = self._seed_init_sstats(corpus, ids_per_group, lda.state.sstats)
        lda.sync_state()  # the first E-step already sees the seed priors
        t1 = time.perf_counter()
        # online VB sees chunks in order: shuffle (seeded) so every chunk looks like the corpus
        order = np.random.RandomState(self.random_state).permutation(len(corpus))
        with timed("LDA (online VB)", count=len(corpus)):
            lda.update([corpus[i] for i in order])
        self.seconds_fit_ = time.perf_counter() - t1
        self.lda_ = lda
        self._refresh()

        # topic table: seeded topics take their taxonomy names; free ones a provisional name
        all_bows = [dictionary.doc2bow(d) for d in docs]
        with timed("topic weights of the training texts", count=len(all_bows)):
            theta = self._infer(all_bows)
        self._init_topics(seed_groups, theta)
        self._auto_map_free_topics(all_bows, theta)
        with timed("refiner"):
            self._fit_refiner(all_bows, theta)
        self.examples_ = self._examples(texts, theta)
        self.fit_seconds_ = time.perf_counter() - t0
        return self

    def _boilerplate(self, docs, groups, dictionary, keep: set[str]) -> list[str]:
        """Words that one channel's template puts in many of its texts and the other channels rarely
        use (see ``boilerplate_df`` / ``boilerplate_lift``); seed words are kept."""
        if groups is None or not self.boilerplate_lift or not self.boilerplate_df:
            return []
        from scipy import sparse

        g = np.asarray([str(x) for x in groups], dtype=object)
        if len(g) != len(docs):
            raise ValueError(f"groups has {len(g)} values for {len(docs)} texts")
        names, gi = np.unique(g, return_inverse=True)
        if len(names) < 2:
            return []
        t2i = dictionary.token2id
        rows, cols = [], []
        for d, toks in enumerate(docs):
            for t in set(toks):
                i = t2i.get(t)
                if i is not None:
                    rows.append(d)
                    cols.append(i)
        X = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(docs), len(dictionary)))
        G = sparse.csr_matrix((np.ones(len(g)), (gi, np.arange(len(g)))), shape=(len(names), len(g)))
        cnt = np.asarray((G @ X).todense())  # channels x words: texts containing the word
        n_g = np.bincount(gi, minlength=len(names)).astype(float)
        bad: set[int] = set()
        for j in range(len(names)):
            if n_g[j] < 200:  # too few texts to tell a template from a topic
                continue
            p_in = cnt[j] / n_g[j]
            p_out = (cnt.sum(0) - cnt[j] + 1) / max(1.0, n_g.sum() - n_g[j])
            bad |= set(np.flatnonzero((p_in >= self.boilerplate_df) & (p_in / p_out >= self.boilerplate_lift)).tolist())
        return sorted(w for w in (dictionary[i] for i in bad) if w not in keep)

    # ---- topic groups and the self-trained refiner ----------------------------------------------
    def _class_topics(self) -> list[list[int]]:
        """The classes the refiner predicts: one per category carried by topics at fit time, and one
        per free topic without a category."""
        t = self.topics_.sort_values("topic_id")
        out: dict[str, list[int]] = {}
        for k, c in zip(t["topic_id"], t["category"]):
            key = f"free:{k}" if c == OVERIG else f"cat:{c}"
            out.setdefault(key, []).append(int(k))
        return list(out.values())

    def _class_matrix(self) -> np.ndarray:
        M = np.zeros((self.n_topics, len(self.class_topics_)))
        for j, ks in enumerate(self.class_topics_):
            M[ks, j] = 1.0
        return M

    @staticmethod
    def _bows_csr(bows, V: int):
        from scipy import sparse

        lens = np.fromiter((len(b) for b in bows), dtype=np.int64, count=len(bows))
        indptr = np.concatenate(([0], np.cumsum(lens)))
        indices = np.fromiter((i for b in bows for i, _ in b), dtype=np.int64, count=int(indptr[-1]))
        data = np.fromiter((c for b in bows for _, c in b), dtype=np.float64, count=int(indptr[-1]))
        return sparse.csr_matrix((data, indices, indptr), shape=(len(bows), V))

    def _fit_refiner(self, bows, theta: np.ndarray) -> None:
        """Self-training: a classifier over word counts learns the classes from the texts LDA is
        surest of, then votes with LDA (see ``refine``)."""
        self.class_topics_ = self._class_topics()
        self.refiner_ = None
        self.refiner_classes_ = np.zeros(0, dtype=np.int64)
        if not self.refine or not len(theta):
            self.overig_share_ = self._overig_share(theta, None)
            return
        from sklearn.feature_extraction.text import TfidfTransformer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline

        S = theta @ self._class_matrix()
        best = S.argmax(1)
        bv = S[np.arange(len(S)), best]
        ok = (theta.sum(1) > 0) & (bv >= self.overig_threshold)
        rng = np.random.RandomState(self.random_state)
        per_class = max(1, self.refine_max_train // max(1, S.shape[1]))
        sel: list[np.ndarray] = []
        for j in range(S.shape[1]):
            idx = np.flatnonzero(ok & (best == j))
            if len(idx) < 10:
                continue
            idx = idx[np.argsort(-bv[idx], kind="stable")][: max(5, int(np.ceil(self.refine_share * len(idx))))]
            if len(idx) > per_class:
                idx = np.sort(rng.choice(idx, per_class, replace=False))
            sel.append(idx)
        if len(sel) < 2 or sum(map(len, sel)) < 20 * len(sel):  # too few texts to learn words from
            self.overig_share_ = self._overig_share(theta, None)
            return
        train = np.sort(np.concatenate(sel))
        X = self._bows_csr([bows[i] for i in train], len(self.vocab_))
        clf = make_pipeline(TfidfTransformer(sublinear_tf=True),
                            LogisticRegression(C=self.refine_C, max_iter=300, random_state=self.random_state))
        clf.fit(X, best[train])
        self.refiner_ = clf
        self.refiner_classes_ = np.asarray(clf.classes_, dtype=np.int64)
        self.refiner_train_n_ = int(len(train))
        self.overig_share_ = self._overig_share(theta, self._bows_csr(bows, len(self.vocab_)))

    def _overig_share(self, theta: np.ndarray, X) -> float:
        if not len(theta):
            return 0.0
        S = self._scores(theta, X)
        return float((S.max(1, initial=0.0) < self.overig_threshold).mean())

    def _scores(self, theta: np.ndarray, X=None) -> np.ndarray:
        """Per text and class (see :meth:`_class_topics`): LDA's summed topic weight, blended with the
        refiner's probability when there is one (``X``: the texts' word counts). Empty texts: 0."""
        S = theta @ self._class_matrix()
        clf = getattr(self, "refiner_", None)
        if clf is None or X is None:
            return S
        P = np.zeros_like(S)
        P[:, self.refiner_classes_] = clf.predict_proba(X)
        P[theta.sum(1) == 0] = 0.0
        w = float(self.refine_weight)
        return (1.0 - w) * S + w * P

    def _seed_init_sstats(self, corpus, ids_per_group, sstats: np.ndarray) -> np.ndarray:
        K, V = sstats.shape
        G = len(ids_per_group)
        word_topics = [[] for _ in range(V)]
        for k, ids in enumerate(ids_per_group):
            for i in ids:
                word_topics[i].append(k)
        prof = np.zeros((G, V))
        for bow in corpus:
            hits = {k for i, _ in bow for k in word_topics[i]}
            if not hits:
                continue
            w = 1.0 / len(hits)
            ids = [i for i, _ in bow]
            cnt = np.array([c for _, c in bow], dtype=float) * w
            for k in hits:
                prof[k, ids] += cnt
        out = 0.05 * sstats  # gensim's random start, damped so the informed profiles dominate
        scale = self.seed_init
        out[:G] += scale * prof
        # Free topics start from "anchor" words, so they do not die next to the informed seeded
        # topics and can take up what nobody anticipated. An anchor is a frequent non-seed word
        # whose texts do not concentrate on one seeded topic's seeds (1 - max co-occurrence) and
        # that has a focused context (a companion word in many of its texts and rare elsewhere:
        # max over v of P(v|w) log(P(v|w)/P(v))), weighted by log(document frequency):
        # a new signal's own word ("slagboom": knop, testlocatie) scores high, generic words
        # ("goed") and words of known topics low. Chosen greedily so anchors rarely share texts.
        n_free = K - G
        self.anchor_words_ = []
        if n_free > 0:
            from scipy import sparse

            D = len(corpus)
            indptr = np.zeros(D + 1, dtype=np.int64)
            indptr[1:] = np.cumsum([len(b) for b in corpus])
            indices = np.fromiter((i for b in corpus for i, _ in b), dtype=np.int64, count=int(indptr[-1]))
            X = sparse.csr_matrix((np.ones(len(indices)), indices, indptr), shape=(D, V))
            XT = X.T.tocsr()
            dfw = np.asarray(X.sum(0)).ravel()
            seed_words = np.zeros(V, dtype=bool)
            for ids in ids_per_group:
                seed_words[ids] = True
            # texts x groups: does the text contain a seed of the group?
            Gm = sparse.csr_matrix((np.ones(sum(len(x) for x in ids_per_group)),
                                    np.concatenate([np.asarray(x, dtype=np.int64) for x in ids_per_group] or [np.zeros(0, np.int64)]),
                                    np.concatenate(([0], np.cumsum([len(x) for x in ids_per_group])))), shape=(G, V))
            hit = (X @ Gm.T) > 0  # D x G
            cand = np.flatnonzero(~seed_words & (dfw >= max(self.no_below, 3)))
            cand = cand[np.argsort(-dfw[cand], kind="stable")][:1500]
            pv = dfw / D
            scores = []
            for w in cand:
                docs = XT.indices[XT.indptr[w]:XT.indptr[w + 1]]
                n = len(docs)
                cooc_g = np.asarray(hit[docs].sum(0)).ravel() / n
                comp = np.asarray(X[docs].sum(0)).ravel() / n  # P(v | w)
                comp[w] = 0.0
                comp[dfw < 3] = 0.0
                with np.errstate(divide="ignore", invalid="ignore"):
                    focus = np.where(comp > 0, comp * np.log(comp / np.maximum(pv, 1e-12)), 0.0)
                scores.append(np.log(n) * (1.0 - cooc_g.max(initial=0.0)) * focus.max(initial=0.0))
            order = cand[np.argsort(-np.asarray(scores), kind="stable")] if len(cand) else cand
            covered = np.zeros(D, dtype=bool)
            anchors: list[int] = []
            for w in order:
                docs = XT.indices[XT.indptr[w]:XT.indptr[w + 1]]
                if covered[docs].mean() > 0.3:
                    continue
                anchors.append(int(w))
                covered[docs] = True
                if len(anchors) == n_free:
                    break
            for j, w in enumerate(anchors):
                docs = XT.indices[XT.indptr[w]:XT.indptr[w + 1]]
                prof = np.zeros(V)
                for d in docs:
                    b = corpus[d]
                    prof[[i for i, _ in b]] += [c for _, c in b]
                out[G + j] += scale * prof
            self.anchor_words_ = [self.dictionary_[w] for w in anchors]
        return out

    def partial_fit(self, texts: Sequence[str]) -> "TopicModel":
        """Online update with new texts (gensim's online VB). Words unknown to the fitted vocabulary
        are ignored; refit to take new words in. Identities and names are kept."""
        self._check()
        docs = self.preprocessor_.transform(list(texts))
        corpus = [b for b in (self.dictionary_.doc2bow(d) for d in docs) if b]
        if corpus:
            self.lda_.update(corpus)
            self._refresh()
        self.n_docs_ += len(texts)
        self.data_hash_ = hashlib.sha256((self.data_hash_ + data_hash(texts)).encode()).hexdigest()
        return self

    def _refresh(self) -> None:
        lda = self.lda_
        self.alpha_ = np.asarray(lda.alpha, dtype=np.float64)
        lam = lda.state.get_lambda()
        self.topic_word_ = lam / lam.sum(axis=1, keepdims=True)
        self._expElogbetaT = np.ascontiguousarray(np.exp(lda.state.get_Elogbeta()).T)
        self.vocab_ = [self.dictionary_[i] for i in range(len(self.dictionary_))]

    def _check(self) -> None:
        if not hasattr(self, "lda_"):
            raise RuntimeError("this TopicModel is not fitted yet: call fit(texts) first")

    # ---- topics table --------------------------------------------------------------------
    def top_words(self, topic_id: int, n: int = 10) -> list[str]:
        self._check()
        row = self.topic_word_[topic_id]
        return [self.vocab_[i] for i in np.argsort(-row, kind="stable")[:n]]

    def _init_topics(self, groups: list[dict[str, Any]], theta: np.ndarray) -> None:
        rows = []
        dominant = np.where(theta.sum(1) > 0, theta.argmax(1), -1)
        size = np.bincount(dominant[dominant >= 0], minlength=self.n_topics)
        for k in range(self.n_topics):
            words = self.top_words(k, 10)
            if k < len(groups):
                g = groups[k]
                name, cat, sub, seeded = g["name"], g["category"], g["subcategory"], True
            else:
                name, cat, sub, seeded = "Nieuw onderwerp: " + ", ".join(words[:3]), OVERIG, None, False
            rows.append({
                "topic_id": k, "stable_id": f"T{k + 1:03d}", "name": name, "category": cat, "subcategory": sub,
                "seeded": seeded, "seed_key": (f"{cat}/{sub or ''}" if seeded else None), "is_new": False, "top_words": " ".join(words), "size": int(size[k]),
                "share": float(size[k] / max(1, (dominant >= 0).sum())),
            })
        self.topics_ = pd.DataFrame(rows)
        self.size_ = size
        self.overig_share_ = float((theta.max(1, initial=0.0) < self.overig_threshold).mean()) if len(theta) else 0.0

    def _auto_map_free_topics(self, bows, theta: np.ndarray) -> None:
        """Suggest a category for a free topic when most of its texts use that category's seed
        words (>= ``auto_map_share`` of them, twice as many as for any other category). The
        suggestion is marked ``mapped_by='auto'``; staff can change it in topic_names.csv."""
        t = self.topics_
        t["mapped_by"] = np.where(t["seeded"], "taxonomy", None)
        if self.taxonomy is None or not self.auto_map_share or not len(theta):
            self.topics_ = t
            return
        cats = self.taxonomy.categories
        tok2id = self.dictionary_.token2id
        cat_of_word: dict[int, set[int]] = {}
        for ci, c in enumerate(cats):
            seeds = list(c.seeds) + [w for sub in c.subcategories for w in sub.seeds]
            for sw in seeds:
                for tok in (self.preprocessor_.transform([sw])[0] or [sw]):
                    if tok in tok2id:
                        cat_of_word.setdefault(tok2id[tok], set()).add(ci)
        dom = np.where(theta.sum(1) > 0, theta.argmax(1), -1)
        for k in t.index[~t["seeded"].to_numpy(dtype=bool)]:
            docs = np.flatnonzero(dom == int(t.loc[k, "topic_id"]))
            if len(docs) < 5:
                continue
            cov = np.zeros(len(cats))
            for d in docs:
                hit = set()
                for i, _ in bows[d]:
                    hit |= cat_of_word.get(i, set())
                for ci in hit:
                    cov[ci] += 1
            cov /= len(docs)
            order = np.argsort(-cov)
            best, second = cov[order[0]], (cov[order[1]] if len(cov) > 1 else 0.0)
            if best >= self.auto_map_share and best >= 2 * second:
                c = cats[int(order[0])]
                words = self.top_words(int(t.loc[k, "topic_id"]), 3)
                t.loc[k, "category"] = c.key
                t.loc[k, "name"] = f"{c.name}: {', '.join(words)}"
                t.loc[k, "mapped_by"] = "auto"
        self.topics_ = t

    @staticmethod
    def _examples(texts: Sequence[str], theta: np.ndarray, n: int = 3, max_chars: int = 240) -> dict[int, list[str]]:
        """The most typical texts of each topic (highest weight among texts dominated by it)."""
        out: dict[int, list[str]] = {}
        if not len(theta):
            return out
        dom = theta.argmax(1)
        for k in range(theta.shape[1]):
            idx = np.flatnonzero((dom == k) & (theta[:, k] > 0))
            best = idx[np.argsort(-theta[idx, k], kind="stable")]
            seen, ex = set(), []
            for i in best:
                t = str(texts[i])[:max_chars]
                if t not in seen:
                    seen.add(t)
                    ex.append(t)
                if len(ex) >= n:
                    break
            out[k] = ex
        return out

    @property
    def topic_categories_(self) -> list[str | None]:
        """Per topic, its category key (None for free topics nobody has named yet)."""
        self._check()
        return [None if c == OVERIG else c for c in self.topics_["category"]]

    def set_topic_names(self, names: pd.DataFrame) -> "TopicModel":
        """Apply staff's names: a frame with topic_id and any of name, category, subcategory."""
        self._check()
        t = self.topics_.set_index("topic_id")
        n = names.set_index("topic_id")
        for col in ("name", "category", "subcategory"):
            if col in n.columns:
                vals = n[col].where(n[col].notna() & (n[col].astype(str).str.strip() != ""), None)
                for tid, v in vals.items():
                    if tid in t.index and (v is not None or col == "subcategory"):
                        t.loc[tid, col] = None if v is None else str(v).strip()
        self.topics_ = t.reset_index()
        return self

    # ---- inference -----------------------------------------------------------------------
    def _infer(self, bows: Sequence[Sequence[tuple[int, float]]], *, n_jobs: int | None = None, **kw) -> np.ndarray:
        """Variational posterior over topics for bag-of-words documents (rows sum to 1; empty: 0).
        ``n_jobs`` (default: all cores for more than 20,000 documents): split over forked
        processes; each document's result does not depend on the others, so it is the same."""
        from signalen_lib.forking import default_jobs, fork_map

        lens = np.fromiter((len(b) for b in bows), dtype=np.int64, count=len(bows))
        indptr = np.concatenate(([0], np.cumsum(lens)))
        indices = np.fromiter((i for b in bows for i, _ in b), dtype=np.int64, count=int(indptr[-1]))
        data = np.fromiter((c for b in bows for _, c in b), dtype=np.float64, count=int(indptr[-1]))
        n_jobs = default_jobs(len(bows)) if n_jobs is None else n_jobs
        if n_jobs <= 1 or len(bows) < 2 * n_jobs:
            return self._infer_csr(indptr, indices, data, **kw)
        cuts = np.linspace(0, len(bows), n_jobs * 4 + 1).astype(np.int64)

        def part(k: int) -> np.ndarray:
            a, b = cuts[k], cuts[k + 1]
            lo, hi = indptr[a], indptr[b]
            return self._infer_csr(indptr[a:b + 1] - lo, indices[lo:hi], data[lo:hi], **kw)

        return np.vstack(fork_map(part, len(cuts) - 1, n_jobs))

    def _infer_csr(self, indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, *, max_iter: int | None = None,
                   tol: float = 1e-3, batch: int = 8192) -> np.ndarray:
        """The same for documents as CSR rows (word ids, counts). Vectorised over a batch; each
        document iterates until its mean change in gamma is below ``tol`` (gensim's criterion) and
        then stops, so its result does not depend on which other documents share the batch."""
        K = self.n_topics
        n = len(indptr) - 1
        out = np.zeros((n, K))
        max_iter = max_iter or self.iterations
        alpha, betaT = self.alpha_, self._expElogbetaT
        lens_all = np.diff(indptr)
        for start in range(0, n, batch):
            stop = min(n, start + batch)
            lens = lens_all[start:stop]
            nz = np.flatnonzero(lens)
            if not len(nz):
                continue
            lo, hi = indptr[start], indptr[stop]
            cols, vals = indices[lo:hi], data[lo:hi]
            lens_k = lens[nz]
            starts = np.concatenate(([0], np.cumsum(lens_k)[:-1]))
            rows = np.repeat(np.arange(len(nz)), lens_k)
            a_B = betaT[cols]  # nnz x K
            a_vals = vals
            gamma = np.ones((len(nz), K))
            active = np.arange(len(nz))
            a_rows, a_starts = rows, starts
            for _ in range(max_iter):
                g = gamma[active]
                expEt = np.exp(psi(g) - psi(g.sum(1))[:, None])
                phinorm = np.einsum("nk,nk->n", expEt[a_rows], a_B) + 1e-100
                new = alpha + expEt * np.add.reduceat(a_B * (a_vals / phinorm)[:, None], a_starts, axis=0)
                still = np.abs(new - g).mean(1) >= tol
                gamma[active] = new
                if not still.any():
                    break
                if not still.all():  # converged documents stop here
                    keep = np.flatnonzero(still)
                    sel = np.repeat(still, lens_k)
                    active, lens_k = active[keep], lens_k[keep]
                    a_B, a_vals = a_B[sel], a_vals[sel]
                    a_starts = np.concatenate(([0], np.cumsum(lens_k)[:-1]))
                    a_rows = np.repeat(np.arange(len(keep)), lens_k)
            out[start + nz] = gamma / gamma.sum(1, keepdims=True)
        return out

    def bow(self, texts: Iterable[str]) -> list[list[tuple[int, int]]]:
        self._check()
        d2b = self.dictionary_.doc2bow
        return [d2b(d) for d in self.preprocessor_.transform(texts)]

    def _csr(self, texts: Iterable[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Texts as CSR rows of (word id, count), built without per-document dicts."""
        from scipy import sparse

        t2i = self.dictionary_.token2id
        docs = self.preprocessor_.transform(texts)
        ids = [[t2i[t] for t in d if t in t2i] for d in docs]
        lens = np.fromiter((len(x) for x in ids), dtype=np.int64, count=len(ids))
        flat = np.fromiter((i for x in ids for i in x), dtype=np.int64, count=int(lens.sum()))
        rows = np.repeat(np.arange(len(ids)), lens)
        X = sparse.csr_matrix((np.ones(len(flat)), (rows, flat)), shape=(len(ids), len(self.vocab_)))
        X.sum_duplicates()
        X.sort_indices()
        return X.indptr.astype(np.int64), X.indices.astype(np.int64), X.data

    def _transform_serial(self, texts: Sequence[str], return_words: bool = False):
        indptr, indices, data = self._csr(texts)
        theta = self._infer_csr(indptr, indices, data)
        if not return_words:
            return theta
        from scipy import sparse

        return theta, sparse.csr_matrix((data, indices, indptr), shape=(len(indptr) - 1, len(self.vocab_)))

    def transform(self, texts: Iterable[str], *, n_jobs: int | None = None, return_words: bool = False):
        """Document-topic weights, shape (n_texts, n_topics); an empty/uninformative text gives a
        zero row. ``n_jobs`` (default: all cores for more than 20,000 texts) splits the texts over
        forked processes; the result is the same as in one process. ``return_words``: return
        (theta, the texts' word counts as a sparse matrix), so that :meth:`assign` does not
        preprocess the texts a second time."""
        from signalen_lib.forking import can_fork, default_jobs, fork_map

        self._check()
        texts = list(texts)
        if n_jobs is None:
            n_jobs = default_jobs(len(texts))
        if n_jobs <= 1 or len(texts) < 2 * n_jobs or not can_fork():
            return self._transform_serial(texts, return_words=return_words)
        parts = np.array_split(np.arange(len(texts)), n_jobs * 4)
        res = fork_map(lambda k: self._transform_serial([texts[i] for i in parts[k]], return_words=return_words),
                       len(parts), n_jobs)
        if not return_words:
            return np.vstack(res)
        from scipy import sparse

        return np.vstack([r[0] for r in res]), sparse.vstack([r[1] for r in res], format="csr")

    def fit_transform(self, texts: Sequence[str], y=None) -> np.ndarray:
        return self.fit(texts).transform(texts)

    def topic_scores(self, texts: Sequence[str] | None, theta: np.ndarray | None = None, words=None) -> np.ndarray:
        """Per text and topic, the weight that decides categories: LDA's topic weight, or (with the
        refiner) each class's blended score shared over the class's topics in proportion to LDA.
        ``words``: the texts' word counts from ``transform(..., return_words=True)`` (saves
        preprocessing the texts again)."""
        self._check()
        if theta is None:
            if texts is None:
                raise ValueError("pass the texts (and optionally their theta from transform())")
            texts = list(texts)
            theta = self.transform(texts)
        if getattr(self, "refiner_", None) is None:
            return theta
        if words is not None:
            X = words
        else:
            if texts is None:
                raise ValueError("this model refines categories from the texts' words: pass the texts with theta")
            from scipy import sparse

            indptr, indices, data = self._csr(list(texts))
            X = sparse.csr_matrix((data, indices, indptr), shape=(len(indptr) - 1, len(self.vocab_)))
        S = self._scores(theta, X)
        T = np.zeros_like(theta)
        for j, ks in enumerate(self.class_topics_):
            sub = theta[:, ks]
            tot = sub.sum(1, keepdims=True)
            share = np.where(tot > 0, sub / np.where(tot > 0, tot, 1.0), 1.0 / len(ks))
            T[:, ks] = S[:, [j]] * share
        return T

    def _groups(self) -> tuple[list[Any], np.ndarray]:
        """Assignment groups: each category carried by topics (named), and each topic without a
        category on its own. Returns the keys (category str, or topic id int) and a topic x group
        indicator."""
        t = self.topics_.sort_values("topic_id")
        keys: list[Any] = []
        col: dict[Any, int] = {}
        M = []
        for k, c in zip(t["topic_id"], t["category"]):
            key = int(k) if c == OVERIG else str(c)
            if key not in col:
                col[key] = len(keys)
                keys.append(key)
            M.append(col[key])
        ind = np.zeros((self.n_topics, len(keys)))
        ind[np.arange(self.n_topics), M] = 1.0
        return keys, ind

    def assign(self, texts: Sequence[str] | None, ids: Sequence[str] | None = None, *,
               theta: np.ndarray | None = None, words=None) -> pd.DataFrame:
        """Up to ``max_topics`` categories per text, best first, each with probability >=
        ``overig_threshold``: the summed weight of the category's topics (blended with the
        refiner's vote when ``refine``), and its leading topic (topic_id, stable_id, subcategory).
        A free topic nobody has named yet counts on its own, as category ``overig`` with the topic's
        name as subcategory, so a new subject stays visible until staff name it. A text without
        any confident category or free topic gets one ``overig`` row with topic_id -1.

        Pass the texts; ``theta`` (from :meth:`transform` on the same texts) saves inferring it again,
        and ``words`` (``transform(..., return_words=True)``) saves preprocessing them again.
        Columns: signal_id, rank, topic_id (-1: none), stable_id, category, subcategory, prob.
        """
        T = self.topic_scores(texts, theta, words)
        n = T.shape[0]
        ids = np.asarray(list(ids) if ids is not None else np.arange(n)).astype(object)
        keys, ind = self._groups()
        G = T @ ind
        lead = np.zeros(G.shape, dtype=np.int64)  # the leading topic of each group per text
        for g in range(len(keys)):
            ks = np.flatnonzero(ind[:, g])
            lead[:, g] = ks[T[:, ks].argmax(1)] if len(ks) > 1 else ks[0]
        m = min(self.max_topics, len(keys)) or 1
        order = np.argsort(-G, axis=1, kind="stable")[:, :m]
        probs = np.take_along_axis(G, order, axis=1)
        ok = probs >= self.overig_threshold
        top = self.topics_.set_index("topic_id").sort_index()
        cat = top["category"].to_numpy(dtype=object)
        sub = top["subcategory"].to_numpy(dtype=object)
        name = top["name"].to_numpy(dtype=object)
        sid = top["stable_id"].to_numpy(dtype=object)
        r, c = np.nonzero(ok)
        tids = lead[r, order[r, c]]
        free = cat[tids] == OVERIG
        df = pd.DataFrame({
            "signal_id": ids[r], "rank": (c + 1).astype(np.int64), "topic_id": tids.astype(np.int64),
            "stable_id": sid[tids], "category": cat[tids], "subcategory": np.where(free, name[tids], sub[tids]),
            "prob": probs[r, c],
        })
        none = np.flatnonzero(~ok[:, 0])
        if len(none):
            ov = pd.DataFrame({
                "signal_id": ids[none], "rank": np.ones(len(none), dtype=np.int64),
                "topic_id": np.full(len(none), -1, dtype=np.int64), "stable_id": None, "category": OVERIG,
                "subcategory": None, "prob": 1.0 - G[none].max(1, initial=0.0),
            })
            df = pd.concat([df, ov], ignore_index=True)
        pos = pd.Series(np.arange(n), index=pd.Index(ids)).reindex(df["signal_id"]).to_numpy()
        return df.assign(_p=pos).sort_values(["_p", "rank"], kind="stable").drop(columns="_p").reset_index(drop=True)

    def top_topics(self, theta: np.ndarray, ids: Sequence[str] | None = None, *, min_prob: float | None = None) -> pd.DataFrame:
        """Up to ``max_topics`` topics per text with probability >= ``min_prob`` (default the
        overig threshold), whatever their category: signal_id, rank, topic_id, stable_id, prob."""
        self._check()
        min_prob = self.overig_threshold if min_prob is None else min_prob
        n = theta.shape[0]
        ids = np.asarray(list(ids) if ids is not None else np.arange(n)).astype(object)
        m = min(self.max_topics, self.n_topics)
        order = np.argsort(-theta, axis=1, kind="stable")[:, :m]
        probs = np.take_along_axis(theta, order, axis=1)
        r, c = np.nonzero(probs >= min_prob)
        sid = self.topics_.set_index("topic_id").sort_index()["stable_id"].to_numpy(dtype=object)
        tids = order[r, c]
        return pd.DataFrame({"signal_id": ids[r], "rank": (c + 1).astype(np.int64), "topic_id": tids.astype(np.int64),
                             "stable_id": sid[tids], "prob": probs[r, c]})

    def category_scores(self, texts: Sequence[str] | None = None, ids: Sequence[str] | None = None, *,
                        theta: np.ndarray | None = None) -> pd.DataFrame:
        """Per text, the weight per category that :meth:`assign` ranks by (columns: taxonomy keys in
        order, then ``overig``, which takes unnamed free topics and the mass of empty texts). Rows
        sum to 1."""
        theta = self.topic_scores(texts, theta)
        cats = list(self.taxonomy.keys) if self.taxonomy is not None else []
        for c in self.topics_["category"]:
            if c not in cats and c != OVERIG:
                cats.append(c)
        cats.append(OVERIG)
        idx = {c: i for i, c in enumerate(cats)}
        M = np.zeros((self.n_topics, len(cats)))
        for k, c in zip(self.topics_["topic_id"], self.topics_["category"]):
            M[k, idx[c if c in idx else OVERIG]] = 1.0
        S = theta @ M
        S[:, idx[OVERIG]] += 1.0 - theta.sum(1)
        return pd.DataFrame(S, columns=cats, index=pd.Index(list(ids) if ids is not None else range(len(S)), name="signal_id"))

    def topic_category_map(self) -> pd.DataFrame:
        """topic_id, stable_id, name, category, subcategory (the topic -> category mapping)."""
        self._check()
        return self.topics_[["topic_id", "stable_id", "name", "category", "subcategory"]].copy()

    def predict(self, texts: Sequence[str], *, theta: np.ndarray | None = None) -> np.ndarray:
        """Main category per text (``overig`` when no topic is confident enough)."""
        a = self.assign(texts, theta=theta)
        return a.loc[a["rank"] == 1, "category"].to_numpy(dtype=object)

    # ---- quality -------------------------------------------------------------------------
    def diversity(self, topn: int = 25) -> float:
        """Share of unique words among all topics' top ``topn`` words (1 = no overlap)."""
        self._check()
        tops = np.argsort(-self.topic_word_, axis=1)[:, :topn]
        return float(len(np.unique(tops)) / tops.size)

    def coherence(self, texts: Sequence[str] | None = None, *, docs: list[list[str]] | None = None,
                  measures: Sequence[str] = ("c_v", "c_npmi"), topn: int = 10, sample: int = 20_000) -> dict[str, float]:
        """Topic coherence (gensim CoherenceModel) on (a sample of) reference texts."""
        from gensim.models.coherencemodel import CoherenceModel

        self._check()
        if docs is None:
            texts = list(texts)
            if len(texts) > sample:
                rng = np.random.default_rng(self.random_state)
                texts = [texts[i] for i in np.sort(rng.choice(len(texts), sample, replace=False))]
            docs = self.preprocessor_.transform(texts)
        docs = [d for d in docs if d]
        topics = [self.top_words(k, topn) for k in range(self.n_topics)]
        out = {}
        for m in measures:
            cm = CoherenceModel(topics=topics, texts=docs, dictionary=self.dictionary_, coherence=m, topn=topn, processes=1)
            out[m.replace("c_", "")] = float(np.nan_to_num(cm.get_coherence()))
        return out

    def perplexity(self, texts: Sequence[str]) -> float:
        """Held-out perplexity: exp(-log-likelihood per word) of the texts' words under the model,
        with each text's topic mixture inferred by :meth:`transform`; lower is better."""
        self._check()
        bows = [b for b in self.bow(texts) if b]
        if not bows:
            return float("nan")
        theta = self._infer(bows)
        ll, n = 0.0, 0.0
        for d, b in enumerate(bows):
            ids = np.fromiter((i for i, _ in b), dtype=np.int64, count=len(b))
            cnt = np.fromiter((c for _, c in b), dtype=np.float64, count=len(b))
            p = theta[d] @ self.topic_word_[:, ids]
            ll += float(cnt @ np.log(np.maximum(p, 1e-300)))
            n += float(cnt.sum())
        return float(np.exp(-ll / n))

    def metrics(self, texts: Sequence[str] | None = None, heldout: Sequence[str] | None = None) -> dict[str, float]:
        """Quality figures stored with a model: coherence (c_v, NPMI), diversity, held-out perplexity, overig share."""
        m: dict[str, float] = {"diversity": self.diversity(), "overig_share": getattr(self, "overig_share_", float("nan"))}
        if texts is not None:
            m.update(self.coherence(texts))
        if heldout is not None and len(heldout):
            m["perplexity"] = self.perplexity(heldout)
        return m
