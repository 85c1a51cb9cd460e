"""Seeded topic model: recovery of seeded categories, a new signal as its own topic, overig,
reproducibility, stable identities on retraining, registry and store assignment."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from signalen_lib.topics import (OVERIG, Taxonomy, TopicModel, align_topics, assign_store,
                                 fit_store, load_model, select_n_topics, selection_chart, topic_names_path)
from helpers_topics import TOY_TAXONOMY, toy_corpus
from signalen_lib.vocab.models import current_topic_model
from signalen_lib.topics.evaluation import category_quality, new_signal_topic

TAX = Taxonomy.from_dict(TOY_TAXONOMY)
PARAMS = dict(n_topics=7, taxonomy=TAX, passes=4, chunksize=500, no_below=2, random_state=3)


@pytest.fixture(scope="module")
def corpus():
    return toy_corpus(1500, seed=1)


@pytest.fixture(scope="module")
def model(corpus):
    return TopicModel(**PARAMS).fit(corpus["text"].tolist())


def test_estimator_api(model, corpus):
    assert TopicModel(5).n_topics == 5 and not hasattr(TopicModel(5), "lda_")  # __init__ stores only
    texts = corpus.loc[corpus["category"] != OVERIG, "text"].head(50).tolist()
    W = model.transform(texts + ["nvt"])
    assert W.shape == (51, 7)
    np.testing.assert_allclose(W[:50].sum(1), 1.0, atol=1e-6)
    assert W[50].sum() == 0  # a non-answer has no topic
    assert model.topic_word_.shape == (7, len(model.vocab_))
    with pytest.raises(RuntimeError):
        TopicModel(5).transform(["x"])


def test_seeded_categories_recovered(model, corpus):
    pred = model.predict(corpus["text"].tolist())
    q = category_quality(pred, corpus["category"].to_numpy(), TAX.keys)
    assert q["accuracy"] > 0.85, q
    assert q["macro_f1"] > 0.85, q


def test_new_signal_gets_its_own_free_topic(model, corpus):
    ns = new_signal_topic(model, corpus["text"].tolist(), (corpus["category"] == "nieuw_slagboom").to_numpy())
    assert ns["free_topic"], ns
    assert ns["recall"] > 0.8 and ns["precision"] > 0.8, ns
    assert "slagboom" in ns["top_words"]


def test_assign_ranks_and_overig(model, corpus):
    texts = corpus["text"].head(200).tolist() + ["nvt"]
    ids = corpus["signal_id"].head(200).tolist() + ["x:nvt"]
    a = model.assign(texts, ids)
    assert set(a.columns) >= {"signal_id", "rank", "category", "subcategory", "prob", "topic_id", "stable_id"}
    assert a.groupby("signal_id")["rank"].max().max() <= 3
    assert (a.groupby("signal_id")["rank"].min() == 1).all()
    assert a.loc[a["signal_id"] == "x:nvt", "category"].tolist() == [OVERIG]
    ok = a[a["topic_id"] >= 0]
    assert (ok["prob"] >= model.overig_threshold).all()
    import copy

    strict = copy.deepcopy(model).set_params(overig_threshold=0.99)
    b = strict.assign(texts, ids)
    assert (b.loc[b["rank"] == 1, "category"] == OVERIG).mean() > (a.loc[a["rank"] == 1, "category"] == OVERIG).mean()


def test_assign_with_the_words_from_transform_is_the_same(model, corpus):
    """transform(return_words=True) hands assign the word counts (no second preprocessing), in
    one process and split over forked ones, with the same result as assign from the texts."""
    assert model.refiner_ is not None  # the words matter only to the refiner
    texts = corpus["text"].head(300).tolist() + ["nvt", ""]
    ids = [f"s{i}" for i in range(len(texts))]
    plain = model.assign(texts, ids)
    for n_jobs in (1, 2):
        theta, words = model.transform(texts, n_jobs=n_jobs, return_words=True)
        assert words.shape == (len(texts), len(model.vocab_))
        np.testing.assert_array_equal(theta, model.transform(texts, n_jobs=1))
        pd.testing.assert_frame_equal(model.assign(texts, ids, theta=theta, words=words), plain)


def test_topic_weights_are_the_same_split_over_forked_processes(model, corpus):
    bows = model.bow(corpus["text"].tolist()[:400] + ["", "nvt"])
    np.testing.assert_array_equal(model._infer(bows, n_jobs=2), model._infer(bows, n_jobs=1))


def test_category_scores(model, corpus):
    S = model.category_scores(corpus["text"].head(30).tolist(), corpus["signal_id"].head(30).tolist())
    assert list(S.columns[:5]) == TAX.keys and S.columns[-1] == OVERIG
    np.testing.assert_allclose(S.sum(axis=1), 1.0, atol=1e-6)
    mapping = model.topic_category_map()
    assert set(mapping["category"]) <= set(TAX.keys) | {OVERIG}
    assert model.topic_categories_[:5] == TAX.keys


def test_same_seed_same_topics(corpus):
    texts = corpus["text"].head(600).tolist()
    a = TopicModel(**PARAMS).fit(texts)
    b = TopicModel(**PARAMS).fit(texts)
    assert np.array_equal(a.topic_word_, b.topic_word_)
    assert a.data_hash_ == b.data_hash_
    np.testing.assert_array_equal(a.transform(texts), b.transform(texts))


def test_retrain_keeps_ids_and_names_and_flags_new_topic():
    df = toy_corpus(2400, seed=5, start="2025-01-01", days=365, new_signal_from="2025-09-01")
    early = df[df["received_at"] < "2025-07-01"]["text"].tolist()   # no slagboom yet
    late = df[df["received_at"] >= "2025-05-01"]["text"].tolist()    # slagboom appears
    old = TopicModel(**{**PARAMS, "random_state": 1}).fit(early)
    old.topics_.loc[5, "name"] = "Door medewerker benoemd"            # staff named a free topic
    new = TopicModel(**{**PARAMS, "random_state": 2}).fit(late)
    m = align_topics(new, old)
    t_old, t_new = old.topics_.set_index("topic_id"), new.topics_.set_index("topic_id")
    for k in range(5):  # seeded topics keep id and name
        assert t_new.loc[k, "stable_id"] == t_old.loc[k, "stable_id"]
        assert t_new.loc[k, "name"] == t_old.loc[k, "name"] and not t_new.loc[k, "is_new"]
    ns = new_signal_topic(new, late, np.array(["slagboom" in t.lower() for t in late]))
    assert ns["is_new"], (ns, m)
    assert ns["stable_id"] not in set(t_old["stable_id"])
    assert m["is_new"].sum() >= 1


def test_online_update(model, corpus):
    import copy

    m = copy.deepcopy(model)
    before = m.topic_word_.copy()
    m.partial_fit(corpus["text"].head(300).tolist())
    assert m.n_docs_ == model.n_docs_ + 300
    assert not np.array_equal(before, m.topic_word_)
    assert list(m.topics_["stable_id"]) == list(model.topics_["stable_id"])


def test_model_selection_and_chart(corpus):
    df = select_n_topics(corpus["text"].head(700).tolist(), [6, 8], base=TopicModel(**{**PARAMS, "passes": 2}),
                         coherence_sample=500)
    assert list(df["k"]) == [6, 8]
    assert df[["c_v", "npmi", "diversity", "perplexity"]].notna().all().all()
    assert (df["perplexity"] > 1).all()
    spec = selection_chart(df, chosen=6).to_dict()
    assert "facet" in spec


def test_ldavis_is_offline(model, corpus, tmp_path):
    from signalen_lib.topics.vis import save_ldavis

    path = save_ldavis(model, tmp_path / "ldavis.html", corpus["text"].head(300).tolist())
    html = path.read_text(encoding="utf-8")
    assert "new window.LDAvis(" in html and "d3" in html
    # nothing is fetched: no <script src=...>/<link href=...> (URLs inside the inlined licence comments are text)
    assert "<script src" not in html.replace('type="text/javascript" ', "") and 'src="http' not in html
    assert 'href="http' not in html and "<link" not in html


def _insert_signals(store, df):
    import hashlib

    sig = pd.DataFrame({
        "signal_id": df["signal_id"], "source": "kto", "source_record_id": df["signal_id"].str.slice(4),
        "received_at": pd.to_datetime(df["received_at"]).astype("datetime64[us]"), "text": df["text"],
        "content_hash": [hashlib.sha256(s.encode()).hexdigest() for s in df["signal_id"]],
    })
    store.shared.insert_df("signals", sig)


def test_fit_store_assign_store_registry(store, settings):
    df = toy_corpus(900, seed=2)
    _insert_signals(store, df)
    m = fit_store(store, settings, taxonomy=TAX, n_topics=7, passes=3, chunksize=300, no_below=2, coherence_sample=300)
    v = current_topic_model(store.shared)
    assert v == m.version_
    row = store.shared.query_df("SELECT * FROM topic_models WHERE model_version = ?", [v]).iloc[0]
    assert bool(row["is_current"]) and int(row["n_docs"]) > 0 and len(row["data_hash"]) == 64
    assert '"gensim"' in row["lib_versions"] and '"npmi"' in row["metrics"]
    assert row["org_code"] == settings.organisation_code  # the model belongs to the organisation (issue 16)
    cats = store.shared.query_df("SELECT * FROM signal_categories WHERE model_version = ?", [v])
    assert cats["signal_id"].nunique() == len(df)
    assert set(cats["category"]) <= set(TAX.keys) | {OVERIG}
    assert (cats.groupby("signal_id")["rank"].min() == 1).all()
    assert store.shared.count("topics", "model_version = ?", [v]) == 7
    # nothing left to assign; new signals are picked up
    assert assign_store(store, settings=settings)["assigned"] == 0
    extra = toy_corpus(20, seed=9)
    extra["signal_id"] = "new:" + extra["signal_id"]
    _insert_signals(store, extra)
    assert assign_store(store, settings=settings)["assigned"] == 20
    # staff rename a topic in topic_names.csv: the loaded model uses it
    path = topic_names_path(settings, v)
    names = pd.read_csv(path)
    names.loc[names["topic_id"] == 6, ["name", "category"]] = ["Slagboom testlocatie", "openbare_ruimte"]
    names.to_csv(path, index=False)
    loaded = load_model(settings, store=store)
    assert loaded.topics_.set_index("topic_id").loc[6, "name"] == "Slagboom testlocatie"
    np.testing.assert_allclose(loaded.transform(df["text"].head(20).tolist()), m.transform(df["text"].head(20).tolist()))
    # a retrain aligns with the current model and becomes current
    m2 = fit_store(store, settings, taxonomy=TAX, n_topics=7, passes=3, chunksize=300, no_below=2, seed=7,
                   coherence_sample=300, assign=False)
    assert current_topic_model(store.shared) == m2.version_ != v
    assert m2.alignment_ is not None
    assert m2.topics_.set_index("topic_id").loc[0, "stable_id"] == "T001"


def test_cli_help(capsys):
    from signalen_lib.cli import main

    assert main(["topics", "fit", "--help"]) == 0
    assert "--n-topics" in capsys.readouterr().out


def test_topic_count_follows_the_taxonomy(settings_factory, tmp_path):
    """An organisation's own 8-category taxonomy gets 8 seeded + free topics, not the default's 66."""
    import yaml

    from signalen_lib.topics.model import topics_for

    tax_file = tmp_path / "eigen.yaml"
    tax_file.write_text(yaml.safe_dump({"categories": [
        {"key": f"cat{i}", "name": f"Categorie {i}", "seeds": [f"woord{i}"]} for i in range(8)]}), encoding="utf-8")
    settings = settings_factory("duckdb", taxonomy_file=str(tax_file))
    model = TopicModel.from_settings(settings)
    assert model.n_topics == 8 + settings.free_topics == topics_for(model.taxonomy, settings.free_topics)
    default = TopicModel.from_settings(settings_factory("duckdb"))
    assert default.n_topics == 58 + 8
    assert TopicModel.from_settings(settings_factory("duckdb", n_topics=40)).n_topics == 40  # a set number wins
