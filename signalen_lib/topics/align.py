"""Stable topic identities across retrains: match each new topic to its predecessor.

A seeded topic keeps the identity of the previous model's topic with the same seed group. The
other topics of two models are compared by the Hellinger distance between their topic-word
distributions over the union of both vocabularies; the Hungarian algorithm
(``scipy.optimize.linear_sum_assignment``) pairs them one to one. A pair closer than
``max_distance`` is the same topic: the new topic takes the old one's stable id, name, category
and subcategory. Unpaired or distant new topics are genuinely new (``is_new``) and get a fresh
stable id.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

DEFAULT_MAX_DISTANCE = 0.75


def _on_union(vocab_a: list[str], P: np.ndarray, vocab_b: list[str], Q: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    index = {w: i for i, w in enumerate(vocab_a)}
    extra = [w for w in vocab_b if w not in index]
    for w in extra:
        index[w] = len(index)
    U = len(index)
    A = np.zeros((P.shape[0], U))
    A[:, : P.shape[1]] = P
    B = np.zeros((Q.shape[0], U))
    B[:, [index[w] for w in vocab_b]] = Q
    A /= A.sum(1, keepdims=True)
    B /= B.sum(1, keepdims=True)
    return A, B


def hellinger_matrix(P: np.ndarray, Q: np.ndarray) -> np.ndarray:
    """Hellinger distances (0..1) between rows of P and rows of Q (same columns)."""
    bc = np.sqrt(P) @ np.sqrt(Q).T
    return np.sqrt(np.clip(1.0 - bc, 0.0, 1.0))


def jensen_shannon_matrix(P: np.ndarray, Q: np.ndarray) -> np.ndarray:
    """Jensen-Shannon distances (base 2, 0..1) between rows of P and rows of Q."""
    out = np.zeros((P.shape[0], Q.shape[0]))
    for i, p in enumerate(P):
        m = 0.5 * (p + Q)
        with np.errstate(divide="ignore", invalid="ignore"):
            kl_p = np.where(p > 0, p * np.log2(p / m), 0.0).sum(1)
            kl_q = np.where(Q > 0, Q * np.log2(Q / m), 0.0).sum(1)
        out[i] = np.sqrt(np.clip(0.5 * (kl_p + kl_q), 0, 1))
    return out


def topic_distances(new, old, metric: str = "hellinger") -> np.ndarray:
    """(K_new x K_old) distances between the topics of two fitted TopicModels."""
    A, B = _on_union(new.vocab_, new.topic_word_, old.vocab_, old.topic_word_)
    return hellinger_matrix(A, B) if metric == "hellinger" else jensen_shannon_matrix(A, B)


def _next_ids(taken: set[str], n: int) -> list[str]:
    nums = [int(s[1:]) for s in taken if s[:1] == "T" and s[1:].isdigit()]
    start = max(nums, default=0) + 1
    return [f"T{start + i:03d}" for i in range(n)]


def align_topics(new, old, *, max_distance: float = DEFAULT_MAX_DISTANCE, metric: str = "hellinger") -> pd.DataFrame:
    """Give ``new`` the identities of ``old`` where topics match; flag the rest as new.

    Updates ``new.topics_`` in place (stable_id, name, category, subcategory, is_new,
    matched_distance) and returns the matching: topic_id, previous_topic_id, stable_id, distance, is_new.
    """
    D = topic_distances(new, old, metric)
    prev = old.topics_.set_index("topic_id")
    t = new.topics_.set_index("topic_id").copy()
    t["is_new"] = True
    t["matched_distance"] = np.nan
    matched: dict[int, int] = {}
    # a seeded topic's identity is its seed group: same group, same topic
    if "seed_key" in t.columns and "seed_key" in prev.columns:
        old_by_key = {k: i for i, k in prev["seed_key"].items() if isinstance(k, str)}
        for r, k in t["seed_key"].items():
            if isinstance(k, str) and k in old_by_key:
                matched[int(r)] = int(old_by_key[k])
    # the others: Hungarian matching on topic-word distances. A seeded topic is its seed group:
    # one whose group is new (staff merged or split categories) is a new topic, not an old one
    # under a new name, so it keeps the category the taxonomy gives it
    seeded_new = {int(r) for r, k in t["seed_key"].items() if isinstance(k, str)} if "seed_key" in t.columns else set()
    rest_r = [int(r) for r in t.index if int(r) not in matched and int(r) not in seeded_new]
    rest_c = [int(c) for c in prev.index if int(c) not in set(matched.values())]
    if rest_r and rest_c:
        sub = D[np.ix_(rest_r, rest_c)]
        rows, cols = linear_sum_assignment(sub)
        for r, c in zip(rows, cols):
            if sub[r, c] <= max_distance:
                matched[rest_r[r]] = rest_c[c]
    # a category that is no longer in the taxonomy (merged away) is not carried over
    taxonomy = getattr(new, "taxonomy", None)
    allowed = None if taxonomy is None else set(taxonomy.all_keys())
    for r, c in matched.items():
        cols = ["stable_id", "name", "category", "subcategory"]
        if allowed is not None and (prev.loc[c, "category"] not in allowed
                                    or (isinstance(prev.loc[c, "subcategory"], str) and prev.loc[c, "subcategory"] not in allowed)):
            cols = ["stable_id"]
        for col in cols:
            t.loc[r, col] = prev.loc[c, col]
        t.loc[r, "is_new"] = False
        t.loc[r, "matched_distance"] = float(D[r, c])
    taken = set(prev["stable_id"]) | set(t.loc[list(matched), "stable_id"]) if matched else set(prev["stable_id"])
    new_ids = [k for k in t.index if k not in matched]
    for k, sid in zip(new_ids, _next_ids(taken, len(new_ids))):
        t.loc[k, "stable_id"] = sid
        best = int(np.argmin(D[k]))
        t.loc[k, "matched_distance"] = float(D[k, best])
    new.topics_ = t.reset_index()
    new.previous_version_ = getattr(old, "version_", None)
    return pd.DataFrame({
        "topic_id": t.index.to_numpy(),
        "previous_topic_id": [matched.get(int(k), -1) for k in t.index],
        "stable_id": t["stable_id"].to_numpy(),
        "distance": [float(D[int(k), matched[int(k)]]) if int(k) in matched else float(D[int(k)].min()) for k in t.index],
        "is_new": t["is_new"].to_numpy(dtype=bool),
    })
