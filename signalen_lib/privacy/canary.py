"""Canary personal data for leak tests: plant these in raw texts, then assert that none of the
strings in :data:`CANARY_VALUES` appears anywhere outside the restricted zone (masked text,
reports, dashboard data, logs).

>>> from signalen_lib.privacy.canary import CANARIES, plant, find_leaks
>>> text = plant("De container is niet geleegd.", seed=1)
>>> find_leaks(get_masker().mask(text).text)
[]
"""
from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Canary:
    entity_type: str
    value: str        # the string that must never leave the restricted zone
    sentence: str     # a natural Dutch sentence carrying it ({} is the value)

    def text(self) -> str:
        return self.sentence.format(self.value)


# Values are unusual enough not to occur by chance, and each passes its checksum (BSN 11-proef,
# IBAN mod-97), so a masker cannot miss them for being invalid.
CANARIES: tuple[Canary, ...] = (
    Canary("PERSOON", "Gerbrand Kwakkelstein", "Ik ben teruggebeld door {} van de gemeente."),
    Canary("PERSOON", "Kwakkelstein", "Mevrouw {} heeft mij goed geholpen."),
    Canary("PERSOON", "Wubbo van der Zwaluwstaart", "Dhr. {} belde over de melding."),
    Canary("BSN", "736160231", "Mijn BSN is {}."),
    Canary("TELEFOON", "06-73619284", "Bel mij terug op {} alstublieft."),
    Canary("TELEFOON", "+31 10 739 1846", "Mijn vaste nummer is {}."),
    Canary("EMAIL", "kwakkelstein.canary@hotmail.com", "Mail de reactie naar {}."),
    Canary("IBAN", "NL02ABNA0123456789", "Het geld moet naar rekening {}."),
    Canary("POSTCODE", "3079 QK", "Ik woon in postcode {} in Rotterdam."),
    Canary("ADRES", "Zwaluwstaartstraat 117b", "Het gaat om de stoep voor {}."),
    Canary("KENTEKEN", "GZ-731-X", "De auto met kenteken {} staat al weken fout."),
    Canary("GEBOORTEDATUM", "17-09-1961", "Ik ben geboren op {} en heb recht op de regeling."),
    Canary("ZAAKNUMMER", "Z-2024-731846", "Mijn zaaknummer is {}."),
)

CANARY_VALUES: tuple[str, ...] = tuple(c.value for c in CANARIES)


def plant(text: str, seed: int | None = None, n: int = 1) -> str:
    """Append ``n`` canary sentences to ``text`` (chosen with ``seed``)."""
    rng = random.Random(seed)
    picks = [rng.choice(CANARIES) for _ in range(n)]
    return " ".join([text.rstrip()] + [c.text() for c in picks]).strip()


def canary_texts() -> list[str]:
    """One text per canary."""
    return [c.text() for c in CANARIES]


def find_leaks(*texts: str | None) -> list[str]:
    """The canary values found in the given texts (empty when nothing leaked). Also catches the
    digits of a number canary written without its separators."""
    leaks = []
    blob = "\n".join(t for t in texts if t)
    squashed = "".join(ch for ch in blob if ch.isalnum()).lower()
    for value in CANARY_VALUES:
        key = "".join(ch for ch in value if ch.isalnum()).lower()
        if value in blob or (len(key) >= 6 and key in squashed):
            leaks.append(value)
    return leaks
