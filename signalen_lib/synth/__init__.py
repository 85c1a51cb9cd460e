"""Synthetic Dutch signal corpus for the demo and the tests (issue 3).

``generate(n, seed, out_dir, start="2024-11-01", end="2026-10-31", *, heldout_share=0.2) -> dict``
writes, for ``n`` signals (shares: KTO 55 %, call-back notes 25 %, complaints 18 %, interviews 2 %):

- ``kto/kto_export.csv``: ``;``-separated, cp1252, CRLF, minimal quoting; header
  ``Respondentnummer;Datum;Kanaal;Cijfer;Toelichting;Cluster;Afdeling;Wijk;Buurt``
  (``Datum`` ``dd-mm-yyyy HH:MM``, ``Cijfer`` 0-10, Wijk/Buurt names, empty when unknown);
- ``klacht/klachten_export.xlsx``: sheet ``Klachten`` with ``Zaaknummer``, ``Datum ontvangst``
  ("3 februari 2025"), ``Kanaal``, ``Omschrijving``, ``Organisatieonderdeel`` (cluster),
  ``Afdeling``, ``Wijkcode``, ``Buurtcode`` (text cells; empty when unknown);
- ``terugbelnotitie/terugbelnotities.jsonl``: ``id``, ``aangemaakt`` (``YYYY-MM-DDTHH:MM:SS``,
  local time), ``kanaal``, ``notitie``, ``cluster``, ``afdeling``, ``buurtcode`` (null when unknown);
- ``interview/interviews.json``: array of ``interview_id``, ``datum`` (``YYYY-MM-DD``), ``notities``,
  ``cluster``, ``afdeling``, ``wijk``;
- ``ground_truth/signals.csv`` (utf-8): ``signal_id`` (``<source>:<record id>``), ``source``,
  ``record_id``, ``received_at`` (ISO; ``T00:00:00`` for the date-only sources klacht/interview),
  ``category``, ``subcategory`` (taxonomy keys; ``overig``/``overig`` for non-informative answers
  such as "nvt", ``nieuw_slagboom``/``slagboom_testlocatie`` for the new signal, which is not in the
  taxonomy), ``categories`` (``cat/sub|cat/sub``, up to three, primary first), ``perception``,
  ``events`` (``|``-joined keys), ``score`` (KTO only), ``informative`` (``true``/``false``);
- ``ground_truth/pii_spans.jsonl``: ``signal_id``, ``start``, ``end`` (offsets in characters of the
  text as read back from its export), ``type``, ``value``, ``heldout``; BSN spans also carry
  ``valid`` (passes the 11-proef);
- ``ground_truth/events.json``: the injected events with key, kind, dates, categories and, for the
  improvement, the true relative effects.

Event membership in ``signals.csv``: every barbecue / gladheid / slagboom signal belongs to its
event; lachgas and mailing-topic signals belong to the policy/mailing event with the probability
that they are part of the excess volume on their day; betalingsregeling signals of KTO and
call-back notes from the improvement date on belong to the improvement.

National mode (issue 16): ``synth/national.py`` streams a corpus of many organisations (CBS
gemeentecodes, UWV, DUO, Belastingdienst) with their own volumes, org units and local taxonomy
extensions and a national event on a known date (``national_plan``, ``iter_national``;
``signalen demo-data --national --organisations N`` writes one folder of exports per organisation).

Same seed -> byte-identical files. See ``events.py`` (patterns), ``content.py`` (text grammar),
``names.py`` (name lists read from the installed ``deduce`` package and their held-out split,
``is_heldout``) and ``pii.py`` (generators and validators).
"""
from signalen_lib.synth.generate import generate
from signalen_lib.synth.names import is_heldout
from signalen_lib.synth.pii import bsn_valid, iban_valid

__all__ = ["generate", "is_heldout", "bsn_valid", "iban_valid"]
