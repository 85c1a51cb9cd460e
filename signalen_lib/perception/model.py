"""Perception (beleving) of every signal: compliment, neutraal or klacht, with a probability.

No Dutch sentiment model can be downloaded, so the model is trained on what the municipality
already has:

* **Weak labels from KTO scores.** Every KTO text comes with a 0-10 score. The default bins
  follow the Dutch grading scale: 0-5 is *onvoldoende* (klacht), 6-7 is *voldoende / ruim
  voldoende* - the text that goes with it is typically mixed or matter-of-fact ("het was goed
  maar duurde lang") - (neutraal), 8-10 is *goed / zeer goed* (compliment). Note that the KPI
  counts 6 as dissatisfied (``settings.dissatisfied_max_score``); that is a policy threshold on
  the *score*, whereas the perception describes the *text*, and a 6 is the most mixed text of
  all. The bins are a parameter (``score_bins``).
* **A hand-labelled sample** (the validation part's ``labels`` table, or any DataFrame with
  ``signal_id`` and ``perception``) corrects the weak labels: labelled texts join the training
  set with a larger weight (``label_weight``) and, per source, give the class prior.
* **Source shift.** Complaints and call-back notes have no score and a different class mix (a
  complaint is nearly always a klacht). The classifier ``p(y|x)`` is learnt on KTO plus the hand
  labels. A source with at least ``min_labels_for_prior`` hand labels is left as the model
  predicts it (its labelled texts are in the training set). For a source without (enough) labels
  the class prior is re-estimated by EM on the source's own texts (Saerens, Latinne &
  Decaestecker 2002; with a Dirichlet prior so it cannot run away to one class) and the
  probabilities are re-weighted with it (label-shift adaptation). On the synthetic corpus this
  raises accuracy on unscored sources from 0.54 to 0.72 without any labels; a few hundred hand
  labels do far more (``benchmarks/bench_perception.py``). ``source_feature`` > 0 adds a one-hot
  source feature (off by default: it over-fitted the class mix on small label sets).
* **Voice: a lexicon prior for sources written by staff** (``lexicon_prior``, on by default). The
  label shift above is not the whole story: KTO texts are written by the citizen, and there a
  problem described is a complaint; a call-back note is written *about* the citizen by staff, who
  report the problem neutrally and write "klant boos" or "bedankt" when there was a feeling to
  report. For each source without scores or enough labels the model is mixed with a small Dutch
  evaluative lexicon (weighted geometric mean; :mod:`signalen_lib.perception.lexicon`), the
  model's weight being the source's share of first-person texts relative to the training texts'
  (at most 1): complaint letters ("ik", "mijn") keep the model, call-back notes get the lexicon.
  On the synthetic corpus this raises accuracy on the unscored sources from 0.57 to 0.87 without
  any hand label. A source in a staff voice *with* enough hand labels gets the weight (of its
  voice weight, 0.25, 0.5, 0.75 or 1) under which its labels, predicted out of fold, are most
  likely: the labels decide how far the lexicon is still needed (300 labels: 0.80 -> 0.85).

The classifier is word (1-2) + character (3-5, within word bounds) TF-IDF n-grams and a
multinomial logistic regression, in scikit-learn estimator style.
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import re
from datetime import datetime
from typing import Any, Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.pipeline import FeatureUnion
from threadpoolctl import threadpool_limits

from signalen_lib.perception.lexicon import first_person_share, lexicon_proba, voice_weight
from signalen_lib.schema import PERCEPTIONS
from signalen_lib.text.ngrams import CharWbTfidfVectorizer
from signalen_lib.store.queries import analyze

CLASSES = ("klacht", "neutraal", "compliment")  # fixed order of predict_proba's columns
DEFAULT_SCORE_BINS: tuple[tuple[int, int, str], ...] = ((0, 5, "klacht"), (6, 7, "neutraal"), (8, 10, "compliment"))

_PLACEHOLDER = re.compile(r"[\[<{][^\[\]<>{}\s]{1,30}[\]>}]")
_DIGITS = re.compile(r"\d+")


def normalise_text(text: str) -> str:
    """Lower-case; masking placeholders ([NAAM], <PERSOON>, ...) become one token; digits become 0."""
    text = _PLACEHOLDER.sub(" xplaceholderx ", str(text))
    return _DIGITS.sub("0", text.lower())


def weak_labels(scores: Sequence, bins: Sequence[tuple[int, int, str]] = DEFAULT_SCORE_BINS) -> np.ndarray:
    """Map 0-10 scores to perceptions with ``bins`` ((lo, hi, label), inclusive); missing -> None."""
    s = pd.to_numeric(pd.Series(list(scores), dtype="object"), errors="coerce")
    out = np.full(len(s), None, dtype=object)
    for lo, hi, lab in bins:
        out[((s >= lo) & (s <= hi)).to_numpy()] = lab
    return out


def _em_prior(proba: np.ndarray, train_prior: np.ndarray, max_iter: int = 200, tol: float = 1e-6,
              smoothing: float = 0.1) -> np.ndarray:
    """EM estimate of a new class prior from a classifier's posteriors (Saerens et al. 2002), with
    a Dirichlet prior worth ``smoothing`` x n pseudo-texts at the training prior (MAP-EM): plain EM
    runs away to a single class when the texts differ from the training texts in more than the
    class mix."""
    prior = train_prior.copy()
    n = len(proba)
    a = smoothing * n * train_prior
    for _ in range(max_iter):
        w = proba * (prior / train_prior)
        w /= w.sum(axis=1, keepdims=True)
        new = (w.sum(axis=0) + a) / (n + a.sum())
        if np.abs(new - prior).max() < tol:
            prior = new
            break
        prior = new
    return np.clip(prior, 1e-3, None) / np.clip(prior, 1e-3, None).sum()


def _shift(proba: np.ndarray, train_prior: np.ndarray, prior: np.ndarray) -> np.ndarray:
    w = proba * (prior / train_prior)
    return w / w.sum(axis=1, keepdims=True)


class PerceptionClassifier(ClassifierMixin, BaseEstimator):
    """compliment / neutraal / klacht from text, trained on weak score labels plus hand labels.

    ``fit(texts, y=None, scores=..., sources=...)``: ``y`` holds hand labels (None where a text is
    not labelled), ``scores`` KTO scores (NaN where none). A text with a hand label is trained on
    that label (weight ``label_weight``); otherwise a text with a score on its weak label
    (weight 1); texts with neither are only used to estimate their source's class prior.

    Fitted attributes: ``vectorizer_``, ``clf_``, ``classes_``, ``train_prior_`` (class shares
    of the training set), ``source_priors_`` ({source: prior array}), ``prior_method_``
    ({source: "labels" | "em" | "train"}), ``source_voice_`` ({source: weight of the text model
    against the lexicon}), ``n_weak_``, ``n_labelled_``.
    """

    def __init__(
        self,
        score_bins: Sequence[tuple[int, int, str]] = DEFAULT_SCORE_BINS,
        label_weight: float = 5.0,
        C: float = 4.0,
        word_ngrams: tuple[int, int] = (1, 2),
        char_ngrams: tuple[int, int] = (3, 5),
        min_df: int = 2,
        max_features: int | None = 200_000,
        adapt_priors: bool = True,
        min_labels_for_prior: int = 30,
        source_feature: float = 0.0,
        em_smoothing: float = 0.1,
        max_train: int | None = 200_000,
        lexicon_prior: bool = True,
        random_state: int = 42,
    ):
        self.score_bins = score_bins
        self.label_weight = label_weight
        self.C = C
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.min_df = min_df
        self.max_features = max_features
        self.adapt_priors = adapt_priors
        self.min_labels_for_prior = min_labels_for_prior
        self.source_feature = source_feature
        self.em_smoothing = em_smoothing
        self.max_train = max_train
        self.lexicon_prior = lexicon_prior
        self.random_state = random_state

    # ---- fitting -------------------------------------------------------------------------
    def _make_vectorizer(self) -> FeatureUnion:
        half = None if self.max_features is None else max(1000, self.max_features // 2)
        return FeatureUnion([
            ("word", TfidfVectorizer(preprocessor=normalise_text, ngram_range=tuple(self.word_ngrams),
                                     min_df=self.min_df, max_features=half, sublinear_tf=True,
                                     token_pattern=r"(?u)\b\w+\b", dtype=np.float32)),
            ("char", CharWbTfidfVectorizer(preprocessor=normalise_text, analyzer="char_wb",
                                     ngram_range=tuple(self.char_ngrams), min_df=self.min_df,
                                     max_features=half, sublinear_tf=True, dtype=np.float32)),
        ])

    def _features(self, texts, src, fit: bool = False):
        import scipy.sparse as sp

        Xt = self.vectorizer_.fit_transform(texts) if fit else self.vectorizer_.transform(texts)
        if not self.sources_:
            return Xt
        index = {s: i for i, s in enumerate(self.sources_)}
        rows = [i for i, s in enumerate(src) if s in index]
        cols = [index[src[i]] for i in rows]
        onehot = sp.csr_matrix((np.full(len(rows), float(self.source_feature)), (rows, cols)),
                               shape=(len(texts), len(self.sources_)), dtype=np.float32)
        return sp.hstack([Xt, onehot], format="csr")

    def fit(self, X, y=None, *, scores=None, sources=None, sample_weight=None):
        texts = pd.Series(list(X), dtype="object").fillna("").astype(str).to_numpy()
        n = len(texts)
        hand = np.full(n, None, dtype=object) if y is None else np.array(
            [v if isinstance(v, str) and v in CLASSES else None for v in y], dtype=object)
        weak = weak_labels(scores, self.score_bins) if scores is not None else np.full(n, None, dtype=object)
        src = np.array(["?"] * n, dtype=object) if sources is None else pd.Series(list(sources), dtype="object").fillna("?").to_numpy()
        label = np.where(pd.notna(hand), hand, weak)
        weight = np.where(pd.notna(hand), float(self.label_weight), 1.0)
        if sample_weight is not None:
            weight = weight * np.asarray(sample_weight, dtype=float)
        train = np.flatnonzero(pd.notna(label))
        is_hand = pd.notna(hand)
        # cap the weakly-labelled part (hand labels are always kept)
        weak_idx = train[~is_hand[train]]
        if self.max_train is not None and len(weak_idx) > self.max_train:
            rng = np.random.default_rng(self.random_state)
            weak_idx = np.sort(rng.choice(weak_idx, self.max_train, replace=False))
            train = np.sort(np.concatenate([weak_idx, train[is_hand[train]]]))
        present = set(label[train])
        missing = [c for c in CLASSES if c not in present]
        if missing:
            raise PerceptionDataError(f"perception training data has no examples of {missing}: need KTO scores or labels of every class")
        self.vectorizer_ = self._make_vectorizer()
        self.sources_ = sorted(set(src[train])) if (sources is not None and self.source_feature) else []
        Xt = self._features(texts[train], src[train], fit=True)
        self.clf_ = LogisticRegression(C=self.C, solver="newton-cg", max_iter=300, random_state=self.random_state)
        with threadpool_limits(1):  # sparse problem: BLAS threads only oversubscribe a busy machine
            self.clf_.fit(Xt.astype(np.float64), label[train].astype(str), sample_weight=weight[train])
        # column order of predict_proba = CLASSES
        self._order = [list(self.clf_.classes_).index(c) for c in CLASSES]
        self.classes_ = np.array(CLASSES)
        yt = label[train]
        self.train_prior_ = np.array([(weight[train] * (yt == c)).sum() for c in CLASSES]) / weight[train].sum()
        self.n_weak_ = int((~is_hand[train]).sum())
        self.n_labelled_ = int(is_hand.sum())
        # class prior per source; for a source without scores or labels also its voice (see lexicon.py)
        self.source_priors_: dict[str, np.ndarray] = {}
        self.prior_method_: dict[str, str] = {}
        self.source_voice_: dict[str, float] = {}
        self.voice_reference_ = first_person_share(texts[train]) if self.lexicon_prior else 0.0
        if self.adapt_priors and sources is not None:
            for s in pd.unique(src):
                m = src == s
                has_score = pd.notna(weak[m]).mean() if m.any() else 0.0
                n_hand = int((is_hand & m).sum())
                if n_hand >= self.min_labels_for_prior:
                    # the source's own hand labels (in the training set) taught the model its texts
                    self.prior_method_[s] = "labels"
                    if self.lexicon_prior and sources is not None:
                        w = voice_weight(texts[m], self.voice_reference_)
                        if w < 1.0:  # a staff voice: let the source's labels say how far to trust the model
                            self.source_voice_[s] = self._voice_from_labels(texts, hand, scores, src, s, w)
                elif has_score >= 0.5:
                    # a scored source is the training distribution itself
                    self.prior_method_[s] = "scores"
                else:
                    idx = np.flatnonzero(m)
                    if len(idx) > 20_000:
                        idx = np.random.default_rng(self.random_state).choice(idx, 20_000, replace=False)
                    base = self._base_proba(texts[idx], src[idx])
                    self.source_priors_[s] = _em_prior(base, self.train_prior_, smoothing=self.em_smoothing)
                    self.prior_method_[s] = "em"
                    if self.lexicon_prior:
                        self.source_voice_[s] = voice_weight(texts[idx], self.voice_reference_)
        return self

    def _voice_from_labels(self, texts, hand, scores, src, source: str, voice: float) -> float:
        """The text model's weight for a labelled source in a staff voice, chosen on its hand
        labels: two folds, each predicted by a model fitted without that fold's labels; the weight
        (of ``voice``, 0.25, 0.5, 0.75, 1) with the highest out-of-fold likelihood wins."""
        from sklearn.base import clone

        rows = np.flatnonzero(pd.notna(hand) & (src == source))
        rng = np.random.default_rng(self.random_state)
        fold = rng.permutation(len(rows)) % 2
        oof = np.zeros((len(rows), 3))
        params = {"lexicon_prior": False, "adapt_priors": False,
                  "max_train": min(self.max_train or 50_000, 50_000)}
        for f in (0, 1):
            held = rows[fold == f]
            y = hand.copy()
            y[held] = None
            sub = clone(self).set_params(**params).fit(texts, y, scores=scores)
            oof[fold == f] = sub._base_proba(texts[held])
        truth = np.array([CLASSES.index(v) for v in hand[rows]])
        lex = np.log(lexicon_proba(texts[rows]))
        best, best_ll = 1.0, -np.inf
        for a in sorted({round(float(voice), 3), 0.25, 0.5, 0.75, 1.0}):
            z = a * np.log(np.clip(oof, 1e-9, None)) + (1 - a) * lex
            z = z - z.max(axis=1, keepdims=True)
            logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
            ll = float(logp[np.arange(len(rows)), truth].mean())
            if ll > best_ll + 1e-9:
                best, best_ll = a, ll
        return best

    # ---- prediction ----------------------------------------------------------------------
    def _base_proba(self, texts, sources=None) -> np.ndarray:
        t = pd.Series(list(texts), dtype="object").fillna("").astype(str).to_numpy()
        src = np.array(["?"] * len(t), dtype=object) if sources is None else pd.Series(list(sources), dtype="object").fillna("?").to_numpy()
        with threadpool_limits(1):
            return self.clf_.predict_proba(self._features(t, src).astype(np.float64))[:, self._order]

    def predict_proba(self, X, sources=None) -> np.ndarray:
        """Class probabilities, columns in ``classes_`` order (klacht, neutraal, compliment).
        With ``sources`` (and ``adapt_priors``) each row is re-weighted to its source's prior."""
        X = pd.Series(list(X), dtype="object").fillna("").astype(str).to_numpy()
        proba = self._base_proba(X, sources)
        if sources is not None and self.adapt_priors and self.source_priors_:
            src = pd.Series(list(sources), dtype="object").fillna("?").to_numpy()
            for s, prior in self.source_priors_.items():
                m = src == s
                if m.any():
                    proba[m] = _shift(proba[m], self.train_prior_, prior)
        if sources is not None and getattr(self, "source_voice_", None):
            src = pd.Series(list(sources), dtype="object").fillna("?").to_numpy()
            # a source in a staff voice: the weighted geometric mean of the model and the lexicon
            for s, a in self.source_voice_.items():
                m = src == s
                if m.any() and a < 1.0:
                    z = a * np.log(np.clip(proba[m], 1e-9, None)) + (1 - a) * np.log(lexicon_proba(X[m]))
                    z = np.exp(z - z.max(axis=1, keepdims=True))
                    proba[m] = z / z.sum(axis=1, keepdims=True)
        return proba

    def predict(self, X, sources=None) -> np.ndarray:
        return self.classes_[self.predict_proba(X, sources=sources).argmax(axis=1)]

    def describe_priors(self) -> dict[str, dict[str, Any]]:
        """Per source: how its class mix is handled ("scores": it is the training data, "labels":
        learnt from its hand labels, "em": re-estimated by EM - with that prior)."""
        out: dict[str, dict[str, Any]] = {}
        for s, method in self.prior_method_.items():
            out[s] = {"method": method}
            if s in self.source_priors_:
                out[s].update({c: round(float(p), 3) for c, p in zip(CLASSES, self.source_priors_[s])})
            if s in getattr(self, "source_voice_", {}):
                out[s]["text_model_weight"] = round(float(self.source_voice_[s]), 3)
        return out


# ---- labels ------------------------------------------------------------------------------
def majority_labels(labels: pd.DataFrame | None) -> pd.Series:
    """One perception per signal_id from a labels frame (several labellers: majority, ties -> first)."""
    if labels is None or len(labels) == 0 or "perception" not in labels.columns:
        return pd.Series(dtype="object")
    df = labels[["signal_id", "perception"]].copy()
    df["perception"] = df["perception"].astype("object").where(df["perception"].notna(), None)
    df = df[df["perception"].isin(PERCEPTIONS)]
    if df.empty:
        return pd.Series(dtype="object")
    df["_order"] = np.arange(len(df))
    counts = df.groupby(["signal_id", "perception"], sort=False).agg(n=("_order", "size"), first=("_order", "min")).reset_index()
    counts = counts.sort_values(["signal_id", "n", "first"], ascending=[True, False, True])
    best = counts.drop_duplicates("signal_id")
    return pd.Series(best["perception"].to_numpy(dtype=object), index=best["signal_id"].to_numpy(dtype=object))


def read_labels(store) -> pd.DataFrame | None:
    """The validation part's ``labels`` table (signal_id, perception, ...) if it exists and has perceptions."""
    db = store.shared
    if not db.table_exists("labels"):
        return None
    cols = db.columns("labels")
    if "perception" not in cols:
        return None
    df = db.query_df("SELECT signal_id, perception FROM labels WHERE perception IS NOT NULL")
    return df if len(df) else None


def metrics(y_true, y_pred) -> dict[str, float]:
    y_true = np.asarray(list(y_true), dtype=object)
    y_pred = np.asarray(list(y_pred), dtype=object)
    if len(y_true) == 0:
        return {"n": 0, "accuracy": float("nan"), "macro_f1": float("nan")}
    return {
        "n": int(len(y_true)),
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "macro_f1": float(f1_score(y_true, y_pred, labels=list(CLASSES), average="macro", zero_division=0)),
    }


# ---- store ---------------------------------------------------------------------------------
def _load_signals(store) -> pd.DataFrame:
    df = store.shared.query_df("SELECT signal_id, source, score, text FROM signals ORDER BY signal_id")
    df["text"] = df["text"].astype("object").fillna("")
    df["score"] = pd.to_numeric(df["score"], errors="coerce")
    return df


def _model_version(df: pd.DataFrame, params: dict) -> str:
    h = hashlib.sha256()
    h.update(json.dumps(params, sort_keys=True, default=str).encode())
    h.update(str(len(df)).encode())
    h.update("|".join(df["signal_id"].iloc[:: max(1, len(df) // 1000)].astype(str)).encode())
    return f"perc-{datetime.now():%Y%m%d%H%M%S}-{h.hexdigest()[:8]}"


class PerceptionDataError(ValueError):
    """The training data lacks one of the classes (no KTO scores and no hand labels for it)."""


def _trainable(scores: np.ndarray, y: np.ndarray, base) -> bool:
    """Whether scores (binned as the model bins them) and hand labels give every class an example."""
    present = {v for v in y if isinstance(v, str)}
    s = scores[~np.isnan(scores)]
    if len(s):
        present |= {v for v in weak_labels(s, base.score_bins) if isinstance(v, str)}
    return all(c in present for c in CLASSES)


_EVAL_STATE = None
_PARALLEL_EVAL_MIN = 20_000  # signals from which the held-out evaluation is fitted in a second process


def _evaluate_held_out() -> dict[str, Any]:
    """Fit on everything but the held-out scores and labels; agreement on the held-out part."""
    model, texts, y, scores, sources, held_weak, held_lab = _EVAL_STATE
    y_fit, s_fit = y.copy(), scores.copy()
    s_fit[held_weak] = np.nan
    y_fit[held_lab] = None
    m_eval = model.fit(texts, y_fit, scores=s_fit, sources=sources)
    ev: dict[str, Any] = {}
    if len(held_weak):
        pred = m_eval.predict(texts[held_weak], sources=sources[held_weak])
        ev["kto_vs_score_bins"] = metrics(weak_labels(scores[held_weak], model.score_bins), pred)
    if len(held_lab):
        pred = m_eval.predict(texts[held_lab], sources=sources[held_lab])
        has_score = ~np.isnan(scores[held_lab])
        ev["labels_with_score"] = metrics(y[held_lab][has_score], pred[has_score])
        ev["labels_without_score"] = metrics(y[held_lab][~has_score], pred[~has_score])
    return ev


def perception_frame(fitted: PerceptionClassifier, signals: pd.DataFrame, version: str) -> pd.DataFrame:
    """``signal_perception`` rows for ``signals`` (columns signal_id, source, text) under a fitted
    model: the most likely perception, its probability and the three class probabilities. Row by
    row (the per-source priors are fitted), so any split of the signals gives the same rows."""
    texts = signals["text"].astype("object").fillna("").to_numpy(dtype=object)
    proba = fitted.predict_proba(texts, sources=signals["source"].to_numpy(dtype=object))
    best = proba.argmax(axis=1)
    return pd.DataFrame({
        "signal_id": signals["signal_id"].to_numpy(dtype=object),
        "model_version": version,
        "perception": np.array(CLASSES, dtype=object)[best],
        "prob": proba[np.arange(len(signals)), best].astype(float),
        "p_klacht": proba[:, 0].astype(float),
        "p_neutraal": proba[:, 1].astype(float),
        "p_compliment": proba[:, 2].astype(float),
    })


def assign_perception(
    store,
    settings,
    labels: pd.DataFrame | None = None,
    *,
    model: PerceptionClassifier | None = None,
    evaluate: bool = True,
    holdout: float = 0.2,
    save_model: bool = True,
    map_frame=None,
) -> dict[str, Any]:
    """Fit the perception model on the store's signals and write ``signal_perception`` (replacing it).

    ``labels``: hand-labelled perceptions (``signal_id``, ``perception``); default: the ``labels``
    table when it exists. ``model``: an unfitted :class:`PerceptionClassifier` with other
    parameters. With ``evaluate``, a first fit leaves out ``holdout`` of the scored texts and
    half of the labelled ones and reports agreement on them (weak labels: the score bins; hand
    labels: per group "kto" and "zonder score"). Returns a summary dict.

    ``map_frame(fitted, signals, version)``: predicts elsewhere (the Dask engine, which broadcasts
    the fitted model and maps :func:`perception_frame` over partitions); default
    :func:`perception_frame` here. Either way the rows come back in the order of ``signals``.
    """
    from sklearn.base import clone

    df = _load_signals(store)
    if df.empty:
        return {"model_version": None, "n_signals": 0, "message": "no signals in the store"}
    if labels is None:
        labels = read_labels(store)
    lab = majority_labels(labels)
    y = df["signal_id"].map(lab).astype("object").to_numpy() if len(lab) else np.full(len(df), None, dtype=object)
    y = np.array([v if isinstance(v, str) else None for v in y], dtype=object)
    base = model if model is not None else PerceptionClassifier(random_state=settings.seed)
    texts, scores, sources = df["text"].to_numpy(dtype=object), df["score"].to_numpy(dtype=float), df["source"].to_numpy(dtype=object)
    summary: dict[str, Any] = {"n_signals": int(len(df)), "n_labelled": int(pd.notna(y).sum())}

    if not _trainable(scores, y, base):
        summary.update(model_version=None, skipped="geen KTO-scores of labels van elke beleving om van te leren")
        return summary
    pending = None
    if evaluate:
        rng = np.random.default_rng(base.random_state)
        scored = np.flatnonzero(~np.isnan(scores) & pd.isna(y))
        held_weak = rng.choice(scored, int(len(scored) * holdout), replace=False) if len(scored) else np.array([], int)
        labelled = np.flatnonzero(pd.notna(y))
        held_lab = rng.choice(labelled, len(labelled) // 2, replace=False) if len(labelled) >= 20 else np.array([], int)
        global _EVAL_STATE
        _EVAL_STATE = (clone(base), texts, y, scores, sources, held_weak, held_lab)
        workers = int(settings.workers or 0)
        if (workers == 0 or workers > 1) and (os.cpu_count() or 1) > 1 and len(df) >= _PARALLEL_EVAL_MIN \
                and hasattr(os, "fork"):
            # the evaluation model learns in a forked process while this one fits the final model
            import multiprocessing as mp
            from concurrent.futures import ProcessPoolExecutor

            pool = ProcessPoolExecutor(1, mp_context=mp.get_context("fork"))
            pending = (pool, pool.submit(_evaluate_held_out))
        else:
            summary["evaluation"] = _evaluate_held_out()
        _EVAL_STATE = None

    try:
        fitted = clone(base).fit(texts, y, scores=scores, sources=sources)
        if pending is not None:
            summary["evaluation"] = pending[1].result()
    finally:
        if pending is not None:
            pending[0].shutdown(wait=False, cancel_futures=True)
    params = {k: (list(v) if isinstance(v, tuple) else v) for k, v in fitted.get_params().items()}
    version = _model_version(df, params)
    out = (map_frame or perception_frame)(fitted, df, version)
    path = None
    if save_model:
        d = settings.models_dir / "perception"
        d.mkdir(parents=True, exist_ok=True)
        path = d / f"{version}.pkl"
        with open(path, "wb") as fh:
            pickle.dump(fitted, fh)
    dist = (
        pd.DataFrame({"source": sources, "perception": out["perception"]})
        .groupby("source")["perception"].value_counts(normalize=True).round(3)
    )
    summary.update({
        "model_version": version,
        "n_train_weak": fitted.n_weak_,
        "source_priors": fitted.describe_priors(),
        "distribution": {s: dist[s].to_dict() for s in dist.index.get_level_values(0).unique()},
    })
    db = store.shared
    with db.transaction():
        db.execute("DELETE FROM signal_perception")
        db.insert_df("signal_perception", out)
        db.execute("UPDATE perception_models SET is_current = FALSE")
        db.execute("DELETE FROM perception_models WHERE model_version = ?", [version])  # same data and second: same model
        db.execute(
            "INSERT INTO perception_models (model_version, created_at, params, n_train, n_labelled, metrics, source_priors, "
            "is_current, path, org_code) VALUES (?, ?, ?, ?, ?, ?, ?, TRUE, ?, ?)",
            [version, datetime.now(), json.dumps(params, default=str), fitted.n_weak_ + fitted.n_labelled_,
             fitted.n_labelled_, json.dumps(summary.get("evaluation", {})), json.dumps(fitted.describe_priors()),
             str(path) if path else None, settings.organisation_code],
        )
    analyze(db, "signal_perception")
    return summary


def load_perception_model(settings, model_version: str | None = None, store=None) -> PerceptionClassifier:
    """The pickled model of ``model_version`` (default: the current one recorded in the store)."""
    if model_version is None:
        if store is None:
            raise ValueError("give model_version or a store to find the current perception model")
        row = store.shared.query_df("SELECT path FROM perception_models WHERE is_current LIMIT 1")
        if row.empty or not row.loc[0, "path"]:
            raise FileNotFoundError("no saved current perception model (run `signalen perception`)")
        path = row.loc[0, "path"]
    else:
        path = settings.models_dir / "perception" / f"{model_version}.pkl"
    with open(path, "rb") as fh:
        return pickle.load(fh)


def perception_summary_frame(summary: dict[str, Any]) -> pd.DataFrame:
    """The share of compliment / neutraal / klacht per source, in Dutch, from :func:`assign_perception`'s summary."""
    from signalen_lib.vocab.fmt import fmt_pct

    if summary.get("skipped"):
        return pd.DataFrame({"beleving": [f"niet bepaald: {summary['skipped']}"]})

    rows = [{"bron": src, **{p: fmt_pct(d.get(p, 0.0)) for p in ("compliment", "neutraal", "klacht")}}
            for src, d in (summary.get("distribution") or {}).items()]
    return pd.DataFrame(rows, columns=["bron", "compliment", "neutraal", "klacht"])


def assign_new_perception(store, settings) -> dict[str, Any] | None:
    """The nightly path: the current perception model gives a perception to the signals that have
    none yet; the others keep theirs. None when the model must be fitted again instead: there is
    no current model (or its file is gone), the topic model was fitted after it (the initial load
    or a refit: perception is refitted with it), or the hand labels changed since it was fitted."""
    from signalen_lib.runs.timing import timed
    from signalen_lib.vocab.models import current_perception_model, current_topic_model

    db = store.shared
    version = current_perception_model(db)
    if version is None or not db.table_exists("signal_perception"):
        return None
    row = db.query_df("SELECT created_at, n_labelled, path FROM perception_models WHERE model_version = ?", [version])
    topic = current_topic_model(db)
    if row.empty or not row.loc[0, "path"]:
        return None
    if topic is not None:
        fitted_at = db.scalar("SELECT created_at FROM topic_models WHERE model_version = ?", [topic])
        if fitted_at is not None and pd.Timestamp(fitted_at) > pd.Timestamp(row.loc[0, "created_at"]):
            return None
    with timed("perception: count hand labels"):
        n_lab = 0
        if db.table_exists("labels") and "perception" in db.columns("labels"):
            marks = ", ".join("?" for _ in PERCEPTIONS)
            n_lab = int(db.scalar(
                "SELECT count(DISTINCT l.signal_id) FROM labels l JOIN signals s ON s.signal_id = l.signal_id "
                f"WHERE l.perception IN ({marks})", list(PERCEPTIONS)) or 0)
    if n_lab != int(row.loc[0, "n_labelled"] or 0):
        return None
    try:
        with timed("perception: load current model"):
            fitted = load_perception_model(settings, store=store)
    except (FileNotFoundError, OSError, pickle.UnpicklingError):
        return None
    with timed("perception: read new signals") as t:
        df = db.query_df("SELECT s.signal_id, s.source, s.text FROM signals s WHERE NOT EXISTS "
                         "(SELECT 1 FROM signal_perception p WHERE p.signal_id = s.signal_id) ORDER BY s.signal_id")
        t.count = len(df)
    if len(df):
        with timed("perception: predict new signals", count=len(df)):
            out = perception_frame(fitted, df, version)
        with timed("perception: write", count=len(out)), db.transaction():
            db.insert_df("signal_perception", out, on_conflict_ignore=True)
    return {"model_version": version, "n_signals": int(len(df)), "n_labelled": n_lab, "incremental": True}


def perception_step(store, settings, *, map_frame=None) -> dict[str, Any]:
    """The pipeline's perception step: the signals without a perception get one from the current
    model (:func:`assign_new_perception`); when that model must be fitted again (first run, a new
    topic model, changed hand labels) it is fitted and every signal is assigned. Counts for the run record.
    ``map_frame``: see :func:`assign_perception` (the Dask engine's)."""
    from signalen_lib.runs.timing import timed

    summary = assign_new_perception(store, settings)
    if summary is None:
        with timed("perception: fit and assign all"):
            summary = assign_perception(store, settings, map_frame=map_frame)
    if summary.get("skipped"):
        return {"skipped": summary["skipped"]}
    dist = store.shared.query_df("SELECT perception, count(*) AS n FROM signal_perception GROUP BY perception")
    out = {"model_version": summary.get("model_version"), "signals": summary.get("n_signals", 0),
           "hand_labels": summary.get("n_labelled", 0), "mode": "new only" if summary.get("incremental") else "fit"}
    out.update({str(p): int(n) for p, n in zip(dist["perception"], dist["n"])})
    return out