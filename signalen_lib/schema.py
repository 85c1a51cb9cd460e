"""The canonical signal record: every source is mapped onto these fields by ingest.

``signal_id`` is ``"<source>:<record id in the source system>"`` (or ``"<source>:h<hash>"`` when a
source has no record id), so ground truth and labels can refer to a signal without a lookup.
"""
from __future__ import annotations

from dataclasses import dataclass

# Built-in sources; more can be registered in the source register (data/sources.yaml).
SOURCES = ("kto", "klacht", "terugbelnotitie", "interview")

CHANNELS = ("telefoon 14010", "stadswinkel", "web", "e-mail", "chat", "brief", "sociale media", "balie", "onbekend")

# Rotterdam's organisation: cluster -> afdelingen (used by the synthetic corpus and the dashboard's filters)
ORG_UNITS: dict[str, tuple[str, ...]] = {
    "Dienstverlening": ("Klantcontactcentrum 14010", "Burgerzaken", "Belastingen", "Stadswinkels"),
    "Stadsbeheer": ("Afval en Reiniging", "Buitenruimte", "Parkeren", "Handhaving"),
    "Werk en Inkomen": ("Uitkeringen", "Schuldhulpverlening", "Werkgeversservicepunt"),
    "Maatschappelijke Ontwikkeling": ("Jeugd en Onderwijs", "Zorg en Welzijn", "Wijknetwerken"),
    "Stadsontwikkeling": ("Wonen", "Vergunningen", "Verkeer en Vervoer"),
}

PERCEPTIONS = ("compliment", "neutraal", "klacht")

UNKNOWN = "onbekend"


@dataclass(frozen=True)
class Field:
    name: str
    dtype: str  # "str" | "datetime" | "int"
    required: bool
    description: str


FIELDS: tuple[Field, ...] = (
    Field("signal_id", "str", True, "source + ':' + record id in the source system"),
    Field("source", "str", True, "kto, klacht, terugbelnotitie, interview or a registered other source"),
    Field("source_record_id", "str", False, "the record's id in the source system"),
    Field("received_at", "datetime", True, "when the signal was received (local time)"),
    Field("channel", "str", False, "telefoon 14010, stadswinkel, web, e-mail, chat, brief, ..."),
    Field("cluster", "str", False, "organisation cluster"),
    Field("afdeling", "str", False, "organisation department within the cluster"),
    Field("wijk_code", "str", False, "CBS wijk code (WK0599xx) or 'onbekend'"),
    Field("wijk", "str", False, "wijk name or 'onbekend'"),
    Field("buurt_code", "str", False, "CBS buurt code (BU0599xxxx) or 'onbekend'"),
    Field("buurt", "str", False, "buurt name or 'onbekend'"),
    Field("score", "int", False, "KTO score 0..10 where present"),
    Field("text", "str", True, "the free text (masked in the shared zone)"),
    Field("content_hash", "str", True, "sha256 of source + received_at + normalised text (dedupe key)"),
    Field("source_file", "str", False, "lineage: file the row came from"),
    Field("source_row", "int", False, "lineage: line (CSV/JSONL) or row (XLSX) number in that file"),
    Field("ingest_run_id", "str", False, "lineage: the ingest run that stored it"),
    Field("org_code", "str", False, "organisation the signal belongs to (CBS gemeentecode such as GM0599, or UWV, DUO, BD)"),
)

FIELD_NAMES = tuple(f.name for f in FIELDS)
REQUIRED = tuple(f.name for f in FIELDS if f.required)
