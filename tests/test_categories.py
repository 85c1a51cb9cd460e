"""The label-efficient category model (signalen_lib.categories) and ``signalen perception``'s
standalone mode."""
from __future__ import annotations

import csv
import io
import json
from contextlib import redirect_stdout

import numpy as np
import pytest
import yaml

from signalen_lib.categories import CategoryModel, top_categories
from signalen_lib.cli import main

WORDS = {
    "afval": ["container", "vuilnis", "afvalzak", "grofvuil", "zwerfafval", "glasbak"],
    "parkeren": ["parkeervergunning", "parkeerplaats", "kenteken", "naheffing", "parkeerautomaat", "bezoekersregeling"],
    "groen": ["boom", "gras", "plantsoen", "bladeren", "struiken", "snoeien"],
}
FILLER = ["ik", "wil", "graag", "melden", "dat", "de", "het", "bij", "ons", "al", "weken", "echt", "niet", "goed", "straat"]


def toy(n: int = 240, seed: int = 0, noise: float = 0.0):
    """Short texts of 2 category words among filler; with ``noise`` that share of labels is wrong."""
    rng = np.random.default_rng(seed)
    cats = sorted(WORDS)
    texts, y = [], []
    for i in range(n):
        c = cats[i % len(cats)]
        words = list(rng.choice(WORDS[c], 2)) + list(rng.choice(FILLER, 5))
        rng.shuffle(words)
        texts.append(" ".join(words))
        y.append(cats[rng.integers(len(cats))] if rng.random() < noise else c)
    return texts, np.array(y, dtype=object)


def _fit(texts, y, n_train, seed=0, **kw):
    yy = np.full(len(texts), None, dtype=object)
    yy[:n_train] = y[:n_train]
    return CategoryModel(seed=seed, lsa_dims=30, fasttext_dim=16, fasttext_epochs=5, **kw).fit(texts, yy)


def test_beats_the_majority_class_on_separable_texts_from_a_few_labels():
    texts, y = toy(240)
    m = _fit(texts, y, 30)
    pred = m.predict(texts[30:])
    acc = float(np.mean(pred == y[30:]))
    majority = max(np.mean(y[30:] == c) for c in set(y))
    assert acc >= 0.9 > majority + 0.3
    assert m.n_pseudo_ > 0  # self-trained on the unlabelled texts


def test_probabilities_sum_to_one_and_top3_is_ordered_main_first():
    texts, y = toy(150, seed=1, noise=0.2)
    m = _fit(texts, y, 60)
    P = m.predict_proba(texts)
    assert P.shape == (150, 3) and np.all(P >= 0)
    assert np.allclose(P.sum(axis=1), 1.0)
    top = m.top_categories(texts, min_prob=0.0)
    assert top.groupby("row").size().max() <= 3
    for row, g in top.groupby("row"):
        assert list(g["rank"]) == list(range(1, len(g) + 1))
        assert np.all(np.diff(g["prob"].to_numpy()) <= 1e-12)  # main category first, then descending
        assert g["prob"].sum() <= 1 + 1e-9
        assert g["category"].iloc[0] == m.classes_[P[row].argmax()]
    # secondary categories only above min_prob; below the overig threshold: one row "overig"
    t = top_categories(np.array([[0.5, 0.4, 0.1], [0.34, 0.33, 0.33]]), ["a", "b", "c"], min_prob=0.2, overig_threshold=0.4)
    assert t.values.tolist() == [[0, 1, "a", 0.5], [0, 2, "b", 0.4], [1, 1, "overig", 0.34]]


def test_category_rows_are_the_same_in_one_process_and_split_over_forked_ones():
    from signalen_lib.categories.store import category_rows

    texts, y = toy(150, seed=2, noise=0.1)
    m = _fit(texts, y, 60)
    many = texts * 30  # 4,500 texts: two parts of at least 2,000
    ids = [f"s{i}" for i in range(len(many))]
    one = category_rows(m, many, ids, n_jobs=1)
    two = category_rows(m, many, ids, n_jobs=2)
    assert len(one) >= len(many)
    import pandas as pd

    pd.testing.assert_frame_equal(one, two, check_exact=True)


def test_logistic_regression_on_used_columns_equals_the_one_on_all_columns():
    """The n-gram learner fits on the columns its training rows use (a 20,000-text corpus has far
    more n-grams than a few hundred labels touch); the probabilities on every text, including
    texts with n-grams no training text had, are those of the fit on all columns."""
    from sklearn.linear_model import LogisticRegression

    from signalen_lib.categories.model import _fit_on_used_columns, _tfidf

    texts, y = toy(300, seed=3, noise=0.1)
    extra = ["wateroverlast", "lantaarnpaal", "stoeptegel", "fietsenrek", "geluidshinder", "speeltuin"]
    texts = texts[:40] + [f"{t} {extra[i % len(extra)]}" for i, t in enumerate(texts[40:])]  # n-grams the training rows lack
    X = _tfidf(texts, analyzer="char_wb", ngram_range=(2, 5))
    train = np.arange(40)
    Xt = X.transform(texts)
    sub = _fit_on_used_columns(LogisticRegression(C=10.0, max_iter=3000), Xt[train], y[train])
    full = LogisticRegression(C=10.0, max_iter=3000).fit(Xt[train], y[train])
    unused = Xt[train].getnnz(axis=0) == 0
    assert unused.mean() > 0.2  # the training rows leave columns unused: their weights are 0
    assert np.all(sub.coef_[:, unused] == 0) and np.abs(full.coef_[:, unused]).max() < 1e-8
    np.testing.assert_allclose(sub.predict_proba(Xt), full.predict_proba(Xt), atol=1e-6)
    assert list(sub.classes_) == list(full.classes_)


def test_the_fit_is_the_same_in_one_process_and_over_forked_ones():
    texts, y = toy(200, seed=4, noise=0.1)
    one = _fit(texts, y, 60, n_jobs=1)
    two = _fit(texts, y, 60, n_jobs=2)
    assert one.weights_ == two.weights_ and one.temperature_ == two.temperature_
    np.testing.assert_array_equal(one.predict_proba(texts), two.predict_proba(texts))
    assert two.views_.ft_ is not None  # the word vectors came back from the forked process


def test_word_vectors_take_fewer_passes_over_a_large_corpus():
    from signalen_lib.categories.model import fasttext_epochs_for

    assert fasttext_epochs_for(20_000, 20) == 20  # ~1,500 short texts: every pass counts
    assert fasttext_epochs_for(400_000, 20) == 5  # a year's 20,000-text sample: gensim's default
    assert fasttext_epochs_for(200_000, 20) == 10
    assert fasttext_epochs_for(5_000_000, 20) == 5 and fasttext_epochs_for(100, 3) == 3


def test_probabilities_are_calibrated_on_noisy_labels():
    """With 30% wrong labels the model cannot be sure: its mean top probability on held-out
    texts stays close to its accuracy there (an uncalibrated classifier says ~1.0)."""
    texts, y = toy(600, seed=2, noise=0.3)
    _, truth = toy(600, seed=2, noise=0.0)
    m = _fit(texts, y, 200, seed=2)
    P = m.predict_proba(texts[200:])
    acc_vs_noisy = float(np.mean(m.classes_[P.argmax(axis=1)] == y[200:]))
    assert abs(P.max(axis=1).mean() - acc_vs_noisy) < 0.12
    assert float(np.mean(m.classes_[P.argmax(axis=1)] == truth[200:])) > 0.85


def test_seed_words_act_as_a_prior_when_labels_are_scarce():
    texts, y = toy(150, seed=3)
    # one label per category: the taxonomy's seed words carry the rest
    first = [int(np.flatnonzero(y == c)[0]) for c in sorted(WORDS)]
    yy = np.full(len(texts), None, dtype=object)
    yy[first] = y[first]
    m = CategoryModel(seed=0, lsa_dims=30, fasttext_dim=0, seed_words=WORDS).fit(texts, yy)
    assert float(np.mean(m.predict(texts) == y)) > 0.9


def test_fitted_with_topics_needs_topics_to_predict():
    texts, y = toy(90, seed=4)
    W = np.random.default_rng(0).dirichlet(np.ones(5), size=len(texts))
    m = CategoryModel(seed=0, lsa_dims=20, fasttext_dim=0).fit(texts, np.where(np.arange(90) < 30, y, None), doc_topics=W)
    assert m.predict_proba(texts[:5], doc_topics=W[:5]).shape == (5, 3)
    with pytest.raises(ValueError, match="doc_topics"):
        m.predict_proba(texts[:5])


POS = ["heerlijk gegeten", "vriendelijke bediening", "top avond", "aanrader", "prima service", "lekker en gezellig"]
NEG = ["koud eten", "lang wachten", "onvriendelijk personeel", "te duur", "vies toilet", "slechte wijn"]
NEU = ["we waren met vier", "het restaurant ligt aan de markt", "we kwamen op dinsdag", "de kaart heeft drie gangen"]


def test_perception_standalone_prints_workbench_and_baseline_json(tmp_path):
    rng = np.random.default_rng(0)
    texts, labels = tmp_path / "texts.csv", tmp_path / "labels.csv"
    with texts.open("w", newline="") as ft, labels.open("w", newline="") as fl:
        wt, wl = csv.writer(ft), csv.writer(fl)
        wt.writerow(["id", "text"])
        wl.writerow(["id", "polarity"])
        for i in range(150):
            pol, pool = [("positive", POS), ("negative", NEG), ("neutral", NEU), ("mixed", NEG)][i % 4]
            wt.writerow([f"r{i}", f"{rng.choice(pool)} en {rng.choice(FILLER)} {rng.choice(pool)}"])
            if i < 130:
                wl.writerow([f"r{i}", pol])
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text(yaml.safe_dump({"data_dir": str(tmp_path / "data"), "reports_dir": str(tmp_path / "reports")}))
    buf = io.StringIO()
    with redirect_stdout(buf):
        code = main(["perception", "--texts", str(texts), "--labels", str(labels), "--train-fraction", "0.4",
                     "--seed", "1", "--json", "--config", str(cfg)])
    assert code == 0
    lines = [ln for ln in buf.getvalue().splitlines() if ln.strip()]
    assert len(lines) == 1
    r = json.loads(lines[0])
    assert r["classes"] == ["negative", "neutral", "positive"]  # mixed counted as negative
    for who in ("workbench", "baseline"):
        assert set(r[who]) >= {"accuracy", "macro_f1"}
    assert r["workbench"]["accuracy"] > 0.8


@pytest.mark.slow
def test_category_model_beats_the_baseline_on_real_restaurant_sentences(real_data):
    """SemEval-2016 Dutch restaurant sentences, 6 aspect categories, 30% of the labels: held-out
    macro-F1 of the workbench's category model >= TF-IDF + LR on the same labels."""
    import pandas as pd

    from signalen_lib.config import load_config
    from signalen_lib.validation.standalone import validate_texts

    path = real_data / "absa2016_nl_test" / "sentences.csv"
    if not path.exists():
        pytest.skip(f"{path} not found")
    df = pd.read_csv(path)
    texts = pd.DataFrame({"id": df["id"].astype(str), "text": df["text"].astype(str)})
    labels = texts[["id"]].assign(category=df["entity"]).dropna().reset_index(drop=True)
    r = validate_texts(texts, labels, train_fraction=0.3, seed=0, settings=load_config(None, n_topics=15), n_boot=0)
    assert r["workbench"]["macro_f1"] >= r["baseline"]["macro_f1"]
    assert r["workbench"]["accuracy"] >= r["baseline"]["accuracy"] - 0.02
