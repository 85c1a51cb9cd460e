"""Training labels apart from validation; active choice of the next texts to label (issue 15)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from helpers_validation import make_demo_store
from signalen_lib.categories.active import choose_batch, margin_uncertainty, propose_next
from signalen_lib.categories.store import learning_curve
from signalen_lib.store import open_store
from signalen_lib.validation.labels import Label, LabelError, load_labels, read_labels_csv, save_label
from signalen_lib.validation.sampling import draw_sample, validation_ids


def test_margin_uncertainty_orders_by_doubt():
    P = np.array([[0.5, 0.5, 0.0], [0.9, 0.05, 0.05], [0.6, 0.3, 0.1]])
    u = margin_uncertainty(P)
    assert u[0] == pytest.approx(1.0) and u[1] == pytest.approx(0.15) and u[0] > u[2] > u[1]


def _two_topics(n_per=40):
    a = [f"de afvalcontainer is vol en de vuilnis ligt op straat nummer {i}" for i in range(n_per)]
    b = [f"mijn parkeervergunning is verlopen en de boete klopt niet bon {i}" for i in range(n_per)]
    texts = a + b
    X = TfidfVectorizer().fit_transform(texts)
    return texts, X


def test_choose_batch_spreads_a_warm_start_over_the_corpus():
    texts, X = _two_topics()
    picked = choose_batch(4, features=X, seed=1, warm_start="spread")
    assert len(picked) == 4 and len(set(picked)) == 4
    assert (picked < 40).any() and (picked >= 40).any()  # both subjects, not four of one


def test_choose_batch_prefers_the_least_sure_and_respects_eligibility():
    texts, X = _two_topics()
    P = np.tile([0.95, 0.05], (80, 1))
    P[60:70] = [0.5, 0.5]  # the model doubts these ten
    eligible = np.ones(80, dtype=bool)
    eligible[60:63] = False  # e.g. in the validation sample
    picked = choose_batch(3, features=X, proba=P, eligible=eligible, labelled=np.array([63]),
                          candidates_per_pick=2, seed=0, strategy="margin")
    assert set(picked) <= set(range(64, 70))


def test_badge_starts_at_the_largest_gradient_is_seeded_and_respects_eligibility():
    texts, X = _two_topics()
    P = np.tile([0.95, 0.05], (80, 1))
    P[60:70] = [0.6, 0.4]
    P[66] = [0.5, 0.5]  # the least sure of all: the largest gradient
    eligible = np.ones(80, dtype=bool)
    eligible[60:63] = False
    kw = dict(features=X, proba=P, eligible=eligible, labelled=np.array([63, 5]))
    picked = choose_batch(6, seed=4, **kw)
    assert picked[0] == 66 and len(set(map(int, picked))) == 6
    assert not set(map(int, picked)) & {60, 61, 62, 63, 5}
    assert list(picked) == list(choose_batch(6, seed=4, **kw))
    with pytest.raises(ValueError, match="strategy"):
        choose_batch(2, features=X, proba=P, strategy="alles")


def test_badge_weighs_a_text_as_the_class_balanced_loss_does():
    """Equally unsure texts: those the model puts in the category with few labels come first, as
    their gradient in the model's class-balanced loss is larger."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 8))
    P = np.tile([0.7, 0.3], (200, 1))
    P[100:] = [0.3, 0.7]  # predicted: the first half category 0, the second half category 1
    rare_first = choose_batch(20, features=X, proba=P, label_counts=np.array([100, 2]), seed=3)
    even = choose_batch(20, features=X, proba=P, label_counts=np.array([10, 10]), seed=3)
    assert (rare_first >= 100).mean() >= 0.9  # nearly all from the category with 2 labels
    assert 0.2 <= (even >= 100).mean() <= 0.8


def test_choose_batch_skips_near_duplicates():
    texts = ["de bus kwam weer niet op tijd bij de halte"] * 5 + [
        "de stoep is kapot bij de school", "mijn uitkering is te laat overgemaakt", "het loket was dicht"]
    X = TfidfVectorizer().fit_transform(texts)
    P = np.tile([0.5, 0.5], (8, 1))
    P[5:] = [0.6, 0.4]  # the duplicates are the least sure
    for strategy in ("badge", "margin"):
        picked = choose_batch(4, features=X, proba=P, seed=0, candidates_per_pick=2, strategy=strategy)
        assert sum(int(i) < 5 for i in picked) == 1  # one of the five identical texts, not five
        picked2 = choose_batch(3, features=X, proba=P, labelled=np.array([0]), seed=0, strategy=strategy)
        assert not (set(map(int, picked2)) & {1, 2, 3, 4})  # duplicates of a labelled text are no news


def test_choose_batch_random_warm_start_is_seeded_and_skips_duplicates():
    texts = ["de bus kwam weer niet op tijd"] * 6 + ["de stoep is kapot", "mijn uitkering is te laat", "het loket was dicht"]
    X = TfidfVectorizer().fit_transform(texts)
    a = choose_batch(4, features=X, seed=3)
    assert list(a) == list(choose_batch(4, features=X, seed=3)) and sum(int(i) < 6 for i in a) <= 1
    assert set(map(int, choose_batch(4, features=X, seed=3, labelled=np.array([0])))) == {6, 7, 8}
    with pytest.raises(ValueError, match="warm_start"):
        choose_batch(2, features=X, proba=np.full((9, 2), 0.5), warm_start="alles")


def test_choose_batch_dense_features_and_nothing_eligible():
    X = sp.csr_matrix(np.eye(6))
    assert len(choose_batch(3, features=X.toarray(), seed=0)) == 3
    assert len(choose_batch(3, features=X, eligible=np.zeros(6, dtype=bool))) == 0


def test_label_purpose_is_checked_and_stored(store, settings, tmp_path):
    sig = make_demo_store(settings, n=40)
    ids = sig["signal_id"].tolist()
    with pytest.raises(LabelError, match="purpose"):
        save_label(store.shared, Label(ids[0], "anna", (("afval", None),), purpose="oefenen"))
    save_label(store.shared, Label(ids[0], "anna", (("afval", None),)))
    save_label(store.shared, Label(ids[1], "anna", (("parkeren", None),), purpose="training"))
    assert load_labels(store.shared, purpose="validation")["signal_id"].tolist() == [ids[0]]
    assert load_labels(store.shared, purpose="training")["signal_id"].tolist() == [ids[1]]
    csv = tmp_path / "l.csv"
    csv.write_text(f"signal_id,category,purpose\n{ids[2]},afval,training\n{ids[3]},afval,ergens\n", encoding="utf-8")
    with pytest.raises(LabelError, match=r"line 3, field 'purpose'"):
        read_labels_csv(csv)


def test_existing_labels_become_validation_labels_on_migration(settings):
    """A store labelled before training labels existed: its labels are the validation sample."""
    from signalen_lib.store.migrations import migrate

    make_demo_store(settings, n=20)
    with open_store(settings, restricted=False) as st:
        db = st.shared
        sid = db.scalar("SELECT signal_id FROM signals ORDER BY signal_id LIMIT 1")
        db.execute("ALTER TABLE labels DROP COLUMN purpose")
        db.execute("ALTER TABLE label_samples DROP COLUMN purpose")
        db.execute("DELETE FROM schema_migrations WHERE version = 36")
        db.execute("INSERT INTO labels (signal_id, labeller, category, rank) VALUES (?, 'oud', 'afval', 1)", [sid])
        assert 36 in migrate(db, "shared")
        assert load_labels(db, purpose="validation")["signal_id"].tolist() == [sid]


def test_propose_next_keeps_the_validation_sample_out_and_retrains(store, settings):
    sig = make_demo_store(settings, n=300)
    truth = dict(zip(sig["signal_id"], sig["true_category"]))
    db = store.shared
    val = draw_sample(db, 40, seed=0, sample_id="validatie")
    for sid in val["signal_id"][:30]:  # part of the sample labelled, part still to do
        save_label(db, Label(sid, "anna", ((truth[sid], None),)))
    proposed: set[str] = set()
    for batch in range(3):
        out, info = propose_next(store, settings, 15, seed=0)
        assert len(out) == 15 and out["signal_id"].is_unique
        assert not set(out["signal_id"]) & set(val["signal_id"])  # never the validation sample
        assert not set(out["signal_id"]) & proposed  # never a text proposed and labelled before
        assert (info["retrain"] is None) == (batch == 0)  # the first batch is a warm start
        proposed |= set(out["signal_id"])
        for sid in out["signal_id"]:
            save_label(db, Label(sid, "bert", ((truth[sid], None),), purpose="training"))
    samples = db.query_df("SELECT DISTINCT sample_id, purpose FROM label_samples")
    assert set(samples.loc[samples["purpose"] == "training", "sample_id"]) and validation_ids(db) == set(val["signal_id"])
    curve = learning_curve(db)
    assert curve["n_training_labels"].tolist() == [15, 30]  # one row per retrain
    assert (curve["n_validation"] == 30).all() and curve["accuracy"].between(0, 1).all()
    assert curve["is_current"].tolist() == [False, True]
    assert db.query_df("SELECT DISTINCT org_code FROM category_models")["org_code"].tolist() == [settings.organisation_code]
    # the validation report measures on the validation labels only
    from signalen_lib.validation.report import load_label_rows

    assert set(load_label_rows(db, "store")["signal_id"]) == set(val["signal_id"][:30])


def test_labels_next_cli(settings_factory):
    import os
    import subprocess
    import sys
    from pathlib import Path

    settings = settings_factory("duckdb")
    make_demo_store(settings, n=120)
    env = {**os.environ, "SIGNALEN_DATA_DIR": str(settings.data_dir), "SIGNALEN_REPORTS_DIR": str(settings.reports_dir),
           "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    cmd = [sys.executable, "-m", "signalen_lib.cli", "labels", "next"]
    res = subprocess.run(cmd + ["--n", "5"], capture_output=True, text=True, env=env)
    assert res.returncode == 0, res.stderr
    assert "5 texts" in res.stdout and "random start batch" in res.stdout
    res = subprocess.run(cmd + ["--n", "0"], capture_output=True, text=True, env=env)
    assert res.returncode == 2 and "--n must be at least 1" in res.stderr
    with open_store(settings, restricted=False) as st:
        assert len(pd.unique(st.shared.query_df("SELECT signal_id FROM label_samples WHERE purpose = 'training'")["signal_id"])) == 5


def test_demo_labels_step_keeps_training_and_validation_apart(settings_factory, tmp_path):
    """The demo's stand-in for staff: a random validation sample (CSV + store) and training labels
    chosen by active learning in batches, never overlapping."""
    from signalen_lib.demo import labels_step

    settings = settings_factory("duckdb")
    sig = make_demo_store(settings, n=260)
    gt = tmp_path / "signals.csv"
    sig.rename(columns={"true_category": "category", "true_subcategory": "subcategory"})[
        ["signal_id", "category", "subcategory"]].to_csv(gt, index=False)
    step = labels_step(gt, tmp_path / "labels.csv", n=40, seed=1, n_training=45, batch=20, max_texts=1000)
    with open_store(settings, restricted=False) as st:
        out = step.func(st, settings)
        val = load_labels(st.shared, purpose="validation")
        train = load_labels(st.shared, purpose="training")
        curve = learning_curve(st.shared)
    assert out == {"labels": 40, "training_labels": 45}
    assert set(val["signal_id"]) == set(pd.read_csv(tmp_path / "labels.csv")["signal_id"])
    assert not set(val["signal_id"]) & set(train["signal_id"])
    truth = dict(zip(sig["signal_id"], sig["true_category"]))
    assert all(truth[s] == c for s, c in zip(train["signal_id"], train["category"]))
    assert curve["n_training_labels"].tolist() == [20, 40]  # batches of 20: two retrains before the last batch
