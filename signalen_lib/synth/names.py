"""Name, street and place pools for the personal data injected into the synthetic corpus.

The pools are read at run time from the lookup lists shipped inside the installed ``deduce``
package (``deduce/data/lookup/src/``: ~14,900 first names, ~10,500 surnames, ~2,400 surnames that
take an interfix such as "van der", ~150,000 street names, ~6,700 places; deduce is
LGPL-3.0-or-later per its package metadata; its LICENSE.md carries the GPL-3.0 text the LGPL builds
on). The lists are only read at run time; nothing is copied into this repository.

Every name is assigned deterministically, by a hash of its lower-cased form, to either the
*generator* part (80 %) or the *held-out* part (20 %): :func:`is_heldout`. The corpus draws 80 % of
its persons and streets from the generator part and 20 % from the held-out part, and marks each
PII span ``heldout: true/false`` in ``ground_truth/pii_spans.jsonl``. A masker must be tuned on the
generator part only; its recall on held-out spans shows whether it generalises beyond the lists.
"""
from __future__ import annotations

import hashlib
import re
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

HELDOUT_PERCENT = 20

# Interfixes as they are written between a first name/initials and the surname (lower case).
INTERFIXES = ("van", "van der", "van den", "van de", "de", "den", "ter", "ten", "van 't", "in 't", "op de", "te", "van het")
_INTERFIX_WEIGHTS = (30, 18, 12, 10, 25, 2, 3, 3, 2, 1, 1, 1, 1)

_NAME_RE = re.compile(r"^[A-ZÀ-Ý][a-zà-ÿ]+(?:[-' ][A-ZÀ-Ýa-zà-ÿ][a-zà-ÿ]+)?$")
_STREET_RE = re.compile(r"^[A-Z][A-Za-zÀ-ÿ'. -]{3,34}$")

# A tiny fallback used only when deduce is not installed (a warning says so).
_FALLBACK_FIRST = ("Anna", "Bram", "Fatima", "Mohamed", "Sanne", "Kees", "Priya", "Joris", "Aylin", "Lotte",
                   "Youssef", "Ingrid", "Dewi", "Ruud", "Naima", "Henk", "Esra", "Thijs", "Marieke", "Kofi")
_FALLBACK_SUR = ("Jansen", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Bos", "Vos", "Peters", "Hendriks",
                 "El Amrani", "Yilmaz", "Kramer", "Dekker", "Verhoeven", "Brouwer", "Koster", "Prins", "Kuipers", "Boer")
_FALLBACK_INTERFIX_SUR = ("Berg", "Dijk", "Vries", "Leeuw", "Wal", "Heuvel", "Broek", "Graaf", "Bruijn", "Linden")
_FALLBACK_STREETS = ("Kerkstraat", "Dorpsweg", "Molenlaan", "Schiekade", "Beukelsdijk", "Goudsesingel",
                     "Zwart Janstraat", "Noordsingel", "Putselaan", "Slinge", "Vlietlaan", "Hoogstraat")
_FALLBACK_PLACES = ("Schiedam", "Vlaardingen", "Capelle aan den IJssel", "Barendrecht", "Spijkenisse")


def _key(name: str) -> str:
    return " ".join(name.strip().lower().split())


def is_heldout(name: str) -> bool:
    """True when ``name`` (a first name, surname without interfix, or street name) is in the
    held-out part: a stable hash of its lower-cased form, independent of any list or seed."""
    h = hashlib.blake2b(_key(name).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(h, "big") % 100 < HELDOUT_PERCENT


@dataclass(frozen=True)
class Pool:
    """One list split into its generator part and its held-out part (both sorted)."""

    generator: tuple[str, ...]
    heldout: tuple[str, ...]

    def part(self, heldout: bool) -> tuple[str, ...]:
        part = self.heldout if heldout else self.generator
        return part or self.generator or self.heldout  # a tiny list may lack one part

    def __len__(self) -> int:
        return len(self.generator) + len(self.heldout)


@dataclass(frozen=True)
class NamePools:
    first_names: Pool
    surnames: Pool
    interfix_surnames: Pool  # surnames written with an interfix (e.g. "Berg" -> "van den Berg")
    streets: Pool
    places: tuple[str, ...]
    source: str  # "deduce <version>" or "fallback"


def _cp1252(s: str) -> bool:
    try:
        s.encode("cp1252")
        return True
    except UnicodeEncodeError:
        return False


def _split(items) -> Pool:
    uniq = sorted({s for s in items if _cp1252(s)})
    held = tuple(s for s in uniq if is_heldout(s))
    gen = tuple(s for s in uniq if not is_heldout(s))
    return Pool(gen, held)


def deduce_lookup_dir() -> Path | None:
    """The folder of deduce's source lookup lists, or None when deduce is not installed."""
    try:
        import importlib.util

        spec = importlib.util.find_spec("deduce")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    d = Path(list(spec.submodule_search_locations)[0]) / "data" / "lookup" / "src"
    return d if d.is_dir() else None


def _read(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@lru_cache(maxsize=1)
def load_pools() -> NamePools:
    """Read and split the pools (cached). All entries are encodable in cp1252 (the KTO export)."""
    d = deduce_lookup_dir()
    if d is None:
        warnings.warn("deduce is not installed: the synthetic corpus uses a tiny built-in name list", stacklevel=2)
        return NamePools(_split(_FALLBACK_FIRST), _split(_FALLBACK_SUR), _split(_FALLBACK_INTERFIX_SUR),
                         _split(_FALLBACK_STREETS), _FALLBACK_PLACES, "fallback")
    names = d / "names"

    def clean(sub: str) -> list[str]:
        exc = {x.lower() for x in _read(names / sub / "exceptions.txt")}
        return [s for s in _read(names / sub / "items.txt")
                if s.lower() not in exc and len(s) >= 3 and _NAME_RE.match(s) and _cp1252(s)]

    first = clean("lst_first_name")
    sur = clean("lst_surname")
    isur = clean("lst_interfix_surname")
    street_exc = {x.lower() for x in _read(d / "locations" / "lst_street" / "exceptions.txt")}
    streets = [s for s in _read(d / "locations" / "lst_street" / "items.txt")
               if _STREET_RE.match(s) and s.lower() not in street_exc and _cp1252(s) and "  " not in s]
    places = sorted({s for s in _read(d / "locations" / "lst_placename" / "lst_residence" / "items.txt")
                     if _STREET_RE.match(s) and _cp1252(s)})
    try:
        from importlib.metadata import version

        src = f"deduce {version('deduce')}"
    except Exception:  # noqa: BLE001
        src = "deduce"
    if min(len(first), len(sur), len(isur), len(streets)) < 50:
        warnings.warn("deduce lookup lists look incomplete; using the built-in fallback", stacklevel=2)
        return NamePools(_split(_FALLBACK_FIRST), _split(_FALLBACK_SUR), _split(_FALLBACK_INTERFIX_SUR),
                         _split(_FALLBACK_STREETS), _FALLBACK_PLACES, "fallback")
    return NamePools(_split(first), _split(sur), _split(isur), _split(streets), tuple(places) or _FALLBACK_PLACES, src)
