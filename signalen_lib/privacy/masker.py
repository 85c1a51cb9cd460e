"""The masker: presidio's AnalyzerEngine with Dutch recognizers on a blank Dutch spaCy pipeline.

>>> from signalen_lib.privacy import get_masker
>>> get_masker().mask("Gebeld met mw. Jansen, 06-12345678").text
'Gebeld met mw. <PERSOON>, <TELEFOON>'
"""
from __future__ import annotations

import bisect
import functools
import logging
import re
import threading
from dataclasses import dataclass
from typing import Iterable, Sequence

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry, RecognizerResult

from ..forking import can_fork, fork_map
from .lists import load_lexicon
from .names import BatchEvidence
from .nlp import LANG, DutchBlankNlpEngine, DutchContextEnhancer, build_pipeline
from .recognizers import DutchNameRecognizer, dutch_recognizers
from .names import sentence_initial

# Types replaced by a placeholder (personal data). LOCATIE and ORGANISATIE are found, not masked.
MASKED_TYPES = (
    "PERSOON", "BSN", "TELEFOON", "EMAIL", "IBAN", "POSTCODE", "ADRES", "KENTEKEN", "GEBOORTEDATUM", "ZAAKNUMMER",
)
ALL_TYPES = MASKED_TYPES + ("LOCATIE", "ORGANISATIE")
PLACEHOLDERS = {t: f"<{t}>" for t in ALL_TYPES}
SCORE_THRESHOLD = 0.4
# every structured identifier needs a digit, "@", an "at" word (an e-mail address written out)
# or a year in words (a birth date written out): the gate for the pattern recognizers
_DIGIT_OR_AT = re.compile(r"[0-9@]")
_WORD_GATE = re.compile(r"\bat\b|apen?staart|\baapje\b|a-teken|[(\[{]at[)\]}]|negentien|tweeduizend|twintig", re.IGNORECASE)
_TOKEN_TYPES = ("PERSOON", "LOCATIE", "ORGANISATIE")
# words and punctuation, close to spaCy's tokens, for the batch casing evidence
_EVIDENCE_SPLIT = re.compile(r"\w+(?:[-'.]\w+)*|[^\w\s]")
_RID = RecognizerResult.RECOGNIZER_IDENTIFIER_KEY
_RNAME = RecognizerResult.RECOGNIZER_NAME_KEY
# When two findings overlap, the more specific identifier wins over a name or a bare number.
_PRIORITY = {
    "EMAIL": 9, "IBAN": 9, "BSN": 8, "TELEFOON": 8, "KENTEKEN": 7, "POSTCODE": 7, "ADRES": 6,
    "GEBOORTEDATUM": 6, "ZAAKNUMMER": 5, "PERSOON": 4, "LOCATIE": 3, "ORGANISATIE": 2,
}


_MAX_VOCAB_STRINGS = 200_000  # strings in spaCy's vocabulary before the masker starts a fresh pipeline


@dataclass(frozen=True)
class Finding:
    entity_type: str
    start: int
    end: int
    score: float
    recognizer: str
    original: str


@dataclass(frozen=True)
class MaskResult:
    text: str | None
    findings: list[Finding]


def resolve_overlaps(findings: Iterable[Finding]) -> list[Finding]:
    """Keep a set of non-overlapping findings: by priority, then score, then length.

    The kept findings are held sorted by start (they never overlap, so also by end): each new
    finding is cut only by the kept findings it overlaps, found by bisection (O(n log n) overall;
    a long text has thousands of findings)."""
    ranked = sorted(findings, key=lambda f: (-_PRIORITY.get(f.entity_type, 0), -f.score, -(f.end - f.start), f.start))
    starts: list[int] = []
    ends: list[int] = []
    kept: list[Finding] = []
    for f in ranked:
        pieces = [(f.start, f.end)]
        i = bisect.bisect_right(ends, f.start)
        while i < len(kept) and starts[i] < f.end:
            ks, ke = starts[i], ends[i]
            nxt = []
            for a, b in pieces:
                if b <= ks or a >= ke:
                    nxt.append((a, b))
                else:  # cut the overlap out; the rest of a partly overlapping finding stays masked
                    if a < ks:
                        nxt.append((a, ks))
                    if b > ke:
                        nxt.append((ke, b))
            pieces = nxt
            i += 1
        off = f.start
        for a, b in pieces:
            seg = f.original[a - off:b - off]
            stripped = seg.strip(" \t\r\n.,;:()")
            if not any(ch.isalnum() for ch in stripped):
                continue
            a2 = a + seg.index(stripped)
            b2 = a2 + len(stripped)
            k = bisect.bisect_left(starts, a2)
            starts.insert(k, a2)
            ends.insert(k, b2)
            kept.insert(k, f if (a2, b2) == (f.start, f.end) else
                        Finding(f.entity_type, a2, b2, f.score, f.recognizer, f.original[a2 - off:b2 - off]))
    return kept


# Long texts are analysed in overlapping windows, so that masking cost grows linearly with the
# text length (presidio's context enhancer and the recognizers' bookkeeping are not linear in
# the number of tokens of one Doc). A window ends at whitespace; the next one starts WINDOW_OVERLAP
# characters earlier, at a sentence start where there is one. Personal data is far shorter than
# the overlap, so every finding lies whole inside some window, with its context words in front of
# it; the findings of all windows are merged (union, then the usual overlap resolution).
WINDOW_CHARS = 4000
WINDOW_OVERLAP = 400
_SENT_END = re.compile(r"[.!?\n]\s+")


def text_windows(text: str, size: int = WINDOW_CHARS, overlap: int = WINDOW_OVERLAP) -> list[tuple[int, int]]:
    """(start, end) character ranges covering ``text``; consecutive ranges overlap by at least
    ``overlap`` characters (one range for a text up to ``size + overlap`` characters)."""
    n = len(text)
    if n <= size + overlap:
        return [(0, n)]
    out = []
    start = 0
    while True:
        end = start + size
        if end >= n - overlap // 2:
            out.append((start, n))
            return out
        ws = text.rfind(" ", end - overlap // 2, end)
        ws2 = text.rfind("\n", end - overlap // 2, end)
        cut = max(ws, ws2)
        end = cut if cut > start else end
        out.append((start, end))
        # next window: a sentence start between end - 2*overlap and end - overlap, else whitespace
        lo, hi = max(start + 1, end - 2 * overlap), end - overlap
        nxt = None
        for m in _SENT_END.finditer(text, lo, hi):
            nxt = m.end()
        if nxt is None:
            sp = max(text.rfind(" ", lo, hi), text.rfind("\n", lo, hi))
            nxt = sp + 1 if sp >= lo else hi
        start = nxt


def apply_placeholders(text: str, findings: Sequence[Finding]) -> str:
    out, pos = [], 0
    for f in sorted(findings, key=lambda f: f.start):
        if f.start < pos:
            continue
        out.append(text[pos:f.start])
        out.append(PLACEHOLDERS.get(f.entity_type, f"<{f.entity_type}>"))
        pos = f.end
    out.append(text[pos:])
    return "".join(out)


class Masker:
    """Finds personal data in Dutch text and replaces it with typed placeholders.

    ``masked_types``: which entity types are replaced (default :data:`MASKED_TYPES`);
    ``batch_evidence``: in :meth:`mask_many`, use the batch's own casing statistics (a word seen in
    lower case elsewhere is an ordinary word; one seen capitalised mid-sentence is a proper noun).
    """

    def __init__(self, masked_types: Sequence[str] = MASKED_TYPES, score_threshold: float = SCORE_THRESHOLD,
                 batch_evidence: bool = True, lexicon=None):
        logging.getLogger("presidio-analyzer").setLevel(logging.WARNING)
        self.masked_types = frozenset(masked_types)
        self.score_threshold = score_threshold
        self.batch_evidence = batch_evidence
        self.lexicon = lexicon or load_lexicon()
        self.nlp_engine = DutchBlankNlpEngine()
        self.nlp_engine.load()
        self.nlp = self.nlp_engine.get_nlp(LANG)
        self.recognizers = dutch_recognizers(self.lexicon)
        self.name_recognizer = next(r for r in self.recognizers if isinstance(r, DutchNameRecognizer))
        registry = RecognizerRegistry(recognizers=self.recognizers, supported_languages=[LANG])
        self.analyzer = AnalyzerEngine(registry=registry, nlp_engine=self.nlp_engine, supported_languages=[LANG],
                                       default_score_threshold=score_threshold,
                                       context_aware_enhancer=DutchContextEnhancer())
        self._entities = list(ALL_TYPES)
        self.enhancer = self.analyzer.context_aware_enhancer
        self._token_recognizers = [r for r in self.recognizers if set(r.supported_entities) & set(_TOKEN_TYPES) and not r.context]
        self._context_recognizers = [r for r in self.recognizers if r.context]
        self._context_ids = {r.id for r in self._context_recognizers}
        self._lock = threading.Lock()

    # ---- analysis ------------------------------------------------------------------
    def _analyze_doc(self, text: str, doc, via_engine: bool = False) -> list[Finding]:
        # skip the pattern recognizers for texts without a digit, "@" or the like (_DIGIT_OR_AT)
        with_patterns = bool(_DIGIT_OR_AT.search(text) or _WORD_GATE.search(text))
        if via_engine:
            # presidio's AnalyzerEngine.analyze: the reference path (tests compare the fast path with it)
            artifacts = self.nlp_engine._doc_to_nlp_artifact(doc, LANG)
            entities = self._entities if with_patterns else list(_TOKEN_TYPES)
            results = self.analyzer.analyze(text=text, language=LANG, entities=entities, nlp_artifacts=artifacts)
        else:
            # the same steps as AnalyzerEngine.analyze (recognizers, then presidio's context
            # enhancer on the results of recognizers with context words, then the threshold),
            # without its per-call registry lookups and logging; the full NlpArtifacts (lemmas,
            # keywords) are only built when there is a finding for the context enhancer
            tokens_only = _TokensOnly(doc)
            results = []
            for rec in (self.recognizers if with_patterns else self._token_recognizers):
                results.extend(rec.analyze(text, rec.supported_entities, tokens_only))
            ctx = [r for r in results if r.recognition_metadata.get(_RID) in self._context_ids]
            if ctx:
                plain = [r for r in results if r.recognition_metadata.get(_RID) not in self._context_ids]
                artifacts = self.nlp_engine._doc_to_nlp_artifact(doc, LANG)
                ctx = self.enhancer.enhance_using_context(text, ctx, artifacts, self._context_recognizers)
                results = plain + ctx
            results = [r for r in results if r.score >= self.score_threshold]
        found = []
        for r in results:
            meta = r.recognition_metadata or {}
            found.append(Finding(r.entity_type, int(r.start), int(r.end), round(float(r.score), 4),
                                 str(meta.get(_RNAME, "")), text[r.start:r.end]))
        return resolve_overlaps(found)

    @staticmethod
    def evidence(texts: Sequence[str | None], into: BatchEvidence | None = None) -> BatchEvidence:
        """Casing evidence of a batch (a cheap regex word split, no spaCy): lower-case word
        counts and words seen capitalised in mid-sentence; added to ``into`` when given (the
        evidence of a set read in several batches)."""
        ev = into if into is not None else BatchEvidence()
        for t in texts:
            if isinstance(t, str) and t:
                words, nl, prev = [], [], 0
                for m in _EVIDENCE_SPLIT.finditer(t):
                    words.append(m.group())
                    nl.append("\n" in t[prev:m.start()])
                    prev = m.end()
                ev.add(words, sentence_initial(words, nl))
        return ev

    def _analyze_texts(self, texts: Sequence[str | None], evidence: BatchEvidence | None,
                       batch_size: int = 256) -> list[list[Finding]]:
        idx = [i for i, t in enumerate(texts) if isinstance(t, str) and t.strip()]
        out: list[list[Finding]] = [[] for _ in texts]
        if not idx:
            return out
        # (text index, window start, window end): one window for all but long texts
        pieces = [(i, a, b) for i in idx for a, b in text_windows(texts[i])]
        with self._lock:
            if len(self.nlp.vocab.strings) > _MAX_VOCAB_STRINGS:
                # spaCy keeps every string it has seen: a fresh (identical) pipeline keeps a masker that
                # runs for hours (a Dask worker, a national run) within a bounded size
                self.nlp = build_pipeline()
                self.nlp_engine.nlp = {LANG: self.nlp}
            self.name_recognizer.evidence = evidence
            try:
                docs = self.nlp.pipe((texts[i][a:b] for i, a, b in pieces), batch_size=batch_size)
                for (i, a, b), doc in zip(pieces, docs):
                    text = texts[i]
                    if a == 0 and b == len(text):
                        out[i] = self._analyze_doc(text, doc)
                        continue
                    out[i].extend(Finding(f.entity_type, f.start + a, f.end + a, f.score, f.recognizer, f.original)
                                  for f in self._analyze_doc(text[a:b], doc))
            finally:
                self.name_recognizer.evidence = None
        for i in idx:
            if len(texts[i]) > WINDOW_CHARS + WINDOW_OVERLAP:
                out[i] = resolve_overlaps(out[i])
        return out

    def analyze_many(self, texts: Sequence[str | None], batch_size: int = 256, n_jobs: int = 1,
                     evidence: BatchEvidence | None = None) -> list[list[Finding]]:
        """All findings (masked and unmasked types) for each text; empty for empty/None texts.
        ``n_jobs > 1`` splits a large batch over that many forked processes (same results: the
        casing evidence is computed once over the whole batch). ``evidence``: the casing
        evidence of a larger set the texts are part of (default: that of ``texts``)."""
        texts = list(texts)
        ev = (evidence if evidence is not None else self.evidence(texts)) if self.batch_evidence else None
        if n_jobs <= 1 or len(texts) < 2 * _MIN_CHUNK or not can_fork():
            return self._analyze_texts(texts, ev, batch_size)
        n = min(n_jobs, len(texts) // _MIN_CHUNK)
        bounds = [(k * len(texts) // n, (k + 1) * len(texts) // n) for k in range(n)]
        parts = fork_map(lambda k: self._analyze_texts(texts[bounds[k][0]:bounds[k][1]], ev, batch_size), n, n)
        return [f for part in parts for f in part]

    def analyze(self, text: str | None) -> list[Finding]:
        return self.analyze_many([text])[0]

    # ---- masking -------------------------------------------------------------------
    def _masked(self, findings: list[Finding]) -> list[Finding]:
        return [f for f in findings if f.entity_type in self.masked_types]

    def mask(self, text: str | None) -> MaskResult:
        """Mask one text. Empty or None texts pass through unchanged."""
        if not isinstance(text, str) or not text.strip():
            return MaskResult(text, [])
        found = self._masked(self.analyze(text))
        return MaskResult(apply_placeholders(text, found), found)

    def mask_many(self, texts: Sequence[str | None], batch_size: int = 256,
                  n_jobs: int = 1) -> tuple[list, list[list[Finding]]]:
        """Mask a batch (fast path: one spaCy ``pipe`` over the batch; ``n_jobs`` processes for
        large batches). Returns (masked texts, masked findings per text); empty/None texts pass through."""
        texts = list(texts)
        all_found = self.analyze_many(texts, batch_size=batch_size, n_jobs=n_jobs)
        masked, findings = [], []
        for t, found in zip(texts, all_found):
            f = self._masked(found)
            findings.append(f)
            masked.append(apply_placeholders(t, f) if f else t)
        return masked, findings


class _TokensOnly:
    """What our recognizers read from NlpArtifacts: the spaCy Doc."""

    __slots__ = ("tokens",)

    def __init__(self, doc):
        self.tokens = doc


_MIN_CHUNK = 500
@functools.lru_cache(maxsize=1)
def _cached_masker() -> Masker:
    return Masker()


def get_masker(settings=None) -> Masker:
    """The process-wide masker (built once; ~1 s). ``settings`` is accepted for symmetry with the
    other parts; the masker needs no paths (its lists come from the installed deduce package)."""
    return _cached_masker()
