"""Calls into the other parts (masking, preprocessing, topic model), in one place.

Validation only needs three things from them: masked texts, token lists, and document-topic
weights (plus, where the topic model named a topic after a taxonomy category, that name). Each
returns an ``info`` dict that the validation report shows.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np


def mask_texts(texts: Sequence[str], settings) -> tuple[list[str], dict]:
    from ..privacy import get_masker

    masked, findings = get_masker(settings).mask_many([str(t) for t in texts])
    n = sum(len(f) for f in findings) if findings is not None else 0
    return list(masked), {"masking": "signalen_lib.privacy", "pii_findings": int(n)}


def preprocess(texts: Sequence[str]) -> tuple[list[list[str]], dict]:
    from ..text import Preprocessor

    pre = Preprocessor()
    return pre.fit_transform(list(texts)), {"preprocessing": "signalen_lib.text.Preprocessor"}


def topic_weights(
    texts: Sequence[str], tokens: Sequence[Sequence[str]], settings, *, seed: int = 0, categories: Sequence[str] | None = None,
    taxonomy=None,
) -> tuple[np.ndarray, list[str | None], dict, object]:
    """Fit the workbench's topic model on all texts; return (doc-topic weights, the category each
    topic was named after or None, info, the fitted model or None).

    ``taxonomy`` (an organisation's own, e.g. ``signalen validate --taxonomy``) seeds the model and
    sets its number of topics (``topics_for``). Without it the settings' taxonomy seeds the model
    when the labels use its categories; on data with other labels (e.g. a public benchmark)
    seeding with municipal categories would only mislead, so the model is fitted unseeded there."""
    from signalen_lib.topics import TopicModel
    from signalen_lib.vocab.taxonomy import load_taxonomy

    if taxonomy is not None:
        seeded = True
    else:
        taxonomy = load_taxonomy(settings.taxonomy_path) if settings is not None else None
        seeded = taxonomy is not None and categories is not None and bool(set(categories) & set(taxonomy.keys))
    model = TopicModel.from_settings(settings, seed=seed, taxonomy=taxonomy if seeded else None)
    W = np.asarray(model.fit(list(texts)).transform(list(texts)), dtype=float)
    names = list(model.topic_categories_)
    info = {"topic_model": f"signalen_lib.topics.TopicModel ({W.shape[1]} topics, {'taxonomy-seeded' if seeded else 'unseeded'})",
            "n_topics": int(W.shape[1])}
    return W, names, info, model
