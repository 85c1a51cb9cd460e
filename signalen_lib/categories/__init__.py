"""Label-efficient category model: learns categories from a few hundred hand labels.

:class:`CategoryModel` combines word and character n-grams, corpus-trained subword vectors
(gensim FastText), latent semantic axes, LDA topic weights (when given) and the taxonomy's seed
words, ensembles the views by cross-validation on the training labels, self-trains on confident
unlabelled texts and returns temperature-calibrated probabilities (up to 3 categories per text).
"""
from .model import CategoryModel, seed_words_from_taxonomy, top_categories

__all__ = ["CategoryModel", "seed_words_from_taxonomy", "top_categories"]
