"""Tables of the national shared store (migrations 90-99, shared zone; issue 16).

An organisation's own store never holds rows here: they are written by ``signalen publish`` into
the national store (setting ``national_url``), which is a shared zone like any other (masked text
and derived rows only) plus these two tables:

- ``national_organisations``: who published, in which mode (``signals`` or ``aggregates``, the
  organisation's agreement), when, how many signals, how many small cells were suppressed;
- ``national_effects``: the latest national-effect estimate per category (``signalen
  national-effect --save``), which the dashboard's national view shows;
- ``national_aggregates``: weekly counts per organisation, national category, source and
  perception (both modes), the input of the national view and the national-effect estimate;
  category ``alle`` (source and perception ``alle``) is the organisation's contacts that week.

Never edit a released migration: add a new one.
"""
from __future__ import annotations

from signalen_lib.store.migrations import Migration, register

register(Migration(90, "shared", "national store: national_organisations, national_aggregates", (
    """CREATE TABLE IF NOT EXISTS national_organisations (
        org_code TEXT PRIMARY KEY,
        org_name TEXT NOT NULL,
        mode TEXT NOT NULL,
        published_at TIMESTAMP,
        n_signals BIGINT,
        suppressed_cells BIGINT,
        suppressed_signals BIGINT
    )""",
    """CREATE TABLE IF NOT EXISTS national_aggregates (
        org_code TEXT NOT NULL,
        week TIMESTAMP NOT NULL,
        category TEXT NOT NULL,
        source TEXT NOT NULL,
        perception TEXT NOT NULL,
        n BIGINT NOT NULL,
        n_scored BIGINT NOT NULL,
        n_dissatisfied BIGINT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS national_aggregates_org ON national_aggregates (org_code, week)",
)))

register(Migration(91, "shared", "national store: national_effects (the national-effect estimates shown on the dashboard)", (
    """CREATE TABLE IF NOT EXISTS national_effects (
        computed_at TIMESTAMP NOT NULL,
        category TEXT NOT NULL,
        org_code TEXT NOT NULL,
        role TEXT NOT NULL,
        start_day TIMESTAMP,
        estimate FLOAT8,
        ci_low FLOAT8,
        ci_high FLOAT8,
        p_value FLOAT8,
        verdict TEXT NOT NULL,
        effect_shown BOOLEAN NOT NULL
    )""",
)))
