"""Validation (issue 7): sampling, labels, CSV, metrics, baseline, label-informed assignment, gate."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from signalen_lib.validation import (
    Label, LabelError, LabelInformedAssigner, TfidfBaseline, check_gate, coverage_curve, evaluate,
    export_labels_csv, import_labels_csv, inter_annotator, learn_topic_category_map, load_category_tree,
    load_labels, main_labels, read_labels_csv, save_label, stratified_sample,
)
from helpers_validation import labels_from_truth, make_demo_store
from signalen_lib.validation.sampling import draw_sample, load_sample


# ---- metrics --------------------------------------------------------------------------------
def test_evaluate_matches_hand_computed_figures():
    y = ["a", "a", "a", "b", "b", "c"]
    p = ["a", "a", "b", "b", "b", "a"]
    m = evaluate(y, p, n_boot=300, seed=1)
    assert m["accuracy"] == pytest.approx(4 / 6)
    # F1: a = 2*(2/3*2/3)/(4/3)=2/3, b = 2*(2/3*1)/(5/3)=0.8, c = 0
    assert m["macro_f1"] == pytest.approx((2 / 3 + 0.8 + 0) / 3)
    per = m["per_category"].set_index("category")
    assert per.loc["b", "recall"] == 1.0 and per.loc["c", "f1"] == 0.0
    assert m["confusion"].loc["c", "a"] == 1 and int(m["confusion"].values.sum()) == 6
    lo, hi = m["macro_f1_ci"]
    assert lo <= m["macro_f1"] <= hi and lo < hi
    assert per["f1_lo"].le(per["f1_hi"]).all()


def test_kappa_is_one_for_perfect_and_near_zero_for_chance():
    rng = np.random.default_rng(0)
    y = rng.choice(list("abcd"), 2000)
    assert evaluate(y, y, n_boot=0)["kappa"] == pytest.approx(1.0)
    chance = evaluate(y, rng.choice(list("abcd"), 2000), n_boot=0)
    assert abs(chance["kappa"]) < 0.05 and chance["accuracy"] < 0.3


def test_bootstrap_interval_covers_and_narrows_with_more_data():
    rng = np.random.default_rng(3)

    def run(n):
        y = rng.choice(list("abc"), n)
        p = np.where(rng.random(n) < 0.7, y, rng.choice(list("abc"), n))
        lo, hi = evaluate(y, p, n_boot=400, seed=0)["accuracy_ci"]
        return hi - lo, lo, hi

    small, large = run(100), run(2000)
    assert large[0] < small[0] / 2
    assert large[1] < 0.8 < large[2]  # true accuracy is 0.7 + 0.3/3 = 0.8


def test_coverage_curve_trades_coverage_for_accuracy():
    prob = np.array([0.9, 0.8, 0.3, 0.2, 0.1])
    y = ["a", "a", "b", "b", "c"]
    p = ["a", "a", "a", "a", "a"]
    cov = coverage_curve(prob, y, p, thresholds=[0.0, 0.5]).set_index("threshold")
    assert cov.loc[0.0, "coverage"] == 1.0 and cov.loc[0.0, "accuracy_covered"] == pytest.approx(0.4)
    assert cov.loc[0.5, "coverage"] == pytest.approx(0.4) and cov.loc[0.5, "accuracy_covered"] == 1.0


def test_inter_annotator_kappa_on_overlap_only():
    rows = []
    for i in range(40):
        cat = "abcd"[i % 4]
        rows.append(("s%d" % i, "anna", cat))
        if i < 20:  # bram labels half, agreeing on 15 of 20
            rows.append(("s%d" % i, "bram", cat if i < 15 else "abcd"[(i + 1) % 4]))
    df = pd.DataFrame(rows, columns=["signal_id", "labeller", "category"]).assign(rank=1)
    ia = inter_annotator(df)
    assert ia["n_overlap"] == 20
    pair = ia["pairs"].iloc[0]
    assert pair["agreement"] == pytest.approx(0.75) and 0.5 < pair["kappa"] < 0.75


# ---- sampling ---------------------------------------------------------------------------------
def _frame(n=2000, seed=0):
    rng = np.random.default_rng(seed)
    cats = rng.choice(["groot"] * 50 + ["middel"] * 10 + ["zeldzaam"], n)
    return pd.DataFrame({
        "signal_id": [f"kto:{i}" for i in range(n)],
        "source": rng.choice(["kto", "klacht"], n),
        "period": rng.choice(["2025Q1", "2025Q2"], n),
        "category": cats,
    })


def test_stratified_sample_is_reproducible_sized_and_includes_rare_topics():
    f = _frame()
    a = stratified_sample(f, 100, seed=7)
    b = stratified_sample(f.sample(frac=1, random_state=1), 100, seed=7)  # row order must not matter
    c = stratified_sample(f, 100, seed=8)
    assert len(a) == 100 and a["signal_id"].is_unique
    assert list(a["signal_id"]) == list(b["signal_id"])
    assert set(a["signal_id"]) != set(c["signal_id"])
    n_rare = int((f["category"] == "zeldzaam").sum())
    # proportional alone would give ~100/61 ≈ 1-2 rare texts; the floor guarantees 5
    assert (a["category"] == "zeldzaam").sum() >= min(5, n_rare)
    # every source x period combination of the big topic is represented
    big = a[a["category"] == "groot"]
    assert big.groupby(["source", "period"]).size().size == 4


def test_draw_sample_excludes_labelled_texts_and_is_saved(store, settings):
    sig = make_demo_store(settings, n=120, seed=1)
    save_label(store.shared, Label("kto:0", "anna", (("afval", None),)))
    s1 = draw_sample(store.shared, 50, seed=3, sample_id="s1")
    assert len(s1) == 50 and "kto:0" not in set(s1["signal_id"])
    assert set(s1["category"]) - set(sig["true_category"]) <= {"overig"}
    again = draw_sample(store.shared, 50, seed=3)
    assert list(again["signal_id"]) == list(s1["signal_id"])
    saved = load_sample(store.shared)
    assert list(saved["signal_id"]) == list(s1["signal_id"]) and saved["sample_id"].iloc[0] == "s1"


# ---- labels and CSV -----------------------------------------------------------------------------
def test_save_label_replaces_and_keeps_ranks(store, settings):
    make_demo_store(settings, n=20)
    tree = load_category_tree(settings.taxonomy_path)
    save_label(store.shared, Label("kto:0", "anna", (("afval", "grofvuil"), ("parkeren", None)), "klacht", True), tree)
    got = load_labels(store.shared)
    assert list(got["rank"]) == [1, 2] and got["subcategory"].iloc[0] == "grofvuil" and bool(got["unsure"].iloc[0])
    save_label(store.shared, Label("kto:0", "anna", (("parkeren", None),), "neutraal"), tree)
    got = load_labels(store.shared)
    assert len(got) == 1 and got["category"].iloc[0] == "parkeren"
    with pytest.raises(LabelError, match="unknown category 'vuilnis'"):
        save_label(store.shared, Label("kto:1", "anna", (("vuilnis", None),)), tree)
    with pytest.raises(LabelError, match="at most 3"):
        save_label(store.shared, Label("kto:1", "anna", tuple((k, None) for k in tree.keys[:4])), tree)


def test_csv_roundtrip_and_errors_name_file_line_and_field(store, settings, tmp_path):
    make_demo_store(settings, n=20)
    tree = load_category_tree(settings.taxonomy_path)
    good = tmp_path / "labels.csv"
    good.write_text(
        "signal_id,category,subcategory,perception,labeller\n"
        "kto:0,afval,grofvuil,klacht,anna\n"
        "kto:0,parkeren,,,anna\n"
        "klacht:1,overig,,neutraal,bram\n",
        encoding="utf-8",
    )
    assert import_labels_csv(store.shared, good, tree=tree) == 2
    got = load_labels(store.shared)
    assert got[got["signal_id"] == "kto:0"]["rank"].tolist() == [1, 2]
    out = tmp_path / "out.csv"
    export_labels_csv(store.shared, out)
    back = read_labels_csv(out, tree=tree)
    assert back[["signal_id", "category", "rank", "labeller"]].values.tolist() == got[["signal_id", "category", "rank", "labeller"]].values.tolist()

    bad_id = tmp_path / "bad_id.csv"
    bad_id.write_text("signal_id,category\nkto:0,afval\nkto:999,afval\n", encoding="utf-8")
    with pytest.raises(LabelError, match=r"bad_id\.csv, line 3, field 'signal_id': unknown signal id 'kto:999'"):
        import_labels_csv(store.shared, bad_id, tree=tree)
    bad_cat = tmp_path / "bad_cat.csv"
    bad_cat.write_text("signal_id,category,perception\nkto:0,vuilnis,klacht\n", encoding="utf-8")
    with pytest.raises(LabelError, match=r"bad_cat\.csv, line 2, field 'category': unknown category 'vuilnis'"):
        import_labels_csv(store.shared, bad_cat, tree=tree)
    bad_per = tmp_path / "bad_per.csv"
    bad_per.write_text("signal_id,category,perception\nkto:0,afval,boos\n", encoding="utf-8")
    with pytest.raises(LabelError, match=r"line 2, field 'perception'"):
        import_labels_csv(store.shared, bad_per, tree=tree)
    assert len(load_labels(store.shared)) == 3  # failed imports stored nothing


def test_main_labels_majority_vote():
    df = pd.DataFrame({
        "signal_id": ["a", "a", "a", "b"], "labeller": ["x", "y", "z", "x"], "category": ["p", "q", "q", "r"],
        "subcategory": None, "rank": 1, "perception": None, "unsure": False,
    })
    m = main_labels(df).set_index("signal_id")
    assert m.loc["a", "category"] == "q" and m.loc["a", "n_labellers"] == 3 and m.loc["b", "category"] == "r"


# ---- learning from labels -----------------------------------------------------------------------
def test_topic_category_map_learns_unnamed_and_keeps_named_topics():
    W = np.array([[0.9, 0.1, 0.0], [0.8, 0.2, 0.0], [0.1, 0.9, 0.0], [0.0, 0.1, 0.9]])
    y = ["afval", "afval", "parkeren", "afval"]
    m = learn_topic_category_map(W, y, named=[None, None, "parkeren"])
    assert m.idxmax(axis=1).tolist() == ["afval", "parkeren", "parkeren"]
    assert m.loc[2, "parkeren"] == 1.0 and np.allclose(m.sum(axis=1), 1)


def test_label_informed_assigner_uses_topic_weights_where_words_do_not_help():
    # words are uninformative noise; the topic weights carry the category
    rng = np.random.default_rng(0)
    n, k = 400, 6
    y = rng.choice(["a", "b", "c"], n)
    topic_of = {"a": 0, "b": 2, "c": 4}
    W = rng.dirichlet(np.ones(k) * 0.3, n) * 0.4
    for i, c in enumerate(y):
        W[i, topic_of[c]] += 0.6
    texts = [" ".join(rng.choice(["de", "het", "een", "wij", "zij", "nu"], 6)) for _ in range(n)]
    tr, te = slice(0, 200), slice(200, None)
    wb = LabelInformedAssigner(Cs=(10.0,), cv=3, seed=0).fit(texts[tr], W[tr], y[tr])
    base = TfidfBaseline().fit(texts[tr], y[tr])
    f_wb = evaluate(y[te], wb.predict(texts[te], W[te]), n_boot=0)["macro_f1"]
    f_base = evaluate(y[te], base.predict(texts[te]), n_boot=0)["macro_f1"]
    assert wb.topic_weight_ > 0
    assert f_wb > 0.9 and f_base < 0.6
    assert (wb.predict_from_topics(W[te]) == y[te]).mean() > 0.9


def test_baseline_learns_words():
    texts = ["grofvuil ophalen bank"] * 10 + ["parkeervergunning aanvragen"] * 10
    y = ["afval"] * 10 + ["parkeren"] * 10
    assert list(TfidfBaseline().fit(texts, y).predict(["bank grofvuil", "vergunning parkeervergunning"])) == ["afval", "parkeren"]


# ---- gate and the store run ---------------------------------------------------------------------
def test_gate_thresholds():
    assert check_gate(0.8, 0.7, min_macro_f1=0.7, min_kappa=0.6).passed
    g = check_gate(0.65, 0.7, min_macro_f1=0.7, min_kappa=0.6)
    assert not g.passed and "macro-F1 0,65 < 0,70" in g.reasons[0] and 'data-passed="false"' in g.banner_html()
    assert not check_gate(float("nan"), 0.9, min_macro_f1=0.7, min_kappa=0.6).passed


@pytest.mark.parametrize("accuracy,passes", [(0.95, True), (0.3, False)])
def test_validate_store_writes_report_and_gates(settings_factory, accuracy, passes):
    from signalen_lib.store import open_store
    from signalen_lib.validation import validate_store

    settings = settings_factory("duckdb")
    sig = make_demo_store(settings, n=300, seed=2, model_accuracy=accuracy)
    with open_store(settings, restricted=False) as st:
        st.shared.insert_df("labels", labels_from_truth(sig, sig["signal_id"][:200], "anna"))
        other = labels_from_truth(sig, sig["signal_id"][:60], "bram")
        other.loc[:9, "category"] = "overig"
        st.shared.insert_df("labels", other)
    rep = validate_store(settings, n_boot=200, run_id="r1")
    assert rep.metrics["n"] == 200 and rep.gate.passed is passes
    assert rep.annotators["n_overlap"] == 60 and 0.6 < rep.annotators["kappa"] < 1
    assert rep.heldout["n_test"] > rep.heldout["n_train"]
    out = settings.runs_dir / "r1" / "validation"
    meta = json.loads((out / "metrics.json").read_text())
    assert meta["gate"]["passed"] is passes and (out / "coverage.svg").exists() and (out / "confusion.csv").exists()
    with open_store(settings, restricted=False) as st:
        assert st.shared.scalar("SELECT gate_passed FROM validation_runs WHERE run_id = 'r1'") is passes


def test_gate_can_warn_without_stopping_for_a_demo():
    from signalen_lib.config import load_config
    from signalen_lib.validation.gate import QualityGateFailed, gate_from_settings

    metrics = {"macro_f1": 0.41, "kappa": 0.35}
    enforced = gate_from_settings(metrics, load_config(None))
    with pytest.raises(QualityGateFailed):
        enforced.raise_if_failed()
    warn = gate_from_settings(metrics, load_config(None, gate_enforce=False))
    assert not warn.passed and not warn.enforced
    warn.raise_if_failed()  # does not raise
    assert "waarschuwing" in warn.banner_html() and 'data-passed="false"' in warn.banner_html()
