"""Active choice of training labels: which texts should staff label next?

Training labels are kept apart from the validation sample (``labels.purpose``): the random,
stratified validation sample stays random so that its metrics stay unbiased, while training
labels are chosen where they teach the model most. :func:`choose_batch` picks ``n`` texts with

* ``strategy="badge"`` (the default; BADGE, Ash et al. 2020): every text's gradient embedding
  for a linear softmax model — (probabilities − one-hot of the predicted category) outer the
  text's features (the latent semantic axes of its n-grams), weighted by 1 / (labels of the
  predicted category) as the model's class-balanced loss weighs it — and k-means++ seeding in that
  space: the first pick is the text with the largest gradient, each next one is drawn with
  probability proportional to its squared distance to the nearest pick. A batch is so both
  *unsure* (a large gradient) and *spread* (unlike the texts picked already), without a weight to
  tune between the two;
* ``strategy="margin"`` (the earlier default): the smallest margin between the two most
  probable categories, weighted toward categories with few labels, then among the
  ``candidates_per_pick × n`` least sure texts one per k-means cluster (the least sure text that
  is also typical of its cluster).

Measured on real Dutch text against random choice at the same label budget
(``benchmarks/bench_active_learning.py``, 3 seeds): see docs/TOPICS.md ("Categories from
training labels"). Either way:

* **a warm start** — before any model exists, a seeded random batch (unbiased: every category in
  proportion), or one chosen for spread alone (``warm_start="spread"``);
* **no near-duplicates** — a text whose n-gram vector is nearly the same (cosine ≥
  ``dup_threshold``) as a labelled text or one already picked is passed over;
* **never in the validation sample** — the caller passes what may be proposed (``eligible``).

:func:`propose_next` does this against the store: it (re)trains the category model on the
training labels so far (each new batch retrains), proposes the next batch, and saves it as a
``training`` sample that the labelling tool opens (``signalen labels next --n N``).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.cluster import KMeans
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits


def margin_uncertainty(proba: np.ndarray) -> np.ndarray:
    """1 - (p1 - p2): 1 when the two most probable categories tie, 0 when the model is certain."""
    P = np.asarray(proba, dtype=float)
    if P.shape[1] < 2:
        return np.zeros(P.shape[0])
    top2 = -np.partition(-P, 1, axis=1)[:, :2]
    return 1.0 - (top2[:, 0] - top2[:, 1])


def _dense(X) -> np.ndarray:
    X = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=float)
    return normalize(X)


def choose_batch(
    n: int,
    *,
    features,
    proba: np.ndarray | None = None,
    eligible: np.ndarray | None = None,
    labelled: np.ndarray | None = None,
    dup_features=None,
    dup_threshold: float = 0.9,
    candidates_per_pick: int = 10,
    label_counts: np.ndarray | None = None,
    warm_start: str = "random",
    strategy: str = "badge",
    seed: int = 0,
) -> np.ndarray:
    """Row indices of the ``n`` texts to label next, in the order to show them (see module doc).

    ``features``: one row per text (dense or sparse; the diversity space). ``proba``: the model's
    probabilities per text (None: the warm start, see ``warm_start``). ``eligible``: bool mask of texts that
    may be proposed (default all). ``labelled``: row indices of texts labelled already (never
    proposed, and their near-duplicates neither). ``dup_features``: the space for near-duplicates
    (default ``features``). ``strategy``: ``badge`` or ``margin`` (see module doc).
    ``label_counts``: labelled texts per column of ``proba``; a text likely to belong to a
    category with few labels counts more, so rare categories get their labels and macro-F1 does
    not lag behind accuracy (``badge``: its gradient is weighted by ``1 / labels of its predicted
    category``, as in the model's class-balanced loss; ``margin``: its uncertainty by the
    expected ``1 / sqrt(1 + labels of its category)``). ``warm_start`` (no ``proba`` yet): ``random`` (a
    seeded random batch: unbiased, every category in proportion) or ``spread`` (k-means
    representatives: the text nearest each cluster's centre)."""
    N = features.shape[0]
    ok = np.ones(N, dtype=bool) if eligible is None else np.asarray(eligible, dtype=bool).copy()
    lab = np.asarray(labelled if labelled is not None else [], dtype=np.int64)
    ok[lab] = False
    idx = np.flatnonzero(ok)
    if n <= 0 or not len(idx):
        return np.zeros(0, dtype=np.int64)
    rng = np.random.default_rng(seed)
    if proba is None and warm_start == "random":
        return _random_batch(n, idx, lab, dup_features if dup_features is not None else features, dup_threshold, rng)
    if warm_start not in ("random", "spread"):
        raise ValueError(f"warm_start must be 'random' or 'spread', not {warm_start!r}")
    if strategy not in ("badge", "margin"):
        raise ValueError(f"strategy must be 'badge' or 'margin', not {strategy!r}")
    score = margin_uncertainty(proba)[idx] if proba is not None else np.zeros(len(idx))
    if proba is not None and label_counts is not None:
        rarity = np.asarray(proba, dtype=float)[idx] @ (1.0 / np.sqrt(1.0 + np.asarray(label_counts, dtype=float)))
        score = score * rarity / max(float(rarity.max()), 1e-12)
    if strategy == "badge" and proba is not None:
        D = normalize(dup_features if dup_features is not None else features)
        return _badge_batch(n, features, np.asarray(proba, dtype=float), idx, lab, D, dup_threshold, rng,
                            label_counts=label_counts)
    # least sure first; equal scores (the warm start) in random order
    order = np.lexsort((rng.random(len(idx)), -score))
    pool = idx[order[: min(len(idx), max(n, candidates_per_pick * n))]]
    pscore = score[order[: len(pool)]]
    D = normalize(dup_features if dup_features is not None else features)
    Dp = D[pool]
    if len(lab):  # near-duplicates of labelled texts are no news
        sim = Dp @ D[lab].T
        sim = sim.max(axis=1).toarray().ravel() if sp.issparse(sim) else np.asarray(sim).max(axis=1)
        keep = sim < dup_threshold
        pool, pscore, Dp = pool[keep], pscore[keep], Dp[keep]
    if not len(pool):
        return np.zeros(0, dtype=np.int64)
    k = min(n, len(pool))
    F = _dense(features[pool])
    with threadpool_limits(1):
        km = KMeans(n_clusters=k, n_init=1, random_state=seed, max_iter=100).fit(F)
    dist = np.linalg.norm(F - km.cluster_centers_[km.labels_], axis=1)
    # within a cluster: least sure × typical (near the cluster's centre, so not an odd outlier
    # that teaches nothing about the rest) first; warm start: nearest the centre first
    typical = np.clip(1.0 - dist ** 2 / 2.0, 0.0, None)  # cosine to the centre direction (unit rows)
    rank_key = -(pscore * typical) if proba is not None else dist
    members = {c: list(np.flatnonzero(km.labels_ == c)[np.argsort(rank_key[km.labels_ == c], kind="stable")])
               for c in range(k)}
    picked: list[int] = []
    cluster_order = sorted(range(k), key=lambda c: (rank_key[members[c][0]] if members[c] else np.inf))
    spare: list[int] = []
    for c in cluster_order:
        chosen = None
        for j in members[c]:
            if chosen is None and not _near(Dp, j, picked, dup_threshold):
                chosen = j
            elif j != chosen:
                spare.append(j)
        if chosen is not None:
            picked.append(chosen)
    if len(picked) < k:  # clusters that held only duplicates: fill from the rest, least sure first
        for j in sorted(spare, key=lambda j: rank_key[j]):
            if len(picked) >= k:
                break
            if j not in picked and not _near(Dp, j, picked, dup_threshold):
                picked.append(j)
    return pool[np.asarray(picked, dtype=np.int64)]


def _badge_batch(n, features, proba, idx, lab, D, threshold, rng, label_counts=None) -> np.ndarray:
    """BADGE (Ash et al. 2020): each text's gradient embedding for a linear softmax model,
    (p - onehot(predicted class)) outer its features, weighted as the model's class-balanced loss
    weighs the predicted class (``label_counts``), then k-means++ seeding in that space: the
    first pick is the largest gradient (least sure), each next one is drawn with probability
    proportional to its squared distance to the nearest pick (uncertain and unlike the others)."""
    X = _dense(features[idx])
    P = proba[idx]
    E = P.copy()
    E[np.arange(len(idx)), P.argmax(axis=1)] -= 1.0
    if label_counts is not None:
        # the gradient of the loss the category model trains with: class-balanced, so a text's
        # gradient weighs 1 / (labels of its predicted category); a text that likely belongs to a
        # category with few labels counts more (macro-F1 needs the rare categories)
        w = 1.0 / np.maximum(np.asarray(label_counts, dtype=float), 1.0)
        E *= (w / w.max())[P.argmax(axis=1)][:, None]
    G = (E[:, :, None] * X[:, None, :]).reshape(len(idx), -1)
    sq = (G ** 2).sum(axis=1)
    picked: list[int] = []
    d2 = sq.copy()
    first = int(np.argmax(sq))
    cand = first
    while len(picked) < min(n, len(idx)):
        if not _near(D, int(idx[cand]), [int(idx[p]) for p in picked], threshold) and not _near_lab(D, int(idx[cand]), lab, threshold):
            picked.append(cand)
            d2 = np.minimum(d2, ((G - G[cand]) ** 2).sum(axis=1))
        d2[cand] = 0.0
        if d2.sum() <= 0:
            break
        cand = int(rng.choice(len(idx), p=d2 / d2.sum()))
    return idx[np.asarray(picked, dtype=np.int64)]


def _near_lab(D, j: int, lab, threshold: float) -> bool:
    return bool(len(lab)) and _near(D, j, [int(x) for x in lab], threshold)


def _random_batch(n, idx, lab, D, threshold, rng) -> np.ndarray:
    """A seeded random batch of ``idx`` without near-duplicates (of ``lab`` or of each other)."""
    D = normalize(D)
    picked: list[int] = []
    for j in rng.permutation(idx):
        if len(picked) >= n:
            break
        rows = list(lab) + picked
        if rows:
            sim = D[rows] @ D[j].T
            sim = sim.toarray() if sp.issparse(sim) else np.asarray(sim)
            if sim.max() >= threshold:
                continue
        picked.append(int(j))
    return np.asarray(picked, dtype=np.int64)


def _near(Dp, j: int, picked: list[int], threshold: float) -> bool:
    if not picked:
        return False
    sim = Dp[picked] @ Dp[j].T
    sim = sim.toarray() if sp.issparse(sim) else np.asarray(sim)
    return bool(sim.max() >= threshold)


# ---- against the store ------------------------------------------------------------------------
def propose_next(store, settings, n: int = 20, *, seed: int | None = None, max_texts: int = 20_000,
                 save: bool = True) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Retrain the category model on the training labels so far, propose the ``n`` texts to label
    next and (``save``) store them as a ``training`` sample for the labelling tool. Texts of the
    validation sample and labelled texts are never proposed.

    Returns (proposals: signal_id, text, position, uncertainty; info: sample_id, n_training_labels,
    retrain record or None)."""
    from signalen_lib.categories.store import fit_on_store, record_retrain, store_corpus
    from signalen_lib.validation.sampling import save_sample, validation_ids

    seed = settings.seed if seed is None else seed
    db = store.shared
    corpus = store_corpus(db, max_texts=max_texts, seed=seed)
    if corpus.empty:  # nothing stored yet: nothing to propose
        return (pd.DataFrame(columns=["signal_id", "text", "position", "uncertainty"]),
                {"n_training_labels": 0, "retrain": None, "sample_id": None})
    topic_model = _current_topic_model(store, settings)
    fitted = fit_on_store(store, settings, corpus=corpus, topic_model=topic_model, seed=seed)
    texts = corpus["text"].tolist()
    counts = None
    if fitted is not None:
        P = fitted.proba
        feats = fitted.model.views_.transform(texts)
        div, dup = feats.get("lsa", feats["ngrams"]), feats["ngrams"]
        have = corpus.loc[corpus["labelled"], "category"].astype(str).value_counts()
        counts = np.array([int(have.get(c, 0)) for c in fitted.model.classes_])
    else:  # a warm start: a random batch without near-duplicates
        from signalen_lib.categories.model import _Views

        views = _Views(char_ngrams=(2, 5), word_ngrams=(1, 2), lsa_dims=100, fasttext_dim=0, fasttext_epochs=0,
                       seed=seed).fit(texts)
        feats = views.transform(texts)
        P, div, dup = None, feats.get("lsa", feats["ngrams"]), feats["ngrams"]
    ids = corpus["signal_id"].astype(str).to_numpy()
    labelled = np.flatnonzero(corpus["labelled"].to_numpy())
    eligible = ~np.isin(ids, list(validation_ids(db)))
    rows = choose_batch(n, features=div, proba=P, eligible=eligible, labelled=labelled, dup_features=dup,
                        label_counts=counts, seed=seed + len(labelled))
    out = pd.DataFrame({"signal_id": ids[rows], "text": corpus["text"].to_numpy()[rows],
                        "position": np.arange(len(rows)),
                        "uncertainty": margin_uncertainty(P[rows]) if P is not None else np.full(len(rows), np.nan)})
    info: dict[str, Any] = {"n_training_labels": int(corpus["labelled"].sum()), "retrain": None, "sample_id": None}
    if fitted is not None:
        info["retrain"] = record_retrain(store, settings, fitted, trigger="labels next")
    if save and len(out):
        sample_id = f"training-{datetime.now():%Y%m%d-%H%M%S}"
        save_sample(db, out.assign(stratum="actief leren"), sample_id, seed=seed, purpose="training")
        info["sample_id"] = sample_id
    return out, info


def _current_topic_model(store, settings):
    """The current topic model (its topic weights are one view of the category model), or None."""
    from signalen_lib.topics.registry import load_model
    from signalen_lib.vocab.models import current_topic_model

    if current_topic_model(store.shared) is None:
        return None
    try:
        return load_model(settings, store=store)
    except FileNotFoundError:
        return None
