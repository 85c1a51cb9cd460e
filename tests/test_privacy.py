"""Masking personal data: recognizers, context words, offline operation, API, CLI."""
from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from signalen_lib.privacy import MASKED_TYPES, Finding, MaskResult, get_masker
from signalen_lib.privacy.canary import CANARIES, canary_texts, find_leaks, plant
from signalen_lib.privacy.offline import NetworkAccessError, no_network
from signalen_lib.privacy.recognizers import bsn_valid, iban_valid


@pytest.fixture(scope="module")
def masker():
    return get_masker()


def masked(masker, text: str) -> str:
    return masker.mask(text).text


def types(masker, text: str) -> list[str]:
    return [f.entity_type for f in masker.mask(text).findings]


# ---- names ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, original", [
    ("Ik heb gesproken met mw. Jansen over de container.", "Jansen"),
    ("dhr de Vries belt terug over de melding", "de Vries"),
    ("Mevrouw van der Berg was erg behulpzaam.", "van der Berg"),
    ("Graag contact met A.J.M. van den Heuvel.", "A.J.M. van den Heuvel"),
    ("Klant Pieter Bakker is niet tevreden.", "Pieter Bakker"),
    ("gesproken met mevrouw fatima el amrani over de boete", "fatima el amrani"),
    ("ik heb gebeld met jan jansen maar die was er niet", "jan jansen"),
    ("De medewerker, Sanne Visser, heeft mij goed geholpen.", "Sanne Visser"),
    ("Mw. Yilmaz belt over haar uitkering.", "Yilmaz"),
    ("Met vriendelijke groet,\nAnton van Boxtel", "Anton van Boxtel"),
    ("Hoogachtend,\nT.R.W. Verspuij\nC.P. Nonnerstraat 5", "T.R.W. Verspuij"),
    ("behandelaar middag - Mw. M. Blauw.", "M. Blauw"),
    ("Ik sprak met Van der Kleijn.", "Van der Kleijn"),
    ("graag terugbellen tnv mw Den Bij / mail volgt", "Den Bij"),
    ("verzoek tb, tnv dhr. Van Groep / BSN volgt", "Van Groep"),
    ("Naam bewoner: Lorraine op de Niekerk.", "Lorraine op de Niekerk"),
])
def test_person_names_are_masked(masker, text, original):
    res = masker.mask(text)
    persons = [f.original for f in res.findings if f.entity_type == "PERSOON"]
    assert original in persons, (persons, res.text)
    assert original not in res.text
    assert "<PERSOON>" in res.text


def test_titles_stay_readable(masker):
    assert masked(masker, "Dhr. Jansen belde.") == "Dhr. <PERSOON> belde."
    assert masked(masker, "Ik sprak mw. Jansen.") == "Ik sprak mw. <PERSOON>."


@pytest.mark.parametrize("text", [
    "IK BEN HET ZAT. ik wil een klacht indienen",
    "Geachte medewerker,\n\nHierbij wil ik een klacht indienen.",
    "Klt Mw belt namens vader. Beller vraagt om terugbelverzoek.",
    "Tevens kan niet inloggen DigiD. Klant had geen brief.",
    "2e punt: aanslag op verkeerde naam. Graag terugbellen.",
    "De container in onze straat is al twee weken niet geleegd.",
    "Heel vriendelijk geholpen bij de balie, snel en duidelijk.",
    "Het duurde lang voordat ik werd teruggebeld door de gemeente.",
    "Maar de parkeervergunning is nog steeds niet binnen.",
])
def test_ordinary_text_is_left_alone(masker, text):
    assert masker.mask(text).text == text


# ---- structured identifiers ---------------------------------------------------------------

@pytest.mark.parametrize("text, value, typ", [
    ("Mijn BSN is 123456782.", "123456782", "BSN"),
    ("bsn: 1234.56.782 graag aanpassen", "1234.56.782", "BSN"),
    ("Bel me op 06-12345678 of later", "06-12345678", "TELEFOON"),
    ("tel 010 123 45 67 na vijven", "010 123 45 67", "TELEFOON"),
    ("Nummer +31 6 12345678 graag terugbellen", "+31 6 12345678", "TELEFOON"),
    ("Of via 0031 10 1234567 bereikbaar", "0031 10 1234567", "TELEFOON"),
    ("mail naar p.devries@ziggo.nl a.u.b.", "p.devries@ziggo.nl", "EMAIL"),
    ("IBAN NL91ABNA0417164300 graag storten", "NL91ABNA0417164300", "IBAN"),
    ("rekening NL91 ABNA 0417 1643 00 klopt niet", "NL91 ABNA 0417 1643 00", "IBAN"),
    ("Postcode 3011 AD in Rotterdam", "3011 AD", "POSTCODE"),
    ("ik woon op 3012cl nu", "3012cl", "POSTCODE"),
    ("Het adres is Coolsingel 40a in het centrum", "Coolsingel 40a", "ADRES"),
    ("woont op de Burgemeester de Jonghplein 3 al jaren", "Burgemeester de Jonghplein 3", "ADRES"),
    ("De auto met kenteken 12-ABC-3 staat fout", "12-ABC-3", "KENTEKEN"),
    ("Kenteken XX-99-XX is van de buurman", "XX-99-XX", "KENTEKEN"),
    ("Ik ben geboren op 12-03-1985 in Delft", "12-03-1985", "GEBOORTEDATUM"),
    ("geboortedatum 3 maart 1961 klopt niet", "3 maart 1961", "GEBOORTEDATUM"),
    ("Mijn zaaknummer is Z-2024-001234.", "Z-2024-001234", "ZAAKNUMMER"),
    ("klantnummer 48213377 staat op de brief", "48213377", "ZAAKNUMMER"),
])
def test_identifiers_are_masked(masker, text, value, typ):
    res = masker.mask(text)
    hits = [f for f in res.findings if f.original == value]
    assert hits and hits[0].entity_type == typ, (res.findings, res.text)
    assert value not in res.text
    assert f"<{typ}>" in res.text


def test_checksums():
    assert bsn_valid("123456782") and not bsn_valid("123456789")
    assert iban_valid("NL91ABNA0417164300") and not iban_valid("NL91ABNA0417164301")


def test_invalid_iban_and_service_numbers_are_not_masked(masker):
    assert "NL91ABNA0417164301" in masked(masker, "rekening NL91ABNA0417164301")
    assert masked(masker, "Bel 0800-1234567 gratis") == "Bel 0800-1234567 gratis"


def test_dates_and_numbers_without_context_are_kept(masker):
    text = "Op 12-03-2024 is de melding gedaan, 123456789 keer niks."
    assert masked(masker, text) == text


# ---- context words ----------------------------------------------------------------------

def test_blank_pipeline_sets_lemmas(masker):
    doc = masker.nlp("Geboren op Maandag")
    assert [t.lemma_ for t in doc] == ["geboren", "op", "maandag"]


def test_context_word_raises_score(masker):
    """An invalid BSN (fails the 11-proef) and a bare date are kept below the threshold on their
    own; a Dutch context word in front lifts them over it through presidio's context enhancement."""
    plain = masker.analyzer.analyze("het getal 111222334 staat er", language="nl", score_threshold=0.0)
    ctx = masker.analyzer.analyze("mijn bsn 111222334 staat er", language="nl", score_threshold=0.0)
    s_plain = max(r.score for r in plain if r.entity_type == "BSN")
    s_ctx = max(r.score for r in ctx if r.entity_type == "BSN")
    assert s_ctx > s_plain and s_ctx >= masker.score_threshold > s_plain
    assert "<BSN>" in masked(masker, "mijn bsn 111222334 staat er")
    assert "111222334" in masked(masker, "het getal 111222334 staat er")
    assert "<GEBOORTEDATUM>" in masked(masker, "Geboren: 01-02-1970")
    assert "01-02-1970" in masked(masker, "Verstuurd: 01-02-1970")


# ---- API --------------------------------------------------------------------------------

def test_api_shapes(masker):
    assert get_masker() is masker
    res = masker.mask("Bel mw. Jansen op 06-12345678")
    assert isinstance(res, MaskResult)
    assert all(isinstance(f, Finding) for f in res.findings)
    f = res.findings[-1]
    assert (f.entity_type, f.original) == ("TELEFOON", "06-12345678")
    assert "Bel mw. Jansen op 06-12345678"[f.start:f.end] == f.original
    assert f.recognizer and 0 < f.score <= 1
    assert masker.mask(None) == MaskResult(None, [])
    assert masker.mask("") == MaskResult("", [])


def test_mask_many_matches_mask_and_passes_empty(masker):
    texts = ["Bel mw. Jansen op 06-12345678", None, "", "   ", "Geen persoonsgegevens hier."]
    out, findings = masker.mask_many(texts)
    assert out[1] is None and out[2] == "" and out[3] == "   "
    assert out[0] == masker.mask(texts[0]).text
    assert out[4] == texts[4] and findings[4] == []
    assert len(out) == len(findings) == len(texts)


def test_fast_path_equals_presidio_engine(masker):
    """mask_many runs the recognizers and presidio's context enhancer directly; the result must be
    the same as through presidio's AnalyzerEngine.analyze."""
    texts = [c.text() for c in CANARIES] + [
        "Mw. de Vries (geb. 03-04-1950) belt over bsn 111222334 en IBAN NL91ABNA0417164300, Coolsingel 40a.",
    ]
    for t in texts:
        fast = masker._analyze_doc(t, masker.nlp(t))
        ref = masker._analyze_doc(t, masker.nlp(t), via_engine=True)
        assert fast == ref, t


def test_only_masked_types_are_replaced(masker):
    res = masker.mask("Ik woon in Rotterdam en werk bij de Gemeente Rotterdam.")
    assert "Rotterdam" in res.text
    assert all(f.entity_type in MASKED_TYPES for f in res.findings)


# ---- leaks and offline ------------------------------------------------------------------

def test_canaries_never_leak(masker):
    out, findings = masker.mask_many(canary_texts())
    assert find_leaks(*out) == []
    for canary, fs in zip(CANARIES, findings):
        assert canary.entity_type in {f.entity_type for f in fs}, canary
    planted = plant("De container is niet geleegd.", seed=3, n=4)
    assert find_leaks(planted) and find_leaks(masker.mask(planted).text) == []


def test_find_leaks_sees_squashed_numbers():
    assert find_leaks("nummer 0673619284") == ["06-73619284"]
    assert find_leaks("niets") == []


def test_guard_blocks_sockets():
    with no_network() as attempts:
        with pytest.raises(NetworkAccessError):
            socket.create_connection(("publicsuffix.org", 443), timeout=1)
    assert attempts


def test_masking_opens_no_socket():
    """A fresh process builds the masker and masks e-mail addresses (tldextract) with every socket
    call refused; any attempt fails the test."""
    code = r"""
import sys
from signalen_lib.privacy.offline import no_network
with no_network() as attempts:
    from signalen_lib.privacy import Masker
    m = Masker()
    r = m.mask("mail p.devries@ziggo.nl of info@gemeente.co.uk, www.rotterdam.nl")
    assert r.text.count("<EMAIL>") == 2, r.text
    import tldextract
    assert tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)("x.co.uk").suffix == "co.uk"
print("attempts", len(attempts))
sys.exit(1 if attempts else 0)
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "attempts 0" in proc.stdout


def test_mask_text_cli_one_line_per_line():
    lines = ["Ik sprak mw. Jansen, tel 06-12345678.", "", "De container is vol.", "Bel dhr de Vries"]
    proc = subprocess.run([sys.executable, "-m", "signalen_lib.cli", "mask-text"], input="\n".join(lines) + "\n",
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.split("\n")
    assert out[-1] == "" and len(out) - 1 == len(lines)
    assert out[0] == "Ik sprak mw. <PERSOON>, tel <TELEFOON>."
    assert out[1] == "" and out[2] == lines[2]
    assert "Vries" not in out[3]


def test_parallel_mask_many_gives_same_result(masker):
    texts = [c.text() for c in CANARIES] * 80 + ["Klant Pieter Bakker belt terug.", "", None] * 20
    assert masker.mask_many(texts, n_jobs=2) == masker.mask_many(texts)


def test_a_masker_that_renews_its_spacy_pipeline_masks_the_same(masker, monkeypatch):
    """spaCy keeps every string it saw; past a limit the masker starts a fresh pipeline (bounded
    memory on a worker that masks for hours) and masks exactly as before."""
    import signalen_lib.privacy.masker as mm

    texts = [c.text() for c in CANARIES] + ["Klant Pieter Bakker belt terug over zijn parkeervergunning.", ""]
    before = masker.mask_many(texts)
    monkeypatch.setattr(mm, "_MAX_VOCAB_STRINGS", 10)
    old = masker.nlp
    renewed = masker.mask_many(texts)
    assert masker.nlp is not old and masker.nlp_engine.get_nlp(mm.LANG) is masker.nlp
    assert renewed == before
