"""Synthetic Dutch signal corpus for the demo and the tests (issue 3).

``generate(n, seed, out_dir, start="2024-11-01", end="2026-10-31", *, heldout_share=0.2) -> dict``
writes four source
exports (KTO CSV in cp1252, complaints XLSX, call-back notes JSONL, interview notes JSON) and the
ground truth (``ground_truth/signals.csv``, ``pii_spans.jsonl``, ``events.json``). Same seed ->
byte-identical files. See ``generate.py`` for the file contract, ``events.py`` for the injected
patterns, ``content.py`` for the text grammar and ``names.py`` for the name lists and their
held-out split (``is_heldout``).
"""
from .generate import generate
from .names import is_heldout
from .pii import bsn_valid, iban_valid

__all__ = ["generate", "is_heldout", "bsn_valid", "iban_valid"]
