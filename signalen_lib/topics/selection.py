"""Choosing the number of topics: coherence (c_v, NPMI), topic diversity and held-out perplexity
for each candidate, and an Altair chart of them."""
from __future__ import annotations

import time
from typing import Sequence

import numpy as np
import pandas as pd

from signalen_lib.topics.model import TopicModel


def select_n_topics(texts: Sequence[str], ks: Sequence[int], *, base: TopicModel | None = None,
                    heldout_share: float = 0.2, coherence_sample: int = 5000, seed: int | None = None) -> pd.DataFrame:
    """Fit one model per k (same other parameters as ``base``) on a training part of the texts and
    measure it. Returns k, c_v, npmi, diversity, perplexity (on the held-out part), overig_share, seconds."""
    base = base or TopicModel()
    texts = list(texts)
    rng = np.random.default_rng(base.random_state if seed is None else seed)
    held = rng.random(len(texts)) < heldout_share
    train = [t for t, h in zip(texts, held) if not h]
    test = [t for t, h in zip(texts, held) if h]
    rows = []
    for k in ks:
        params = {p: getattr(base, p) for p in TopicModel._PARAMS}
        params["n_topics"] = int(k)
        m = TopicModel(taxonomy=base.taxonomy, preprocessor=base.preprocessor, **params)
        t0 = time.perf_counter()
        try:
            m.fit(train)
        except ValueError as exc:  # e.g. fewer topics than seeded groups
            rows.append({"k": int(k), "error": str(exc)})
            continue
        secs = time.perf_counter() - t0
        met = m.metrics(train[:coherence_sample], test or None)
        rows.append({"k": int(k), "c_v": met.get("v"), "npmi": met.get("npmi"), "diversity": met["diversity"],
                     "perplexity": met.get("perplexity"), "overig_share": met["overig_share"], "seconds": secs})
    return pd.DataFrame(rows)


def best_k(df: pd.DataFrame) -> int:
    """The k with the best mean rank over c_v, NPMI and diversity (perplexity breaks ties)."""
    d = df.dropna(subset=["c_v"]).copy()
    if d.empty:
        raise ValueError("no candidate could be fitted")
    score = d[["c_v", "npmi", "diversity"]].rank(ascending=False).mean(axis=1)
    d["_score"] = score + 1e-6 * d["perplexity"].rank().fillna(0)
    return int(d.sort_values(["_score", "k"]).iloc[0]["k"])


def selection_chart(df: pd.DataFrame, chosen: int | None = None):
    """Altair chart: one small panel per measure over the number of topics."""
    import altair as alt

    labels = {"c_v": "Coherentie c_v (hoger is beter)", "npmi": "Coherentie NPMI (hoger is beter)",
              "diversity": "Diversiteit (hoger is beter)", "perplexity": "Perplexiteit held-out (lager is beter)"}
    long = df.melt(id_vars=["k"], value_vars=[c for c in labels if c in df.columns], var_name="maat", value_name="waarde")
    long["maat"] = long["maat"].map(labels)
    long["gekozen"] = np.where(long["k"] == chosen, "gekozen", "kandidaat")
    return alt.Chart(long).mark_line(point=alt.OverlayMarkDef(size=60)).encode(
        x=alt.X("k:Q", title="Aantal onderwerpen"), y=alt.Y("waarde:Q", title=None, scale=alt.Scale(zero=False)),
        tooltip=["k:Q", "maat:N", alt.Tooltip("waarde:Q", format=".3f"), "gekozen:N"],
    ).properties(width=220, height=150).facet(facet=alt.Facet("maat:N", title=None), columns=2).resolve_scale(
        y="independent").properties(title=f"Keuze van het aantal onderwerpen (gekozen: {chosen})" if chosen else
                                    "Keuze van het aantal onderwerpen")


def topic_size_chart(model: TopicModel, top: int = 40):
    """Bar chart of topic sizes (documents with the topic as dominant topic), new topics highlighted."""
    import altair as alt

    t = model.topics_.sort_values("size", ascending=False).head(top).copy()
    t["label"] = t["stable_id"] + " " + t["name"].astype(str).str.slice(0, 40)
    t["status"] = np.where(t["is_new"], "nieuw", np.where(t["seeded"], "uit taxonomie", "vrij"))
    return alt.Chart(t).mark_bar().encode(
        x=alt.X("size:Q", title="Aantal signalen"), y=alt.Y("label:N", sort="-x", title=None),
        color=alt.Color("status:N", title="Onderwerp"), tooltip=["stable_id", "name", "category", "top_words", "size"],
    ).properties(width=420, title="Onderwerpen naar omvang")
