"""Word lists the recognizers use, read straight from DEDUCE's raw data files.

DEDUCE ships plain-text lists (first names, surnames, interfixes, titles, place names, streets,
common words). We read those files directly instead of building DEDUCE's own lookup structures
(which take ~90 s and ~1 GB on first use): reading the lists takes well under a second. Nothing
here touches the network.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from spacy.lang.nl.stop_words import STOP_WORDS as _SPACY_NL_STOP


def deduce_lookup_dir() -> Path | None:
    """Folder with DEDUCE's raw lookup lists, or None when deduce is not installed."""
    try:
        import deduce  # noqa: F401  (only to locate its data folder)
    except Exception:  # noqa: BLE001
        return None
    import importlib.util

    spec = importlib.util.find_spec("deduce")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "data" / "lookup" / "src"
    return path if path.exists() else None


def _read(base: Path | None, rel: str) -> set[str]:
    if base is None:
        return set()
    p = base / rel
    if not p.exists():
        return set()
    return {ln.strip() for ln in p.read_text(encoding="utf-8").splitlines() if ln.strip()}


# Titles and forms of address that announce a person name (lower-case, without the final dot).
TITLES = frozenset(
    """dhr mw mevr mvr mevrouw meneer mijnheer heer hr mej mejuffrouw juffrouw juf meester mr dr drs ir ing prof
    ds bc fam familie wethouder burgemeester dokter zuster broeder pastoor collega oom tante opa oma
    agent inspecteur commissaris minister premier president koning koningin prins prinses""".split()
)
# Context words (lower-case) in front of a name in informal text: "gesproken met jansen".
NAME_CUES = frozenset(
    """heet naam genaamd namens gesproken gebeld belde sprak contactpersoon medewerker medewerkster
    behandelaar beller melder klant aanvrager buurman buurvrouw zoon dochter vader moeder man vrouw
    echtgenoot echtgenote partner klt tnv t.n.v. groet groeten mvg gr hoogachtend""".split()
)
# Name interfixes ("van der", "de", "ter"); single tokens, lower-case.
INTERFIX_TOKENS = frozenset(
    """van de der den het 't ter ten te op in aan bij uit von da di du del della la le los dos el al
    d' l' vd v.d. v/d""".split()
)

# A small Dutch gazetteer of countries and large foreign places, so that they are typed as
# places rather than person names (DEDUCE's place list covers the Netherlands only).
EXTRA_PLACES = frozenset(
    """Nederland België Belgie Vlaanderen Wallonië Brussel Antwerpen Gent Brugge Leuven Luik Charleroi Namen Bergen
    Mechelen Hasselt Oostende Kortrijk Aalst Genk Limburg Henegouwen Luxemburg Duitsland Frankrijk Engeland
    Groot-Brittannië Schotland Ierland Spanje Portugal Italië Griekenland Turkije Marokko Algerije Tunesië
    Egypte Israël Palestina Libanon Syrië Irak Iran Afghanistan Pakistan India China Japan Korea Rusland
    Oekraïne Polen Tsjechië Slowakije Hongarije Roemenië Bulgarije Servië Kroatië Bosnië Kosovo Albanië
    Macedonië Slovenië Oostenrijk Zwitserland Denemarken Zweden Noorwegen Finland IJsland Europa Azië Afrika
    Amerika Noord-Amerika Zuid-Amerika Canada Mexico Brazilië Argentinië Chili Peru Colombia Venezuela Cuba
    Suriname Curaçao Aruba Bonaire Indonesië Australië Nigeria Congo Rwanda Burundi Zuid-Afrika Kenia
    Ethiopië Somalië Soedan Londen Parijs Berlijn Madrid Rome Wenen Moskou Washington New York Tokio Peking
    Jeruzalem Istanbul Ankara Genève Straatsburg Kosovo Tsjetsjenië Servië Belgrado Zagreb Sarajevo
    Rotterdam Amsterdam Utrecht Den Haag Eindhoven Groningen Maastricht Schiedam Vlaardingen Capelle Feijenoord
    Charlois Delfshaven Kralingen Crooswijk Hillegersberg Schiebroek Overschie IJsselmonde Hoogvliet Pernis
    Rozenburg Noord Prins Alexander Centrum Zuid Europese""".split()
)


@dataclass(frozen=True)
class Lexicon:
    first_names: frozenset[str]   # as written ("Jan", "Fatima")
    surnames: frozenset[str]      # single-token surnames as written ("Jansen")
    first_lower: frozenset[str]
    surname_lower: frozenset[str]
    ambiguous_lower: frozenset[str]  # names that are also common Dutch words (DEDUCE's exceptions)
    common_words: frozenset[str]  # lower-case Dutch words that are not names
    places: frozenset[str]        # place names as written
    streets_lower: frozenset[str]  # street names, lower-case, one or more tokens
    street_max_tokens: int
    initials: frozenset[str]
    interfix_surnames: frozenset[str]  # surnames written after an interfix ("Vries" in "de Vries")

    def is_word(self, lower: str) -> bool:
        return lower in self.common_words


@functools.lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    base = deduce_lookup_dir()
    first = _read(base, "names/lst_first_name/items.txt")
    first_exc = _read(base, "names/lst_first_name/exceptions.txt")
    sur = _read(base, "names/lst_surname/items.txt")
    sur_exc = _read(base, "names/lst_surname/exceptions.txt")
    inter_sur = _read(base, "names/lst_interfix_surname/items.txt")
    stop = _read(base, "whitelist/lst_stop_word/items.txt")
    common = _read(base, "whitelist/lst_common_word/items.txt")
    medical = _read(base, "whitelist/lst_medical_term/items.txt")
    places: set[str] = set()
    for sub in ("lst_residence", "lst_municipality", "lst_province", "lst_region"):
        places |= _read(base, f"locations/lst_placename/{sub}/items.txt")
    places |= set(EXTRA_PLACES)
    streets = _read(base, "locations/lst_street/items.txt")
    initials = _read(base, "names/lst_initial/items.txt") or {chr(c) for c in range(ord("A"), ord("Z") + 1)}

    single_first = {n for n in first if " " not in n}
    single_sur = {n for n in sur if " " not in n}
    single_sur |= {n for n in inter_sur if " " not in n and n[:1].isupper()}
    words = {w.lower() for w in (stop | common | set(_SPACY_NL_STOP))}
    words |= {w.lower() for w in medical if " " not in w and w.islower()}
    ambiguous = {w.lower() for w in first_exc | sur_exc}
    streets_lower = {s.lower() for s in streets if s and s[0] not in "\"'("}
    max_tok = max((len(s.split()) for s in streets_lower), default=1)
    return Lexicon(
        first_names=frozenset(single_first | first_exc),
        surnames=frozenset(single_sur | sur_exc),
        first_lower=frozenset(n.lower() for n in single_first),
        surname_lower=frozenset(n.lower() for n in single_sur),
        ambiguous_lower=frozenset(ambiguous),
        common_words=frozenset(words),
        places=frozenset(places),
        streets_lower=frozenset(streets_lower),
        street_max_tokens=min(max_tok, 4),
        initials=frozenset(initials),
        interfix_surnames=frozenset(n for n in inter_sur if " " not in n and n[:1].isupper()),
    )
