"""Calls into the other parts (masking, preprocessing, topic model), in one place.

Validation only needs three things from them: masked texts, token lists, and document-topic
weights (plus, where the topic model named a topic after a taxonomy category, that name). When a
part is not installed the fallback is stated in the returned ``info`` so a report never hides it.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np


def mask_texts(texts: Sequence[str], settings) -> tuple[list[str], dict]:
    try:
        from ..privacy import get_masker
    except ImportError:
        return [str(t) for t in texts], {"masking": "unavailable (signalen_lib.privacy.get_masker missing): texts not masked"}
    masked, findings = get_masker(settings).mask_many([str(t) for t in texts])
    n = sum(len(f) for f in findings) if findings is not None else 0
    return list(masked), {"masking": "signalen_lib.privacy", "pii_findings": int(n)}


def preprocess(texts: Sequence[str]) -> tuple[list[list[str]], dict]:
    try:
        from ..text import Preprocessor
    except ImportError:
        import re

        toks = [re.findall(r"[a-zà-ÿ]+", str(t).lower()) for t in texts]
        return toks, {"preprocessing": "fallback regex tokenizer"}
    pre = Preprocessor()
    return pre.fit_transform(list(texts)), {"preprocessing": "signalen_lib.text.Preprocessor"}


def topic_weights(
    texts: Sequence[str], tokens: Sequence[Sequence[str]], settings, *, seed: int = 0, categories: Sequence[str] | None = None
) -> tuple[np.ndarray, list[str | None], dict, object]:
    """Fit the workbench's topic model on all texts; return (doc-topic weights, the category each
    topic was named after or None, info, the fitted model or None).

    The taxonomy seeds the model when the labels use its categories; on data with other labels
    (e.g. a public benchmark) seeding with municipal categories would only mislead, so the model
    is fitted unseeded there."""
    try:
        from ..topics import TopicModel, load_taxonomy
    except ImportError:
        TopicModel = None
    if TopicModel is not None:
        taxonomy = load_taxonomy(settings.taxonomy_path) if settings is not None else None
        seeded = taxonomy is not None and categories is not None and bool(set(categories) & set(taxonomy.keys))
        model = TopicModel.from_settings(settings, seed=seed, taxonomy=taxonomy if seeded else None)
        W = np.asarray(model.fit(list(texts)).transform(list(texts)), dtype=float)
        names = list(model.topic_categories_)
        info = {"topic_model": f"signalen_lib.topics.TopicModel ({W.shape[1]} topics, {'taxonomy-seeded' if seeded else 'unseeded'})"}
        return W, names, info, model
    # fallback: scikit-learn's LDA on the preprocessed tokens
    from sklearn.decomposition import LatentDirichletAllocation
    from sklearn.feature_extraction.text import CountVectorizer

    docs = [" ".join(t) for t in tokens]
    vec = CountVectorizer(min_df=2, max_df=0.5, token_pattern=r"\S+")
    try:
        X = vec.fit_transform(docs)
    except ValueError:
        vec = CountVectorizer(token_pattern=r"\S+")
        X = vec.fit_transform(docs)
    k = int(settings.n_topics) if settings is not None else 30
    lda = LatentDirichletAllocation(n_components=k, random_state=seed, learning_method="batch", max_iter=30)
    W = lda.fit_transform(X)
    return W, [None] * k, {"topic_model": f"fallback sklearn LDA ({k} topics; signalen_lib.topics not available)"}, None
