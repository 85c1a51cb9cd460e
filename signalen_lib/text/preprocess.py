"""Dutch preprocessing for topic models: fast, offline, batch and streaming.

Pipeline per text: lowercase -> regex tokens (Dutch compounds and words with diacritics stay one
token; hyphenated compounds like ``corona-test`` are joined) -> masking placeholders
(``<PERSOON>``, ``<ADRES>``...) dropped -> lemma (simplemma, looked up once per distinct word and
cached) -> stop words (spaCy's Dutch list plus a municipal domain list) -> frequent phrases
(gensim ``Phrases``, learned in :meth:`Preprocessor.fit`, applied with a dict lookup).

Texts that carry no information ("nvt", "geen", "-", "niets te melden") give an empty token list;
:func:`is_uninformative` tells which ones they are.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Iterable, Iterator, Sequence

import numpy as np

from signalen_lib.text.stopwords import DOMAIN_STOP_WORDS, UNINFORMATIVE_ANSWERS, stop_words

# A masking placeholder (<PERSOON>, <E-MAIL>, <IBAN_1>...), or a word: letters (incl. diacritics)
# joined by at most single hyphens/apostrophes inside the word. Digits are dropped.
_TOKEN_RE = re.compile(r"<[a-z_\-0-9]+>|[^\W\d_]+(?:[-'’][^\W\d_]+)*", re.UNICODE)
_PLACEHOLDER_RE = re.compile(r"<[^<>\s]{1,30}>")
_WS_RE = re.compile(r"[\s\.\,\!\?\-:;'\"()]+")


def normalise_answer(text: str) -> str:
    """Lowercased text without punctuation and extra spaces (used to spot 'nvt', 'geen', ...)."""
    return _WS_RE.sub(" ", _PLACEHOLDER_RE.sub(" ", str(text).lower())).strip()


def is_uninformative(text: str | None) -> bool:
    """True for empty answers and non-answers such as 'nvt', 'n.v.t.', 'geen', 'niets', '-'."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return True
    norm = normalise_answer(text)
    return norm == "" or norm in UNINFORMATIVE_ANSWERS or norm.replace(" ", "") in UNINFORMATIVE_ANSWERS


def tokenize(text: str) -> list[str]:
    """Lowercased word tokens (placeholders kept as ``<persoon>`` tokens)."""
    text = unicodedata.normalize("NFC", str(text)).lower()
    return [t.replace("’", "'") for t in _TOKEN_RE.findall(text)]


# token -> lemma memo: enough for a year of one organisation's vocabulary (typos included); cleared
# when full, so a process that preprocesses text for hours stays within a bounded size
_LEMMA_CACHE_MAX = 500_000


class Preprocessor:
    """Tokens for topic modelling, estimator style.

    Parameters are stored only; :meth:`fit` learns phrases (bigrams, optionally trigrams) from a
    corpus; :meth:`transform` / :meth:`iter_transform` turn texts into token lists. A lemma cache
    makes the per-token cost one dict lookup. Picklable (the lemma cache is rebuilt lazily).
    """

    def __init__(
        self,
        *,
        lemmatize: bool = True,
        extra_stop_words: Sequence[str] = (),
        min_length: int = 2,
        phrases: bool = True,
        phrase_min_count: int = 5,
        phrase_threshold: float = 0.5,
        phrase_scoring: str = "npmi",
        trigrams: bool = False,
        language: str = "nl",
    ):
        self.lemmatize = lemmatize
        self.extra_stop_words = tuple(extra_stop_words)
        self.min_length = min_length
        self.phrases = phrases
        self.phrase_min_count = phrase_min_count
        self.phrase_threshold = phrase_threshold
        self.phrase_scoring = phrase_scoring
        self.trigrams = trigrams
        self.language = language

    # ---- state -----------------------------------------------------------------------
    def _init_state(self) -> None:
        if getattr(self, "_stop", None) is None:
            self._stop = stop_words(self.extra_stop_words)
        if getattr(self, "_cache", None) is None:
            self._cache: dict[str, str | None] = {}

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_cache"] = None
        state["_stop"] = None
        return state

    def get_params(self) -> dict:
        return {
            "lemmatize": self.lemmatize, "extra_stop_words": list(self.extra_stop_words),
            "min_length": self.min_length, "phrases": self.phrases,
            "phrase_min_count": self.phrase_min_count, "phrase_threshold": self.phrase_threshold,
            "phrase_scoring": self.phrase_scoring, "trigrams": self.trigrams, "language": self.language,
        }

    def _lemma(self, tok: str) -> str | None:
        """The token's lemma, or None when it is a stop word, placeholder or too short."""
        cache = self._cache
        try:
            return cache[tok]
        except KeyError:
            pass
        out: str | None
        if tok.startswith("<") or len(tok) < self.min_length or tok in self._stop:
            out = None
        else:
            lem = tok
            if self.lemmatize:
                import simplemma

                try:
                    lem = simplemma.lemmatize(tok, lang=self.language).lower()
                except Exception:  # noqa: BLE001 - unknown word forms stay as they are
                    lem = tok
            out = None if (lem in self._stop or len(lem) < self.min_length) else lem
        if len(cache) >= _LEMMA_CACHE_MAX:  # bounded memory on an endless stream (a Dask worker, a national run)
            cache.clear()
        cache[tok] = out
        return out

    def _tokens(self, text) -> list[str]:
        if text is None or (isinstance(text, float) and text != text):
            return []
        text = str(text)
        if is_uninformative(text):
            return []
        lemma = self._lemma
        out = []
        for t in _TOKEN_RE.findall(text.lower()):
            lem = lemma(t)
            if lem is not None:
                out.append(lem)
        return out

    def _apply_phrases(self, toks: list[str]) -> list[str]:
        pairs = self.phrasegrams_
        if not pairs or len(toks) < 2:
            return toks
        for _ in range(2 if self.trigrams else 1):
            out = []
            i, n = 0, len(toks)
            while i < n:
                if i + 1 < n and (toks[i], toks[i + 1]) in pairs:
                    out.append(toks[i] + "_" + toks[i + 1])
                    i += 2
                else:
                    out.append(toks[i])
                    i += 1
            toks = out
        return toks

    # ---- estimator API ---------------------------------------------------------------
    def fit(self, texts: Iterable[str]) -> "Preprocessor":
        """Learn frequent phrases from the texts (a no-op for phrases=False). Returns self."""
        self._init_state()
        self.phrasegrams_: dict[tuple[str, str], float] = {}
        if not self.phrases:
            return self
        from gensim.models.phrases import Phrases

        docs = [self._tokens(t) for t in texts]
        for _ in range(2 if self.trigrams else 1):
            ph = Phrases(docs, min_count=self.phrase_min_count, threshold=self.phrase_threshold,
                         scoring=self.phrase_scoring, delimiter="_")
            frozen = ph.freeze()
            for gram, score in frozen.phrasegrams.items():
                parts = gram.split("_")
                if len(parts) == 2:
                    self.phrasegrams_[(parts[0], parts[1])] = float(score)
                else:  # trigram pass: a phrase joined with a word
                    for cut in range(1, len(parts)):
                        a, b = "_".join(parts[:cut]), "_".join(parts[cut:])
                        if a in ph.vocab or b in ph.vocab:
                            self.phrasegrams_[(a, b)] = float(score)
            docs = [self._apply_phrases(d) for d in docs]
        return self

    def transform(self, texts: Iterable[str]) -> list[list[str]]:
        """Token lists for the texts (empty for uninformative answers)."""
        self._init_state()
        if not hasattr(self, "phrasegrams_"):
            self.phrasegrams_ = {}
        tokens, phr = self._tokens, self._apply_phrases
        if self.phrasegrams_:
            return [phr(tokens(t)) for t in texts]
        return [tokens(t) for t in texts]

    def fit_transform(self, texts: Sequence[str]) -> list[list[str]]:
        texts = list(texts)
        return self.fit(texts).transform(texts)

    def iter_transform(self, texts: Iterable[str], batch_size: int = 10_000) -> Iterator[list[list[str]]]:
        """Streaming: yields token lists batch by batch (constant memory for any number of texts)."""
        batch: list[str] = []
        for t in texts:
            batch.append(t)
            if len(batch) >= batch_size:
                yield self.transform(batch)
                batch = []
        if batch:
            yield self.transform(batch)

    @property
    def stop_words_(self) -> frozenset[str]:
        self._init_state()
        return self._stop


__all__ = ["Preprocessor", "tokenize", "is_uninformative", "normalise_answer", "DOMAIN_STOP_WORDS"]
