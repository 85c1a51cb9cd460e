"""Masking personal data in Dutch signals (presidio-analyzer, fully offline).

Public API (used by ingest)::

    from signalen_lib.privacy import get_masker
    masker = get_masker(settings)              # built once per process (~1-4 s)
    res = masker.mask(text)                    # MaskResult(text, findings); None/"" pass through
    masked, findings = masker.mask_many(texts) # batch path (spaCy pipe, batch casing evidence)

``Finding(entity_type, start, end, score, recognizer, original)``; ``original`` holds the personal
data and belongs in the restricted zone only (table ``pii_findings``, see ``tables.py``).

How it works:

- ``nlp.py``: presidio NlpEngine on ``spacy.blank("nl")`` plus a component that sets lemmas to the
  lower-cased token, so presidio's lemma-based context enhancement works for Dutch context words.
- ``recognizers.py``: pattern recognizers with checksums and context words for BSN (11-proef),
  TELEFOON, EMAIL (suffix check with tldextract's bundled snapshot, never fetched), IBAN (mod 97),
  POSTCODE, KENTEKEN (side codes), GEBOORTEDATUM (needs a birth context), ZAAKNUMMER; token
  recognizers for ADRES (DEDUCE's street list or a street word + house number) and names.
- ``names.py``: person names from DEDUCE's raw first-name/surname lists (read directly: no
  90-second lookup build), titles and forms of address ("mw. Jansen", "dhr de Vries"), initials,
  interfixes, cues ("tnv", "groet,"), capitalisation, sentence position and the batch's own casing
  evidence. Unknown mid-sentence proper nouns are masked as PERSOON (privacy first); places and
  organisations are typed LOCATIE/ORGANISATIE and not masked.
- ``masker.py``: the recognizers and presidio's context enhancer, overlap resolution, placeholders;
  long texts are analysed in overlapping windows so that cost grows linearly with length.
  See ``docs/PRIVACY.md`` for the leak classes covered (self-introductions, sign-offs, written-out
  e-mail addresses and birth dates, phone/BSN/IBAN spellings, house-number additions).
- ``evaluate.py``: CoNLL-2002 and synthetic-corpus evaluation (``signalen privacy-eval``).
- ``retention.py``: ``signalen retention [--apply]``; periods from the ingest source register
  (``SourceSpec.retention_days``), falling back to ``settings.retention_default_days``.
- ``canary.py``: canary personal data for leak tests.
- ``report.py``: the privacy report of every pipeline run (step ``privacy_report``; ``privacy_summary``
  for the dashboard); ``algoritmeregister.py``: the Algoritmeregister entry (``signalen
  algoritmeregister``). See ``docs/ALGORITMEREGISTER.md``.
"""
from __future__ import annotations

from .masker import ALL_TYPES, MASKED_TYPES, PLACEHOLDERS, Finding, Masker, MaskResult, get_masker

__all__ = ["get_masker", "Masker", "MaskResult", "Finding", "MASKED_TYPES", "ALL_TYPES", "PLACEHOLDERS"]
