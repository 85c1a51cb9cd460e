"""Step 2 (Verwerken): a seeded Dutch LDA topic model, stable topic identities, a model registry,
and topics -> categories in the store.

Public API::

    TopicModel(n_topics, taxonomy=..., ...).fit(texts) -> model
    model.transform(texts) -> ndarray (n_texts x n_topics)
    model.assign(texts, ids) -> DataFrame (signal_id, rank, topic_id, stable_id, category, subcategory, prob)
    model.category_scores(texts, ids) -> DataFrame (signal x category, + overig)
    model.topic_category_map() -> DataFrame (topic_id, stable_id, name, category, subcategory)
    fit_store(store, settings, ...) -> model;  assign_store(store, model=None, settings=None) -> dict
    save_model / load_model / set_current / current_version / list_models
    align_topics(new, old) -> DataFrame;  select_n_topics(texts, ks) -> DataFrame; selection_chart(df)
"""
from signalen_lib.topics.align import align_topics, topic_distances
from signalen_lib.topics.model import TopicModel, data_hash
from signalen_lib.topics.registry import list_models, load_model, save_model, set_current, topic_names_path
from signalen_lib.topics.selection import best_k, select_n_topics, selection_chart, topic_size_chart
from signalen_lib.topics.service import assign_store, category_counts, fit_store, load_signal_texts
from signalen_lib.vocab.taxonomy import OVERIG, Taxonomy, load_taxonomy

__all__ = [
    "TopicModel", "data_hash", "align_topics", "topic_distances", "save_model", "load_model", "set_current",
    "current_version", "list_models", "topic_names_path", "select_n_topics", "best_k", "selection_chart",
    "topic_size_chart", "fit_store", "assign_store", "category_counts", "load_signal_texts", "Taxonomy",
    "load_taxonomy", "OVERIG",
]
