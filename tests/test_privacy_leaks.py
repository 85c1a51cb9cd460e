"""Leak classes of issue 17 (short citizen texts) and long-text masking in windows (issue 19 item 8).

Each class in several written forms: the personal data must be gone and the ordinary words
around it must stay. Negatives check that the new cues do not eat ordinary words."""
from __future__ import annotations

import re

import pytest

from signalen_lib.privacy import get_masker
from signalen_lib.privacy import masker as masker_mod
from signalen_lib.privacy.masker import text_windows
from signalen_lib.privacy.recognizers import bsn_valid, iban_valid


@pytest.fixture(scope="module")
def masker():
    return get_masker()


def check(masker, text: str, secret: str, keep: list[str], placeholder: str) -> None:
    out = masker.mask(text).text
    assert secret not in out, out
    # no letter/digit run of the secret longer than 2 characters survives ("kees", "4123456")
    for piece in re.findall(r"\w{3,}", secret):
        if piece in ("van", "der", "den", "het"):
            continue  # interfixes are ordinary words too
        assert not re.search(rf"(?<!\w){re.escape(piece)}(?!\w)", out), (piece, out)
    assert placeholder in out, out
    for word in keep:
        assert re.search(rf"(?<!\w){re.escape(word)}(?!\w)", out), (word, out)


# ---- self-introductions and sign-offs ---------------------------------------------------------

@pytest.mark.parametrize("text, secret, keep", [
    ("ik ben kees en ik woon hier al twintig jaar", "kees", ["ik ben", "en ik woon hier"]),
    ("hallo ik ben priya, de container is vol", "priya", ["hallo ik ben", "de container is vol"]),
    ("mijn naam is henk bos en de lamp is kapot", "henk bos", ["mijn naam is", "en de lamp is kapot"]),
    ("mijn naam is olga petrova ik woon hier net", "olga petrova", ["mijn naam is", "ik woon hier net"]),
    ("ik heet sjoerd en wacht op antwoord", "sjoerd", ["ik heet", "en wacht op antwoord"]),
    ("k ben gijs en wil iets melden", "gijs", ["ben", "en wil iets melden"]),
    ("bedankt voor de hulp groetjes ineke", "ineke", ["bedankt voor de hulp groetjes"]),
    ("dat was het gr. ruud", "ruud", ["dat was het gr."]),
    ("graag snel reactie. m.v.g. harm", "harm", ["graag snel reactie."]),
    ("met vriendelijke groet, joost de graaf", "joost de graaf", ["met vriendelijke groet,"]),
    ("groetjes van noor uit de achterstraat", "noor", ["groetjes van", "uit de achterstraat"]),
    ("joke hier, ik bel namens mijn moeder", "joke", ["hier, ik bel namens mijn moeder"]),
])
def test_introductions_and_sign_offs(masker, text, secret, keep):
    check(masker, text, secret, keep, "<PERSOON>")


@pytest.mark.parametrize("text", [
    "ik ben blij met de nieuwe stoep",
    "ik ben het er niet mee eens",
    "ik ben teleurgesteld over de reactie",
    "ik ben mantelzorger en heb een parkeerkaart nodig",
    "ik ben verhuisd en mijn pas werkt niet",
    "ik ben huurder en de verhuurder doet niks",
    "met de bus naar het werk duurt te lang",
    "met spoed graag want het water staat hoog",
    "met de fiets is het te ver",
    "groetjes van de buurt en bedankt",
    "gr van de bewoners van het plein",
    "met vriendelijke groet en dank",
    "hoi ik ben benieuwd wanneer de bomen gesnoeid worden",
    "ik ben lid van de bewonerscommissie",
    "ik ben 78 jaar en slecht ter been",
])
def test_ordinary_lines_after_cues_stay(masker, text):
    assert masker.mask(text).text == text


def test_second_name_and_closing_name():
    m = get_masker()
    out = m.mask("groetjes ilse en mark").text
    assert "ilse" not in out and "mark" not in out and out.startswith("groetjes <PERSOON> en"), out
    out = m.mask("fijne dag nog, jeroen").text
    assert out == "fijne dag nog, <PERSOON>", out
    assert m.mask("fijne dag nog, allemaal").text == "fijne dag nog, allemaal"
    assert m.mask("groetjes ilse en de rest van de straat").text.endswith(" en de rest van de straat")


# ---- names: lower-case initials and particles, double surnames, phone greeting ------------------

@pytest.mark.parametrize("text, secret, keep", [
    ("ik heb gesproken met m. van der berg van de balie", "m. van der berg", ["ik heb gesproken met", "van de balie"]),
    ("brief is gestuurd naar p.j. de graaf", "de graaf", ["brief is gestuurd naar"]),
    ("a. bakker belde over de boom", "a. bakker", ["belde over de boom"]),
    ("mevrouw de boer-van leeuwen is niet tevreden", "boer-van leeuwen", ["mevrouw", "is niet tevreden"]),
    ("de buurvrouw jansen-de vries heeft ook last", "jansen-de vries", ["de buurvrouw", "heeft ook last"]),
    ("k. smit-de jong wacht op een reactie", "smit-de jong", ["wacht op een reactie"]),
    ("dhr van den heuvel was vriendelijk", "van den heuvel", ["dhr", "was vriendelijk"]),
    ("met jansen, ik bel over de boom", "jansen", ["met", "ik bel over de boom"]),
    ("goedemorgen met pieters ik heb een vraag", "pieters", ["goedemorgen met", "ik heb een vraag"]),
    ("u spreekt met verhoeven over mijn uitkering", "verhoeven", ["u spreekt met", "over mijn uitkering"]),
    ("zoon van der linden komt langs", "van der linden", ["zoon", "komt langs"]),
    ("l. de haan-bos kwam het pakket brengen", "haan-bos", ["kwam het pakket brengen"]),
    ("juffrouw el khatib van de school belde", "khatib", ["juffrouw", "van de school belde"]),
])
def test_lower_case_names(masker, text, secret, keep):
    check(masker, text, secret, keep, "<PERSOON>")


@pytest.mark.parametrize("text", [
    "huizen waren niet van belang in het warme klimaat van het midden-oosten",
    "Met boda-boda (een motortaxi) kun je je verplaatsen.",
    "Hij was de man aan de top en ik volgde hem.",
    "we hebben o.a. de stoep en m.b.t. de bomen een vraag",
])
def test_name_rules_leave_ordinary_text(masker, text):
    assert masker.mask(text).text == text


# ---- phone numbers ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, secret", [
    ("tel 010 - 4123456 graag na twaalf uur", "010 - 4123456"),
    ("bereikbaar op +31 (0)6 23456789 overdag", "+31 (0)6 23456789"),
    ("bel 0031 6 34 56 78 90 na zessen", "0031 6 34 56 78 90"),
    ("bel me terug op 06 12 34 56 78 na vijf uur", "06 12 34 56 78"),
    ("mobiel 06 - 12 34 56 78 graag", "06 - 12 34 56 78"),
    ("bel 0031-6-12345678 graag", "0031-6-12345678"),
    ("de vaste lijn +31-(0)10-4123456 graag", "+31-(0)10-4123456"),
    ("mijn nr 010/4123456 graag", "010/4123456"),
    ("tel 06.12.34.56.78 graag", "06.12.34.56.78"),
])
def test_phone_numbers(masker, text, secret):
    out = masker.mask(text).text
    assert "<TELEFOON>" in out and not re.search(r"\d{3}", out), out
    assert out.endswith("graag") or out.endswith(("uur", "overdag", "zessen")), out


@pytest.mark.parametrize("text", [
    "bel 14 010 of 14010 voor een afspraak",
    "bel 0800-1234567 gratis",
    "melding van 06-12-2024 10:30 uur",
])
def test_service_numbers_and_dates_are_no_phone_numbers(masker, text):
    assert masker.mask(text).text == text


# ---- e-mail addresses written out -----------------------------------------------------------------

@pytest.mark.parametrize("text, secret", [
    ("mail naar jan punt jansen apenstaartje gmail punt com graag", "jan punt jansen apenstaartje gmail punt com"),
    ("mijn email kees at hotmail dot com graag", "kees at hotmail dot com"),
    ("mijn mailadres is sandra(at)kpnmail.nl graag", "sandra(at)kpnmail.nl"),
    ("info [at] bakkerij-jansen [punt] nl graag", "info [at] bakkerij-jansen [punt] nl"),
    ("mail jan.jansen (apenstaartje) gmail.com graag", "jan.jansen (apenstaartje) gmail.com"),
])
def test_email_in_words(masker, text, secret):
    out = masker.mask(text).text
    assert out.endswith("<EMAIL> graag") and "gmail" not in out and "hotmail" not in out, out


@pytest.mark.parametrize("text", ["we gaan at home", "het punt is dat de bus niet komt", "kijk op rotterdam punt nl"])
def test_words_at_and_punt_alone_stay(masker, text):
    assert masker.mask(text).text == text


# ---- house numbers with additions ---------------------------------------------------------------

@pytest.mark.parametrize("text, secret, keep", [
    ("ik woon op de kerkweg 12-3 en de stoep is kapot", "kerkweg 12-3", ["ik woon op de", "en de stoep is kapot"]),
    ("bij dorpsstraat 45 bis ligt afval", "45 bis", ["bij", "ligt afval"]),
    ("de stoep voor molenweg 8a is kapot", "molenweg 8a", ["de stoep voor", "is kapot"]),
    ("overlast bij van speijkstraat 102 hs sinds maart", "102 hs", ["overlast bij", "sinds maart"]),
    ("op de prinsengracht 263 III is het glad", "263 III", ["op de", "is het glad"]),
    ("in de sportlaan op nummer 9 staat een auto", "sportlaan op nummer 9", ["in de", "staat een auto"]),
    ("ik woon op de Kerkstraat 4 1e etage", "4 1e etage", ["ik woon op de"]),
])
def test_house_number_additions(masker, text, secret, keep):
    out = masker.mask(text).text
    assert "<ADRES>" in out and secret not in out, out
    assert not re.search(r"\d", out), out
    for w in keep:
        assert w in out, (w, out)


def test_bare_street_words_and_counts_stay(masker):
    for text in ("de straat 12 keer niet geveegd", "bel nummer 12", "ik woon in de straat op nummer 12"):
        assert masker.mask(text).text == text


# ---- dates of birth -----------------------------------------------------------------------------

@pytest.mark.parametrize("text, secret", [
    ("ik ben geboren op 3 april '79 in delft", "3 april '79"),
    ("geboren op twaalf maart negentienvijfentachtig in delft", "twaalf maart negentienvijfentachtig"),
    ("geboren 3-4-1979 in delft", "3-4-1979"),
    ("geb. 12-3-'85 in delft", "12-3-'85"),
    ("tel. 010-8077600 / geb.dat. 9-10-1951 in delft", "9-10-1951"),
    ("ik ben van 7 juli '55 in delft", "7 juli '55"),
    ("geboren op 5 augustus negentien vierenzestig in delft", "5 augustus negentien vierenzestig"),
    ("geboren {} in delft".format("eenentwintig mei negentienhonderdzeventig"), "eenentwintig mei negentienhonderdzeventig"),
])
def test_birth_dates_written_out(masker, text, secret):
    out = masker.mask(text).text
    assert "<GEBOORTEDATUM>" in out and secret not in out and out.endswith(" in delft"), out
    assert "april" not in out and "maart" not in out and "augustus" not in out, out


@pytest.mark.parametrize("text", [
    "ik heb gebeld op 12-03-2024 maar niks gehoord",
    "de melding is op 3 april 2024 gedaan",
    "ik heb op 2 mei een afspraak",
])
def test_other_dates_stay(masker, text):
    assert masker.mask(text).text == text


# ---- BSN ----------------------------------------------------------------------------------------

def test_bsn_checksums():
    assert bsn_valid("12345672", allow_8=True) and not bsn_valid("12345672")
    assert not bsn_valid("12345673", allow_8=True)


@pytest.mark.parametrize("text, secret", [
    ("mijn bsn is 123.456.782 graag", "123.456.782"),
    ("bsn 12345672 graag", "12345672"),
    ("bsn 123-456-782 graag", "123-456-782"),
    ("bsn 1234 56 782 graag", "1234 56 782"),
    ("burgerservicenummer 111.222.333 graag", "111.222.333"),
])
def test_bsn_forms(masker, text, secret):
    out = masker.mask(text).text
    assert out.endswith("<BSN> graag") and secret not in out, out


def test_eight_digit_numbers_without_bsn_context_stay(masker):
    assert masker.mask("het bedrag was 12345672 cent").text == "het bedrag was 12345672 cent"
    assert masker.mask("klantnummer 48213377 staat op de brief").text == "klantnummer <ZAAKNUMMER> staat op de brief"


# ---- IBAN ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, secret", [
    ("iban NL91-ABNA-0417-1643-00 graag", "NL91-ABNA-0417-1643-00"),
    ("rekening BE71 0961 2345 6769 graag", "BE71 0961 2345 6769"),
    ("rekening be71-0961-2345-6769 graag", "be71-0961-2345-6769"),
    ("naar DE89 3704 0044 0532 0130 00 graag", "DE89 3704 0044 0532 0130 00"),
    ("naar DE89370400440532013000 graag", "DE89370400440532013000"),
    ("rekeningnr NL 91 ABNA 0417 1643 00 graag", "NL 91 ABNA 0417 1643 00"),
    ("rekening BE71 0961 2345 6769 voor de boete graag", "BE71 0961 2345 6769"),
])
def test_iban_forms(masker, text, secret):
    out = masker.mask(text).text
    assert "<IBAN>" in out and secret not in out and out.endswith("graag") and not re.search(r"\d", out), out


def test_invalid_iban_stays(masker):
    assert iban_valid("BE71-0961-2345-6769") and not iban_valid("BE71-0961-2345-6768")
    assert "BE71 0961 2345 6768" in masker.mask("rekening BE71 0961 2345 6768").text


# ---- long texts: windows ------------------------------------------------------------------------

def test_text_windows_cover_and_overlap():
    text = ("De container is vol. " * 2000) + "eind"
    wins = text_windows(text)
    assert wins[0][0] == 0 and wins[-1][1] == len(text) and len(wins) > 5
    for (a, b), (c, d) in zip(wins, wins[1:]):
        assert a < c < b - masker_mod.WINDOW_OVERLAP + 1 and d > b
    assert text_windows("kort") == [(0, 4)]


def test_long_text_masks_everything_at_window_edges(masker, monkeypatch):
    """PII every ~150 characters in a long text masked with small windows: every value is masked,
    wherever the window edges fall, and the windowed result contains every finding of one pass."""
    parts = []
    secrets = []
    for k in range(60):
        phone = f"06-{10000000 + 7919 * k:08d}"
        name = ["Jansen", "de Vries", "Bakker", "Visser"][k % 4]
        secrets += [phone, name]
        parts.append(f"Melding {k} over de container, bel mw. {name} op {phone} want het stinkt echt heel erg.")
    text = " ".join(parts)
    full = masker.analyze(text)
    monkeypatch.setattr(masker_mod, "WINDOW_CHARS", 400)
    monkeypatch.setattr(masker_mod, "WINDOW_OVERLAP", 120)
    monkeypatch.setattr(masker_mod, "text_windows", lambda t: text_windows(t, 400, 120))
    assert len(masker_mod.text_windows(text)) >= 20
    windowed = masker.analyze(text)
    assert {(f.start, f.end, f.entity_type) for f in full} <= {(f.start, f.end, f.entity_type) for f in windowed}
    out = masker.mask(text).text
    for s in secrets:
        assert s not in out
    assert out.count("<TELEFOON>") == 60 and out.count("<PERSOON>") == 60
    assert out.count("want het stinkt echt heel erg.") == 60
