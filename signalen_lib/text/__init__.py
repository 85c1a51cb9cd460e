"""Dutch text preprocessing for the topic model (tokens, stop words, lemmas, phrases)."""
from signalen_lib.text.preprocess import Preprocessor, is_uninformative, normalise_answer, tokenize
from signalen_lib.text.stopwords import DOMAIN_STOP_WORDS, UNINFORMATIVE_ANSWERS, stop_words

__all__ = [
    "Preprocessor", "tokenize", "is_uninformative", "normalise_answer", "stop_words",
    "DOMAIN_STOP_WORDS", "UNINFORMATIVE_ANSWERS",
]
