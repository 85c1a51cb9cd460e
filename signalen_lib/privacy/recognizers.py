"""Dutch presidio recognizers: structured identifiers (patterns + checksums + context words) and
person names (:class:`DutchNameRecognizer`, on the token sequence, see ``names.py``).

Entity types are the Dutch placeholder names: PERSOON, BSN, TELEFOON, EMAIL, IBAN, POSTCODE,
ADRES, KENTEKEN, GEBOORTEDATUM, ZAAKNUMMER (masked), LOCATIE, ORGANISATIE (found, not masked
by default: places and organisations are not personal data and matter for the analysis).
"""
from __future__ import annotations

import copy
import re
from typing import List, Optional

from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from .lists import Lexicon, load_lexicon
from .names import BatchEvidence, NameTagger
from .offline import has_known_suffix

LANG = "nl"
MONTHS = "januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec"


def bsn_valid(value: str, allow_8: bool = False) -> bool:
    """The 11-proef for a BSN (9 digits; separators ignored). With ``allow_8``, an 8-digit number
    is checked as a BSN whose leading zero was dropped ("12345672" = 012345672)."""
    digits = re.sub(r"\D", "", value)
    if allow_8 and len(digits) == 8:
        digits = "0" + digits
    if len(digits) != 9 or digits == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1))) - int(digits[8])
    return total % 11 == 0


# IBAN length per country (ISO 13616 registry; Europe and the countries citizens most often name)
IBAN_LENGTHS = {
    "NL": 18, "BE": 16, "DE": 22, "LU": 20, "FR": 27, "GB": 22, "IE": 22, "ES": 24, "PT": 25, "IT": 27, "AT": 20,
    "CH": 21, "LI": 21, "DK": 18, "NO": 15, "SE": 24, "FI": 18, "IS": 26, "PL": 28, "CZ": 24, "SK": 24, "HU": 28,
    "RO": 24, "BG": 22, "GR": 27, "CY": 28, "MT": 31, "SI": 19, "HR": 21, "RS": 22, "BA": 20, "ME": 22, "MK": 19,
    "AL": 28, "EE": 20, "LV": 21, "LT": 20, "UA": 29, "TR": 26, "MA": 28, "TN": 24, "MC": 27, "SM": 27, "AD": 24,
    "GI": 23, "FO": 18, "GL": 18, "XK": 20, "MD": 24, "GE": 22, "AZ": 28, "IL": 23, "LB": 28, "JO": 30, "SA": 24,
    "AE": 23, "QA": 29, "KW": 30, "BH": 22, "EG": 29,
}


def iban_valid(value: str) -> bool:
    """ISO 13616 check (spaces and dashes ignored): a known country code, that country's length,
    and mod 97 == 1."""
    s = re.sub(r"[\s-]", "", value).upper()
    if len(s) < 15 or len(s) > 34 or not s[:2].isalpha() or not s[2:4].isdigit() or not s.isalnum():
        return False
    if IBAN_LENGTHS.get(s[:2]) != len(s):
        return False
    num = "".join(str(int(c, 36)) for c in s[4:] + s[:4])
    return int(num) % 97 == 1


_DIGITS = str.maketrans("", "", "0123456789")


def digit_count(text: str) -> int:
    return len(text) - len(text.translate(_DIGITS))


class _Result(RecognizerResult):
    """A RecognizerResult that presidio's context enhancer can deep-copy cheaply (it copies every
    result before adjusting scores; a generic deepcopy of the explanation dominated the cost)."""

    def __deepcopy__(self, memo):
        new = copy.copy(self)
        if self.analysis_explanation is not None:
            new.analysis_explanation = copy.copy(self.analysis_explanation)
        if self.recognition_metadata is not None:
            new.recognition_metadata = dict(self.recognition_metadata)
        return new


class _Validated(PatternRecognizer):
    """PatternRecognizer whose validator may return True (certain), False (drop) or None (keep).

    Matching uses the standard ``re`` module with patterns compiled once (presidio's default loop
    uses the ``regex`` module with a per-call timeout and debug timing, about 3x slower here); the
    results are the same RecognizerResults with the same explanations, so presidio's context
    enhancement works on them unchanged. Our patterns are linear (no nested quantifiers)."""

    FLAGS = re.DOTALL | re.MULTILINE | re.IGNORECASE
    # pattern name -> a cheap test (a function of the text) for that pattern to be tried
    PRECHECK: dict = {}
    # fewest digits a match can have: texts with fewer are skipped (counted at C speed)
    MIN_DIGITS = 0

    def __init__(self, entity: str, patterns: list[Pattern], context: list[str], name: str | None = None):
        super().__init__(supported_entity=entity, name=name or f"Nl{entity.title()}Recognizer", supported_language=LANG,
                         patterns=patterns, context=context)
        self._compiled = [(p, re.compile(p.regex, self.FLAGS)) for p in self.patterns]

    def analyze(self, text: str, entities: List[str], nlp_artifacts: NlpArtifacts = None, regex_flags=None):
        if self.MIN_DIGITS and digit_count(text) < self.MIN_DIGITS:
            return []
        results = []
        entity = self.supported_entities[0]
        meta_name, meta_id = RecognizerResult.RECOGNIZER_NAME_KEY, RecognizerResult.RECOGNIZER_IDENTIFIER_KEY
        for pat, cre in self._compiled:
            pre = self.PRECHECK.get(pat.name)
            if pre is not None and not pre(text):
                continue
            for m in cre.finditer(text):
                s, e = m.span()
                if s == e:
                    continue
                valid = self.validate_result(text[s:e])
                score = pat.score if valid is None else (self.MAX_SCORE if valid else self.MIN_SCORE)
                if score <= self.MIN_SCORE:
                    continue
                expl = self.build_regex_explanation(self.name, pat.name, pat.regex, score, valid, self.FLAGS)
                results.append(_Result(entity, s, e, score, expl, {meta_name: self.name, meta_id: self.id}))
        return EntityRecognizer.remove_duplicates(results)


class BsnRecognizer(_Validated):
    MIN_DIGITS = 8

    def __init__(self):
        super().__init__("BSN", [
            Pattern("bsn_9", r"(?<![\w.,-])\d{9}(?!\w|[.,-]\d)", 0.4),
            Pattern("bsn_dots", r"(?<![\w.])\d{4}([. ])\d{2}\1\d{3}(?!\w|[.,-]\d)", 0.4),
            Pattern("bsn_spaces", r"(?<![\w.])\d{3} \d{3} \d{3}(?![\w]| \d)", 0.3),
            # "123.456.782", "123-456-782"
            Pattern("bsn_groups3", r"(?<![\w.,-])\d{3}([.-])\d{3}\1\d{3}(?!\w|[.,-]\d)", 0.3),
            # the leading zero dropped: "12345672", "12.345.672" (= 012345672)
            Pattern("bsn_8", r"(?<![\w.,-])(?:\d{8}|\d{2}\.\d{3}\.\d{3})(?!\w|[.,-]\d)", 0.1),
        ], ["bsn", "burgerservicenummer", "sofinummer", "sofi", "burgerservice", "persoonsnummer", "bsnnummer", "bsn-nummer"])

    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None):
        # valid (11-proef) -> certain; invalid -> kept with a low score that only a context word
        # ("bsn", "burgerservicenummer") lifts over the threshold: a mistyped BSN is still personal.
        # 8 digits (leading zero dropped) only with a context word, and only when valid: most
        # 8-digit numbers are customer or case numbers.
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        kept = []
        for r in results:
            value = text[r.start:r.end]
            if sum(c.isdigit() for c in value) == 8:
                if not bsn_valid(value, allow_8=True):
                    continue
                r.score = 0.1
            else:
                r.score = 1.0 if bsn_valid(value) else 0.1
            kept.append(r)
        return kept

    def validate_result(self, pattern_text: str) -> Optional[bool]:
        return None


class PhoneRecognizer(_Validated):
    """Dutch phone numbers: 0 + 9 digits in any grouping, with spaces, dots, slashes or dashes
    between groups, also with spaces around a dash ("010 - 4123456", "06 12 34 56 78",
    "(010) 412 34 56"); international "+31", "0031", "+31 (0)", "(+31)". Service numbers
    (0800/0900/0906/0909) and the municipality's own 14 + area code ("14 010", "14010") have no
    0 + 9 digits and stay visible."""

    SERVICE_NUMBERS = {"14010", "112", "0900", "0800"}
    MIN_DIGITS = 9

    def __init__(self):
        sep = r"(?:[ \t]{0,2}[-./][ \t]{0,2}|[ \t]{1,2})?"
        super().__init__("TELEFOON", [
            # +31 / 0031 prefixes, optional (0) or 0, then 9 digits with separators
            Pattern("nl_intl", r"(?<![\w+])\(?(?:\+[ \t]?|00[ \t]?)31\)?" + sep + r"(?:\(0\)" + sep + r"|0" + sep
                    + r")?[1-9](?:\)?" + sep + r"\d){8}(?!\d)", 0.7),
            # national: 0 + 9 digits ("06-12345678", "010 123 45 67", "(010) 1234567", "010 - 4123456")
            Pattern("nl_nat", r"(?<![\w])\(?0" + sep + r"[1-9](?:\)?" + sep + r"\d){8}(?!\d)", 0.6),
        ], ["telefoon", "tel", "telefoonnummer", "mobiel", "nummer", "bellen", "terugbellen", "gsm", "06", "telnr",
            "bereikbaar", "whatsapp", "app"])

    def validate_result(self, pattern_text: str) -> Optional[bool]:
        if re.match(r"\(?0?\d[-/.]\d{1,2}[-/.](?:19|20)\d{2}", pattern_text):
            return False  # a date followed by a time ("06-12-2024 10:30")
        intl = re.match(r"\(?(?:\+|00)[ \t]?31", pattern_text)
        digits = re.sub(r"\D", "", pattern_text[intl.end():] if intl else pattern_text)
        if intl:
            digits = digits if digits.startswith("0") else "0" + digits  # "+31 (0)6", "+31 6", "+31 06"
        if len(digits) != 10 or digits.startswith(("0800", "0900", "0909", "0906")):
            return False
        return None


# e-mail addresses written out in words: "jan punt jansen apenstaartje gmail punt com",
# "kees at hotmail dot com", "piet(at)ziggo.nl", "info [at] xs4all [punt] nl"
_AT_WORDS = r"(?:apenstaartje|apestaartje|apenstaart|apestaart|aapje|at|a-teken)"
_AT_WORD = (r"(?:[ \t]*(?:@|\((?:at|a|@)\)|\[(?:at|a|@)\]|\{at\}|[(\[][ \t]?" + _AT_WORDS + r"[ \t]?[)\]])[ \t]*"
            r"|[ \t]+" + _AT_WORDS + r"[ \t]+)")
_DOT_WORD = r"(?:[ \t]*\.[ \t]*|[ \t]*[(\[](?:punt|dot)[)\]][ \t]*|[ \t]+(?:punt|dot|pnt)[ \t]+)"
_MAIL_TLD = r"(?:com|nl|be|de|net|org|eu|info|nu|fr|biz|io|me|co[ \t]*\.[ \t]*uk|uk|online|email)"
_MAIL_PART = r"[\w+-]+"
_AT_HINT = re.compile(r"(?i:\bat\b|apen?staart|aapje|a-teken|[(\[{] ?at\b|[(\[{]a[)\]])")


class EmailRecognizer(_Validated):
    PRECHECK = {"email": lambda t: "@" in t,
                "email_words": lambda t: "@" in t or bool(_AT_HINT.search(t))}

    def __init__(self):
        super().__init__("EMAIL", [
            Pattern("email", r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", 0.5),
            Pattern("email_words", r"(?<![\w.+-])" + _MAIL_PART + r"(?:(?:" + _DOT_WORD + r"|[_-])" + _MAIL_PART + r"){0,3}"
                    + _AT_WORD + r"[\w-]+(?:" + _DOT_WORD + r"[\w-]+){0,2}?(?:" + _DOT_WORD + r"|[ \t]+)" + _MAIL_TLD
                    + r"(?![\w@])", 0.8),
        ], ["email", "e-mail", "mail", "mailadres", "emailadres"])

    def validate_result(self, pattern_text: str) -> Optional[bool]:
        if "@" not in pattern_text or " " in pattern_text:
            return None  # written out in words: the pattern's own score
        domain = pattern_text.rsplit("@", 1)[-1].rstrip(".")
        return True if has_known_suffix(domain) else None


class IbanRecognizer(_Validated):
    """IBANs of any country (NL, BE, DE, ...), compact or in groups separated by spaces or dashes
    ("NL91-ABNA-0417-1643-00", "BE71 0961 2345 6769"), kept only when the mod-97 check passes.
    When a group-wise match runs on into a following word ("... 6769 voor"), the longest prefix
    ending at a group boundary that passes the check is taken."""

    def __init__(self):
        super().__init__("IBAN", [
            Pattern("iban_compact", r"(?<![\w-])[A-Za-z]{2}\d{2}[A-Za-z0-9]{11,30}(?![\w-])", 0.5),
            Pattern("iban_spaced", r"(?<![\w-])[A-Za-z]{2}[ -]?\d{2}(?:[ -]?[A-Za-z0-9]{3,4}){2,8}(?:[ -]?[A-Za-z0-9]{1,3})?(?!\w)", 0.4),
        ], ["iban", "rekeningnummer", "rekening", "bankrekening", "rekeningnr"])

    MIN_DIGITS = 8

    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None):
        if digit_count(text) < self.MIN_DIGITS:
            return []
        results = []
        meta_name, meta_id = RecognizerResult.RECOGNIZER_NAME_KEY, RecognizerResult.RECOGNIZER_IDENTIFIER_KEY
        for pat, cre in self._compiled:
            for m in cre.finditer(text):
                s, e = m.span()
                cuts = [e] + [s + b.start() for b in re.finditer(r"[ -]", text[s:e])][::-1]
                end = next((c for c in cuts if c - s >= 15 and iban_valid(text[s:c])), None)
                if end is None:
                    continue
                expl = self.build_regex_explanation(self.name, pat.name, pat.regex, self.MAX_SCORE, True, self.FLAGS)
                results.append(_Result("IBAN", s, end, self.MAX_SCORE, expl, {meta_name: self.name, meta_id: self.id}))
        return EntityRecognizer.remove_duplicates(results)

    def validate_result(self, pattern_text: str) -> Optional[bool]:
        return True if iban_valid(pattern_text) else False


_PC_NOT = {"de", "en", "in", "op", "te", "is", "al", "of", "om", "na", "nu", "zo", "ik", "je", "we", "ze", "er",
           "ga", "ja", "ok", "pm", "am", "eh", "uw", "nr", "mm", "cm", "km", "kg", "ct", "ma", "di", "wo", "do",
           "vr", "za", "zo", "tv", "pc", "sa", "sd", "ss", "uu", "ex", "an", "at", "by", "to", "it", "be", "he", "me", "my", "no", "so", "up", "us"}


class PostcodeRecognizer(_Validated):
    MIN_DIGITS = 4

    def __init__(self):
        super().__init__("POSTCODE", [
            # upper case: "3011 AB", "3011AB", optionally followed by a house number
            Pattern("pc_upper", r"(?<![\w])(?-i:[1-9]\d{3} ?[A-Z]{2})(?![\w])(?: \d{1,4}(?:[a-zA-Z]\b|-\d{1,4})?(?![\w,.-]\d))?", 0.6),
            # lower case: "3011ab" or "3011 ab" (checked against short Dutch words)
            Pattern("pc_lower", r"(?<![\w])(?-i:[1-9]\d{3} ?[a-z]{2})(?![\w])(?: \d{1,4}(?:[a-zA-Z]\b|-\d{1,4})?(?![\w,.-]\d))?", 0.45),
        ], ["postcode", "pc", "woonplaats", "adres", "wonend"])

    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None):
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        kept = []
        for r in results:
            m = re.match(r"\d{4}( ?)([A-Za-z]{2})", text[r.start:r.end])
            letters = m.group(2)
            if letters.islower() and m.group(1) and letters in _PC_NOT:
                # "2000 de ...": a word, unless a place name follows or it stands in brackets
                after = text[r.start + 7:r.start + 9]
                if text[r.start:r.start + 2] in ("19", "20"):
                    continue  # "1985 in Delft": a year
                if not (after[:1] == " " and after[1:2].isupper()) and not (
                    r.start > 0 and text[r.start - 1] == "(" and text[r.start + 7:r.start + 8] == ")"
                ):
                    continue
            kept.append(r)
        return kept

    def validate_result(self, pattern_text: str) -> Optional[bool]:
        m = re.match(r"\d{4} ?([A-Za-z]{2})", pattern_text)
        if not m or m.group(1).lower() in ("sa", "sd", "ss"):
            return False
        return None


_STREET_SUFFIX = (
    r"(?:straat|str\.|laan|weg|plein|pleintje|singel|kade|dijk|dyk|gracht|dreef|hof|park|pad|steeg|plantsoen|boulevard|"
    r"markt|baan|veld|erf|wal|haven|hoek|hof|burcht|poort|ring|lei|lijn|vaart|water|zoom|rade|rede|akker|gaarde|"
    r"donk|rijn|berg|stein|tuin|weide|hove|heuvel|brink|oord|oever|meer|promenade|passage|galerij|allee|kwartier|"
    r"werf|haag|horst|bos|dam|daal|eiland|wijk|ban|sloot|tocht|voorde|polder|linie|zijde|straatweg|dijkje|wetering|hoeve)"
)
_STREET_SUFFIX_WORDS = _STREET_SUFFIX[3:-1].replace("\\.", ".").split("|")
_HOUSE_NO = r"\d{1,4}(?:(?:[ -]?[a-zA-Z]{1,2}\b)|(?:-\d{1,4}[a-zA-Z]?)|(?: (?:hs|bis|[1-9] hoog|[A-Z]\d{2}|0\d)\b))?"


class AddressPatternRecognizer(_Validated):
    """Street + house number where the street ends in a street word ("Coolsingel 40", "van
    Oldenbarneveltstraat 12a", "Burgemeester de Jonghplein 3-B")."""

    def __init__(self):
        street = (
            r"(?:(?:[A-Z][\w'.-]*|van|de|der|den|het|'t|ter|ten|te|la|le|du|aan|op|in|bij|voor|achter|over|"
            r"oude|nieuwe|korte|lange|kleine|grote|[0-9]{1,2}e)\s){0,4}"
            r"[\w'.-]*" + _STREET_SUFFIX
        )
        super().__init__("ADRES", [
            Pattern("street_no", r"(?<![\w])" + street + r"\s" + _HOUSE_NO + r"(?!\w)", 0.6),
        ], ["adres", "woont", "wonend", "woonachtig", "straat", "huisnummer"], name="NlAddressPatternRecognizer")

    def validate_result(self, pattern_text: str) -> Optional[bool]:
        return None


_PLATE_LETTERS = "BDFGHJKLMNPRSTVXZ"
# Dutch side codes (L = letter group, D = digit group, with group lengths)
_SIDECODES = {
    ("L2", "D2", "D2"), ("D2", "D2", "L2"), ("D2", "L2", "D2"), ("L2", "D2", "L2"), ("L2", "L2", "D2"),
    ("D2", "L2", "L2"), ("D2", "L3", "D1"), ("D1", "L3", "D2"), ("L2", "D3", "L1"), ("L1", "D3", "L2"),
    ("L3", "D2", "L1"), ("L1", "D2", "L3"), ("D1", "L2", "D3"), ("D3", "L2", "D1"),
}


def _plate_groups(compact: str) -> list[str]:
    return re.findall(r"[A-Za-z]+|\d+", compact)


def plate_valid(value: str) -> bool:
    """A Dutch licence plate in one of the side codes ("12-ABC-3", "XX-99-XX", "99DDR4")."""
    if "-" in value:
        parts = value.split("-")
    else:
        parts = _plate_groups(value)
        if len(parts) == 2:  # "BZNB45" = BZ-NB-45, "75PPXP" = 75-PP-XP
            a, b = parts
            parts = [a[:2], a[2:], b] if len(a) == 4 else [a, b[:2], b[2:]] if len(b) == 4 else parts
    if len(parts) != 3 or len("".join(parts)) != 6:
        return False
    code = tuple(("L" if p.isalpha() else "D" if p.isdigit() else "?") + str(len(p)) for p in parts)
    if code not in _SIDECODES:
        return False
    letters = "".join(p for p in parts if p.isalpha()).upper()
    return all(c in _PLATE_LETTERS for c in letters) or ("-" in value and letters.isupper() and value.upper() == value)


class KentekenRecognizer(_Validated):
    """Dutch licence plates in the side codes ("12-ABC-3", "XX-99-99", compact "99DDR4", "ab12cd").
    Dashed or upper-case compact plates in a valid side code score on their own; lower-case
    compact ones need a context word ("kenteken", "kent.", "auto")."""

    def __init__(self):
        g = r"(?:[A-Za-z]{1,3}|\d{1,3})"
        super().__init__("KENTEKEN", [
            Pattern("kenteken_dash", r"(?<![\w-])" + g + "-" + g + "-" + g + r"(?![\w-])", 0.5),
            Pattern("kenteken_compact", r"(?<![\w-])(?-i:(?=[A-Z0-9]{6}\b)(?=[A-Z0-9]*[A-Z])(?=[A-Z0-9]*\d)[A-Z0-9]{6})(?![\w-])", 0.45),
            Pattern("kenteken_compact_lower", r"(?<![\w-])(?=[a-z0-9]{6}\b)(?=[a-z0-9]*[a-z])(?=[a-z0-9]*\d)[a-z0-9]{6}(?![\w-])", 0.1),
        ], ["kenteken", "kent", "auto", "voertuig", "nummerplaat", "wagen", "geparkeerd", "naheffing", "bekeuring",
            "parkeerboete", "scooter", "busje", "bus"])

    def validate_result(self, pattern_text: str) -> Optional[bool]:
        if not plate_valid(pattern_text):
            return False
        return None


_UNITS = ["een", "één", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen"]
_DAY_WORDS = (["tien", "elf", "twaalf", "dertien", "veertien", "vijftien", "zestien", "zeventien", "achttien",
               "negentien", "twintig", "dertig"] + _UNITS
              + [u + c + t for u in _UNITS[:] for c in ("en", "ën") for t in ("twintig", "dertig")]
              + ["eerste", "derde", "achtste"])
# day: "3", "03", "3e", "3de", "drie", "derde", "vijfentwintigste"; written-out days longest first
_DAY = r"(?:(?:0?[1-9]|[12]\d|3[01])(?:e|de|ste)?|(?:" + "|".join(sorted(set(_DAY_WORDS), key=len, reverse=True)) + r")(?:de|ste)?)"
# year: "1979", "'79", "79", "negentienvijfentachtig", "negentienhonderdachtenzeventig", "tweeduizendtwee"
_YEAR = (r"(?:19\d{2}|20[0-2]\d|['’`]\d{2}|\d{2}|(?:negentien|tweeduizend|twintig)[a-zë]{0,30}"
         r"(?:[ \t]+(?:honderd[ \t]*)?[a-zë]{0,20}(?:tig|tien|een|één|twee|drie|vier|vijf|zes|zeven|acht|negen))?)")
_DATE_NUM = r"(?:0?[1-9]|[12]\d|3[01])[ \t]?[-/.][ \t]?(?:0?[1-9]|1[0-2])[ \t]?[-/.][ \t]?(?:19\d{2}|20[0-2]\d|['’]?\d{2})"
_DATE_TEXT = _DAY + r"[ \t]+(?:" + MONTHS + r")\.?,?[ \t]+(?:in[ \t]+)?" + _YEAR


class DateOfBirthRecognizer(_Validated):
    """Dates, in digits ("3-4-1979", "03/04/'79") or with the month in words and the day and year in
    digits or words ("3 april '79", "twaalf maart negentienvijfentachtig"); only those with a birth
    context word ("geboren", "geb.", "geboortedatum") pass the threshold: the base score is low
    and presidio's context enhancement lifts it. "ik ben van <date>" is a birth date by itself."""

    PRECHECK = {"date_text": re.compile(r"(?i:jan|feb|m[ar]|apr|mei|jun|jul|aug|sep|okt|nov|dec)").search,
                "date_num": re.compile(r"\d[ \t]?[-/.][ \t]?\d").search,
                "ben_van": lambda t: "ben van" in t or "Ben van" in t or "BEN VAN" in t}

    def __init__(self):
        super().__init__("GEBOORTEDATUM", [
            Pattern("date_num", r"(?<![\w/-])" + _DATE_NUM + r"(?![\w/-])", 0.1),
            Pattern("date_text", r"(?<![\w])" + _DATE_TEXT + r"(?![\w])", 0.1),
            # "ik ben van 03-12-1985" (Dutch for "I was born on"): a birth date by itself
            Pattern("ben_van", r"(?<=\bben van )(?:" + _DATE_NUM + "|" + _DATE_TEXT + r")(?![\w/-])", 0.6),
        ], ["geboren", "geb", "geboortedatum", "gebdat", "geboorte", "jarig", "leeftijd", "verjaardag", "dob",
            "geboortedag", "gebdatum", "geb.datum"])

    def validate_result(self, pattern_text: str) -> Optional[bool]:
        return None


class CaseNumberRecognizer(_Validated):
    """Case, customer and file numbers: prefixed forms ("Z-2024-001234", "KL-123456", "MOR-2024-1234")
    score on their own; bare numbers of 5–12 digits only with a context word ("zaaknummer 123456")."""

    def __init__(self):
        super().__init__("ZAAKNUMMER", [
            Pattern("case_prefixed", r"(?<![\w-])(?-i:[A-Z]{1,5})[-/]?(?:20\d{2}[-/.])?\d{4,10}(?![\w-])", 0.45),
            Pattern("case_year", r"(?<![\w-])(?:19|20)\d{2}[-/]\d{3,8}(?![\w-])", 0.35),
            Pattern("case_bare", r"(?<![\w.,-])\d{5,12}(?!\w|[.,-]\d)", 0.05),
            Pattern("case_grouped", r"(?<![\w.,-])\d{2,4}(?:[. ]\d{2,4}){1,3}(?!\w|[.,-]\d)", 0.05),
        ], ["zaaknummer", "zaaknr", "klantnummer", "klantnr", "dossiernummer", "dossiernr", "meldingnummer", "meldingsnummer",
            "referentie", "kenmerk", "ticketnummer", "registratienummer", "klachtnummer", "aanvraagnummer",
            "factuurnummer", "relatienummer", "ordernummer", "volgnummer", "zaak"])

    def validate_result(self, pattern_text: str) -> Optional[bool]:
        if re.fullmatch(r"(?i)(?:nl|be|de)\d{2}.*", pattern_text):
            return False  # IBAN fragments
        return None


class DutchNameRecognizer(EntityRecognizer):
    """Person names, places and organisations from DEDUCE's lists, titles, initials, interfixes,
    capitalisation, sentence position and batch casing evidence (see ``names.py``)."""

    ENTITIES = ["PERSOON", "LOCATIE", "ORGANISATIE"]

    def __init__(self, lexicon: Lexicon | None = None):
        self.tagger = NameTagger(lexicon or load_lexicon())
        self.evidence: BatchEvidence | None = None
        super().__init__(supported_entities=self.ENTITIES, name="NlNameRecognizer", supported_language=LANG,
                         context=[])

    def load(self) -> None:  # lists are loaded in __init__
        pass

    def analyze(self, text: str, entities: List[str], nlp_artifacts: NlpArtifacts = None) -> List[RecognizerResult]:
        if nlp_artifacts is None or nlp_artifacts.tokens is None:
            return []
        doc = nlp_artifacts.tokens
        words, nl, toks = doc_words(doc)
        results = []
        for sp in self.tagger.tag(words, nl, self.evidence):
            if sp.label not in entities:
                continue
            start = toks[sp.start].idx
            last = toks[sp.end - 1]
            results.append(RecognizerResult(
                entity_type=sp.label, start=start, end=last.idx + len(last.text), score=sp.score,
                analysis_explanation=None,
                recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                                      RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id},
            ))
        return results


class StreetRecognizer(EntityRecognizer):
    """Street + house number, on tokens: a street from DEDUCE's Dutch street list (also in lower
    case, up to four tokens), or a capitalised street name ending in a street word ("straat",
    "laan", "plein", "singel", ...; with words in front such as "Burgemeester de Jongh-"),
    followed by a house number ("40", "40a", "12-B", "3 hoog")."""

    _NUM = re.compile(r"^\d{1,4}[a-zA-Z]{0,3}$|^\d{1,4}-\w{1,4}$")
    _SUFFIXES = tuple(_STREET_SUFFIX_WORDS)
    _SUFFIX_RE = re.compile(r"^(?:[A-Z]\d{2}|0\d|[A-D])$")  # "A01", "02", "B": apartment suffixes
    _TAIL = frozenset({"hs", "bis", "a", "b", "c", "d", "bg", "huis", "rood", "zw", "zwart", "i", "ii", "iii", "iv",
                       "boven", "beneden", "bv", "hg"})
    _NUMBER_WORDS = frozenset({"nummer", "nr", "no", "huisnummer", "huisnr"})
    _FLOOR = re.compile(r"^\d{1,2}(?:e|de|ste)$")  # "2e etage", "1ste verdieping"
    _FRONT = frozenset({"van", "de", "der", "den", "het", "'t", "ter", "ten", "te", "la", "le", "du", "oude", "nieuwe", "korte", "lange", "kleine", "grote", "burgemeester", "dokter", "dr.",
                        "mr.", "prof.", "sint", "st."})

    def __init__(self, lexicon: Lexicon | None = None):
        self.lex = lexicon or load_lexicon()
        super().__init__(supported_entities=["ADRES"], name="NlStreetRecognizer", supported_language=LANG, context=[])

    def load(self) -> None:
        pass

    def analyze(self, text: str, entities: List[str], nlp_artifacts: NlpArtifacts = None) -> List[RecognizerResult]:
        if nlp_artifacts is None or nlp_artifacts.tokens is None:
            return []
        words, _nl, toks = doc_words(nlp_artifacts.tokens)
        n = len(words)
        out = []
        for i in range(1, n):
            t = words[i]
            if not t[0].isdigit():
                continue
            t = t.rstrip(".,;:)")  # spaCy keeps "9-A." and "8)" whole
            if not self._NUM.match(t):
                continue
            if len(t) == 4 and t[:2] in ("19", "20") and t.isdigit():
                continue  # a year ("augustus 2000"), not a house number
            # "kerkstraat nummer 12", "in de kerkstraat op nr. 12": the street ends before the number word
            e = i
            if words[i - 1].lower().rstrip(".") in self._NUMBER_WORDS and i >= 2:
                e = i - 1
                if words[e - 1] in (".", ":"):
                    e -= 1
                if e >= 2 and words[e - 1].lower() in ("op", "aan"):
                    e -= 1
            start_tok = None
            score = 0.0
            for k in range(min(self.lex.street_max_tokens, e), 0, -1):
                name = " ".join(words[e - k:e])
                low = name.lower()
                if low in self.lex.streets_lower:
                    if k == 1 and (low in self.lex.common_words or low in _MONTH_WORDS) and not name[0].isupper():
                        continue
                    if k == 1 and low in self.lex.common_words and e - 1 >= 0 and _is_initial(words, e - 1):
                        continue
                    start_tok, score = e - k, 0.8
                    break
            if start_tok is None:
                prev = words[e - 1]
                low = prev.lower()
                if len(prev) > 4 and low.endswith(self._SUFFIXES) and prev[0].isalpha() and low not in self._SUFFIXES:
                    s = e - 1
                    while s - 1 >= 0 and (words[s - 1][:1].isupper() or words[s - 1].lower() in self._FRONT) and e - s < 5:
                        if words[s - 1][:1].islower() and not (s - 2 >= 0 and words[s - 2][:1].isupper() and not _is_initial(words, s - 2)):
                            break
                        s -= 1
                    start_tok, score = s, (0.7 if prev[0].isupper() else 0.5)
            if start_tok is None:
                continue
            last, last_len = i, len(t)
            if t == words[i]:  # no punctuation glued to the number: a suffix may follow
                nxt = words[i + 1] if i + 1 < n else ""
                nxt_s = nxt.rstrip(".,;:)")
                if nxt_s.lower() in self._TAIL or self._SUFFIX_RE.match(nxt_s):
                    last, last_len = i + 1, len(nxt_s)
                elif nxt == "-" and i + 2 < n and len(words[i + 2]) <= 3:
                    last, last_len = i + 2, len(words[i + 2].rstrip(".,;:)"))
                elif i + 2 < n and nxt.isdigit() and words[i + 2].rstrip(".,;:)") == "hoog":
                    last, last_len = i + 2, 4
                elif i + 2 < n and self._FLOOR.match(nxt) and words[i + 2].rstrip(".,;:)").lower() in (
                        "etage", "verdieping", "hoog"):
                    last, last_len = i + 2, len(words[i + 2].rstrip(".,;:)"))
            out.append(RecognizerResult("ADRES", toks[start_tok].idx, toks[last].idx + last_len, score, None,
                                        {RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                                         RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id}))
        return out


_MONTH_WORDS = frozenset(MONTHS.split("|"))


def _is_initial(words: list[str], i: int) -> bool:
    return i == 0 or words[i - 1] in (".", "!", "?", ":", '"')


def doc_words(doc) -> tuple[list[str], list[bool], list]:
    """Non-space tokens of a spaCy Doc, whether a line break precedes each, and the tokens
    (computed once per Doc, kept in ``doc.user_data``)."""
    cached = doc.user_data.get("signalen_words")
    if cached is not None:
        return cached
    words, nl, toks = [], [], []
    prev_ws = False
    all_toks = doc.user_data.get("signalen_tokens")
    if all_toks is None:
        all_toks = list(doc)
        doc.user_data["signalen_tokens"] = all_toks
    for t in all_toks:
        if t.is_space:
            prev_ws = prev_ws or "\n" in t.text
            continue
        words.append(t.text)
        nl.append(prev_ws)
        toks.append(t)
        prev_ws = "\n" in t.whitespace_
    doc.user_data["signalen_words"] = (words, nl, toks)
    return words, nl, toks


def dutch_recognizers(lexicon: Lexicon | None = None) -> list[EntityRecognizer]:
    lex = lexicon or load_lexicon()
    return [
        BsnRecognizer(), PhoneRecognizer(), EmailRecognizer(), IbanRecognizer(), PostcodeRecognizer(),
        KentekenRecognizer(), DateOfBirthRecognizer(), CaseNumberRecognizer(),
        DutchNameRecognizer(lex), StreetRecognizer(lex),
    ]
