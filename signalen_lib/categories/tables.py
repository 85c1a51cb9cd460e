"""Tables of the categories part (migrations 80-89, shared zone).

- ``category_edits``: staff's edits of the taxonomy (merge, split, move-word, undo), in order,
  with who and when; never updated or deleted (an undo is a row of its own).
"""
from __future__ import annotations

from signalen_lib.store import Migration, register

register(Migration(80, "shared", "categories: staff's edits of the taxonomy", (
    """CREATE TABLE IF NOT EXISTS category_edits (
        edit_id INTEGER PRIMARY KEY,
        created_at TIMESTAMP NOT NULL,
        author TEXT NOT NULL,
        action TEXT NOT NULL,
        payload TEXT,
        target_edit INTEGER
    )""",
)))
