"""The category model in the pipeline's store mode: trained on the training labels, it chooses
the categories; LDA keeps the topics; retrains are recorded; new signals are assigned alone."""
from __future__ import annotations

import hashlib

import pandas as pd
import pytest
import yaml

from helpers_topics import TOY_TAXONOMY, toy_corpus
from signalen_lib.categories.store import category_rows, ensure_category_model, learning_curve
from signalen_lib.store import open_store
from signalen_lib.topics.notebook import run_topics_step
from signalen_lib.validation.labels import Label, save_label

pytestmark = pytest.mark.slow


def _insert(db, df):
    db.insert_df("signals", pd.DataFrame({
        "signal_id": df["signal_id"], "source": "kto", "received_at": pd.to_datetime(df["received_at"]).astype("datetime64[us]"),
        "text": df["text"], "content_hash": [hashlib.sha256(s.encode()).hexdigest() for s in df["signal_id"]],
    }))


def _label(db, df, rows, purpose):
    for r in rows.itertuples():
        save_label(db, Label(r.signal_id, "anna", ((r.category, None),), purpose=purpose))


def test_category_model_assigns_in_store_mode(settings_factory, tmp_path):
    tax = tmp_path / "taxonomy.yaml"
    tax.write_text(yaml.safe_dump(TOY_TAXONOMY, allow_unicode=True), encoding="utf-8")
    settings = settings_factory("duckdb", taxonomy_file=str(tax), n_topics=7)
    df = toy_corpus(700, seed=4)
    known = df[df["category"].isin([c["key"] for c in TOY_TAXONOMY["categories"]])]
    with open_store(settings, restricted=False) as st:
        db = st.shared
        _insert(db, df)
        # no training labels yet: the topic model's categories, nothing recorded
        step = run_topics_step(st, settings, mode="fit")
        assert step.assigned["categories_by"] == "onderwerpmodel" and learning_curve(db).empty
        version = step.version
        _label(db, df, known.iloc[:60], "validation")
        _label(db, df, known.iloc[60:160], "training")
        step = run_topics_step(st, settings, mode="assign")
        assert step.version == version and step.assigned["categories_by"] == "categoriemodel"
        assert step.assigned["assigned"] == 700  # the retrain assigned every signal again
        curve = learning_curve(db)
        assert curve["n_training_labels"].tolist() == [100] and curve["n_validation"].tolist() == [60]
        assert curve["topic_model_version"].tolist() == [version]
        cats = db.query_df("SELECT * FROM signal_categories WHERE model_version = ?", [version])
        assert cats.groupby("signal_id")["rank"].max().max() <= 3 and cats["signal_id"].nunique() == 700
        main = cats[cats["rank"] == 1].merge(df[["signal_id", "category"]].rename(columns={"category": "truth"}))
        main = main[main["truth"].isin(known["category"].unique())]
        assert (main["category"] == main["truth"]).mean() >= 0.8
        # the topics stay LDA's
        assert db.scalar("SELECT count(DISTINCT signal_id) FROM signal_topics WHERE model_version = ?", [version]) > 600
        # nightly: labels unchanged -> no retrain; only the new signals are assigned
        extra = toy_corpus(25, seed=9)
        extra["signal_id"] = "new:" + extra["signal_id"]
        _insert(db, extra)
        step = run_topics_step(st, settings, mode="assign")
        assert step.assigned["assigned"] == 25 and len(learning_curve(db)) == 1
        # a new training batch retrains (recorded) and reassigns
        _label(db, df, known.iloc[160:200], "training")
        model, retrained = ensure_category_model(st, settings, step.model)
        assert retrained and learning_curve(db)["n_training_labels"].tolist() == [100, 140]
        # the assignment works on any subset of signal ids
        sub = df.iloc[:40]
        theta = step.model.transform(sub["text"].tolist())
        top = model.predict_proba(sub["text"].tolist(), theta).max(axis=1)
        cut = float(pd.Series(top).median())
        rows = category_rows(model, sub["text"].tolist(), sub["signal_id"].tolist(), doc_topics=theta,
                             topic_rows=step.model.assign(sub["text"].tolist(), sub["signal_id"].tolist(), theta=theta),
                             overig_threshold=cut)
        assert set(rows["signal_id"]) == set(sub["signal_id"])
        first = rows[rows["rank"] == 1].set_index("signal_id").loc[sub["signal_id"]]
        assert ((first["category"] == "overig").to_numpy() == (top < cut)).all()  # the threshold means what it says
        assert (rows.loc[rows["category"] == "overig", "rank"] == 1).all()
