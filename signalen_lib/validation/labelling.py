"""The labelling tool for staff: one masked text at a time, the category tree, keyboard codes.

``build_labelling_app(settings) -> ipywidgets.Widget`` (the notebook ``notebooks/labelling/
label.ipynb`` only displays it; Voila serves it). ipywidgets has no key events, so the keyboard
works through one input line: type codes and press Enter.

=============  ======================================================================
code           meaning
=============  ======================================================================
``3``          category 3 of the list (up to three categories: ``3 7``; ``0`` = overig)
``3.2``        category 3, subcategory 2
``c n k``      perception compliment / neutraal / klacht
``?``          unsure (toggles)
``s``          skip this text (it comes back at the end)
``t``          back to the previous text
``w``          clear the choice for this text
``v``          save the current choice (e.g. made with the mouse) and go on
=============  ======================================================================

A line with a category saves immediately and moves on (``3.2 k`` ⏎). The line is read when
Enter is pressed or the field loses focus. Each save goes straight to
the ``labels`` table; the store is opened only for that moment, so the pipeline can run meanwhile.

A label gets the purpose of the sample it belongs to: the random validation sample gives
validation labels, a batch proposed by active learning gives training labels. The button
"Volgende voorstellen" (:meth:`LabellingApp.propose_next`) retrains the category model on the
training labels so far and opens the next batch (``signalen_lib.categories.active.propose_next``,
the same function as ``signalen labels next``).
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field

import ipywidgets as W
import pandas as pd

from ..schema import PERCEPTIONS
from .labels import Label, LabelError, MAX_CATEGORIES, load_labels, save_label
from signalen_lib.vocab.fmt import fmt_pct
from signalen_lib.vocab.taxonomy import OVERIG, CategoryTree

PERCEPTION_CODES = {"c": "compliment", "n": "neutraal", "k": "klacht"}


@dataclass
class Choice:
    categories: list = field(default_factory=list)  # [(category, subcategory|None)]
    perception: str | None = None
    unsure: bool = False


def _open(settings, attempts: int = 20):
    """Open the shared zone for one short operation. DuckDB lets one process write at a time, so
    a moment of contention (another labeller saving, the pipeline) is waited out, not shown."""
    import time

    from ..config import ConfigError
    from ..store import open_store

    for i in range(attempts):
        try:
            return open_store(settings, restricted=False)
        except ConfigError as exc:
            if "lock" not in str(exc).lower() or i == attempts - 1:
                raise
            time.sleep(0.25)


class LabellingApp:
    """State and widgets of the labelling tool (testable without a browser: see
    :meth:`command` and :attr:`current`)."""

    def __init__(self, settings, labeller: str | None = None, sample_id: str | None = None, tree: CategoryTree | None = None):
        self.settings = settings
        if tree is None:  # the shaped categories: the taxonomy file plus staff's edits
            from ..categories.edits import shaped_taxonomy

            with _open(settings) as store:
                tree = CategoryTree.from_taxonomy(shaped_taxonomy(store.shared, settings).taxonomy)
        self.tree = tree
        # number codes: taxonomy categories 1..K, overig 0
        self.codes: dict[str, str] = {}
        n = 0
        for c in self.tree.categories:
            if c.key == OVERIG:
                self.codes["0"] = c.key
            else:
                n += 1
                self.codes[str(n)] = c.key
        self.sample_id = sample_id
        self.purpose = "validation"
        self.labeller = (labeller or "").strip() or None
        self.items = pd.DataFrame(columns=["signal_id", "source", "received_at", "text"])
        self.queue: list[str] = []
        self.pos = 0
        self.done: set[str] = set()
        self.skipped: set[str] = set()
        self.choice = Choice()
        self._build()
        self._load_sample()
        if self.labeller:
            self._start()
        else:
            self._render()

    # ---- data -------------------------------------------------------------------------
    def _load_sample(self) -> None:
        with _open(self.settings) as store:
            db = store.shared
            sid = self.sample_id or db.scalar("SELECT sample_id FROM label_samples ORDER BY created_at DESC, sample_id LIMIT 1")
            self.sample_id = sid
            if sid is None:
                return
            purpose = db.scalar("SELECT coalesce(max(purpose), 'validation') FROM label_samples WHERE sample_id = ?", [sid])
            self.purpose = purpose if purpose in ("validation", "training") else "validation"
            self.items = db.query_df(
                "SELECT s.signal_id, s.source, s.received_at, s.text FROM label_samples ls "
                "JOIN signals s ON s.signal_id = ls.signal_id WHERE ls.sample_id = ? ORDER BY ls.position",
                [sid],
            )

    def _start(self) -> None:
        ids = self.items["signal_id"].tolist()
        with _open(self.settings) as store:
            mine = load_labels(store.shared, labeller=self.labeller, signal_ids=ids) if ids else pd.DataFrame(columns=["signal_id"])
        self.done = set(mine["signal_id"])
        self.queue = [i for i in ids if i not in self.done] + [i for i in ids if i in self.done]
        self.pos = 0
        self.choice = self._stored_choice(self.current) if self.current in self.done else Choice()
        self.status.value = ""
        self._render()

    def _stored_choice(self, signal_id: str | None) -> Choice:
        if signal_id is None:
            return Choice()
        with _open(self.settings) as store:
            rows = load_labels(store.shared, labeller=self.labeller, signal_ids=[signal_id])
        if rows.empty:
            return Choice()
        rows = rows.sort_values("rank")
        subs = [None if pd.isna(s) else s for s in rows["subcategory"]]
        per = rows["perception"].iloc[0]
        return Choice(list(zip(rows["category"], subs)), None if pd.isna(per) else per, bool(rows["unsure"].iloc[0]))

    @property
    def current(self) -> str | None:
        return self.queue[self.pos] if 0 <= self.pos < len(self.queue) else None

    @property
    def progress(self) -> tuple[int, int]:
        return len(self.done), len(self.items)

    # ---- actions ----------------------------------------------------------------------
    def set_labeller(self, name: str) -> None:
        name = (name or "").strip()
        if not name:
            self.status.value = "<span style='color:#b71c1c'>Vul je naam in.</span>"
            return
        self.labeller = name
        self.name_input.value = name
        self._start()

    def toggle_category(self, key: str, sub: str | None = None) -> None:
        cats = self.choice.categories
        existing = [i for i, (c, _) in enumerate(cats) if c == key]
        if existing:
            i = existing[0]
            if sub is not None and cats[i][1] != sub:
                cats[i] = (key, sub)
            else:
                cats.pop(i)
        elif len(cats) >= MAX_CATEGORIES:
            self.status.value = f"<span style='color:#b71c1c'>Hoogstens {MAX_CATEGORIES} categorieën per tekst.</span>"
            return
        else:
            cats.append((key, sub))
        self._render()

    def set_perception(self, perception: str | None) -> None:
        if perception is not None and perception not in PERCEPTIONS:
            raise LabelError(f"perception: {perception!r}")
        self.choice.perception = perception
        self._render()

    def save(self) -> bool:
        sid = self.current
        if sid is None or not self.labeller:
            return False
        if not self.choice.categories:
            self.status.value = "<span style='color:#b71c1c'>Kies eerst een categorie (cijfer), of sla over met s.</span>"
            return False
        label = Label(sid, self.labeller, tuple(self.choice.categories), self.choice.perception, self.choice.unsure,
                      purpose=self.purpose)
        with _open(self.settings) as store:
            save_label(store.shared, label, self.tree)
        self.done.add(sid)
        self.skipped.discard(sid)
        self.status.value = f"Opgeslagen: {html.escape(sid)}"
        self._advance()
        return True

    def propose_next(self, n: int = 20) -> str | None:
        """Retrain on the training labels so far and open the next ``n`` proposed texts (a new
        training sample). Returns its sample id (None when nothing is left to propose)."""
        from signalen_lib.categories.active import propose_next

        self.status.value = "Het model leert van de labels tot nu toe en zoekt de volgende teksten…"
        with _open(self.settings) as store:
            out, info = propose_next(store, self.settings, n)
        if not info.get("sample_id"):
            self.status.value = "Er zijn geen teksten meer om voor te stellen."
            return None
        self.sample_id = info["sample_id"]
        self._load_sample()
        r = info.get("retrain") or {}
        acc = r.get("accuracy")
        note = (f" Het model (geleerd van {r['n_training_labels']} trainingslabels) kiest bij "
                f"{fmt_pct(acc, digits=0)} van de validatiesteekproef de juiste categorie." if acc is not None else "")
        if self.labeller:
            self._start()
        else:
            self._render()
        self.status.value = f"{len(out)} nieuwe teksten waarover het model twijfelt.{html.escape(note)}"
        return self.sample_id

    def skip(self) -> None:
        sid = self.current
        if sid is None:
            return
        self.skipped.add(sid)
        # move it to the end of the queue: it comes back after the others
        self.queue.pop(self.pos)
        self.queue.append(sid)
        self.status.value = f"Overgeslagen: {html.escape(sid)}"
        self._goto(self.pos)

    def back(self) -> None:
        if self.pos > 0:
            self._goto(self.pos - 1)

    def _advance(self) -> None:
        nxt = next((i for i in range(self.pos + 1, len(self.queue)) if self.queue[i] not in self.done), None)
        if nxt is None:
            nxt = next((i for i in range(len(self.queue)) if self.queue[i] not in self.done), len(self.queue))
        self._goto(nxt)

    def _goto(self, pos: int) -> None:
        self.pos = pos
        sid = self.current
        self.choice = self._stored_choice(sid) if sid in self.done else Choice()
        self._render()

    def command(self, line: str) -> None:
        """Apply one line of keyboard codes (see the module doc)."""
        if not self.labeller:
            self.set_labeller(line)
            return
        tokens = line.replace(",", " ").split()
        if not tokens or tokens == ["v"]:
            self.save()
            return
        picked: list = []
        for tok in tokens:
            t = tok.lower()
            if t == "s":
                self.skip()
                return
            if t == "t":
                self.back()
                return
            if t == "w":
                self.choice = Choice()
                self._render()
                return
            if t == "?":
                self.choice.unsure = not self.choice.unsure
            elif t in PERCEPTION_CODES:
                self.choice.perception = PERCEPTION_CODES[t]
            else:
                main, _, subn = t.partition(".")
                key = self.codes.get(main)
                if key is None:
                    self.status.value = f"<span style='color:#b71c1c'>Onbekende code {html.escape(tok)!s}</span>"
                    self._render()
                    return
                sub = None
                if subn:
                    subs = self.tree.subkeys(key)
                    if not subn.isdigit() or not 1 <= int(subn) <= len(subs):
                        self.status.value = f"<span style='color:#b71c1c'>Onbekende subcategorie {html.escape(tok)}</span>"
                        self._render()
                        return
                    sub = subs[int(subn) - 1]
                picked.append((key, sub))
        if picked:
            if len(picked) > MAX_CATEGORIES:
                self.status.value = f"<span style='color:#b71c1c'>Hoogstens {MAX_CATEGORIES} categorieën per tekst.</span>"
                self._render()
                return
            self.choice.categories = picked
            self.save()
        else:
            self._render()

    # ---- widgets ----------------------------------------------------------------------
    def _build(self) -> None:
        self.name_input = W.Text(placeholder="je naam", description="Labelaar", layout=W.Layout(width="280px"))
        self.name_input.add_class("signalen-labeller")
        self.name_input.observe(lambda ch: ch["new"].strip() and ch["new"].strip() != (self.labeller or "") and self.set_labeller(ch["new"]), "value")
        self.name_input.continuous_update = False
        self.progress_bar = W.IntProgress(min=0, max=1, value=0, layout=W.Layout(width="300px"))
        self.progress_text = W.HTML()
        self.progress_text.add_class("signalen-progress")
        self.meta = W.HTML()
        self.text_box = W.HTML(layout=W.Layout(border="1px solid #bbb", padding="8px 12px", width="100%", min_height="90px"))
        self.text_box.add_class("signalen-text")
        self.selection = W.HTML()
        self.selection.add_class("signalen-choice")
        self.status = W.HTML()
        self.status.add_class("signalen-status")
        # continuous_update=False: the line reaches the kernel once, on Enter (or when the field
        # loses focus), in one message. (on_submit plus per-keystroke syncing races: the submit
        # event can overtake the last keystrokes, and the field then is not cleared.)
        self.shortcut = W.Text(
            placeholder="code + Enter, bv. 3.2 k  (? onzeker, s overslaan, t terug, v opslaan)",
            continuous_update=False, layout=W.Layout(width="460px"),
        )
        self.shortcut.add_class("signalen-shortcut")
        self.shortcut.observe(self._on_line, "value")
        # mouse: category buttons, perception, unsure, save/skip/back
        buttons = []
        for code, key in sorted(self.codes.items(), key=lambda kv: (kv[0] == "0", int(kv[0]))):
            b = W.Button(description=f"{code} {self.tree.name(key)}", layout=W.Layout(width="auto"))
            b.on_click(lambda _b, k=key: self.toggle_category(k))
            buttons.append(b)
        self.cat_buttons = W.HBox(buttons, layout=W.Layout(flex_flow="row wrap"))
        self.perception_btn = W.ToggleButtons(options=[("compliment (c)", "compliment"), ("neutraal (n)", "neutraal"), ("klacht (k)", "klacht")], value=None)
        self.perception_btn.observe(lambda ch: ch["new"] != self.choice.perception and self.set_perception(ch["new"]), "value")
        self.unsure_box = W.Checkbox(description="onzeker (?)", indent=False)
        self.unsure_box.observe(self._on_unsure, "value")
        save_b, skip_b, back_b = W.Button(description="Opslaan ⏎", button_style="primary"), W.Button(description="Overslaan (s)"), W.Button(description="Vorige (t)")
        save_b.on_click(lambda _b: self.save())
        next_b = W.Button(description="Volgende voorstellen", tooltip="Het model leert van de trainingslabels en stelt "
                          "de teksten voor waarover het twijfelt (nooit uit de validatiesteekproef)")
        next_b.add_class("signalen-next-proposals")
        next_b.on_click(lambda _b: self._safe(self.propose_next))
        skip_b.on_click(lambda _b: self.skip())
        back_b.on_click(lambda _b: self.back())
        self.legend = W.HTML(self._legend_html())
        self.widget = W.VBox([
            W.HTML("<h2 style='margin:4px 0'>Labelen: steekproef controleren of het model leren</h2>"),
            W.HBox([self.name_input, self.progress_bar, self.progress_text]),
            self.meta, self.text_box, self.selection,
            W.HBox([self.shortcut, save_b, skip_b, back_b, next_b]),
            self.status,
            W.HBox([self.perception_btn, self.unsure_box]),
            self.cat_buttons,
            W.Accordion(children=[self.legend], titles=("Categorieën en codes",), selected_index=0),
        ])
        self.widget.add_class("signalen-labelling")

    def _safe(self, fn) -> None:
        try:
            fn()
        except Exception as exc:  # noqa: BLE001 - show, never crash the app
            self.status.value = f"<span style='color:#b71c1c'>Fout: {html.escape(str(exc))}</span>"

    def _on_line(self, change) -> None:
        line = change["new"]
        if not line:
            return
        self.shortcut.value = ""
        try:
            self.command(line)
        except Exception as exc:  # noqa: BLE001 - show, never crash the app
            self.status.value = f"<span style='color:#b71c1c'>Fout: {html.escape(str(exc))}</span>"

    def _on_unsure(self, ch) -> None:
        if ch["new"] != self.choice.unsure:
            self.choice.unsure = bool(ch["new"])
            self._render()

    def _legend_html(self) -> str:
        rows = []
        for code, key in sorted(self.codes.items(), key=lambda kv: (kv[0] == "0", int(kv[0]))):
            cat = self.tree.get(key)
            subs = ", ".join(f"<code>{code}.{i}</code> {html.escape(n)}" for i, (_, n) in enumerate(cat.subcategories, 1))
            rows.append(f"<tr><td><code>{code}</code></td><td><b>{html.escape(cat.name)}</b></td><td>{subs}</td></tr>")
        return "<table style='font-size:0.9em'>" + "".join(rows) + "</table>"

    def _render(self) -> None:
        done, total = self.progress
        self.progress_bar.max = max(total, 1)
        self.progress_bar.value = done
        mine = f" door {html.escape(self.labeller)}" if self.labeller else ""
        self.progress_text.value = f"<span data-done='{done}' data-total='{total}'>{done} van {total} gelabeld{mine}</span>"
        if self.sample_id is None:
            self.text_box.value = "<i>Er is nog geen steekproef. Trek er een met <code>signalen labels sample</code>.</i>"
            self.meta.value = self.selection.value = ""
            return
        if not self.labeller:
            self.text_box.value = "<i>Vul eerst je naam in (en druk op Enter).</i>"
            self.meta.value = self.selection.value = ""
            return
        sid = self.current
        if sid is None:
            self.text_box.value = "<b>Klaar: alle teksten van deze steekproef zijn gelabeld. Dank je!</b>"
            self.meta.value = self.selection.value = ""
            return
        row = self.items[self.items["signal_id"] == sid].iloc[0]
        when = pd.Timestamp(row["received_at"]).strftime("%d-%m-%Y") if pd.notna(row["received_at"]) else ""
        flag = " · <b>eerder overgeslagen</b>" if sid in self.skipped else (" · al gelabeld" if sid in self.done else "")
        self.meta.value = f"<span class='signalen-signal-id' data-id='{html.escape(sid)}'>{html.escape(sid)}</span> · {html.escape(str(row['source']))} · {when}{flag}"
        self.text_box.value = f"<div style='white-space:pre-wrap;font-size:1.15em'>{html.escape(str(row['text']))}</div>"
        parts = []
        for i, (c, s) in enumerate(self.choice.categories, 1):
            name = self.tree.name(c)
            if s:
                name += " › " + dict(self.tree.get(c).subcategories).get(s, s)
            parts.append(f"{i}. {html.escape(name)}")
        per = self.choice.perception or "—"
        self.selection.value = (
            f"Gekozen: {'; '.join(parts) or '—'} · beleving: {per}" + (" · <b>onzeker</b>" if self.choice.unsure else "")
        )
        if self.perception_btn.value != self.choice.perception:
            self.perception_btn.value = self.choice.perception
        if self.unsure_box.value != self.choice.unsure:
            self.unsure_box.value = self.choice.unsure


def build_labelling_app(settings=None, labeller: str | None = None, sample_id: str | None = None) -> W.Widget:
    """The labelling tool as one widget (display it in JupyterLab or serve it with Voila)."""
    if settings is None:
        from ..config import load_config

        settings = load_config()
    app = LabellingApp(settings, labeller=labeller, sample_id=sample_id)
    app.widget._app = app  # keep the controller alive with the widget
    return app.widget
