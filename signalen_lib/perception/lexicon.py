"""A small Dutch evaluative lexicon and the "voice" of a text: the perception priors for sources
without a score.

The perception model learns from KTO texts with their scores: how citizens say in their own words
that something is bad or good. A source written in the same voice (a complaint letter: "ik",
"mijn", "we") is judged by that model. A source written *about* the citizen by staff (a call-back
note: "klt belt, mw wil ...") reports a problem in the third person; what the citizen felt is in
it only where the note says so ("klant boos", "wil klacht indienen", "bedankt"). For such a source
the model's lesson ("a problem described = a complaint") does not transfer, and the lexicon
below is the better judge: explicit negative words -> klacht, explicit positive words ->
compliment, neither -> neutraal. :func:`voice_weight` decides per source how far to trust each.

The words are general Dutch evaluative words (no topic words: "kapot" or "niet opgehaald" say
what is wrong, not how the writer feels about it). A positive word right after a negation
("niet vriendelijk", "geen goede") counts as negative.
"""
from __future__ import annotations

import re
from typing import Sequence

import numpy as np

NEGATIVE = frozenset("""
boos woedend kwaad razend ontevreden teleurgesteld teleurstellend teleurstelling gefrustreerd frustrerend frustratie
klacht klachten klaag klaagt klagen geklaagd ergerlijk ergernis ergert geïrriteerd irritant
schandalig schande belachelijk waardeloos slecht slechte slechter slechtst onacceptabel onaanvaardbaar
onbeschoft onvriendelijk onbeleefd bot botte respectloos arrogant ongeïnteresseerd
ellende rampzalig vreselijk verschrikkelijk afschuwelijk triest treurig walgelijk absurd idioot chaos beroerd
zat spuugzat onzin lamlendig onprofessioneel teleurstellende onduidelijk ontoelaatbaar
""".split())

POSITIVE = frozenset("""
compliment complimenten bedankt dank dankjewel dankuwel tevreden top prima fijn fijne vriendelijk vriendelijke
uitstekend uitstekende super geweldig geweldige prettig prettige behulpzaam behulpzame netjes perfect perfecte blij
goed goede keurig heerlijk heerlijke lekker lekkere aardig aardige attent attente snel snelle vlot vlotte duidelijk
duidelijke correct gezellig gezellige aanrader fantastisch fantastische uitmuntend voortreffelijk
""".split())

NEGATORS = frozenset("niet geen nooit niks niets nauwelijks allesbehalve".split())

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_FIRST_PERSON = re.compile(r"\b(ik|mijn|me|mij|m'n|ons|onze|we|wij)\b", re.IGNORECASE)

# P(klacht, neutraal, compliment | what the lexicon finds): the prior for a text in a staff voice
LEXICON_PROBA = {
    "negative": np.array([0.80, 0.15, 0.05]),
    "positive": np.array([0.05, 0.15, 0.80]),
    "none": np.array([0.20, 0.60, 0.20]),
}


def lexicon_counts(text: str) -> tuple[int, int]:
    """(negative, positive) evaluative words in ``text``; a positive word within two words after a
    negation counts as negative."""
    words = _WORD.findall(str(text).lower())
    neg = pos = 0
    for i, w in enumerate(words):
        if w in NEGATIVE:
            neg += 1
        elif w in POSITIVE:
            if any(p in NEGATORS for p in words[max(0, i - 2):i]):
                neg += 1
            else:
                pos += 1
    return neg, pos


def lexicon_proba(texts: Sequence[str]) -> np.ndarray:
    """Per text, the lexicon's (klacht, neutraal, compliment) probabilities (:data:`LEXICON_PROBA`)."""
    out = np.empty((len(texts), 3))
    for i, t in enumerate(texts):
        neg, pos = lexicon_counts(t)
        out[i] = LEXICON_PROBA["negative" if neg > pos else "positive" if pos > neg else "none"]
    return out


def first_person_share(texts: Sequence[str]) -> float:
    """Share of texts with a first-person word (ik, mijn, we, ons, ...): the citizen's own voice."""
    if len(texts) == 0:
        return 0.0
    return float(np.mean([bool(_FIRST_PERSON.search(str(t))) for t in texts]))


def voice_weight(source_texts: Sequence[str], reference_share: float) -> float:
    """How far the text model (learnt on texts in the citizen's voice, ``reference_share`` of them
    first-person) applies to a source: its first-person share relative to the reference, at most 1.
    The rest of the weight goes to the lexicon."""
    if reference_share <= 0:
        return 1.0
    return float(min(1.0, first_person_share(source_texts) / reference_share))


def polarity_seed_words() -> dict[str, list[str]]:
    """The lexicon as seed words for a category model over positive / negative / neutral labels
    (``signalen perception --texts …``): a prior, which the labels can overrule."""
    return {"negative": sorted(NEGATIVE), "positive": sorted(POSITIVE)}
