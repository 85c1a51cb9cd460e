"""The labelling tool's logic, without a browser (the browser test is test_labelling_browser.py)."""
from __future__ import annotations

import pytest

from signalen_lib.store import open_store
from signalen_lib.validation import inter_annotator, load_labels
from helpers_validation import make_demo_store
from signalen_lib.validation.labelling import LabellingApp, build_labelling_app
from signalen_lib.validation.sampling import draw_sample


@pytest.fixture
def prepared(settings_factory):
    settings = settings_factory("duckdb")
    make_demo_store(settings, n=80, seed=4)
    with open_store(settings, restricted=False) as st:
        draw_sample(st.shared, 12, seed=0, sample_id="s")
    return settings


def _labels(settings, **kw):
    with open_store(settings, restricted=False) as st:
        return load_labels(st.shared, **kw)


def test_keyboard_codes_save_immediately_and_progress(prepared):
    app = LabellingApp(prepared, labeller="anna")
    tree = app.tree
    first = app.current
    assert app.progress == (0, 12) and first is not None
    app.command("2.1 1 k ?")  # afval/grofvuil and parkeren, klacht, unsure
    got = _labels(prepared)
    assert got["signal_id"].unique().tolist() == [first]
    assert got["category"].tolist() == [tree.keys[1], tree.keys[0]]
    assert got["subcategory"].iloc[0] == tree.subkeys(tree.keys[1])[0]
    assert set(got["perception"]) == {"klacht"} and got["unsure"].all()
    assert app.progress == (1, 12) and app.current != first
    assert "1 van 12" in app.progress_text.value

    second = app.current
    app.command("s")  # skip: it comes back at the end
    assert app.current not in (first, second) and app.queue[-1] == second
    app.command("0 n")
    app.command("99")  # unknown code: nothing saved, message shown
    assert "Onbekende code" in app.status.value
    app.command("c")  # perception only: not saved yet
    app.command("")  # empty Enter without a category: asks for one
    assert "Kies eerst" in app.status.value
    assert app.progress == (2, 12)
    app.command("t")  # back to the text labelled with "0 n": its stored choice is shown
    assert app.choice.categories == [("overig", None)] and app.choice.perception == "neutraal"
    app.command("3")  # relabel replaces
    assert _labels(prepared, labeller="anna").groupby("signal_id").size().sum() == 3
    assert app.progress == (2, 12)


def test_restart_continues_and_two_labellers_give_agreement(prepared):
    app = LabellingApp(prepared, labeller="anna")
    ids = []
    for code in ("1", "2", "3", "4"):
        ids.append(app.current)
        app.command(code)
    again = LabellingApp(prepared, labeller="anna")
    assert again.progress == (4, 12) and again.current not in ids
    bram = build_labelling_app(prepared)._app  # asks for the name first
    assert "naam" in bram.text_box.value
    bram.command("bram")
    assert bram.labeller == "bram" and bram.progress == (0, 12)
    for code in ("1", "2", "3", "5"):
        bram.command(code)
    ia = inter_annotator(_labels(prepared))
    assert ia["n_overlap"] == 4 and ia["pairs"].iloc[0]["agreement"] == pytest.approx(0.75)


def test_no_sample_says_how_to_draw_one(settings_factory):
    settings = settings_factory("duckdb")
    make_demo_store(settings, n=10)
    app = LabellingApp(settings, labeller="anna")
    assert "signalen labels sample" in app.text_box.value and app.current is None


def test_next_proposals_give_training_labels_never_from_the_validation_sample(prepared):
    app = LabellingApp(prepared, labeller="anna")
    validation = set(app.queue)
    app.command("1")  # a validation label
    assert _labels(prepared)["purpose"].tolist() == ["validation"]
    sid = app.propose_next(6)  # "Volgende voorstellen"
    assert sid and sid.startswith("training-") and app.purpose == "training"
    assert app.progress == (0, 6) and not (set(app.queue) & validation)
    first = app.current
    app.command("2")
    got = _labels(prepared)
    assert got.loc[got["signal_id"] == first, "purpose"].tolist() == ["training"]
    assert "nieuwe teksten" in app.status.value or app.status.value.startswith("Opgeslagen")
    assert len(_labels(prepared, purpose="validation")) == 1
