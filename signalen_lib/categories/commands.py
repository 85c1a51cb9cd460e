"""``signalen categories …``: staff shape the categories (merge, split, move-word, list-edits, undo).

Thin calls into :mod:`signalen_lib.categories.edits`; every edit is recorded with its author and
takes effect on the next ``signalen topics fit`` (and so on the next validation).
"""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

ConfigOption = typer.Option(None, "--config", "-c", help="YAML file with settings (see signalen_lib/defaults.yaml).")
AuthorOption = typer.Option(..., "--author", help="Who makes the change (recorded with it).")
RETRAIN = "Neemt effect bij de volgende hertraining: signalen topics fit"


def register(app: typer.Typer) -> None:
    cat_app = typer.Typer(help="Staff shape the categories: merge topics, split a category, move a seed word; audited, undoable.",
                          no_args_is_help=True)

    def _run(config, fn):
        from signalen_lib.config import load_config
        from signalen_lib.store import open_store

        settings = load_config(config)
        with open_store(settings, restricted=False) as store:
            return fn(store.shared, settings)

    @cat_app.command("merge")
    def merge(
        topics: List[str] = typer.Argument(..., help="Topics to merge: stable topic ids of the current model (T012) or taxonomy keys."),
        into: str = typer.Option(..., "--into", help="Category key they become (existing, or new with --name)."),
        name: Optional[str] = typer.Option(None, "--name", help="Dutch name of a new category."),
        subcategory: Optional[str] = typer.Option(None, "--subcategory", help="Merge into this subcategory of the category (new or existing)."),
        subcategory_name: Optional[str] = typer.Option(None, "--subcategory-name", help="Dutch name of a new subcategory."),
        author: str = AuthorOption,
        config: Optional[Path] = ConfigOption,
    ) -> None:
        """Merge two (or more) topics into one category."""
        from .edits import merge_topics

        e = _run(config, lambda db, s: merge_topics(db, s, topics, into, author=author, name=name, subcategory=subcategory,
                                                    subcategory_name=subcategory_name))
        typer.echo(f"wijziging {e.edit_id}: {e.describe()}. {RETRAIN}")

    @cat_app.command("split")
    def split(
        key: str = typer.Argument(..., help="Category (without subcategories) or subcategory to split."),
        part: List[str] = typer.Option(..., "--part", help="A subcategory as KEY:Name:word,word,... (give --part twice or more)."),
        author: str = AuthorOption,
        config: Optional[Path] = ConfigOption,
    ) -> None:
        """Split a category into named subcategories, each with its own seed words."""
        from .edits import CategoryEditError, split_category

        parts = []
        for p in part:
            bits = p.split(":")
            if len(bits) != 3:
                raise CategoryEditError(f"--part {p!r}: gebruik SLEUTEL:Naam:woord,woord")
            parts.append({"key": bits[0], "name": bits[1], "seeds": bits[2]})
        e = _run(config, lambda db, s: split_category(db, s, key, parts, author=author))
        typer.echo(f"wijziging {e.edit_id}: {e.describe()}. {RETRAIN}")

    @cat_app.command("move-word")
    def move_word(
        word: str = typer.Argument(..., help="The seed word."),
        source: str = typer.Option(..., "--from", help="Category or subcategory key it leaves."),
        target: str = typer.Option(..., "--to", help="Category or subcategory key it joins."),
        author: str = AuthorOption,
        config: Optional[Path] = ConfigOption,
    ) -> None:
        """Move a seed word from one category (or subcategory) to another."""
        from .edits import move_seed_word

        e = _run(config, lambda db, s: move_seed_word(db, s, word, source, target, author=author))
        typer.echo(f"wijziging {e.edit_id}: {e.describe()}. {RETRAIN}")

    @cat_app.command("list-edits")
    def list_edits_cmd(config: Optional[Path] = ConfigOption) -> None:
        """The edits in order: who, when, what, and whether it is in force."""
        from .edits import edits_frame, shaped_taxonomy

        df, shaped = _run(config, lambda db, s: (edits_frame(db), shaped_taxonomy(db, s)))
        if df.empty:
            typer.echo("nog geen wijzigingen: de categorieën zijn die van het taxonomiebestand")
            return
        for r in df.itertuples(index=False):
            typer.echo(f"{r[0]:>3}  {r[1]}  {r[2]:<14} {'  ' if r[4] == 'ja' else '× '}{r[3]}")
        for p in shaped.problems:
            typer.echo(f"let op: {p}")

    @cat_app.command("undo")
    def undo(
        edit: Optional[int] = typer.Argument(None, help="Number of the edit to undo (default: the last one in force)."),
        author: str = AuthorOption,
        config: Optional[Path] = ConfigOption,
    ) -> None:
        """Undo an edit (recorded as an edit of its own)."""
        from .edits import undo_edit

        e = _run(config, lambda db, s: undo_edit(db, s, edit, author=author))
        typer.echo(f"wijziging {e.edit_id}: {e.describe()}. {RETRAIN}")

    app.add_typer(cat_app, name="categories")
