"""Masking personal data in Dutch signals (presidio-analyzer, offline, Dutch recognizers).

Public API (used by ingest): :func:`get_masker` → :class:`Masker` with ``mask(text) -> MaskResult``
and ``mask_many(texts) -> (masked texts, findings per text)``; :class:`Finding`.
"""
from __future__ import annotations

from .masker import ALL_TYPES, MASKED_TYPES, PLACEHOLDERS, Finding, Masker, MaskResult, get_masker

__all__ = ["get_masker", "Masker", "MaskResult", "Finding", "MASKED_TYPES", "ALL_TYPES", "PLACEHOLDERS"]
