"""A Dutch NLP engine for presidio that needs no trained model: ``spacy.blank("nl")`` plus a
component that sets each token's lemma to its lower-cased form.

presidio's context enhancement compares the *lemmas* around a finding with the recognizer's
context words; a blank pipeline leaves lemmas empty, so without this component Dutch context
words ("bsn", "geboren", "kenteken") would never raise a score.
"""
from __future__ import annotations

import bisect
import functools
import re

import spacy
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer
from presidio_analyzer.nlp_engine import NlpArtifacts, SpacyNlpEngine
from spacy.attrs import LEMMA, LOWER
from spacy.language import Language

LANG = "nl"


@Language.component("signalen_lower_lemma")
def lower_lemma(doc):
    """Set every token's lemma to its lower-cased form (vectorised: LOWER ids are valid LEMMA ids)."""
    if len(doc):
        doc.from_array([LEMMA], doc.to_array([LOWER]))
    return doc


def build_pipeline() -> Language:
    nlp = spacy.blank(LANG)
    nlp.add_pipe("signalen_lower_lemma")
    nlp.max_length = 2_000_000
    return nlp


class DutchBlankNlpEngine(SpacyNlpEngine):
    """presidio NlpEngine over the blank Dutch pipeline (nothing is downloaded or loaded)."""

    engine_name = "signalen_blank_nl"

    def __init__(self):
        super().__init__(models=[{"lang_code": LANG, "model_name": "blank:nl"}])

    def load(self) -> None:
        self.nlp = {LANG: build_pipeline()}

    def _doc_to_nlp_artifact(self, doc, language: str) -> NlpArtifacts:
        # same as presidio's, but iterates the Doc once (a blank pipeline has no entities)
        toks = doc.user_data.get("signalen_tokens")
        if toks is None:
            toks = list(doc)
            doc.user_data["signalen_tokens"] = toks
        return NlpArtifacts(
            entities=[], tokens=doc, tokens_indices=[t.idx for t in toks], lemmas=[t.lemma_ for t in toks],
            nlp_engine=self, language=language, scores=[],
        )


@functools.lru_cache(maxsize=64)
def _context_regex(words: tuple) -> "re.Pattern":
    """One regex per recognizer's context words: whole word, word start (4+ letters), inside (6+)."""
    ws = sorted({w.lower().replace(".", "") for w in words}, key=len, reverse=True)
    exact = "|".join(re.escape(w) for w in ws)
    prefix = "|".join(re.escape(w) for w in ws if len(w) >= 4) or "(?!)"
    inner = "|".join(re.escape(w) for w in ws if len(w) >= 6) or "(?!)"
    return re.compile(rf"^(?:{exact})$|^(?:{prefix})|(?:{inner})")


class DutchContextEnhancer(LemmaContextAwareEnhancer):
    """presidio's lemma-based context enhancer (5 words before a finding; +0.35 when a context
    word is among their lemmas), with an O(log n) token lookup instead of a scan over the Doc."""

    def __init__(self):
        super().__init__(context_similarity_factor=0.35, min_score_with_context_similarity=0.4,
                         context_prefix_count=5, context_suffix_count=1)

    @staticmethod
    def _find_supportive_word_in_context(context_list, recognizer_context_list, matching_mode: str = "substring") -> str:
        """A context word supports a finding when a nearby lemma (without trailing punctuation) is
        the word itself, starts with it (4+ letters: "telefoonnummer", "geboortedatum") or
        contains it (6+ letters: "bankrekening"). presidio's default substring match lets short
        context words fire inside unrelated words ("geb" in "gebeld" made a call date a birth date)."""
        if not context_list or not recognizer_context_list:
            return ""
        rx = _context_regex(tuple(recognizer_context_list))
        for w in context_list:
            m = rx.search(w.lower().strip(".,:;!?()'\"").replace(".", ""))  # "geb.dat." -> "gebdat"
            if m:
                return m.group(0)
        return ""

    @staticmethod
    def _find_index_of_match_token(word, start, tokens, tokens_indices) -> int:
        i = bisect.bisect_right(tokens_indices, start) - 1
        return max(i, 0)
