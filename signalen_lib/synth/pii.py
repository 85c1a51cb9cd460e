"""Generators for the Dutch personal data injected into synthetic texts, and their validators.

Each ``make_<type>(rng, pools)`` returns ``(value, heldout)``: the exact string written into the
text and whether it was drawn from the held-out part of the name/street lists (see ``names.py``).
Titles ("mw.", "dhr.", "mevrouw") are written before a PERSOON span, not inside it.
"""
from __future__ import annotations

import random
import re
import unicodedata

from signalen_lib.privacy.recognizers import bsn_valid, iban_valid  # noqa: F401 (re-exported for the generator's checks)
from signalen_lib.synth.names import INTERFIXES, _INTERFIX_WEIGHTS, NamePools

PII_TYPES = ("PERSOON", "BSN", "TELEFOON", "EMAIL", "IBAN", "POSTCODE", "ADRES", "KENTEKEN", "GEBOORTEDATUM")

HELDOUT_SHARE = 0.2  # share of persons/streets drawn from the held-out part

MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
          "oktober", "november", "december")

# ---------------------------------------------------------------- persons


def _pick(rng: random.Random, seq):
    return seq[int(rng.random() * len(seq))]


def person_parts(rng: random.Random, pools: NamePools, heldout: bool | None = None,
                 heldout_share: float = HELDOUT_SHARE):
    """(first name, interfix or '', surname, heldout)."""
    if heldout is None:
        heldout = rng.random() < heldout_share
    first = _pick(rng, pools.first_names.part(heldout))
    if rng.random() < 0.3:
        interfix = rng.choices(INTERFIXES, _INTERFIX_WEIGHTS)[0]
        sur = _pick(rng, pools.interfix_surnames.part(heldout))
    else:
        interfix = ""
        sur = _pick(rng, pools.surnames.part(heldout))
    return first, interfix, sur, heldout


def _initials(rng: random.Random, first: str) -> str:
    letters = [first[0].upper()]
    for _ in range(rng.choices((0, 1, 2), (55, 35, 10))[0]):
        letters.append(rng.choice("ACEHJMPRSTW"))
    return "".join(c + "." for c in letters)


def make_person(rng: random.Random, pools: NamePools, style: str = "any",
                heldout_share: float = HELDOUT_SHARE) -> tuple[str, bool]:
    """A person's name as written after an optional title.

    style: ``surname`` (after "mw."/"dhr.": "Van der Berg"), ``full`` ("Sanne van der Berg"),
    ``initials`` ("J.P. van der Berg"), ``first`` ("Sanne"), or ``any``.
    """
    first, interfix, sur, held = person_parts(rng, pools, heldout_share=heldout_share)
    if style == "any":
        style = rng.choices(("surname", "full", "initials", "first"), (35, 35, 22, 8))[0]
    if style == "first":
        return first, held
    if style == "surname":
        if interfix:
            return f"{interfix[0].upper()}{interfix[1:]} {sur}", held
        return sur, held
    lead = first if style == "full" else _initials(rng, first)
    return (f"{lead} {interfix} {sur}" if interfix else f"{lead} {sur}"), held


def email_for(rng: random.Random, first: str, interfix: str, sur: str) -> str:
    def norm(s: str) -> str:
        s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
        return re.sub(r"[^a-z]", "", s.lower())

    f, i, s = norm(first), norm(interfix), norm(sur)
    local = rng.choice((
        f"{f}.{i}{s}", f"{f[:1]}.{i}{s}", f"{f}{s}", f"{f}{rng.randint(1, 99)}", f"{f}.{s}{rng.randint(60, 2005)}",
        f"{f}_{s}", f"{s}{f[:1]}", f"{f}{i}{s}",
    ))
    domain = rng.choices(("gmail.com", "hotmail.com", "outlook.com", "ziggo.nl", "kpnmail.nl", "live.nl",
                          "planet.nl", "hotmail.nl", "icloud.com", "xs4all.nl", "upcmail.nl", "yahoo.com"),
                         (30, 20, 12, 10, 6, 6, 3, 5, 3, 2, 2, 1))[0]
    return f"{local}@{domain}"


def make_email(rng: random.Random, pools: NamePools, heldout_share: float = HELDOUT_SHARE) -> tuple[str, bool]:
    first, interfix, sur, held = person_parts(rng, pools, heldout_share=heldout_share)
    return email_for(rng, first, interfix, sur), held


# ---------------------------------------------------------------- numbers


def make_bsn(rng: random.Random, pools: NamePools | None = None, valid: bool | None = None) -> tuple[str, bool, bool]:
    """(value, heldout=False, valid). About 70 % pass the 11-proef."""
    if valid is None:
        valid = rng.random() < 0.7
    while True:
        d = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(7)]
        s = sum(x * w for x, w in zip(d, range(9, 1, -1)))
        last = s % 11
        if last == 10:
            continue
        if not valid:
            last = (last + rng.randint(1, 9)) % 10
            if (s - last) % 11 == 0:
                continue
        break
    digits = "".join(map(str, d)) + str(last)
    fmt = rng.choices((0, 1, 2), (75, 15, 10))[0]
    if fmt == 1:
        value = f"{digits[:4]}.{digits[4:6]}.{digits[6:]}"
    elif fmt == 2:
        value = f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    else:
        value = digits
    return value, False, valid


_AREA = ("010", "010", "010", "010", "0180", "078", "015", "070", "0181", "0186")


def make_phone(rng: random.Random, pools: NamePools | None = None) -> tuple[str, bool]:
    kind = rng.choices(("mob", "mob_dash", "mob_space", "plus", "plus_space", "land", "land_space", "0031"),
                       (20, 25, 8, 8, 7, 18, 8, 6))[0]
    m = "".join(str(rng.randint(0, 9)) for _ in range(8))
    if kind == "mob":
        return f"06{m}", False
    if kind == "mob_dash":
        return f"06-{m}", False
    if kind == "mob_space":
        return f"06 {m[:2]} {m[2:4]} {m[4:6]} {m[6:]}", False
    if kind == "plus":
        return f"+316{m}", False
    if kind == "plus_space":
        return f"+31 6 {m}", False
    area = rng.choice(_AREA)
    rest = "".join(str(rng.randint(0, 9)) for _ in range(10 - len(area)))
    rest = str(rng.randint(2, 9)) + rest[1:]
    if kind == "land":
        return f"{area}-{rest}", False
    if kind == "land_space":
        return (f"{area} {rest[:3]} {rest[3:5]} {rest[5:]}" if len(rest) == 7 else f"{area} {rest}"), False
    return f"0031 {area[1:]} {rest}", False


_BANKS = ("ABNA", "INGB", "RABO", "SNSB", "ASNB", "TRIO", "KNAB", "BUNQ", "RBRB", "INGB", "ABNA", "RABO")


def make_iban(rng: random.Random, pools: NamePools | None = None) -> tuple[str, bool]:
    bank = rng.choice(_BANKS)
    acct = "".join(str(rng.randint(0, 9)) for _ in range(10))
    num = "".join(str(int(c, 36)) for c in bank + acct + "NL00")
    check = 98 - int(num) % 97
    iban = f"NL{check:02d}{bank}{acct}"
    if rng.random() < 0.35:
        iban = " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))
    elif rng.random() < 0.1:
        iban = iban.lower()
    return iban, False


_PC_LETTERS = "ABCDEGHJKLMNPRSTVWXZ"


def make_postcode(rng: random.Random, pools: NamePools | None = None, with_number: bool | None = None) -> tuple[str, bool]:
    while True:
        letters = rng.choice(_PC_LETTERS) + rng.choice(_PC_LETTERS)
        if letters not in ("SA", "SD", "SS"):
            break
    digits = rng.randint(3011, 3089) if rng.random() < 0.9 else rng.randint(1011, 9999)
    pc = f"{digits}{' ' if rng.random() < 0.6 else ''}{letters}"
    if rng.random() < 0.08:
        pc = pc.lower()
    if with_number is None:
        with_number = rng.random() < 0.3
    if with_number:
        pc += f" {rng.randint(1, 250)}"
    return pc, False


def house_number(rng: random.Random) -> str:
    n = str(int(rng.paretovariate(1.2) * 3) + 1)
    r = rng.random()
    if r < 0.12:
        n += rng.choice("abcd")
    elif r < 0.2:
        n += "-" + rng.choice(("A", "B", "C", "1", "2", "3", "bis"))
    elif r < 0.25:
        n += rng.choice((" hs", " 1 hoog", " 2 hoog", "-III", " A01", " bis", "-2"))
    return n


def make_address(rng: random.Random, pools: NamePools, heldout_share: float = HELDOUT_SHARE) -> tuple[str, bool]:
    held = rng.random() < heldout_share
    street = _pick(rng, pools.streets.part(held))
    return f"{street} {house_number(rng)}", held


_KENTEKEN_LETTERS = "BDFGHJKLNPRSTVXZ"


def make_kenteken(rng: random.Random, pools: NamePools | None = None) -> tuple[str, bool]:
    def L(k):
        return "".join(rng.choice(_KENTEKEN_LETTERS) for _ in range(k))

    def D(k):
        return "".join(str(rng.randint(0, 9)) for _ in range(k))

    side = rng.randrange(11)
    parts = [
        (L(2), D(2), D(2)), (D(2), D(2), L(2)), (D(2), L(2), D(2)), (L(2), D(2), L(2)),
        (L(2), L(2), D(2)), (D(2), L(2), L(2)), (D(2), L(3), D(1)), (D(1), L(3), D(2)),
        (L(2), D(3), L(1)), (L(1), D(3), L(2)), (L(3), D(2), L(1)),
    ][side]
    r = rng.random()
    if r < 0.7:
        k = "-".join(parts)
    elif r < 0.9:
        k = "".join(parts)
    else:
        k = "-".join(parts).lower()
    return k, False


def make_birthdate(rng: random.Random, pools: NamePools | None = None) -> tuple[str, bool]:
    y = rng.randint(1935, 2006)
    m = rng.randint(1, 12)
    d = rng.randint(1, 28)
    fmt = rng.choices((0, 1, 2, 3, 4), (40, 15, 20, 15, 10))[0]
    if fmt == 0:
        return f"{d:02d}-{m:02d}-{y}", False
    if fmt == 1:
        return f"{d}-{m}-{y}", False
    if fmt == 2:
        return f"{d} {MONTHS[m - 1]} {y}", False
    if fmt == 3:
        return f"{d:02d}/{m:02d}/{y}", False
    return f"{d:02d}-{m:02d}-{str(y)[2:]}", False
