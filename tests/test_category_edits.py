"""Staff shape the categories: merge, split, move a seed word, undo; audited in the store, kept
by a retrain, measured by the next validation."""
from __future__ import annotations

import hashlib
import io
from contextlib import redirect_stdout

import numpy as np
import pandas as pd
import pytest
import yaml

from helpers_topics import TOY_TAXONOMY, toy_corpus
from signalen_lib.categories import CategoryModel, seed_words_from_taxonomy
from signalen_lib.categories.edits import (CategoryEditError, apply_edits, edits_frame, effective_taxonomy, list_edits,
                                           merge_topics, move_seed_word, split_category, undo_edit)
from signalen_lib.store import open_store
from signalen_lib.vocab.taxonomy import Taxonomy

FIT = dict(passes=3, chunksize=300, no_below=2, coherence_sample=300)


@pytest.fixture
def shaped(settings_factory, tmp_path, backend):
    """Settings with the toy taxonomy as the organisation's file, on DuckDB and on PostgreSQL."""
    tax = tmp_path / "toy.yaml"
    tax.write_text(yaml.safe_dump(TOY_TAXONOMY, allow_unicode=True), encoding="utf-8")
    return settings_factory(backend, taxonomy_file=str(tax), free_topics=2)


def _insert(store, df):
    store.shared.insert_df("signals", pd.DataFrame({
        "signal_id": df["signal_id"], "source": "kto", "received_at": pd.to_datetime(df["received_at"]).astype("datetime64[us]"),
        "text": df["text"], "content_hash": [hashlib.sha256(s.encode()).hexdigest() for s in df["signal_id"]]}))


def _rank1(store, version) -> pd.Series:
    a = store.shared.query_df("SELECT signal_id, category FROM signal_categories WHERE model_version = ? AND rank = 1", [version])
    return a.set_index("signal_id")["category"]


def test_a_retrain_keeps_a_merge_and_validation_measures_it_undo_restores(shaped, tmp_path):
    from signalen_lib.topics.service import fit_store
    from signalen_lib.validation.labels import import_labels_csv
    from signalen_lib.validation.report import validate_store

    settings = shaped
    df = toy_corpus(900, seed=2)
    truth = df.set_index("signal_id")["category"]
    with open_store(settings) as store:
        _insert(store, df)
        m1 = fit_store(store, settings, **FIT)
        assert m1.n_topics == 5 + 2  # five seed groups + two free topics
        base = effective_taxonomy(store, settings)
        # staff: "afval" and "openbare ruimte" are one subject for us, "Buitenruimte"
        e = merge_topics(store.shared, settings, ["afval", "openbare_ruimte"], "buitenruimte", name="Buitenruimte", author="Anna")
        assert e.edit_id == 1 and "Buitenruimte" in e.describe()
        tax = effective_taxonomy(store, settings)
        assert "buitenruimte" in tax.keys and "afval" not in tax.keys and "openbare_ruimte" not in tax.keys
        assert {"container", "lantaarnpaal"} <= set(tax.categories[-1].seeds)
        # the retrain seeds its topics from the shaped taxonomy: one topic fewer, the merge kept
        m2 = fit_store(store, settings, **FIT)
        assert m2.n_topics == 4 + 2
        assert "buitenruimte" in set(m2.topics_["category"]) and not {"afval", "openbare_ruimte"} & set(m2.topics_["category"])
        got = _rank1(store, m2.version_)
        outdoor = truth[truth.isin(["afval", "openbare_ruimte"])].index
        assert (got.loc[outdoor] == "buitenruimte").mean() > 0.7
        assert not got.isin(["afval", "openbare_ruimte"]).any()
        # hand labels from before the merge count for the merged category in the next validation
        path = tmp_path / "labels.csv"
        df.iloc[:300].rename(columns={"category": "category"})[["signal_id", "category"]].assign(labeller="anna").to_csv(path, index=False)
        import_labels_csv(store.shared, path)
    report = validate_store(settings, n_boot=0, write=False, record=False)
    per = report.metrics["per_category"].set_index("category")
    assert "buitenruimte" in per.index and "afval" not in per.index
    assert per.loc["buitenruimte", "f1"] > 0.7
    with open_store(settings) as store:
        # undo: back to the file's categories; the audit list keeps both rows
        u = undo_edit(store.shared, settings, author="Bram")
        assert u.target_edit == 1
        assert effective_taxonomy(store, settings).to_dict() == base.to_dict()
        audit = edits_frame(store.shared)
        assert list(audit["wie"]) == ["Anna", "Bram"] and list(audit["van kracht"]) == ["nee", "ja"]
        m3 = fit_store(store, settings, **FIT)
        assert m3.n_topics == 5 + 2 and {"afval", "openbare_ruimte"} <= set(m3.topics_["category"])
        with pytest.raises(CategoryEditError, match="geen wijziging"):
            undo_edit(store.shared, settings, author="Bram")


def test_merging_a_free_topic_makes_its_words_seeds(shaped):
    from signalen_lib.topics.service import fit_store

    settings = shaped
    df = toy_corpus(900, seed=5, new_signal_share=0.15)
    truth = df.set_index("signal_id")["category"]
    with open_store(settings) as store:
        _insert(store, df)
        m1 = fit_store(store, settings, **FIT)
        t = m1.topics_
        free = t[~t["seeded"].astype(bool) & t["top_words"].str.contains("slagboom")]
        assert len(free) >= 1
        sid = free["stable_id"].iloc[0]
        merge_topics(store.shared, settings, [sid, "openbare_ruimte"], "openbare_ruimte", author="Anna")
        seeds = set(effective_taxonomy(store, settings).categories[-1].seeds)
        assert "slagboom" in seeds and "lantaarnpaal" in seeds
        m2 = fit_store(store, settings, **FIT)
        got = _rank1(store, m2.version_)
        new = truth[truth == "nieuw_slagboom"].index
        assert (got.loc[new] == "openbare_ruimte").mean() > 0.6
        assert (_rank1(store, m1.version_).loc[new] == "openbare_ruimte").mean() < 0.3


def _seed_prior_proba(seed_words: dict, word: str) -> pd.Series:
    """P(category | the word alone) of a CategoryModel that learnt from texts without the word."""
    df = toy_corpus(600, seed=11, new_signal_share=0.0)
    df = df[df["category"].isin([c["key"] for c in TOY_TAXONOMY["categories"]])].reset_index(drop=True)
    y = np.full(len(df), None, dtype=object)
    has = df["text"].str.lower().str.contains(word)
    lab = df[~has].groupby("category").head(4).index  # labels only on texts without the word
    y[lab] = df.loc[lab, "category"]
    m = CategoryModel(seed=0, seed_words=seed_words, fasttext_dim=0, self_training_rounds=0).fit(df["text"].tolist(), y)
    return pd.Series(m.predict_proba([word])[0], index=m.classes_)


def test_a_moved_seed_word_changes_the_category_models_seed_priors(shaped):
    settings = shaped
    with open_store(settings) as store:
        before = seed_words_from_taxonomy(effective_taxonomy(store, settings))
        e = move_seed_word(store.shared, settings, "lantaarnpaal", "openbare_ruimte", "afval", author="Anna")
        after = seed_words_from_taxonomy(effective_taxonomy(store, settings))
        assert "lantaarnpaal" in before["openbare_ruimte"] and "lantaarnpaal" not in after["openbare_ruimte"]
        assert "lantaarnpaal" in after["afval"]
        p0, p1 = _seed_prior_proba(before, "lantaarnpaal"), _seed_prior_proba(after, "lantaarnpaal")
        assert p1["afval"] > p0["afval"] + 0.1 and p1["openbare_ruimte"] < p0["openbare_ruimte"] - 0.1
        assert p0.idxmax() == "openbare_ruimte" and p1.idxmax() == "afval"
        undo_edit(store.shared, settings, e.edit_id, author="Anna")
        assert seed_words_from_taxonomy(effective_taxonomy(store, settings)) == before


def test_split_and_wrong_edits(shaped):
    settings = shaped
    with open_store(settings) as store:
        db = store.shared
        split_category(db, settings, "parkeren", [
            {"key": "vergunning", "name": "Parkeervergunning", "seeds": "parkeervergunning, bezoekersregeling"},
            {"key": "boete", "name": "Parkeerboete", "seeds": ["parkeerboete", "naheffing"]}], author="Anna")
        tax = effective_taxonomy(store, settings)
        park = [c for c in tax.categories if c.key == "parkeren"][0]
        assert [s.key for s in park.subcategories] == ["vergunning", "boete"]
        assert len(tax.seed_groups("subcategory")) == 6
        for call, msg in [
            (lambda: split_category(db, settings, "parkeren", [{"key": "a", "name": "A", "seeds": "x"},
                                                              {"key": "b", "name": "B", "seeds": "y"}], author="Anna"), "al subcategorieën"),
            (lambda: split_category(db, settings, "afval", [{"key": "a", "name": "A", "seeds": ""},
                                                           {"key": "b", "name": "B", "seeds": "y"}], author="Anna"), "geen zaadwoorden"),
            (lambda: move_seed_word(db, settings, "fiets", "afval", "parkeren", author="Anna"), "geen zaadwoord van 'afval'"),
            (lambda: move_seed_word(db, settings, "container", "afval", "bestaat_niet", author="Anna"), "bestaat_niet"),
            (lambda: merge_topics(db, settings, ["afval", "T999"], "afval", author="Anna"), "T999"),
            (lambda: merge_topics(db, settings, ["afval", "belastingen"], "nieuw", author="Anna"), "geef haar een naam"),
            (lambda: merge_topics(db, settings, ["afval", "belastingen"], "Nieuw!", name="X", author="Anna"), "geen geldige sleutel"),
            (lambda: move_seed_word(db, settings, "container", "afval", "parkeren", author=" "), "naam"),
        ]:
            with pytest.raises(CategoryEditError, match=msg):
                call()
        assert len(list_edits(db)) == 1  # nothing half-written
    # an edit that no longer fits a changed taxonomy file is skipped and reported, not fatal
    other = Taxonomy.from_dict({"categories": [c for c in TOY_TAXONOMY["categories"] if c["key"] != "parkeren"]})
    with open_store(settings) as store:
        out = apply_edits(other, list_edits(store.shared))
    assert out.problems and "parkeren" in out.problems[0] and out.taxonomy.to_dict() == other.to_dict()


def test_cli(shaped, tmp_path, capsys):
    from signalen_lib.cli import main

    cfg = tmp_path / "cfg.yaml"
    cfg.write_text(yaml.safe_dump({"data_dir": str(shaped.data_dir), "reports_dir": str(tmp_path / "r"),
                                   "taxonomy_file": str(shaped.taxonomy_path), "database_url": shaped.database_url,
                                   "restricted_url": shaped.restricted_url}))

    def run(*argv):
        buf = io.StringIO()
        with redirect_stdout(buf):
            code = main([*argv, "--config", str(cfg)])
        return code, buf.getvalue()

    code, out = run("categories", "list-edits")
    assert code == 0 and "nog geen wijzigingen" in out
    code, out = run("categories", "move-word", "boom", "--from", "openbare_ruimte", "--to", "afval", "--author", "Anna")
    assert code == 0 and "wijziging 1" in out and "signalen topics fit" in out
    code, out = run("categories", "split", "belastingen", "--part", "woz:WOZ-waarde:woz,taxatie",
                    "--part", "kwijt:Kwijtschelding:kwijtschelding", "--author", "Bram")
    assert code == 0 and "wijziging 2" in out
    code, out = run("categories", "merge", "bereikbaarheid", "parkeren", "--into", "contact", "--name", "Contact en parkeren",
                    "--author", "Anna")
    assert code == 0 and "wijziging 3" in out
    code, out = run("categories", "undo", "2", "--author", "Bram")
    assert code == 0 and "ongedaan gemaakt: wijziging 2" in out
    code, out = run("categories", "list-edits")
    lines = out.strip().splitlines()
    assert len(lines) == 4 and "Anna" in lines[0] and "× gesplitst" in lines[1] and "Contact en parkeren" in lines[2]
    code, _ = run("categories", "move-word", "boom", "--from", "openbare_ruimte", "--to", "afval", "--author", "Anna")
    assert code == 2 and "'boom' is geen zaadwoord van 'openbare_ruimte'" in capsys.readouterr().err


def test_the_widget_records_edits_in_dutch(shaped):
    from signalen_lib.categories.widget import CategoryEditor

    ed = CategoryEditor(shaped)
    assert "Nog geen wijzigingen" in ed.history.value and "Afval" in ed.overview.value
    ed.merge_topics.value = ("afval", "openbare_ruimte")
    ed.merge_into.value = "buitenruimte"
    ed.merge_name.value = "Buitenruimte"
    ed.merge_button.click()  # no name yet: refused, nothing recorded
    assert "Niet gelukt: vul uw naam in" in ed.message.value
    ed.author.value = "Anna"
    ed.merge_button.click()
    assert "Wijziging 1 vastgelegd" in ed.message.value and "Buitenruimte" in ed.overview.value
    assert "Anna" in ed.history.value
    ed.move_from.value = "parkeren"
    assert "parkeerboete" in ed.move_word.options
    ed.move_word.value, ed.move_to.value = "parkeerboete", "belastingen"
    ed.move_button.click()
    assert "Wijziging 2 vastgelegd" in ed.message.value
    ed.undo_button.click()
    assert "ongedaan gemaakt: wijziging 2" in ed.message.value
    with open_store(shaped) as store:
        tax = effective_taxonomy(store, shaped)
    assert "buitenruimte" in tax.keys and "parkeerboete" in [c for c in tax.categories if c.key == "parkeren"][0].seeds


@pytest.mark.slow
def test_the_notebook_runs_under_papermill(shaped, tmp_path):
    import papermill as pm
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text(yaml.safe_dump({"data_dir": str(shaped.data_dir), "reports_dir": str(tmp_path / "r"),
                                   "taxonomy_file": str(shaped.taxonomy_path), "database_url": shaped.database_url,
                                   "restricted_url": shaped.restricted_url}))
    out = tmp_path / "out.ipynb"
    pm.execute_notebook(str(root / "notebooks" / "categorieen" / "vormgeven.ipynb"), str(out),
                        parameters={"config_path": str(cfg), "author": "Anna"}, kernel_name="python3",
                        progress_bar=False, cwd=str(root))
    assert "Categorieën vormgeven" in out.read_text(encoding="utf-8")


def test_staff_see_the_names_of_categories_made_by_edits(shaped):
    """A category made by a merge and subcategories made by a split show their Dutch names in the
    dashboard and the alert digest (display_names), and a key the merge retired keeps its name."""
    from signalen_lib.categories.edits import display_names

    settings = shaped
    with open_store(settings) as store:
        db = store.shared
        merge_topics(db, settings, ["afval", "belastingen"], "stad_en_geld", name="Stad en geld", author="Anna")
        split_category(db, settings, "parkeren", [
            {"key": "vergunning", "name": "Parkeervergunning", "seeds": "parkeervergunning"},
            {"key": "boete", "name": "Parkeerboete", "seeds": "parkeerboete"}], author="Anna")
        cats, subs = display_names(db, settings)
    assert cats["stad_en_geld"] == "Stad en geld"
    assert subs["vergunning"] == "Parkeervergunning" and subs["boete"] == "Parkeerboete"
    old = {c["key"]: c["name"] for c in TOY_TAXONOMY["categories"]}
    assert cats["afval"] == old["afval"] and cats["overig"] == "Overig"
