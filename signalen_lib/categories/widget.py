"""The staff widget for shaping the categories (``notebooks/categorieen/vormgeven.ipynb``).

Four tabs - Samenvoegen, Splitsen, Zaadwoord verplaatsen, Geschiedenis - over the same library
calls as ``signalen categories …`` (:mod:`signalen_lib.categories.edits`). Every change asks for
the staff member's name, is recorded in the store and takes effect on the next retrain.
"""
from __future__ import annotations

import html

import ipywidgets as W

from .edits import (CategoryEditError, categories_frame, edits_frame, merge_topics, move_seed_word, shaped_taxonomy,
                    split_category, undo_edit)

RETRAIN = "Dit neemt effect bij de volgende hertraining van het onderwerpmodel."


class CategoryEditor:
    """The widget and its state; ``.widget`` is what the notebook shows."""

    def __init__(self, settings, author: str | None = None):
        self.settings = settings
        self.author = W.Text(value=author or "", description="Uw naam", placeholder="bv. Anna de Vries")
        self.message = W.HTML()
        self.overview = W.HTML()
        self.history = W.HTML()
        # samenvoegen
        self.merge_topics = W.SelectMultiple(description="Onderwerpen", rows=10, layout=W.Layout(width="60%"))
        self.merge_into = W.Combobox(description="Naar categorie", placeholder="bestaande of nieuwe sleutel", ensure_option=False)
        self.merge_name = W.Text(description="Naam (nieuw)", placeholder="alleen bij een nieuwe categorie")
        self.merge_sub = W.Text(description="Subcategorie", placeholder="optioneel: sleutel")
        self.merge_sub_name = W.Text(description="Naam subcat.", placeholder="optioneel")
        self.merge_button = W.Button(description="Samenvoegen", button_style="primary")
        # splitsen
        self.split_key = W.Dropdown(description="Splits")
        self.split_parts = [(W.Text(description=f"Sleutel {i}"), W.Text(description=f"Naam {i}"),
                             W.Text(description=f"Zaadwoorden {i}", placeholder="woord, woord, ...")) for i in (1, 2)]
        self.split_button = W.Button(description="Splitsen", button_style="primary")
        # zaadwoord verplaatsen
        self.move_from = W.Dropdown(description="Van")
        self.move_word = W.Dropdown(description="Zaadwoord")
        self.move_to = W.Dropdown(description="Naar")
        self.move_button = W.Button(description="Verplaatsen", button_style="primary")
        # geschiedenis
        self.undo_button = W.Button(description="Laatste wijziging ongedaan maken", button_style="warning",
                                    layout=W.Layout(width="auto"))
        self.merge_button.on_click(lambda _: self._do(self._merge))
        self.split_button.on_click(lambda _: self._do(self._split))
        self.move_button.on_click(lambda _: self._do(self._move))
        self.undo_button.on_click(lambda _: self._do(self._undo))
        self.move_from.observe(lambda _: self._words(), names="value")
        tabs = W.Tab(children=[
            W.VBox([W.HTML("Kies twee of meer onderwerpen (of categorieën) die voor u één categorie zijn."),
                    self.merge_topics, self.merge_into, self.merge_name, self.merge_sub, self.merge_sub_name, self.merge_button]),
            W.VBox([W.HTML("Splits een categorie (zonder subcategorieën) of een subcategorie in twee, elk met eigen zaadwoorden."),
                    self.split_key, *[W.HBox(list(p)) for p in self.split_parts], self.split_button]),
            W.VBox([W.HTML("Een zaadwoord hoort bij een andere categorie: verplaats het."),
                    self.move_from, self.move_word, self.move_to, self.move_button]),
            W.VBox([self.history, self.undo_button]),
        ])
        for i, title in enumerate(("Samenvoegen", "Splitsen", "Zaadwoord verplaatsen", "Geschiedenis")):
            tabs.set_title(i, title)
        self.widget = W.VBox([W.HTML("<h3>Categorieën vormgeven</h3>"), self.author, tabs, self.message, self.overview])
        self.refresh()

    # ---- store ---------------------------------------------------------------------------
    def _db(self):
        from signalen_lib.store import open_store

        return open_store(self.settings, restricted=False)

    def refresh(self) -> None:
        from signalen_lib.vocab.models import current_topic_model

        with self._db() as store:
            db = store.shared
            shaped = shaped_taxonomy(db, self.settings)
            hist = edits_frame(db)
            version = current_topic_model(db) if db.table_exists("topic_models") else None
            topics = db.query_df("SELECT stable_id, name, top_words FROM topics WHERE model_version = ? ORDER BY topic_id",
                                 [version]) if version else None
        tax = shaped.taxonomy
        names = tax.names()
        groups = [(f"{names[k]} ({k})", k) for k in names if k != "overig"]
        options = [(f"{r.stable_id} {r.name} — {' '.join(str(r.top_words).split()[:5])}", r.stable_id)
                   for r in topics.itertuples()] if topics is not None else []
        self.merge_topics.options = options + groups
        self.merge_into.options = list(tax.keys)
        splittable = [(f"{c.name} ({c.key})", c.key) for c in tax.categories if not c.subcategories]
        splittable += [(f"{c.name} / {s.name} ({s.key})", s.key) for c in tax.categories for s in c.subcategories]
        self.split_key.options = splittable
        self.move_from.options = groups
        self.move_to.options = groups
        self._tax = tax
        self._words()
        self.overview.value = "<h4>Categorieën nu</h4>" + categories_frame(tax).to_html(index=False, escape=True)
        warn = "".join(f"<p>Let op: {html.escape(p)}</p>" for p in shaped.problems)
        self.history.value = (hist.to_html(index=False, escape=True) if len(hist) else "<p>Nog geen wijzigingen.</p>") + warn

    def _words(self) -> None:
        key = self.move_from.value
        seeds: list[str] = []
        for c in getattr(self, "_tax", None).categories if getattr(self, "_tax", None) else []:
            if c.key == key:
                seeds = list(c.seeds)
            for s in c.subcategories:
                if s.key == key:
                    seeds = list(s.seeds)
        self.move_word.options = seeds

    # ---- actions -------------------------------------------------------------------------
    def _do(self, action) -> None:
        try:
            with self._db() as store:
                edit = action(store.shared)
        except CategoryEditError as exc:
            self.message.value = f"<p style='color:#b00020'>Niet gelukt: {html.escape(str(exc))}</p>"
            return
        self.refresh()
        self.message.value = f"<p style='color:#006400'>Wijziging {edit.edit_id} vastgelegd: {html.escape(edit.describe())}. {RETRAIN}</p>"

    def _merge(self, db):
        return merge_topics(db, self.settings, list(self.merge_topics.value), self.merge_into.value.strip(),
                            author=self.author.value, name=self.merge_name.value, subcategory=self.merge_sub.value.strip() or None,
                            subcategory_name=self.merge_sub_name.value)

    def _split(self, db):
        parts = [{"key": k.value, "name": n.value, "seeds": s.value} for k, n, s in self.split_parts]
        return split_category(db, self.settings, self.split_key.value, parts, author=self.author.value)

    def _move(self, db):
        return move_seed_word(db, self.settings, self.move_word.value or "", self.move_from.value, self.move_to.value,
                              author=self.author.value)

    def _undo(self, db):
        return undo_edit(db, self.settings, author=self.author.value)


def build_category_editor(settings, author: str | None = None) -> W.VBox:
    """The widget staff use to merge, split, move seed words and undo (see :class:`CategoryEditor`)."""
    return CategoryEditor(settings, author).widget
