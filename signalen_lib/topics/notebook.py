"""What ``notebooks/02_verwerken.ipynb`` calls: one function per step, results as tables and charts."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from signalen_lib.config import Settings
from signalen_lib.topics.model import TopicModel


@dataclass
class TopicsStep:
    mode: str
    model: TopicModel
    assigned: dict[str, Any]
    selection: pd.DataFrame | None = None
    chosen_k: int | None = None
    texts_sample: list[str] = field(default_factory=list)

    @property
    def version(self) -> str:
        return self.model.version_

    def summary(self) -> pd.DataFrame:
        m = self.model
        rows = {"modelversie": m.version_, "modus": self.mode, "onderwerpen": m.n_topics,
                "teksten (model)": m.n_docs_, "seed": m.random_state,
                "data-hash": m.data_hash_[:12], "vorige versie": getattr(m, "previous_version_", None),
                "nieuw toegewezen signalen": self.assigned.get("assigned"),
                "aandeel overig (nieuw toegewezen)": round(self.assigned.get("overig_share", 0.0), 3),
                "weggelaten sjabloonwoorden per kanaal": ", ".join(getattr(m, "boilerplate_words_", []) or []) or "geen",
                "zelflerende verfijning (teksten)": getattr(m, "refiner_train_n_", 0) if getattr(m, "refiner_", None) is not None else "uit",
                "categorieën bepaald door": self.assigned.get("categories_by", "onderwerpmodel")}
        for k, v in (getattr(m, "metrics_", {}) or {}).items():
            rows[f"maat: {k}"] = round(v, 4) if isinstance(v, float) else v
        return pd.DataFrame({"waarde": pd.Series(rows, dtype=object)})

    def topics(self) -> pd.DataFrame:
        cols = ["stable_id", "name", "category", "subcategory", "size", "is_new", "seeded", "top_words"]
        t = self.model.topics_
        return t[[c for c in cols if c in t.columns]].sort_values("size", ascending=False).reset_index(drop=True)

    def new_topics(self) -> pd.DataFrame:
        t = self.topics()
        return t[t["is_new"]].reset_index(drop=True)


def run_topics_step(store, settings: Settings, *, mode: str = "fit", n_topics: int | None = None,
                    n_topics_range: str | None = None, seed: int | None = None, passes: int | None = None,
                    compare_version: str | None = "current", since: str | None = None,
                    until: str | None = None) -> TopicsStep:
    """``fit``: (optionally choose k by coherence/diversity/perplexity), fit, align with
    ``compare_version``, save as current and assign every signal. ``assign``: the current model
    assigns categories to signals that have none yet (fits first if there is no model). Once
    there are training labels, the category model trained on them chooses the categories
    (``categories.store.ensure_category_model``; retrained when the labels changed, and then every
    signal is assigned again).
    ``None`` means "the setting" (n_topics, seed) or "automatic/all" (passes, since, until)."""
    from signalen_lib.topics.registry import load_model
    from signalen_lib.vocab.models import current_topic_model
    from signalen_lib.topics.selection import best_k, select_n_topics
    from signalen_lib.topics.service import assign_store, fit_store, load_signal_texts

    if mode not in ("fit", "assign"):
        raise ValueError(f"mode must be 'fit' or 'assign', not {mode!r}")
    if mode == "assign" and current_topic_model(store.shared) is None:
        mode = "fit"
    from signalen_lib.categories.store import ensure_category_model

    if mode == "assign":
        model = load_model(settings, store=store)
        cat_model, retrained = ensure_category_model(store, settings, model, seed=seed)
        out = assign_store(store, model, settings, category_model=cat_model, replace=retrained)
        return TopicsStep("assign", model, out)
    selection, chosen = None, None
    seed_v = seed
    if n_topics_range and n_topics_range.strip():
        ks = [int(x) for x in n_topics_range.replace(";", ",").split(",") if x.strip()]
        texts = load_signal_texts(store, since=since or None, until=until or None)["text"].tolist()
        base = TopicModel.from_settings(settings, seed=seed_v, **({"passes": passes} if passes else {}))
        selection = select_n_topics(texts, ks, base=base)
        chosen = best_k(selection)
        n_topics = chosen
    model = fit_store(store, settings, n_topics=n_topics or None, seed=seed_v, passes=passes or None,
                      since=since or None, until=until or None,
                      compare_version=None if compare_version in (None, "", "none") else compare_version, assign=False)
    cat_model, _ = ensure_category_model(store, settings, model, seed=seed)
    out = assign_store(store, model, settings, category_model=cat_model)
    return TopicsStep("fit", model, out, selection, chosen)


def category_table(store, settings: Settings, model: TopicModel) -> pd.DataFrame:
    """Rank-1 categories of the model with Dutch names, counts and shares."""
    from signalen_lib.topics.service import category_counts

    df = category_counts(store, model.version_)
    tax = model.taxonomy
    df.insert(1, "naam", [tax.category_name(c) if tax is not None else c for c in df["category"]])
    return df
