"""Person names (and the proper nouns around them) in Dutch text, from a token sequence.

No trained model: DEDUCE's first-name and surname lists, titles and forms of address
("mw. Jansen", "dhr de Vries"), initials, interfixes ("van der"), capitalisation and sentence
position, plus casing evidence gathered from the batch being masked (:class:`BatchEvidence`):
a word seen in lower case elsewhere is an ordinary word, a word seen capitalised in mid-sentence
elsewhere is a proper noun. The tagger returns typed token spans:

- ``PERSOON``: a person name (list hit, title/cue, initials) or an unknown mid-sentence proper noun
  (we would rather mask a brand name than leak a surname);
- ``LOCATIE``: every token a known place name;
- ``ORGANISATIE``: an acronym or a span with an organisation word ("Stichting", "FC", "BV");
- ``OVERIG``: capitalised adjectives ("Belgische", "Europese") and similar, not masked.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from spacy.lang.nl.stop_words import STOP_WORDS as _SPACY_NL_STOP

from .lists import INTERFIX_TOKENS, NAME_CUES, TITLES, Lexicon

SENT_BREAK = frozenset({".", "!", "?", ":", ";", '"', "'", "(", "-", "–", "—", "…", "*", "•", "“", "”", "‘", "’", "„", "[", "/", "|", ">"})
BRIDGE_TOKENS = frozenset({"van", "de", "der", "den", "ter", "ten", "von", "da", "di", "du", "del", "della", "la", "le", "'t", "d'", "l'", "vd", "v.d.", "v/d"})
CAP_INTERFIX = frozenset({"Van", "De", "Den", "Der", "Ter", "Ten", "Von", "Da", "Di", "Du", "Del", "La", "Le", "Vanden", "Vander", "El", "Al", "Ben", "Bin", "Abu"})
BRIDGE_TOKENS = BRIDGE_TOKENS | {"Van", "De", "Den", "Der", "Ter", "Ten", "Von", "Da", "Di", "Du", "Del", "La", "Le", "El", "Al", "Ben", "Bin"}
SIGNATURE_CUES = frozenset({"groet", "groeten", "hoogachtend", "mvg", "gr"})
ADDRESS_FORMS = frozenset("dhr mw mevr mvr mevrouw meneer mijnheer heer hr mej mejuffrouw juffrouw fam familie".split())
ORG_WORDS = frozenset(
    """stichting vereniging bv b.v. nv n.v. vzw fc sc sv cv bank partij universiteit hogeschool ministerie
    gemeente provincie raad kamer club groep group holding bond unie unión union comité commissie
    fonds instituut omroep dienst politie brandweer school ziekenhuis ggd ret ns kpn eneco
    digid wmo ombudsman stadswinkel belastingdienst uwv svb cak roteb duo kvk rdw cjib wijkteam
    stadsbeheer klantcontactcentrum""".split()
)
PLACE_SUFFIXES = ("straat", "laan", "weg", "plein", "singel", "kade", "dijk", "gracht", "dreef", "haven")
ADJ_SUFFIXES = ("se", "sche", "ische", "ees", "iaans", "aans", "ers", "isme")
_HAS_ALPHA = re.compile(r"[^\W\d_]")
_SPACY_STOP = frozenset(_SPACY_NL_STOP)

# ---- self-introductions, sign-offs and phone greetings ---------------------------------------
# Cues (lower-case token sequences) after which a person introduces or signs with a name, also in
# lower case and when the name is on no list: "ik ben kees en ...", "mijn naam is priya",
# "groetjes kees", "met jansen" (answering the phone). Strong cues take any word that is not an
# ordinary Dutch word; weak ones ("ik ben", "met", sign-offs) an unlisted word only when a clause
# boundary follows it ("ik ben priya, ...") and it does not look like an adjective, participle,
# role or other predicate ("ik ben blij", "ik ben teleurgesteld", "ik ben mantelzorger").
STRONG_INTRO = (("mijn", "naam", "is"), ("naam", "is"), ("ik", "heet"), ("naam", ":"), ("genaamd",),
                ("mijn", "naam", ":"), ("ondergetekende",), ("ondergetekende", ","))
WEAK_INTRO = (("ik", "ben"), ("ben", "ik"), ("k", "ben"), ("'k", "ben"), ("ikke", "ben"), ("hier", "is"), ("dit", "is"), ("u", "spreekt", "met"),
              ("je", "spreekt", "met"), ("spreekt", "met"), ("groetjes", "van"), ("groeten", "van"))
SIGN_OFF = frozenset("""groetjes groet groeten gr gr. grt grtz grtjs grz groetjes, mvg m.v.g m.v.g. vg liefs hgr
    hoogachtend bvd dank dankjewel""".split())
GREETINGS = frozenset("""hallo hoi hey hee hi goedemorgen goedemiddag goedenavond goedendag goeiemorgen goeiemiddag
    goeiedag dag ja jaa ok oke oké , . ! : - ja,""".split())
_GEO_PARTS = frozenset("""noord zuid oost west noorden zuiden oosten westen midden centraal
    sint boven beneden neder opper""".split())
# relatives and neighbours: a following interfix + listed surname is a name ("zoon van der linden")
RELATION_CUES = frozenset("""zoon dochter vader moeder echtgenoot echtgenote partner buurman buurvrouw
    broer zus oom tante opa oma schoonmoeder schoonvader kleinzoon kleindochter neef nicht familie fam""".split())
# first tokens of every cue (a quick filter)
_CUE_START = frozenset({seq[0] for seq in STRONG_INTRO + WEAK_INTRO} | SIGN_OFF | {w + "," for w in SIGN_OFF}
                       | {"groet", "met"} | RELATION_CUES)
_STRONG_BY_FIRST: dict = {}
_WEAK_BY_FIRST: dict = {}
for _seq in STRONG_INTRO:
    _STRONG_BY_FIRST.setdefault(_seq[0], []).append(_seq)
for _seq in WEAK_INTRO:
    _WEAK_BY_FIRST.setdefault(_seq[0], []).append(_seq)
# boundaries after a weakly cued unlisted name: "ik ben priya, ...", "ik ben kees en ..."
_NAME_END = frozenset(""", . ! ? ; : - ( ) / en & uit van hier ik wij we die hoor dus maar""".split())
# words that follow "ik ben" / "met" / a sign-off and are no names (beyond the common-word lists)
PREDICATE_WORDS = frozenset("""
    blij boos kwaad woest woedend pissig chagrijnig verdrietig bang moe zat ziek klaar bezig benieuwd
    tevreden ontevreden teleurgesteld verbaasd geschrokken gefrustreerd ongerust bezorgd zeker
    gewoon echt heel erg zeer best helemaal bijna pas net nog al even eens oneens eigenlijk thuis
    weg terug binnen buiten beneden boven klant bewoner bewoonster huurder eigenaar buurman buurvrouw
    moeder vader opa oma ouder ouders mantelzorger vrijwilliger ondernemer student scholier
    gepensioneerd werkloos ziek invalide gehandicapt rolstoelgebruiker slechtziend slechthorend doof blind
    lid fan eigenaresse zwanger alleenstaand alleenstaande weduwe weduwnaar getrouwd gescheiden
    nieuw nieuwe hier daar nu vandaag gisteren morgen vanochtend vanmiddag vanavond
    spoed voorrang plezier liefde genoegen excuses dank vriendelijke hartelijke groet groeten
    bus fiets auto trein tram metro taxi scootmobiel rolstoel pasje brief mail telefoon
    buurt wijk straat gemeente team afdeling balie loket vriend vriendin vrienden collega collega's
    iedereen allen allemaal alles niets niks elkaar mensen kinderen kids
    aan het woord degene diegene zelf ook toch wel niet geen een de het die dat deze dit
    benieuwd nieuwsgierig woonachtig geboren getogen opgegroeid verhuisd
    sorry sowieso trouwens inmiddels alweer weer vaak soms nooit altijd
    """.split())
_WORDLIKE_SUFFIXES = ("ig", "lijk", "baar", "isch", "loos", "zaam", "end", "ende", "achtig", "heid", "ing", "tie",
                      "teit", "schap", "ment", "eren", "erd", "eerd", "ief", "ieve", "tje", "tjes", "isme", "ist")
_PARTICLE_PREFIXES = ("ge", "be", "ver", "ont", "her", "over", "onder", "door", "op", "uit", "af", "aan", "mee", "terug", "weg", "in")
# lower-case initials ("m.", "j.a", "p.j.") and common abbreviations that look like them
_LOWER_INITIALS = re.compile(r"^(?:[a-z]\.){1,4}$|^(?:[a-z]\.){1,3}[a-z]$")
_ABBREVIATIONS = frozenset("""o.a o.a. m.b.t m.b.t. d.w.z d.w.z. i.p.v i.p.v. t.a.v t.a.v. z.s.m z.s.m. a.u.b a.u.b.
    n.a.v n.a.v. i.v.m i.v.m. t.z.t t.z.t. m.i.v m.i.v. e.d e.d. m.n m.n. c.q c.q. d.m.v d.m.v. v.w.b v.w.b.
    p.s p.s. t.o.v t.o.v. i.o.m i.o.m. m.a.w m.a.w. z.o.z z.o.z. a.s a.s. o.b.v o.b.v. i.c.m i.c.m. e.a e.a.
    n.v.t n.v.t. a.d a.d. b.v b.v. n.v n.v. t.b.v t.b.v.""".split())
_INITIALS = re.compile(r"^(?:(?:[A-Z]|Ch|Chr|Ph|Th|Joh|IJ)\.){1,4}$|^[A-Z]$")


@dataclass
class BatchEvidence:
    """Casing statistics over a batch of texts (no labels): lower-case word counts, and words
    seen capitalised in mid-sentence."""

    lower: Counter = field(default_factory=Counter)
    proper: Counter = field(default_factory=Counter)

    def add(self, words: Sequence[str], initial: Sequence[bool]) -> None:
        for w, ini in zip(words, initial):
            if not w or not w[0].isalpha():
                continue
            if w[0].islower():
                self.lower[w] += 1
            elif not ini and not w.isupper():
                self.proper[w] += 1


@dataclass(frozen=True)
class NameSpan:
    start: int  # token index
    end: int    # exclusive
    label: str
    score: float
    reason: str


def sentence_initial(words: Sequence[str], newline_before: Sequence[bool]) -> list[bool]:
    out = []
    for i, w in enumerate(words):
        if i == 0 or newline_before[i]:
            out.append(True)
            continue
        p = words[i - 1]
        if p in SENT_BREAK:
            # "mw. Jansen", "J. Jansen": a dot after a title or an initial is no sentence end
            if p == "." and i >= 2 and (words[i - 2].lower() in TITLES or _INITIALS.match(words[i - 2] + ".")):
                out.append(False)
            else:
                out.append(True)
        elif p.endswith((".", "!", "?", ":")) and p[:-1].lower() not in TITLES and not _INITIALS.match(p):
            out.append(True)
        else:
            out.append(False)
    return out


def _cap(w: str) -> bool:
    return bool(w) and w[0].isupper() and bool(_HAS_ALPHA.search(w))


def _strip_dot(w: str) -> str:
    return w[:-1] if w.endswith(".") else w


class NameTagger:
    def __init__(self, lexicon: Lexicon):
        self.lex = lexicon

    # ---- token classes ---------------------------------------------------------------
    def _in_names(self, w: str) -> bool:
        lx = self.lex
        return w in lx.first_names or w in lx.surnames

    def _is_word(self, w: str, ev: BatchEvidence | None) -> bool:
        low = w.lower()
        if low in self.lex.common_words:
            return True
        return bool(ev and ev.lower.get(low, 0) >= 1)

    def _lower_name(self, w: str) -> bool:
        lx = self.lex
        return (w in lx.first_lower or w in lx.surname_lower) and w not in lx.common_words and w not in lx.ambiguous_lower and len(w) > 2

    # ---- main ------------------------------------------------------------------------
    def tag(
        self,
        words: Sequence[str],
        newline_before: Sequence[bool] | None = None,
        evidence: BatchEvidence | None = None,
    ) -> list[NameSpan]:
        n = len(words)
        if n == 0:
            return []
        nl = newline_before or [False] * n
        initial = sentence_initial(words, nl)
        lx = self.lex
        # per-token: 0 none, 1 weak proper noun, 2 name evidence
        cand = [0] * n
        shouting = [False] * n
        for i, w in enumerate(words):
            if len(w) > 1 and w.isupper() and w.isalpha():
                shouting[i] = (i > 0 and words[i - 1].isupper() and words[i - 1].isalpha()) or (
                    i + 1 < n and words[i + 1].isupper() and words[i + 1].isalpha())
        for i, w in enumerate(words):
            if not _cap(w) or any(c.isdigit() for c in w) or shouting[i]:
                continue
            if w.isupper() and len(w) > 1 and not self._in_names(w.capitalize()):
                if len(w) <= 5 or w.lower() in lx.common_words:
                    continue  # acronyms / shouting: handled as organisations below
            base = w.capitalize() if w.isupper() else w
            low = base.lower()
            if _strip_dot(low) in TITLES or low in NAME_CUES or _strip_dot(low).split("-")[0] in ORG_WORDS:
                continue  # "Dhr.", "Mevrouw", "Klt", "DigiD": titles, cues and service names stay readable
            listed = self._in_names(base)
            if initial[i]:
                if low in lx.common_words or (low in INTERFIX_TOKENS and not listed):
                    continue
                seen_proper = bool(evidence and evidence.proper.get(base, 0) >= 1)
                seen_lower = bool(evidence and evidence.lower.get(low, 0) >= 1)
                nxt = words[i + 1] if i + 1 < n else ""
                nxt_cap = _cap(nxt) and not initial[i + 1] if i + 1 < n else False
                if seen_lower and not (listed and nxt_cap):
                    continue
                if seen_proper:
                    cand[i] = 2 if listed else 1
                elif listed and (nxt_cap or (base in lx.first_names and low not in lx.ambiguous_lower)):
                    cand[i] = 2
                elif (nxt_cap and not seen_lower and low not in NAME_CUES
                      and words[i + 1] not in lx.first_names and not _INITIALS.match(words[i + 1])):
                    cand[i] = 1
            else:
                if low in lx.common_words and not listed:
                    continue
                if low in INTERFIX_TOKENS:
                    continue
                if self._is_word(base, evidence) and not listed:
                    continue
                cand[i] = 2 if listed else 1
        # titles, cues and initials make following tokens names, also in lower case
        forced = [False] * n
        for i, w in enumerate(words):
            lw = _strip_dot(w).lower()
            is_title = lw in TITLES and (w[0].islower() or lw in ("dhr", "mw", "mevr", "mvr", "mevrouw", "meneer", "mijnheer", "heer", "hr", "dr", "drs", "ir", "ing", "prof", "mr", "fam", "familie", "mej", "juf", "ds"))
            j = i + 1
            if j < n and ((words[j] == "." and is_title) or (lw in NAME_CUES and words[j] in (",", ":"))):
                j += 1
            if is_title or (lw in NAME_CUES):
                # skip interfixes / initials, then take one or two name-like tokens
                k = j
                address = lw in ADDRESS_FORMS
                while k < n and ((address and self._name_interfix(words, k)) or _INITIALS.match(words[k])):
                    k += 1
                if k >= n:
                    continue
                t = words[k]
                ok = False
                if _strip_dot(t).lower() in ADDRESS_FORMS or t.lower() in NAME_CUES or (
                        not address and t.lower().split("-")[0] in ORG_WORDS):
                    continue  # "Klt Mw belt": a title or cue is not the name
                if _cap(t) and not (t.lower() in lx.common_words and not self._in_names(t)):
                    ok = True
                elif _cap(t) and (k > j or address) and not nl[k]:
                    ok = True  # "Mw. M. Blauw", "dhr Berg", "dhr. Van der Horen": a word used as a surname
                elif t[:1].islower() and self._lower_name(t) and (is_title or (t in lx.first_lower and t not in lx.ambiguous_lower)):
                    ok = True
                elif t[:1].islower() and address and k > j and (
                        self._surname_like(t) or self._double_surname(words, k, relaxed=True)
                        or (words[k - 1].lower() in ("el", "al", "ben", "bin", "abu", "ait", "ould")
                            and not self._wordlike(t.lower(), evidence))):
                    ok = True  # "dhr van den heuvel", "mw de boer-van leeuwen": interfix + listed surname
                if ok and nl[k] and lw not in SIGNATURE_CUES:
                    ok = False  # "Geachte medewerker,\nHierbij": a new line is no name after a cue

                if ok and (is_title or k > j or _cap(t) or self._lower_name(t)):
                    for m in range(j, k + 1):
                        forced[m] = True
                    # a following surname: "mevrouw fatima el amrani"
                    m = k + 1
                    while m < n and self._name_interfix(words, m):
                        m += 1
                    if m < n and m > k + 1 and (_cap(words[m]) or self._lower_name(words[m])):
                        for q in range(k + 1, m + 1):
                            forced[q] = True
                    elif m < n and m == k + 1 and (
                        (_cap(words[m]) and not initial[m] and cand[m]) or self._lower_name(words[m])
                    ):
                        forced[m] = True
        # initials directly before a capitalised word: "A.J.M. van der Berg", "J. Jansen"
        for i, w in enumerate(words):
            if _strip_dot(w).lower() in TITLES:
                continue
            if _INITIALS.match(w) and len(w) > 1 or (len(w) == 1 and w.isupper() and i + 1 < n and words[i + 1] == "."):
                k = i + 1
                while k < n and (words[k] == "." or _INITIALS.match(words[k])):
                    k += 1
                while k < n and words[k].lower() in INTERFIX_TOKENS:
                    k += 1
                if k < n and _cap(words[k]) and (cand[k] or self._in_names(words[k]) or not self._is_word(words[k], evidence)):
                    for m in range(i, k + 1):
                        forced[m] = True
        self._cued_names(words, nl, forced, evidence)
        self._lower_initials_and_double_surnames(words, forced, evidence)
        # lower-case first name + surname pairs in informal text: "jan jansen"
        for i in range(n - 1):
            a, b = words[i], words[i + 1]
            if a[:1].islower() and a in lx.first_lower and a not in lx.common_words and a not in lx.ambiguous_lower:
                k = i + 1
                while k < n and words[k] in INTERFIX_TOKENS:
                    k += 1
                if k < n and self._lower_name(words[k]) and words[k] in lx.surname_lower:
                    for m in range(i, k + 1):
                        forced[m] = True
        # ---- build spans -------------------------------------------------------------
        spans: list[NameSpan] = []
        i = 0
        while i < n:
            if not (cand[i] or forced[i]):
                # interfix chain opening a name: "Van der Meer zei", "de Vries" after a name
                i += 1
                continue
            start = i
            j = i + 1
            while j < n:
                if nl[j]:
                    break  # a name does not run across a line break
                if cand[j] or forced[j]:
                    if initial[j] and not forced[j]:
                        break
                    j += 1
                    continue
                # bridge interfixes to a following capitalised token
                k = j
                while k < n and self._name_interfix(words, k) and (words[k][:1].islower() or words[k] in BRIDGE_TOKENS):
                    k += 1
                if (
                    k > j and k < n and _cap(words[k]) and not initial[k]
                    and (
                        # after a first name, an initial or a form of address: "Anton van Boxtel"
                        words[j - 1] in lx.first_names or _INITIALS.match(words[j - 1]) or words[j - 1] == "."
                        or _strip_dot(words[j - 1]).lower() in ADDRESS_FORMS
                        # after one unknown proper noun, a multi-word interfix or a known surname
                        or (j - start == 1 and words[k] not in lx.places
                            and (k - j > 1 or words[k] in lx.surnames or self._interfix_surname(words[k])))
                    )
                    and (self._in_names(words[k]) or self._interfix_surname(words[k]) or cand[k] or k - j > 1)
                ):
                    for m in range(j, k + 1):
                        forced[m] = True
                    j = k + 1
                    continue
                break
            # extend left over an interfix chain for a surname that takes one: "(de) Vries"
            span = self._type_span(words, start, j, cand, forced, initial, evidence)
            s = start
            if span.label == "PERSOON":
                # "Van der Kleijn" in mid-sentence: lower-case interfixes after a capitalised one
                q = start
                while q - 1 >= 0 and words[q - 1] in BRIDGE_TOKENS and words[q - 1][:1].islower():
                    q -= 1
                if q < start and q - 1 >= 0 and words[q - 1] in CAP_INTERFIX and not nl[q]:
                    s = start = q
                # capitalised interfixes in front: "Van der Meer", Belgian "De Croo", "Van Miert"
                while s - 1 >= 0 and words[s - 1] in CAP_INTERFIX:
                    if initial[s - 1] and words[s - 1] not in ("Van", "Vanden", "Vander") and not (
                        self._interfix_surname(words[start]) or words[start] in lx.surnames
                    ):
                        break
                    s -= 1
                    if initial[s]:
                        break
            if s != start:
                span = NameSpan(s, span.end, span.label, span.score, span.reason)
            spans.append(span)
            i = j
        covered = set()
        for sp in spans:
            covered.update(range(sp.start, sp.end))
        for i, w in enumerate(words):
            if i not in covered and len(w) >= 2 and w.isupper() and w.isalpha() and w.lower() not in lx.common_words:
                spans.append(NameSpan(i, i + 1, "ORGANISATIE", 0.4, "acronym"))
        spans.sort(key=lambda sp: sp.start)
        return spans

    # ---- cued names, lower-case initials, double surnames --------------------------------------
    def _wordlike(self, low: str, evidence: BatchEvidence | None) -> bool:
        """An unlisted lower-case token that is probably an ordinary Dutch word, not a name."""
        if low in self.lex.common_words or low in PREDICATE_WORDS or low in _SPACY_STOP:
            return True
        if low in TITLES or low in ADDRESS_FORMS or low in ORG_WORDS or low in NAME_CUES or low in SIGN_OFF:
            return True
        if len(low) > 5 and low.endswith(_WORDLIKE_SUFFIXES):
            return True
        if len(low) > 6 and low.endswith("er"):
            return True  # roles and comparatives: "mantelzorger", "rolstoelgebruiker", "ouder"
        if len(low) >= 6 and low.startswith(_PARTICLE_PREFIXES) and low.endswith(("d", "t", "en")):
            return True  # participles: "teleurgesteld", "verhuisd", "opgegroeid"
        return bool(evidence and evidence.lower.get(low, 0) >= 3)

    def _listed_lower(self, low: str) -> bool:
        lx = self.lex
        return (low in lx.first_lower or low in lx.surname_lower) and low not in lx.ambiguous_lower \
            and low not in lx.common_words and low not in PREDICATE_WORDS

    def _surname_like(self, w: str) -> bool:
        """A listed surname token, any case; after an interfix it may also be a word ("de jong")."""
        low = w.lower()
        return (w[:1].upper() + w[1:] in self.lex.interfix_surnames or low in self.lex.surname_lower) \
            and low not in _SPACY_STOP

    def _name_token(self, w: str) -> bool:
        return bool(w) and w[0].isalpha() and all(c.isalpha() or c in "-'" for c in w)

    def _name_run(self, words, k: int, strong: bool, evidence) -> int:
        """End (exclusive) of a name starting at ``k`` after a cue, or ``k`` when there is none."""
        n = len(words)
        w = words[k]
        if not self._name_token(w):
            return k
        low = w.lower()
        # "de vries", "van der berg": an interfix chain and a listed surname
        q = k
        while q < n and self._name_interfix(words, q):
            q += 1
        if q > k:
            if q >= n or not self._name_token(words[q]):
                return k
            sur = words[q].lower()
            if strong:
                ok = self._surname_like(words[q]) or not self._wordlike(sur, evidence)
            else:  # "met de bus naar ...": a weak cue needs a surname that is no word, or a boundary after it
                ok = self._surname_like(words[q]) and sur not in PREDICATE_WORDS and (
                    sur not in self.lex.common_words or q + 1 >= n or words[q + 1].lower() in _NAME_END)
            return self._name_tail(words, q + 1, evidence) if ok else k
        listed = self._listed_lower(low)
        if not listed and (self._wordlike(low, evidence) or len(low) < 2):
            return k
        end = self._name_tail(words, k + 1, evidence, after_first=low in self.lex.first_lower, strong=strong)
        if not listed and not strong and end == k + 1 and k + 1 < n and words[k + 1].lower() not in _NAME_END:
            return k  # weak cue, unlisted word, no boundary: "ik ben huisarts geweest"
        return end

    def _name_tail(self, words, m: int, evidence, after_first: bool = True, strong: bool = False) -> int:
        """Extend a name over a surname: "kees bos", "henk van der berg", "priya de boer-van leeuwen"."""
        n = len(words)
        q = m
        while q < n and self._name_interfix(words, q):
            q += 1
        if q > m:
            if q < n and self._name_token(words[q]) and self._surname_like(words[q]):
                return q + 1
            return m
        if m < n and after_first and self._name_token(words[m]):
            low = words[m].lower()
            if (self._surname_like(words[m]) and low not in self.lex.ambiguous_lower and low not in _NAME_END
                    and low not in PREDICATE_WORDS):
                return m + 1
            if "-" in low and all(self._surname_like(p) or p in INTERFIX_TOKENS for p in low.split("-") if p):
                return m + 1
            if strong and not self._wordlike(low, evidence) and low not in _NAME_END and len(low) > 2:
                return m + 1  # "mijn naam is olga petrova"
        return m

    def _cued_names(self, words, nl, forced, evidence) -> None:
        n = len(words)
        lows = [w.lower() for w in words]
        # a listed first name closing the text after a comma: "fijne dag nog, jeroen"
        last = n - 1
        while last > 0 and words[last] in (".", "!", "?"):
            last -= 1
        if last >= 2 and words[last - 1] == "," and words[last][:1].islower() and self._listed_lower(lows[last]) \
                and lows[last] in self.lex.first_lower:
            forced[last] = True
        starts = [i for i, w in enumerate(lows) if w in _CUE_START or w == "hier"]
        if not starts:
            return  # the common case
        cand = set(starts) | {i - 1 for i in starts if lows[i] == "hier" and i > 0}
        for i in sorted(cand):
            strong = weak = False
            cue_end = i
            for seq in _STRONG_BY_FIRST.get(lows[i], ()):
                if tuple(lows[i:i + len(seq)]) == seq:
                    strong, cue_end = True, i + len(seq)
                    break
            if not strong:
                for seq in _WEAK_BY_FIRST.get(lows[i], ()):
                    if tuple(lows[i:i + len(seq)]) == seq:
                        weak, cue_end = True, i + len(seq)
                        break
            relation = False
            if not (strong or weak):
                low = lows[i].rstrip(",")
                if low in SIGN_OFF or (low == "groet" and i > 0):
                    weak, cue_end = True, i + 1
                elif low == "met" and all(x in GREETINGS for x in lows[max(0, i - 3):i]) and (
                        i == 0 or nl[i] or lows[i - 1] in GREETINGS):
                    # "met jansen, ...", "goedemorgen, met kees van der berg": an unlisted word only
                    # before a comma or at the end ("Met boda-boda (een motortaxi)" is no greeting)
                    k = i + 1
                    if k < n and not self._listed_lower(lows[k]) and lows[k] not in BRIDGE_TOKENS and not (
                            k + 1 >= n or words[k + 1] in (",", ";", ":")):
                        continue
                    weak, cue_end = True, i + 1
                elif low in RELATION_CUES:
                    relation, cue_end = True, i + 1
                elif (i + 1 < n and lows[i + 1] == "hier" and (i == 0 or nl[i] or lows[i - 1] in GREETINGS)
                      and (i + 2 >= n or lows[i + 2] in (",", "en", "met", "-", ":", "!"))):
                    end = self._name_run(words, i, False, evidence)  # "joke hier, ik bel namens ..."
                    if end == i + 1:
                        forced[i] = True
                    continue
            if relation:
                k = cue_end
                q = k
                while q < n and words[q] in BRIDGE_TOKENS and words[q][:1].islower():
                    q += 1
                if q > k and q < n and words[q][:1].islower() and self._surname_like(words[q]) \
                        and lows[q] not in PREDICATE_WORDS and lows[q] not in self.lex.common_words:
                    for m in range(k, q + 1):
                        forced[m] = True
                continue
            if not (strong or weak):
                continue
            k = cue_end
            while k < n and words[k] in (",", ":", "-", "=", "."):
                k += 1
            if k >= n or (nl[k] and lows[i] not in SIGN_OFF and lows[i].rstrip(",") not in SIGN_OFF):
                continue
            if lows[k] in TITLES or _strip_dot(lows[k]) in ADDRESS_FORMS:
                continue  # "ik ben mevrouw jansen": the title logic takes the name
            end = self._name_run(words, k, strong, evidence)
            for m in range(k, end):
                forced[m] = True
            # "groetjes ilse en mark": a second listed first name joined by "en" / "&"
            if end > k and end + 1 < n and lows[end] in ("en", "&") and self._listed_lower(lows[end + 1]) \
                    and lows[end + 1] in self.lex.first_lower:
                forced[end + 1] = True

    def _lower_initials_and_double_surnames(self, words, forced, evidence) -> None:
        """"m. van der berg", "p.j. jansen" (lower-case initials before a listed surname) and
        hyphenated double surnames "de boer-van leeuwen", "jansen-de vries", "bakker-jansen"."""
        n = len(words)
        lx = self.lex
        for i in [i for i, w in enumerate(words) if "." in w or "-" in w]:
            w = words[i]
            low = w.lower()
            if w[:1].islower() and _LOWER_INITIALS.match(w) and low not in _ABBREVIATIONS and (
                    i == 0 or words[i - 1].lower() not in _ABBREVIATIONS):
                k = i + 1
                while k < n and (words[k] == "." or _LOWER_INITIALS.match(words[k])):
                    k += 1
                q = k
                while q < n and self._name_interfix(words, q):
                    q += 1
                dbl = self._double_surname(words, q, relaxed=q > k) if q < n else 0
                if dbl:  # "k. smit-de jong"
                    for m in range(i, dbl):
                        forced[m] = True
                    continue
                if q < n and self._name_token(words[q]) and (
                        (q > k and self._surname_like(words[q]))
                        or (words[q].lower() in lx.surname_lower and words[q].lower() not in lx.common_words
                            and words[q].lower() not in lx.ambiguous_lower)):
                    for m in range(i, q + 1):
                        forced[m] = True
                    end = self._name_tail(words, q + 1, evidence)  # a hyphenated second part
                    for m in range(q + 1, end):
                        forced[m] = True
            elif "-" in w and w[0].islower():  # capitalised ones: the rules above
                end = self._double_surname(words, i)
                if not end:
                    continue
                s = i
                while s - 1 >= 0 and words[s - 1] in BRIDGE_TOKENS and words[s - 1][:1].islower():
                    s -= 1
                for m in range(s, end):
                    forced[m] = True

    def _double_surname(self, words, i: int, relaxed: bool = False) -> int:
        """End (exclusive) of a hyphenated double surname at token ``i`` ("boer-van leeuwen",
        "smit-de jong", "jansen-bakker"), or 0. ``relaxed`` (after a title, initial or interfix):
        the second part may also be a word ("de haan-bos")."""
        w = words[i]
        if "-" not in w or not w[0].isalpha() or w[-1] == "-":
            return 0
        lx = self.lex
        parts = [p for p in w.lower().split("-") if p]
        if len(parts) < 2 or not all(p.isalpha() for p in parts):
            return 0
        if not ((self._surname_like(parts[0]) and parts[0] not in lx.common_words)
                or parts[0].capitalize() in lx.interfix_surnames):
            return 0
        if parts[-1] in INTERFIX_TOKENS:
            # "boer-van leeuwen": the second surname follows in the next token(s)
            q = i + 1
            while q < len(words) and self._name_interfix(words, q):
                q += 1
            return q + 1 if q < len(words) and self._surname_like(words[q]) else 0
        rest = [p for p in parts[1:] if p not in INTERFIX_TOKENS]
        if not rest or not all(self._surname_like(p) and (relaxed or p not in lx.common_words) for p in rest):
            return 0
        if any(p in _GEO_PARTS for p in parts) or "-".join(p.capitalize() for p in parts) in lx.places:
            return 0  # "midden-oosten", "noord-brabant"
        return i + 1

    @staticmethod
    def _name_interfix(words: Sequence[str], k: int) -> bool:
        """An interfix inside a name: "van", "de", "ter", ...; "op"/"in"/"aan"/"bij"/"uit" only
        in front of an article ("op de Niekerk", "in 't Veld")."""
        low = words[k].lower()
        if low in BRIDGE_TOKENS or low in ("el", "al", "ben", "bin", "het", "te"):
            return True
        return low in ("op", "in", "aan", "bij", "uit") and k + 1 < len(words) and words[k + 1].lower() in ("de", "den", "het", "'t", "t", "der")

    def _interfix_surname(self, w: str) -> bool:
        return w in self.lex.interfix_surnames

    def _type_span(self, words, s, e, cand, forced, initial, evidence) -> NameSpan:
        toks = words[s:e]
        lx = self.lex
        if any(forced[s:e]):
            return NameSpan(s, e, "PERSOON", 0.85, "title/cue/initials")
        caps = [t for t in toks if _cap(t)]
        listed = [t for t in caps if self._in_names(t)]
        joined = " ".join(toks)
        if joined in lx.places or (caps and all(t in lx.places for t in caps) and not any(t in lx.first_names for t in caps)):
            return NameSpan(s, e, "LOCATIE", 0.6, "place list")
        lows = [t.lower() for t in toks]
        if any(t in ORG_WORDS for t in lows):
            return NameSpan(s, e, "ORGANISATIE", 0.6, "organisation word")
        if len(caps) == 1 and not listed and caps[0].endswith(ADJ_SUFFIXES) and self._is_word(caps[0][:1].lower() + caps[0][1:], None) is False:
            if any(caps[0].endswith(suf) for suf in ("se", "sche", "ische", "aanse")):
                return NameSpan(s, e, "OVERIG", 0.3, "adjective")
        if len(caps) == 1 and caps[0].lower().endswith(PLACE_SUFFIXES) and not listed:
            return NameSpan(s, e, "LOCATIE", 0.5, "street-like")
        if listed:
            has_first = any(t in lx.first_names for t in caps)
            score = 0.85 if (has_first and len(caps) > 1) else 0.7
            return NameSpan(s, e, "PERSOON", score, "name list")
        return NameSpan(s, e, "PERSOON", 0.55, "proper noun")


def evidence_from(docs_words: Iterable[tuple[Sequence[str], Sequence[bool]]]) -> BatchEvidence:
    ev = BatchEvidence()
    for words, nl in docs_words:
        ev.add(words, sentence_initial(words, nl))
    return ev
