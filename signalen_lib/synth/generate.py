"""Generate the synthetic Dutch signal corpus: four source exports plus ground truth.

``generate(n, seed, out_dir, start, end)`` writes (see docs in ``signalen_lib/synth/__init__.py``)::

    kto/kto_export.csv                       ; separated, cp1252
    klacht/klachten_export.xlsx              sheet "Klachten"
    terugbelnotitie/terugbelnotities.jsonl
    interview/interviews.json
    ground_truth/signals.csv, pii_spans.jsonl, events.json

Metadata (source, topic, day, channel, place, perception, score) is drawn with numpy in bulk;
texts are expanded from the grammar in ``content.py`` with a ``random.Random`` per source (so the
sources can be expanded in two processes with the same result). Same seed -> byte-identical files.
"""
from __future__ import annotations

import csv
import json
import math
import os
import random
import re
import zipfile
from functools import lru_cache
from pathlib import Path

import numpy as np

from signalen_lib.schema import ORG_UNITS
from signalen_lib.synth import content, events as ev, pii
from signalen_lib.synth.grammar import Expander, compile_rules, link
from signalen_lib.synth.names import load_pools

SOURCE_SHARES = {"kto": 0.55, "terugbelnotitie": 0.25, "klacht": 0.18, "interview": 0.02}
MONTHS = pii.MONTHS

# category weights per source (split evenly over subcategories unless SUB_WEIGHTS says otherwise)
CATEGORY_WEIGHTS = {
    "kto": dict(parkeren=6, afval=6, openbare_ruimte=5, overlast=4, belastingen=6, betalingsregeling=6,
                werk_inkomen=7, burgerzaken=10, wonen_vergunningen=4, zorg_welzijn=4, verkeer=2,
                bereikbaarheid=14, status_aanvraag=8, informatie_brieven=8, bejegening=14),
    "terugbelnotitie": dict(parkeren=8, afval=8, openbare_ruimte=5, overlast=5, belastingen=12, betalingsregeling=10,
                            werk_inkomen=10, burgerzaken=8, wonen_vergunningen=6, zorg_welzijn=8, verkeer=2,
                            bereikbaarheid=3, status_aanvraag=10, informatie_brieven=5, bejegening=1),
    "klacht": dict(parkeren=12, afval=12, openbare_ruimte=10, overlast=12, belastingen=5, betalingsregeling=3,
                   werk_inkomen=6, burgerzaken=3, wonen_vergunningen=5, zorg_welzijn=5, verkeer=5,
                   bereikbaarheid=8, status_aanvraag=8, informatie_brieven=4, bejegening=10),
    "interview": dict(parkeren=6, afval=9, openbare_ruimte=9, overlast=9, belastingen=5, betalingsregeling=4,
                      werk_inkomen=8, burgerzaken=5, wonen_vergunningen=8, zorg_welzijn=9, verkeer=6,
                      bereikbaarheid=5, status_aanvraag=5, informatie_brieven=5, bejegening=7),
}
SUB_WEIGHTS = {("overlast", "barbecue"): 1.3, ("openbare_ruimte", "gladheid"): 1.3, ("overlast", "lachgas"): 0.6,
               ("bejegening", "vriendelijkheid"): 2.0, ("bereikbaarheid", "wachttijd_telefoon"): 1.6}
NEW_SIGNAL_SHARE = {"kto": 0.008, "terugbelnotitie": 0.012, "klacht": 0.015, "interview": 0.005}
GENERIC = ("bereikbaarheid", "status_aanvraag", "informatie_brieven", "bejegening")
EVENT_TOPICS = {ev.BBQ, ev.GRIT, ev.LACHGAS, ev.SLAGBOOM}

CHANNEL_WEIGHTS = {
    "kto": {"telefoon 14010": 45, "stadswinkel": 20, "web": 14, "chat": 10, "e-mail": 7, "balie": 4},
    "klacht": {"web": 50, "e-mail": 25, "brief": 9, "telefoon 14010": 10, "sociale media": 5, "onbekend": 1},
    "terugbelnotitie": {"telefoon 14010": 93, "chat": 5, "onbekend": 2},
}
WEEKDAY = {  # Monday..Sunday volume factors
    "kto": (1.0, 1.0, 0.95, 0.95, 0.9, 0.35, 0.15),
    "terugbelnotitie": (1.15, 1.0, 1.0, 1.0, 0.9, 0.2, 0.01),
    "klacht": (1.1, 1.0, 1.0, 1.0, 0.9, 0.55, 0.5),
    "interview": (1.0, 1.0, 1.0, 1.0, 0.8, 0.05, 0.0),
}
HOURS = {  # hour-of-day weights 0..23
    "kto": [1, 0.5, 0.2, 0.1, 0.1, 0.2, 0.6, 2, 4, 6, 7, 7, 6, 6, 6, 6, 5, 5, 6, 7, 7, 6, 4, 2],
    "terugbelnotitie": [0] * 8 + [4, 8, 9, 9, 7, 8, 8, 8, 7, 4] + [0] * 6,
}
BASE_PERCEPTION = {  # klacht, neutraal, compliment
    "kto": (0.45, 0.25, 0.30), "terugbelnotitie": (0.27, 0.71, 0.02),
    "klacht": (0.93, 0.06, 0.01), "interview": (0.45, 0.35, 0.20),
}
CAT_TONE = {  # multipliers on (klacht, neutraal, compliment)
    "bejegening": (0.9, 0.5, 2.0), "burgerzaken": (0.8, 1.0, 1.5), "bereikbaarheid": (1.6, 0.8, 0.45),
    "status_aanvraag": (1.5, 1.0, 0.4), "betalingsregeling": (1.3, 1.0, 0.5), "overlast": (1.5, 0.8, 0.3),
    "nieuw_slagboom": (2.5, 1.0, 0.15), "informatie_brieven": (1.0, 1.3, 0.8), "werk_inkomen": (1.2, 1.0, 0.7),
}
PERCEPTIONS = ("klacht", "neutraal", "compliment")
# P(score | perception), scores 0..10
SCORE_DIST = {
    "compliment": (0, 0, 0, 0, 0, 0.01, 0.02, 0.10, 0.35, 0.30, 0.22),
    "neutraal": (0.01, 0.01, 0.02, 0.03, 0.05, 0.10, 0.18, 0.30, 0.20, 0.07, 0.03),
    "klacht": (0.12, 0.10, 0.12, 0.14, 0.14, 0.14, 0.10, 0.08, 0.04, 0.01, 0.01),
}
N_CATS_DIST = {"kto": (0.75, 0.20, 0.05), "klacht": (0.55, 0.33, 0.12), "terugbelnotitie": (0.80, 0.18, 0.02),
               "interview": (0.15, 0.45, 0.40)}
PII_RATE = {"kto": 0.05, "klacht": 0.8, "terugbelnotitie": 0.85, "interview": 0.15}
PARALLEL_MIN_N = 20000  # below this, one process (start-up of a worker costs ~1 s)
NON_INFORMATIVE_SHARE = 0.07  # of KTO answers
GEO_MISSING = {"kto": 0.08, "klacht": 0.02, "terugbelnotitie": 0.03, "interview": 0.0}
HOTSPOTS = {  # topic -> buurten with extra weight (half of that topic's signals)
    ev.BBQ: ("Kralingen-Oost", "Kralingse Bos", "Zuiderpark", "Vreewijk", "Blijdorp", "Het Lage Land"),
    ev.LACHGAS: ("Zuidwijk", "Pendrecht", "Lombardijen", "Ommoord", "Tarwewijk", "Hoogvliet-Zuid"),
    ev.SLAGBOOM: ("Kralingen-Oost", "Het Lage Land", "Prinsenland", "Oosterflank"),
}
# category -> (cluster, afdeling); subcategory overrides
ORG_MAP = {
    "parkeren": ("Stadsbeheer", "Parkeren"), "afval": ("Stadsbeheer", "Afval en Reiniging"),
    "openbare_ruimte": ("Stadsbeheer", "Buitenruimte"), "overlast": ("Stadsbeheer", "Handhaving"),
    "belastingen": ("Dienstverlening", "Belastingen"), "betalingsregeling": ("Dienstverlening", "Belastingen"),
    "werk_inkomen": ("Werk en Inkomen", "Uitkeringen"), "burgerzaken": ("Dienstverlening", "Burgerzaken"),
    "wonen_vergunningen": ("Stadsontwikkeling", "Vergunningen"), "zorg_welzijn": ("Maatschappelijke Ontwikkeling", "Zorg en Welzijn"),
    "verkeer": ("Stadsontwikkeling", "Verkeer en Vervoer"), "bereikbaarheid": ("Dienstverlening", "Klantcontactcentrum 14010"),
    "nieuw_slagboom": ("Maatschappelijke Ontwikkeling", "Zorg en Welzijn"),
}
SUB_ORG = {
    ("parkeren", "foutparkeren"): ("Stadsbeheer", "Handhaving"),
    ("werk_inkomen", "schuldhulp"): ("Werk en Inkomen", "Schuldhulpverlening"),
    ("werk_inkomen", "reintegratie"): ("Werk en Inkomen", "Werkgeversservicepunt"),
    ("burgerzaken", "afspraak_stadswinkel"): ("Dienstverlening", "Stadswinkels"),
    ("wonen_vergunningen", "woningzoeken"): ("Stadsontwikkeling", "Wonen"),
    ("wonen_vergunningen", "bouwoverlast"): ("Stadsbeheer", "Handhaving"),
    ("zorg_welzijn", "jeugdhulp"): ("Maatschappelijke Ontwikkeling", "Jeugd en Onderwijs"),
    ("zorg_welzijn", "leerlingenvervoer"): ("Maatschappelijke Ontwikkeling", "Jeugd en Onderwijs"),
    ("openbare_ruimte", "speelplaats"): ("Maatschappelijke Ontwikkeling", "Wijknetwerken"),
}
ALL_UNITS = [(c, a) for c, afd in ORG_UNITS.items() for a in afd]
PII_SLOTS = {  # slot -> (type, fn(rng, pools, heldout_share) -> (value, heldout))
    "NAAM": ("PERSOON", lambda r, p, h: pii.make_person(r, p, "any", h)),
    "ACHTERNAAM": ("PERSOON", lambda r, p, h: pii.make_person(r, p, "surname", h)),
    "VOLNAAM": ("PERSOON", lambda r, p, h: pii.make_person(r, p, "full", h)),
    "INITNAAM": ("PERSOON", lambda r, p, h: pii.make_person(r, p, "initials", h)),
    "VOORNAAM": ("PERSOON", lambda r, p, h: pii.make_person(r, p, "first", h)),
    "BSN": ("BSN", None), "TEL": ("TELEFOON", lambda r, p, h: pii.make_phone(r, p)),
    "EMAIL": ("EMAIL", pii.make_email), "IBAN": ("IBAN", lambda r, p, h: pii.make_iban(r, p)),
    "PC": ("POSTCODE", lambda r, p, h: pii.make_postcode(r, p, False)),
    "PCNR": ("POSTCODE", lambda r, p, h: pii.make_postcode(r, p, True)), "ADRES": ("ADRES", pii.make_address),
    "KENTEKEN": ("KENTEKEN", lambda r, p, h: pii.make_kenteken(r, p)),
    "GEBDAT": ("GEBOORTEDATUM", lambda r, p, h: pii.make_birthdate(r, p)),
}


# --------------------------------------------------------------------------------------- helpers
@lru_cache(maxsize=1)
def _compiled():
    glob = compile_rules({**content.GLOBAL_RULES, **content.PII_RULES})
    for key, per_source in content.PII_TOPIC_RULES.items():
        glob.update(compile_rules({f"pii_{key}_{src}": alts for src, alts in per_source.items()}))
    glob.update(compile_rules({f"ni_{p}": alts for p, alts in content.NON_INFORMATIVE.items()}))
    extra = compile_rules({
        "kto_neutraal": ["{Had|Ik had} een vraag over <np>{, die is beantwoord|. Antwoord gekregen maar nog niet alles duidelijk|, moet nog afwachten|, redelijk geholpen}.",
                         "<v>", "Ging over <np>. {Redelijk|Het was oké|Gemiddeld|Niet slecht, niet goed}."],
        "tb_intro": ["{Klt|klt|Klant} belt{ terug| nav brief| ivm eerdere melding| voor 2e keer|}.", "TBV{:|.}", "Terugbelverzoek{:|.}", "{Mw.|Dhr.|mw|dhr} belt{ namens moeder| namens vader| namens buurvrouw|}.", ""],
        "tb_klacht": ["{Klt|Klant} {erg |zeer |}{ontevreden|boos|ontstemd}.", "Wil klacht indienen.", "Klacht:", "{Klt|Klant} dreigt met {klacht|ombudsman|de krant}.", "{Klt|Klant} wil klacht indienen."],
    })
    glob.update(extra)
    glob = link(glob)
    subs = {}
    for key, spec in content.S.items():
        cat, sub = key.split("/")
        local = link(compile_rules({k: v for k, v in spec.items() if k != "pii"}), glob)
        subs[(cat, sub)] = (local, tuple(spec.get("pii", ())))
    return glob, subs


def _read_geo():
    from signalen_lib.config import PACKAGE_DIR

    path = PACKAGE_DIR / "geo" / "rotterdam_buurten.tsv"
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()[1:] if line.strip()]
    codes = [r[0] for r in rows]
    names = [r[1] for r in rows]
    wcodes = [r[2] for r in rows]
    wnames = [r[3] for r in rows]
    inh = np.array([max(float(r[4] or 0), 0.0) for r in rows])
    p = inh / inh.sum()
    return codes, names, wcodes, wnames, p


# --------------------------------------------------------------------------------------- text
_SENT = re.compile(r"[.!?][ ]+[a-zà-ÿ]|\n[ ]*[a-zà-ÿ]")
_ABBREV_END = re.compile(r"(?:^|[\s(])(?:[a-zA-Z]{1,3}|[a-zA-Z.]*\.[a-zA-Z]+)\.$")
_SPACE_BEFORE = tuple((" " + c, c) for c in ",.!?:;)\n") + (("\t", " "),)
_PUNCT = (("!.", "!"), ("?.", "?"), (",.", "."), (":.", ":"))


def _fix(s: str) -> str:
    """Tidy spaces and punctuation left by optional parts ("a  b", "x .", "!.", ",.")."""
    if "  " in s:
        while "  " in s:
            s = s.replace("  ", " ")
    if " " in s:
        for pat, rep in _SPACE_BEFORE:
            if pat in s:
                s = s.replace(pat, rep)
    if "." in s:
        while ".." in s:
            s = s.replace("..", ".")
        for pat, rep in _PUNCT:
            if pat in s:
                s = s.replace(pat, rep)
    return s


_MISSPELL = {"wordt": "word", "word": "wordt", "gebeurd": "gebeurt", "gebeurt": "gebeurd", "eigenlijk": "eigelijk",
             "misschien": "mischien", "reactie": "reaktie", "direct": "direkt", "contact": "kontakt",
             "geïnformeerd": "geinformeerd", "hygiënisch": "hygienisch", "alleen": "allen", "natuurlijk": "natuurlijk",
             "even": "ff", "zo'n": "zon", "bijvoorbeeld": "bijv", "medewerker": "medewerkster", "verantwoordelijk": "verantwoordelijk",
             "afgehandeld": "afgehandelt", "gebeld": "gebelt", "verhuisd": "verhuist", "ontvangen": "ontvangen",
             "behandeld": "behandelt", "beantwoord": "beantwoordt", "gemaild": "gemailt", "opgehaald": "opgehaalt"}
_KEYS = "qwertyuiopasdfghjklzxcvbnm"


def _typo(word: str, rng: random.Random) -> str:
    low = word.lower()
    if low in _MISSPELL and rng.random() < 0.7:
        return _MISSPELL[low]
    if len(word) < 4 or not word.isalpha():
        return word
    i = 1 + int(rng.random() * (len(word) - 2))
    r = rng.random()
    if r < 0.35:
        return word[:i] + word[i + 1:]  # dropped letter
    if r < 0.65:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]  # swapped
    if r < 0.85:
        return word[:i] + word[i] + word[i:]  # doubled
    return word[:i] + _KEYS[int(rng.random() * 26)] + word[i + 1:]


def _noise(s: str, rng: random.Random, typo_rate: float) -> str:
    """Each word longer than two characters gets a typo with probability ``typo_rate`` (the gaps
    between typos are drawn geometrically: one random number per typo, not per word)."""
    if typo_rate <= 0 or not s:
        return s
    words = s.split(" ")
    n = len(words)
    logq = math.log(1.0 - typo_rate)
    j = int(math.log(1.0 - rng.random()) / logq)
    changed = False
    while j < n:
        w = words[j]
        if len(w) > 2:
            words[j] = _typo(w, rng)
            changed = True
        j += 1 + int(math.log(1.0 - rng.random()) / logq)
    return " ".join(words) if changed else s


def assemble(segments: list, rng: random.Random, typo_rate: float = 0.0, lower: bool = False,
             sentence_case: bool = True, drop_final_dot: bool = False):
    """Join expanded segments into (text, spans); spans are (start, end, type, value, heldout, extra)."""
    parts: list[list] = []
    for seg in segments:
        if isinstance(seg, str):
            if parts and parts[-1][1] is None:
                parts[-1][0] += seg
            else:
                parts.append([seg, None])
        else:
            parts.append([seg[1], seg])
    # literal clean-up, noise, lower case
    for k, p in enumerate(parts):
        if p[1] is not None:
            continue
        s = _fix(p[0])
        if k == 0:
            s = s.lstrip()
        if k == len(parts) - 1:
            s = s.rstrip()
            if drop_final_dot and s.endswith("."):
                s = s[:-1]
        s = _noise(s, rng, typo_rate)
        if lower:
            s = s.lower()
        p[0] = s
    # boundary whitespace between parts
    for k in range(1, len(parts)):
        if parts[k][1] is None and parts[k - 1][0].endswith((" ", "\n")) and parts[k][0].startswith(" "):
            parts[k][0] = parts[k][0].lstrip(" ")
    out, spans, pos = [], [], 0
    for s, meta in parts:
        if meta is not None:
            spans.append((pos, pos + len(s), meta[0], s, meta[2], meta[3]))
        out.append(s)
        pos += len(s)
    text = "".join(out)
    if sentence_case and not lower and text:
        chars = None
        c0 = text[0]
        if "a" <= c0 <= "z" and not (spans and spans[0][0] == 0):
            chars = list(text)
            chars[0] = c0.upper()
        for m in _SENT.finditer(text):
            i = m.end() - 1
            if spans and any(a <= i < b for a, b, *_ in spans):
                continue
            k = m.start()
            if text[k] == "." and _ABBREV_END.search(text[max(0, k - 11):k + 1]):
                continue
            up = text[i].upper()
            if len(up) == 1:
                if chars is None:
                    chars = list(text)
                chars[i] = up
        if chars is not None:
            text = "".join(chars)
    return text, spans


class TextMaker:
    def __init__(self, rng: random.Random, heldout_share: float = pii.HELDOUT_SHARE):
        self.rng = rng
        self.heldout_share = heldout_share
        self.pools = load_pools()
        self.glob, self.subs = _compiled()
        self.ex = Expander(self.glob, rng, self._pii)

    def _pii(self, slot: str):
        typ, fn = PII_SLOTS[slot]
        if slot == "BSN":
            value, held, valid = pii.make_bsn(self.rng)
            return (typ, value, held, {"valid": valid})
        value, held = fn(self.rng, self.pools, self.heldout_share)
        return (typ, value, held, None)

    # small helpers ------------------------------------------------------------------
    def r(self, name, local, out):
        self.ex.rule(name, local, out)

    def loc(self, topic):
        return self.subs[topic][0]

    def topic_pii(self, topic, src, out, sep=" "):
        keys = self.subs[topic][1]
        if keys:
            key = keys[int(self.rng.random() * len(keys))]
            out.append(sep)
            self.r(f"pii_{key}_{src}", None, out)
            return True
        return False

    # sources ------------------------------------------------------------------------
    def kto(self, topics, perception, with_pii):
        rng, out = self.rng, []
        L = [self.loc(t) for t in topics]
        if perception == "klacht":
            form = rng.random()
            if form < 0.3:
                self.r("emo_open", None, out)
                out.append(" ")
                self.r("k", L[0], out)
            else:
                self.r("k", L[0], out)
            for loc in L[1:]:
                r = rng.random()
                out.append("\n" if r < 0.08 else "; " if r < 0.16 else ". ")
                self.r("ook", None, out)
                out.append(" ")
                self.r("k", loc, out)
            if rng.random() < 0.5:
                self.r("emo_neg", None, out)
            else:
                out.append(". ")
                self.r("kto_neg_close", None, out)
        elif perception == "compliment":
            if rng.random() < 0.35:
                self.r("kto_pos_open", None, out)
                out.append(" ")
            self.r("p", L[0], out)
            for loc in L[1:]:
                out.append(". ")
                self.r("ook_pos", None, out)
                out.append(" ")
                self.r("p", loc, out)
            if rng.random() < 0.5:
                out.append(". ")
                self.r("kto_pos_close", None, out)
        else:
            form = rng.random()
            if form < 0.45 or len(L) > 1:
                self.r("p", L[0], out)
                out.append(", ")
                self.r("mixed_but", None, out)
                out.append(" ")
                self.r("k", L[-1] if len(L) > 1 else L[0], out)
                for loc in L[1:-1]:
                    out.append(". ")
                    self.r("ook", None, out)
                    out.append(" ")
                    self.r("v", loc, out)
            else:
                self.r("kto_neutraal", L[0], out)
        out.append(".")
        if with_pii:
            if rng.random() < 0.4 and self.topic_pii(topics[0], "kto", out):
                pass
            else:
                out.append(" ")
                self.r(rng.choice(("pii_tel_kto", "pii_mail_kto", "pii_naam_kto")), None, out)
        return out

    def klacht(self, topics, perception, with_pii):
        rng, out = self.rng, []
        L = [self.loc(t) for t in topics]
        formal = rng.random() < 0.6
        if perception == "compliment":
            out.append(rng.choice(("Ik wil graag een compliment geven. ", "Geen klacht maar een compliment: ", "Compliment! ")))
            self.r("p", L[0], out)
            out.append(".")
            if with_pii:
                out.append("\n")
                self.r("pii_klacht_sig", None, out)
            return out, formal
        if formal:
            self.r("klacht_aanhef", None, out)
            out.append("\n\n")
            if perception == "neutraal":
                out.append(rng.choice(("Ik heb een vraag. ", "Graag wil ik het volgende weten. ", "")))
                self.r("v", L[0], out)
                out.append(".")
            else:
                self.r("klacht_intro", L[0], out)
                out.append(" ")
                self.r("k", L[0], out)
                out.append(".")
            if with_pii and rng.random() < 0.5:
                if not self.topic_pii(topics[0], "klacht", out):
                    out.append(" ")
                    self.r("pii_klacht_body", None, out)
            for loc in L[1:]:
                out.append(" ")
                self.r("ook", None, out)
                out.append(" ")
                self.r("k", loc, out)
                out.append(".")
            out.append("\n\n")
            self.r("klacht_eis", None, out)
            out.append("\n\n")
            self.r("klacht_groet", None, out)
            if with_pii:
                out.append("\n")
                self.r("pii_klacht_sig", None, out)
        else:
            if rng.random() < 0.6:
                self.r("boos_open", None, out)
                out.append(" ")
            if perception == "neutraal":
                self.r("v", L[0], out)
                out.append(".")
            else:
                self.r("k", L[0], out)
                self.r("emo_neg", None, out)
            for loc in L[1:]:
                out.append(". ")
                self.r("ook", None, out)
                out.append(" ")
                self.r("k", loc, out)
                out.append(rng.choice(("!", ".", "!!")))
            out.append(" ")
            self.r("boos_close", None, out)
            if with_pii:
                if not (rng.random() < 0.5 and self.topic_pii(topics[0], "klacht", out)):
                    out.append(" ")
                    self.r("pii_klacht_body", None, out)
        return out, formal

    def terugbel(self, topics, perception, with_pii):
        rng, out = self.rng, []
        L = [self.loc(t) for t in topics]
        self.r("tb_intro", None, out)
        out.append(" ")
        said_klacht = perception == "klacht" and rng.random() < 0.4
        if said_klacht:
            self.r("tb_klacht", None, out)
            out.append(" ")
        self.r("tb_subj", None, out)
        out.append(" ")
        if perception == "compliment":
            if L[0].get("nc") and rng.random() < 0.6:
                self.r("nc", L[0], out)
            else:
                out.append("wil compliment doorgeven: ")
                self.r("p", L[0], out)
        elif perception == "klacht" and L[0].get("nk") and rng.random() < 0.7:
            self.r("nk", L[0], out)
        else:
            self.r("n", L[0], out)
        out.append(". ")
        for loc in L[1:]:
            self.r("ook_note", None, out)
            out.append(" ")
            self.r("n", loc, out)
            out.append(". ")
        if perception == "klacht" and not said_klacht and rng.random() < 0.5:
            self.r("tb_klacht", None, out)
            out.append(" ")
        elif perception != "compliment" and rng.random() < 0.35:
            self.r("tb_close", None, out)
            out.append(" ")
        self.r("tb_req", None, out)
        if rng.random() < 0.6:
            out.append(" ")
            self.r("tb_when", None, out)
        if with_pii:
            out.append(rng.choice((", ", ". ", " / ", " - ", ", ")))
            r = rng.random()
            if r < 0.45:
                self.r("pii_tb_naam", None, out)
                out.append(rng.choice((" ", ", ")))
                self.r("pii_tb_tel", None, out)
            elif r < 0.8:
                self.r("pii_tb_tel", None, out)
            else:
                self.r("pii_tb_naam", None, out)
            if rng.random() < 0.45:
                out.append(rng.choice((". ", ", ", " / ")))
                if not (rng.random() < 0.6 and self.topic_pii(topics[0], "tb", out, sep="")):
                    self.r("pii_tb_extra", None, out)
        out.append(rng.choice((".", "", ".", " ")))
        return out

    def interview(self, topics, perception, with_pii):
        rng, out = self.rng, []
        L = [self.loc(t) for t in topics]
        self.r("iv_open", None, out)
        out.append("\n")
        for j, loc in enumerate(L):
            if j:
                out.append("\n")
                self.r("iv_link", None, out)
                out.append(" ")
            tone = perception if j == 0 else rng.choice(("klacht", "neutraal", perception))
            if tone == "klacht":
                if not j:
                    self.r("iv_subj", None, out)
                    out.append(" ")
                self.r("nk" if loc.get("nk") and rng.random() < 0.5 else "n", loc, out)
                out.append(". ")
                self.r("iv_quote", loc, out)
            elif tone == "compliment":
                self.r("iv_pos", loc, out)
            else:
                if not j:
                    self.r("iv_subj", None, out)
                    out.append(" ")
                self.r("n", loc, out)
                out.append(". ")
                self.r("v", loc, out)
                out.append(".")
        if with_pii:
            out.append("\n")
            self.r("pii_iv", None, out)
        out.append("\n")
        self.r("iv_close", None, out)
        return out

    def non_informative(self, perception):
        out = []
        self.r(f"ni_{perception}", None, out)
        return out


# --------------------------------------------------------------------------------------- sampling
def _topics():
    return [tuple(k.split("/")) for k in content.S]


def _source_weights(source: str, topics) -> np.ndarray:
    cw = CATEGORY_WEIGHTS[source]
    per_cat = {}
    for t in topics:
        per_cat.setdefault(t[0], []).append(t)
    w = np.zeros(len(topics))
    for i, t in enumerate(topics):
        if t == ev.SLAGBOOM:
            continue
        subs = per_cat[t[0]]
        tot = sum(SUB_WEIGHTS.get(s, 1.0) for s in subs)
        w[i] = cw.get(t[0], 0) * SUB_WEIGHTS.get(t, 1.0) / tot
    w /= w.sum()
    return w


def _perception_probs(source: str, cat: str) -> np.ndarray:
    p = np.array(BASE_PERCEPTION[source], dtype=float)
    p *= np.array(CAT_TONE.get(cat, (1.0, 1.0, 1.0)))
    return p / p.sum()


def _dissatisfied(probs) -> float:
    """P(score <= 6) for KTO given (klacht, neutraal, compliment) probabilities."""
    d = {k: sum(SCORE_DIST[k][:7]) / sum(SCORE_DIST[k]) for k in PERCEPTIONS}
    return float(sum(p * d[k] for p, k in zip(probs, PERCEPTIONS)))


def generate(n: int, seed: int, out_dir, start: str = "2024-11-01", end: str = "2026-10-31", *,
             heldout_share: float = pii.HELDOUT_SHARE, workers: int | None = None) -> dict:
    """Write the synthetic corpus for ``n`` signals into ``out_dir``; return a summary dict.

    ``heldout_share``: share of persons, e-mail names and streets drawn from the held-out part of
    the name lists (default 0.2; 0 gives a corpus to tune a masker on without touching them).
    ``workers``: processes for the text expansion (default 2 from ``PARALLEL_MIN_N`` signals on a
    machine with 2+ cores, else 1). Each source has its own random stream, so the files are the
    same whatever the number of workers.
    The summary holds ``n``, ``seed``, ``start``, ``end``, ``sources`` (counts per source),
    ``pii_spans`` and ``events`` (keys).
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    if not 0.0 <= heldout_share <= 1.0:
        raise ValueError("heldout_share must be between 0 and 1")
    try:
        d0, d1 = np.datetime64(str(start), "D"), np.datetime64(str(end), "D")
    except ValueError:
        raise ValueError(f"start/end must be dates as YYYY-MM-DD (got {start!r}, {end!r})") from None
    if d1 <= d0:
        raise ValueError(f"end ({end}) must be after start ({start})")
    out = Path(out_dir)
    rng = np.random.default_rng(seed)
    days = np.arange(d0, d1 + np.timedelta64(1, "D"))
    D = len(days)
    plan = ev.plan_events(days, rng)
    topics = _topics()
    T = len(topics)
    tidx = {t: i for i, t in enumerate(topics)}
    weekday = (days.astype(int) - 4) % 7
    mon = days.astype("datetime64[M]").astype(int) % 12 + 1
    dom = (days - days.astype("datetime64[M]")).astype(int) + 1
    holiday = (((mon == 12) & np.isin(dom, (25, 26))) | ((mon == 1) & (dom == 1)) | ((mon == 4) & (dom == 27))
               | ((mon == 5) & (dom == 5)))

    # daily multipliers per topic (shared by sources) and event shares
    M = np.ones((T, D))
    M[tidx[ev.BBQ]] = ev.seasonal_barbecue(days, rng)
    M[tidx[ev.GRIT]] = ev.seasonal_gritting(plan)
    M[tidx[ev.LACHGAS]] = ev.policy_lachgas(plan)
    kern = ev.mailing_kernel(plan)
    mail_share = {}
    for t, amp in ev.MAILING_TOPICS.items():
        extra = amp * kern
        M[tidx[t]] *= 1.0 + extra
        mail_share[t] = extra / (1.0 + extra)
    slag = ev.new_signal(plan)
    imp_i = plan.index(plan.improvement_day)

    # ---- sample (source, topic, day)
    src_names = list(SOURCE_SHARES)
    counts = rng.multinomial(n, [SOURCE_SHARES[s] for s in src_names])
    n_by = dict(zip(src_names, counts.tolist()))
    n_noninf = int(round(NON_INFORMATIVE_SHARE * n_by["kto"]))
    recs = []  # per source arrays
    for s in src_names:
        ns = n_by[s] - (n_noninf if s == "kto" else 0)
        w = _source_weights(s, topics)
        dayw = np.array(WEEKDAY[s])[weekday] * np.where(holiday & (s != "klacht"), 0.15, 1.0)
        J = w[:, None] * M
        if s == "terugbelnotitie":
            for t in topics:
                if t[0] == ev.IMPROVEMENT_CATEGORY:
                    J[tidx[t], imp_i:] *= ev.IMPROVEMENT_VOLUME_FACTOR
        # new signal: a fixed share of the (average) daily volume from its day on
        J[tidx[ev.SLAGBOOM]] = NEW_SIGNAL_SHARE[s] * J.sum(0).mean() * slag
        J = J * dayw[None, :]
        P = (J / J.sum()).ravel()
        cell = rng.choice(T * D, size=ns, p=P)
        ti, di = cell // D, cell % D
        if s == "kto":
            ti = np.concatenate([ti, np.full(n_noninf, -1)])
            pd_ = dayw / dayw.sum()
            di = np.concatenate([di, rng.choice(D, size=n_noninf, p=pd_)])
        recs.append((s, ti, di))

    codes, bnames, wcodes, wnames, geo_p = _read_geo()
    hot = {t: [i for i, nm in enumerate(bnames) if nm in names] for t, names in HOTSPOTS.items()}
    sdist = {k: np.array(v) / sum(v) for k, v in SCORE_DIST.items()}
    summary = {"n": n, "seed": seed, "start": start, "end": end, "sources": {}}
    geo = (codes, bnames, wcodes, wnames)
    policy_i = plan.index(plan.policy_day)
    jobs = {}
    for s, ti, di in recs:
        m = len(ti)
        # time of day
        if s in HOURS:
            hw = np.array(HOURS[s], dtype=float)
            hours = rng.choice(24, size=m, p=hw / hw.sum())
            mins = rng.integers(0, 60, size=m)
            secs = rng.integers(0, 60, size=m)
        else:
            hours = mins = secs = np.zeros(m, dtype=int)
        order = np.lexsort((secs, mins, hours, di))
        ti, di, hours, mins, secs = ti[order], di[order], hours[order], mins[order], secs[order]
        # perception
        perc = np.empty(m, dtype=object)
        u = rng.random(m)
        cats = np.array([topics[t][0] if t >= 0 else "overig" for t in ti])
        for cat in np.unique(cats):
            sel = np.flatnonzero(cats == cat)
            if cat == "overig":
                probs = np.array((0.10, 0.55, 0.35))
                perc[sel] = np.array(PERCEPTIONS)[np.searchsorted(np.cumsum(probs), u[sel] * probs.sum(), side="right").clip(0, 2)]
                continue
            if cat == ev.IMPROVEMENT_CATEGORY and s == "kto":
                for part, probs in ((sel[di[sel] < imp_i], ev.IMPROVEMENT_PERCEPTION_BEFORE),
                                    (sel[di[sel] >= imp_i], ev.IMPROVEMENT_PERCEPTION_AFTER)):
                    pr = np.array(probs) / sum(probs)
                    perc[part] = np.array(PERCEPTIONS)[np.searchsorted(np.cumsum(pr), u[part], side="right").clip(0, 2)]
                continue
            pr = _perception_probs(s, cat)
            perc[sel] = np.array(PERCEPTIONS)[np.searchsorted(np.cumsum(pr), u[sel], side="right").clip(0, 2)]
        # number of categories
        ncat = 1 + np.searchsorted(np.cumsum(N_CATS_DIST[s]), rng.random(m), side="right").clip(0, 2)
        # geo
        bi = rng.choice(len(codes), size=m, p=geo_p)
        for t, idxs in hot.items():
            if not idxs:
                continue
            sel = np.flatnonzero((ti == tidx[t]) & (rng.random(m) < 0.5))
            bi[sel] = np.array(idxs)[rng.integers(0, len(idxs), size=len(sel))]
        geo_missing = rng.random(m) < GEO_MISSING[s]
        # channel
        if s in CHANNEL_WEIGHTS:
            ch_names = list(CHANNEL_WEIGHTS[s])
            cw = np.array(list(CHANNEL_WEIGHTS[s].values()), dtype=float)
            chan = np.array(ch_names)[rng.choice(len(ch_names), size=m, p=cw / cw.sum())]
        else:
            chan = np.full(m, "")
        # scores
        scores = np.full(m, -1)
        if s == "kto":
            for p_ in PERCEPTIONS:
                sel = np.flatnonzero(perc == p_)
                scores[sel] = rng.choice(11, size=len(sel), p=sdist[p_])
        # misrouted org units and event draws
        misroute = rng.random(m) < 0.08
        unit_pick = rng.integers(0, len(ALL_UNITS), size=m)
        ev_u = rng.random(m)
        pii_u = rng.random(m)

        # ids
        years = days[di].astype("datetime64[Y]").astype(int) + 1970
        if s == "kto":
            ids = (4_100_000 + np.cumsum(rng.integers(1, 4, size=m))).astype(str)
        elif s == "klacht":
            seq = np.zeros(m, dtype=int)
            for y in np.unique(years):
                sel = np.flatnonzero(years == y)
                seq[sel] = np.arange(1, len(sel) + 1) * 3 + rng.integers(0, 3, size=len(sel))
            ids = np.array([f"KL{y}-{q:06d}" for y, q in zip(years, seq)])
        elif s == "terugbelnotitie":
            ids = np.array([f"TBN-{i:07d}" for i in (1000 + np.arange(m) * 2 + rng.integers(0, 2, size=m))])
        else:
            seq = np.zeros(m, dtype=int)
            for y in np.unique(years):
                sel = np.flatnonzero(years == y)
                seq[sel] = np.arange(1, len(sel) + 1)
            ids = np.array([f"INT-{y}-{q:04d}" for y, q in zip(years, seq)])

        # event membership probabilities (excess share of the day's volume)
        p_policy = np.zeros(m)
        p_mail = np.zeros(m)
        valid = ti >= 0
        lg = valid & (ti == tidx[ev.LACHGAS]) & (di >= policy_i)
        f = M[tidx[ev.LACHGAS], di[lg]]
        p_policy[lg] = (f - 1.0) / f
        for t, share in mail_share.items():
            sel = valid & (ti == tidx[t])
            p_mail[sel] = share[di[sel]]
        jobs[s] = dict(source=s, seed=seed, heldout_share=heldout_share, topics=topics, ti=ti, di=di,
                       day_str=np.datetime_as_string(days[di], unit="D"), hours=hours, mins=mins, secs=secs,
                       perc=perc, ncat=ncat, bi=bi, geo_missing=geo_missing, chan=chan, scores=scores,
                       misroute=misroute, unit_pick=unit_pick, ev_u=ev_u, pii_u=pii_u, ids=ids,
                       p_policy=p_policy, p_mail=p_mail, imp_i=imp_i, geo=geo, last_day=str(d1), out=str(out))
        summary["sources"][s] = m

    groups = [["kto", "interview"], ["terugbelnotitie", "klacht"]]  # about equal CPU
    if workers is None:
        workers = 2 if n >= PARALLEL_MIN_N and (os.cpu_count() or 1) >= 2 else 1
    results = None
    if workers > 1:
        results = _run_parallel(groups, jobs, workers)
    if results is None:
        results = [_run_group([jobs[x] for x in g]) for g in groups]
    by_source = {}
    for g, res in zip(groups, results):
        by_source.update(zip(g, res))
    gt_rows, span_rows = [], []
    for src in src_names:
        g_rows, s_rows = by_source[src]
        gt_rows.extend(g_rows)
        span_rows.extend(s_rows)

    gt = out / "ground_truth"
    gt.mkdir(parents=True, exist_ok=True)
    with open(gt / "signals.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(("signal_id", "source", "record_id", "received_at", "category", "subcategory", "categories",
                    "perception", "events", "score", "informative"))
        w.writerows(gt_rows)
    with open(gt / "pii_spans.jsonl", "w", encoding="utf-8", newline="\n") as f:
        for row in span_rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    events_doc = _events_doc(plan, days)
    (gt / "events.json").write_text(json.dumps(events_doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    summary["pii_spans"] = len(span_rows)
    summary["events"] = [e["key"] for e in events_doc["events"]]
    return summary



def _run_parallel(groups, jobs, workers):
    """Run the groups in forked worker processes; None when that is not possible here (no fork on
    this platform, or inside a daemon process), and the caller runs them in-process instead."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    if "fork" not in mp.get_all_start_methods() or mp.current_process().daemon:
        return None
    try:
        with ProcessPoolExecutor(max_workers=min(workers, len(groups)), mp_context=mp.get_context("fork")) as pool:
            return list(pool.map(_run_group, [[jobs[x] for x in g] for g in groups]))
    except (BrokenProcessPool, OSError):
        return None

def _run_group(jobs: list[dict]) -> list[tuple[list, list]]:
    """Texts for a group of sources (one process): per source (ground-truth rows, span rows)."""
    return [_texts_for_source(job) for job in jobs]


def _texts_for_source(job: dict) -> tuple[list, list]:
    """Expand the texts of one source (its own random stream: independent of process layout),
    write its export file and return its ground-truth and PII-span rows."""
    s = job["source"]
    prng = random.Random(f"signalen-synth:{job['seed']}:{s}")
    text_maker = TextMaker(prng, job["heldout_share"])
    topics = job["topics"]
    generic_topics = [t for t in topics if t[0] in GENERIC]
    other_topics = [t for t in topics if t[0] not in GENERIC and t not in EVENT_TOPICS]
    # plain Python lists: element access on numpy arrays is several times slower in this loop
    L = {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in job.items()}
    ti, di, day_str = L["ti"], L["di"], L["day_str"]
    hours, mins, secs, perc, ncat = L["hours"], L["mins"], L["secs"], L["perc"], L["ncat"]
    bi, geo_missing, chan, scores = L["bi"], L["geo_missing"], L["chan"], L["scores"]
    misroute, unit_pick, ev_u, pii_u, ids = L["misroute"], L["unit_pick"], L["ev_u"], L["pii_u"], L["ids"]
    p_policy, p_mail, imp_i = L["p_policy"], L["p_mail"], L["imp_i"]
    m = len(ti)
    gt_rows, span_rows = [], []
    rows = []
    for j in range(m):
        t = int(ti[j])
        p_ = perc[j]
        informative = t >= 0
        evs: list[str] = []
        if informative:
            prim = topics[t]
            tl = [prim]
            k = 1 if prim == ev.SLAGBOOM else int(ncat[j])  # the new signal comes on its own
            while len(tl) < k:
                pool = generic_topics if prng.random() < 0.6 else other_topics
                c = pool[int(prng.random() * len(pool))]
                if c[0] not in {x[0] for x in tl}:
                    tl.append(c)
                elif prng.random() < 0.3:
                    break
            if prim == ev.BBQ:
                evs.append("seizoen_barbecue")
            elif prim == ev.GRIT:
                evs.append("seizoen_strooien")
            elif prim == ev.SLAGBOOM:
                evs.append("nieuw_slagboom")
            elif ev_u[j] < p_policy[j]:
                evs.append("beleid_lachgas")
            if ev_u[j] < p_mail[j]:
                evs.append("brieven_aanslag")
            if prim[0] == ev.IMPROVEMENT_CATEGORY and s in ("kto", "terugbelnotitie") and di[j] >= imp_i:
                evs.append("verbetering_betalingsregeling")
            with_pii = pii_u[j] < PII_RATE[s]
            lower = False
            typo = 0.0
            if s == "kto":
                segs = text_maker.kto(tl, p_, with_pii)
                lower, typo = prng.random() < 0.25, prng.choice((0.0, 0.01, 0.03, 0.06))
            elif s == "klacht":
                segs, formal = text_maker.klacht(tl, p_, with_pii)
                lower = (not formal) and prng.random() < 0.12
                typo = 0.004 if formal else prng.choice((0.0, 0.02, 0.04))
            elif s == "terugbelnotitie":
                segs = text_maker.terugbel(tl, p_, with_pii)
                lower, typo = prng.random() < 0.3, prng.choice((0.0, 0.01, 0.02))
            else:
                segs = text_maker.interview(tl, p_, with_pii)
                typo = 0.005
            text, spans = assemble(segs, prng, typo, lower, sentence_case=True,
                                   drop_final_dot=(s == "kto" and prng.random() < 0.3))
            # org unit
            unit_topic = next((x for x in tl if x[0] not in GENERIC), prim)
            if misroute[j]:
                unit = ALL_UNITS[unit_pick[j]]
            elif unit_topic in SUB_ORG:
                unit = SUB_ORG[unit_topic]
            elif unit_topic[0] in ORG_MAP:
                unit = ORG_MAP[unit_topic[0]]
            else:
                unit = ("Dienstverlening", "Klantcontactcentrum 14010") if unit_pick[j] % 2 else ALL_UNITS[unit_pick[j]]
        else:
            tl = [("overig", "overig")]
            segs = text_maker.non_informative(p_)
            text, spans = assemble(segs, prng, 0.0, False, sentence_case=False)
            unit = ("Dienstverlening", "Klantcontactcentrum 14010") if unit_pick[j] % 3 else ALL_UNITS[unit_pick[j]]
        rid = str(ids[j])
        sid = f"{s}:{rid}"
        if s in ("kto", "terugbelnotitie"):
            iso = f"{day_str[j]}T{int(hours[j]):02d}:{int(mins[j]):02d}:{int(secs[j]) if s == 'terugbelnotitie' else 0:02d}"
        else:
            iso = f"{day_str[j]}T00:00:00"
        rows.append((rid, iso, day_str[j], int(hours[j]), int(mins[j]), str(chan[j]), text, unit,
                     -1 if geo_missing[j] else int(bi[j]), int(scores[j])))
        gt_rows.append((sid, s, rid, iso, tl[0][0], tl[0][1], "|".join(f"{a}/{b}" for a, b in tl), p_,
                        "|".join(evs), "" if scores[j] < 0 else str(int(scores[j])), "true" if informative else "false"))
        for a, b, typ, val, held, extra in spans:
            row = {"signal_id": sid, "start": a, "end": b, "type": typ, "value": val, "heldout": bool(held)}
            if extra:
                row.update(extra)
            span_rows.append(row)
    out = Path(job["out"])
    geo = job["geo"]
    if s == "kto":
        _write_kto(out / "kto" / "kto_export.csv", rows, geo)
    elif s == "klacht":
        _write_klacht(out / "klacht" / "klachten_export.xlsx", rows, geo, np.datetime64(job["last_day"], "D"))
    elif s == "terugbelnotitie":
        _write_terugbel(out / "terugbelnotitie" / "terugbelnotities.jsonl", rows, geo)
    else:
        _write_interview(out / "interview" / "interviews.json", rows, geo)
    return gt_rows, span_rows

def _events_doc(plan: ev.EventPlan, days) -> dict:
    ds = lambda d: str(np.datetime_as_string(d, unit="D"))  # noqa: E731
    p0, p1 = _dissatisfied(ev.IMPROVEMENT_PERCEPTION_BEFORE), _dissatisfied(ev.IMPROVEMENT_PERCEPTION_AFTER)
    return {"period": {"start": ds(days[0]), "end": ds(days[-1])}, "events": [
        {"key": "seizoen_barbecue", "kind": "seasonal", "dates": {"peak": "07-15", "high_months": [6, 7, 8], "low_months": [12, 1, 2]},
         "categories": ["overlast/barbecue"],
         "description": "Barbecue nuisance (smoke, litter) peaks in summer, with extra volume on warm days."},
        {"key": "seizoen_strooien", "kind": "seasonal", "dates": {"peak": "01-15", "high_months": [12, 1, 2], "zero_months": [5, 6, 7, 8, 9],
                                                                  "cold_spells": [{"start": ds(a), "days": k} for a, k in plan.cold_spells]},
         "categories": ["openbare_ruimte/gladheid"],
         "description": "Complaints about gritting (strooien) and slippery roads in winter only, peaking in cold spells."},
        {"key": "nieuw_slagboom", "kind": "new_signal", "dates": {"start": ds(plan.new_signal_day)},
         "categories": ["nieuw_slagboom/slagboom_testlocatie"], "in_taxonomy": False,
         "description": "From its first day on: visitors of a corona test location at a P+R must press the button of a barrier (slagboom) by hand. Not a taxonomy category; ground-truth category nieuw_slagboom."},
        {"key": "beleid_lachgas", "kind": "policy", "dates": {"start": ds(plan.policy_day), "ramp_days": ev.LACHGAS_RAMP_DAYS},
         "categories": ["overlast/lachgas"], "true_relative_effect_volume": ev.LACHGAS_FACTOR - 1.0,
         "description": "National ban on nitrous oxide: abandoned lachgas cylinders in the street rise after the date (x4 after a three-week ramp)."},
        {"key": "brieven_aanslag", "kind": "mailing", "dates": {"mailings": [ds(d) for d in plan.mailing_days],
                                                                   "delay_days": ev.MAILING_DELAY_DAYS, "decay_days": ev.MAILING_DECAY_DAYS,
                                                                   "window_days": ev.MAILING_WINDOW_DAYS},
         "categories": [f"{a}/{b}" for a, b in ev.MAILING_TOPICS],
         "peak_multipliers": {f"{a}/{b}": v for (a, b), v in ev.MAILING_TOPICS.items()},
         "description": "Tax assessment letters (aanslag gemeentelijke belastingen) sent on these dates; questions peak in the weeks after."},
        {"key": "verbetering_betalingsregeling", "kind": "improvement", "dates": {"start": ds(plan.improvement_day)},
         "categories": ["betalingsregeling/regeling_aanvragen", "betalingsregeling/aanmaning", "betalingsregeling/regeling_wijzigen"],
         "description": "From this date the contact centre arranges a betalingsregeling directly in the first call: fewer call-back notes and less dissatisfaction.",
         "true_effect": {
             "volume": {"source": "terugbelnotitie", "category": "betalingsregeling",
                        "relative_change": round(ev.IMPROVEMENT_VOLUME_FACTOR - 1.0, 6),
                        "definition": "expected call-back notes per day on betalingsregeling, all else equal (after / before - 1)"},
             "dissatisfied_share": {"source": "kto", "category": "betalingsregeling", "dissatisfied_scores": "0-6",
                                    "before": round(p0, 6), "after": round(p1, 6), "relative_change": round(p1 / p0 - 1.0, 6),
                                    "definition": "P(score <= 6) among KTO answers on betalingsregeling"}}},
    ]}


# --------------------------------------------------------------------------------------- writers
def _geo(b, geo):
    codes, names, wcodes, wnames = geo
    if b < 0:
        return "", "", "", ""
    return codes[b], names[b], wcodes[b], wnames[b]


def _write_kto(path: Path, rows, geo):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="cp1252", newline="") as f:
        w = csv.writer(f, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        w.writerow(("Respondentnummer", "Datum", "Kanaal", "Cijfer", "Toelichting", "Cluster", "Afdeling", "Wijk", "Buurt"))
        for rid, iso, day, h, mi, chan, text, unit, b, score in rows:
            _, bn, _, wn = _geo(b, geo)
            datum = f"{day[8:10]}-{day[5:7]}-{day[:4]} {h:02d}:{mi:02d}"
            w.writerow((rid, datum, chan, score, text, unit[0], unit[1], wn, bn))


def _dutch_date(day: str) -> str:
    return f"{int(day[8:10])} {MONTHS[int(day[5:7]) - 1]} {day[:4]}"


def _write_klacht(path: Path, rows, geo, last_day):
    header = ["Zaaknummer", "Datum ontvangst", "Kanaal", "Omschrijving", "Organisatieonderdeel", "Afdeling", "Wijkcode", "Buurtcode"]
    data = []
    for rid, iso, day, h, mi, chan, text, unit, b, score in rows:
        bc, _, wc, _ = _geo(b, geo)
        data.append([rid, _dutch_date(day), chan, text, unit[0], unit[1], wc, bc])
    write_xlsx(path, "Klachten", header, data, str(np.datetime_as_string(last_day, unit="D")))


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xml_text(s: str) -> str:
    s = _XML_BAD.sub("", s)
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _col(i: int) -> str:
    name = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        name = chr(65 + r) + name
    return name


def write_xlsx(path: Path, sheet: str, header: list[str], rows: list[list], day: str) -> None:
    """Write a one-sheet XLSX of text cells (inline strings) directly as OOXML.

    openpyxl's write-only mode needs ~7 s for 45,000 rows; this streams the same workbook in well
    under a second. Entry timestamps and document dates are fixed (``day``) so the file is
    byte-identical for the same input. openpyxl, pandas and Excel read it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    ncol = len(header)
    parts = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f'<dimension ref="A1:{_col(ncol - 1)}{len(rows) + 1}"/><sheetData>']
    cols = [_col(i) for i in range(ncol)]
    for r, row in enumerate([header] + rows, start=1):
        cells = []
        for c, v in enumerate(row):
            if v is None or v == "":
                continue
            t = _xml_text(str(v))
            sp = ' xml:space="preserve"' if (t[:1].isspace() or t[-1:].isspace() or "\n" in t) else ""
            cells.append(f'<c r="{cols[c]}{r}" t="inlineStr"><is><t{sp}>{t}</t></is></c>')
        parts.append(f'<row r="{r}">{"".join(cells)}</row>')
    parts.append("</sheetData></worksheet>")
    sheet_xml = "".join(parts).encode("utf-8")
    stamp = f"{day}T12:00:00Z"
    files = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        "</Types>",
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>'
        "</Relationships>",
        "docProps/app.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>signalen synth</Application></Properties>',
        "docProps/core.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>klachtenregistratie</dc:creator>'
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>',
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{_xml_text(sheet)}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
        "</Relationships>",
        "xl/styles.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>',
    }
    y, m, d = (int(x) for x in day.split("-"))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in list(files.items()) + [("xl/worksheets/sheet1.xml", sheet_xml)]:
            zi = zipfile.ZipInfo(name, date_time=(max(y, 1980), m, d, 12, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            z.writestr(zi, body.encode("utf-8") if isinstance(body, str) else body, compresslevel=6)


def _write_terugbel(path: Path, rows, geo):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for rid, iso, day, h, mi, chan, text, unit, b, score in rows:
            bc, _, _, _ = _geo(b, geo)
            f.write(json.dumps({"id": rid, "aangemaakt": iso, "kanaal": chan, "notitie": text, "cluster": unit[0],
                                "afdeling": unit[1], "buurtcode": bc or None}, ensure_ascii=False) + "\n")


def _write_interview(path: Path, rows, geo):
    path.parent.mkdir(parents=True, exist_ok=True)
    items = []
    for rid, iso, day, h, mi, chan, text, unit, b, score in rows:
        _, _, _, wn = _geo(b, geo)
        items.append({"interview_id": rid, "datum": day, "notities": text, "cluster": unit[0], "afdeling": unit[1],
                      "wijk": wn or None})
    path.write_text(json.dumps(items, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
