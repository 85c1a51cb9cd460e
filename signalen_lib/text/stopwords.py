"""Dutch stop words: spaCy's list plus words every municipal signal uses (they separate no topic)."""
from __future__ import annotations

from functools import lru_cache
from typing import Iterable

# Words (and their lemmas) frequent in every kind of signal: politeness, the municipality itself,
# survey filler, the masking placeholders' names.
DOMAIN_STOP_WORDS = frozenset("""
gemeente gemeentelijk rotterdam rotterdams graag mevrouw meneer heer dhr mevr mw beste
geachte groet groeten vriendelijke bedankt dank dankjewel dankuwel alstublieft aub svp
hallo hoi goedemorgen goedemiddag zeggen vinden gaan komen krijgen staan zien willen
laten maken weten hoor nou echt heel erg vind vond gewoon eigenlijk wel even nog keer
dag week maand jaar vandaag gisteren morgen klant burger bewoner inwoner
persoon adres telefoonnummer email e-mail iban bsn postcode datum naam locatie_placeholder
nvt n.v.t. etc ivm mbt tav evt
zijn worden hebben kunnen zullen moeten mogen doen
klacht cijfer cijferen vandaar daarnaast niks tja
twee drie vier vijf zes zeven acht negen tien twaalf twintig honderd
""".split())

# Whole answers (normalised: lowercase, no punctuation) that carry no information.
UNINFORMATIVE_ANSWERS = frozenset([
    "", "nvt", "n v t", "nv t", "niet van toepassing", "geen", "geen opmerking", "geen opmerkingen",
    "geen toelichting", "geen commentaar", "geen idee", "niets", "niks", "nee", "neen", "ja",
    "x", "xx", "xxx", "ok", "oke", "oké", "prima", "goed", "geen verdere opmerkingen",
    "niets te melden", "niks te melden", "weet niet", "weet ik niet", "nvt geen", "geen klachten",
    "n a", "na", "none", "idem", "zie boven", "zie hierboven", "leeg", "test",
])


@lru_cache(maxsize=1)
def spacy_dutch_stop_words() -> frozenset[str]:
    """spaCy's Dutch stop word list, read from spaCy's source file without importing spaCy
    (importing it takes seconds)."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("spacy")
    if spec is not None and spec.origin:
        src = Path(spec.origin).parent / "lang" / "nl" / "stop_words.py"
        if src.exists():
            ns: dict = {}
            exec(compile(src.read_text(encoding="utf-8"), str(src), "exec"), ns)  # defines STOP_WORDS only
            return frozenset(ns["STOP_WORDS"])
    from spacy.lang.nl.stop_words import STOP_WORDS  # pragma: no cover

    return frozenset(STOP_WORDS)


@lru_cache(maxsize=32)
def _stop_words(extra: tuple[str, ...]) -> frozenset[str]:
    STOP_WORDS = spacy_dutch_stop_words()
    words = {w.lower().replace("’", "'") for w in STOP_WORDS} | set(DOMAIN_STOP_WORDS) | {w.lower() for w in extra}
    return frozenset(words)


def stop_words(extra: Iterable[str] = ()) -> frozenset[str]:
    """spaCy's Dutch stop words + :data:`DOMAIN_STOP_WORDS` + ``extra``."""
    return _stop_words(tuple(sorted(extra)))
