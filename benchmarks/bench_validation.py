"""Validation on the synthetic corpus: a 500-text labelled sample, labels from the ground truth.

Builds the corpus (``signalen demo-data``), ingests and masks it, fits the topic model and
assigns categories (the pipeline's own functions), draws the labelling sample the way staff would
(stratified by source, quarter and predicted topic), labels it from the ground truth, and prints,
on the held-out labelled texts:

- the topic model's own category assignment (no labels used),
- the workbench's label-informed assignment (learned from the training part of the sample),
- the TF-IDF + logistic regression baseline trained on the same labelled texts,

with accuracy and macro-F1 of the main category; plus the time of a full validation run
(metrics with 1,000 bootstrap resamples, charts, report files).

    .venv/bin/python benchmarks/bench_validation.py [--n 5000] [--sample 500] [--seed 42] [--train-fraction 0.3 0.5]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--sample", type=int, default=500)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--train-fraction", type=float, nargs="+", default=[0.3, 0.5])
    args = ap.parse_args()

    from signalen_lib.config import load_config
    from signalen_lib.ingest import ingest_all
    from signalen_lib.store import open_store
    from signalen_lib.topics import fit_store
    from signalen_lib.validation import LabelInformedAssigner, TfidfBaseline, draw_sample, evaluate
    from signalen_lib.validation import adapters as _adapters
    from signalen_lib.validation.report import model_assignments, validate_store
    from signalen_lib.validation.standalone import stratified_split

    tmp = Path(tempfile.mkdtemp(prefix="bench-validation-"))
    settings = load_config(None, data_dir=str(tmp / "data"), reports_dir=str(tmp / "reports"), seed=args.seed)
    t0 = time.perf_counter()
    import subprocess

    signalen = str(Path(sys.executable).parent / "signalen")
    subprocess.run([signalen, "demo-data", "--n", str(args.n), "--seed", str(args.seed), "--out", str(settings.raw_dir)],
                   check=True, capture_output=True)
    gt = pd.read_csv(settings.raw_dir / "ground_truth" / "signals.csv", dtype=str)
    with open_store(settings) as store:
        ingest_all(store, settings)
        t1 = time.perf_counter()
        model = fit_store(store, settings, seed=args.seed)
        t2 = time.perf_counter()
        db = store.shared
        sample = draw_sample(db, args.sample, seed=args.seed, sample_id="bench")
        texts = db.query_df("SELECT signal_id, text FROM signals")
        pred = model_assignments(db, model.version_)
        n_signals = len(texts)
    print(f"corpus: {args.n} generated, {n_signals} stored signals; ingest+mask {t1 - t0:.0f} s, topic model fit+assign {t2 - t1:.0f} s "
          f"({model.n_topics} topics)")
    truth = gt.set_index("signal_id")["category"]
    lab = sample[["signal_id", "stratum"]].merge(texts, on="signal_id")
    lab["category"] = lab["signal_id"].map(truth)
    lab = lab.dropna(subset=["category"]).reset_index(drop=True)
    lab["model"] = lab["signal_id"].map(pred.set_index("signal_id")["category"]).fillna("overig")
    print(f"labelled sample: {len(lab)} texts, {lab['category'].nunique()} categories, {sample['stratum'].nunique()} strata "
          f"(source x quarter x predicted topic)")
    W = model.topic_scores(lab["text"].tolist())  # as the model ranks categories (refiner included)
    tokens, _ = _adapters.preprocess(lab["text"].tolist())
    prep = [" ".join(t) for t in tokens]
    cats = sorted(lab["category"].unique())
    print(f"{'train':>5}  {'n_test':>6}  {'model acc':>9}  {'model F1':>8}  {'workbench acc':>13}  {'workbench F1':>12}  {'baseline acc':>12}  {'baseline F1':>11}")
    for frac in args.train_fraction:
        tr, te = stratified_split(lab["category"], frac, args.seed)
        y = lab["category"].to_numpy()
        wb = LabelInformedAssigner(named_topics=model.topic_categories_, seed=args.seed).fit([prep[i] for i in tr], W[tr], y[tr])
        p_wb = wb.predict([prep[i] for i in te], W[te])
        p_base = TfidfBaseline(seed=args.seed).fit(lab["text"].iloc[tr].tolist(), y[tr]).predict(lab["text"].iloc[te].tolist())
        m_model = evaluate(y[te], lab["model"].to_numpy()[te], labels=cats, n_boot=0)
        m_wb = evaluate(y[te], p_wb, labels=cats, n_boot=0)
        m_base = evaluate(y[te], p_base, labels=cats, n_boot=0)
        print(f"{frac:>5.2f}  {len(te):>6}  {m_model['accuracy']:>9.3f}  {m_model['macro_f1']:>8.3f}  {m_wb['accuracy']:>13.3f}  "
              f"{m_wb['macro_f1']:>12.3f}  {m_base['accuracy']:>12.3f}  {m_base['macro_f1']:>11.3f}   (workbench C={wb.C_}, topic weight={wb.topic_weight_})")
    # the validation run as notebook 03 does it (model vs all labels, baseline on a held-out part)
    from signalen_lib.store import open_store as _open

    with _open(settings, restricted=False) as store:
        rows = lab[["signal_id", "category"]].assign(labeller="ground_truth", rank=1, subcategory=None, perception=None, unsure=False,
                                                     labelled_at=pd.Timestamp.now().floor("s"))
        rows["subcategory"] = rows["subcategory"].astype(object)
        rows["perception"] = rows["perception"].astype(object)
        store.shared.insert_df("labels", rows)
    t3 = time.perf_counter()
    rep = validate_store(settings, n_boot=1000, run_id="bench")
    t4 = time.perf_counter()
    m = rep.metrics
    print(f"validation run (all {m['n']} labels, 1000 bootstrap resamples, charts, files): {t4 - t3:.1f} s; "
          f"model accuracy {m['accuracy']:.3f} [{m['accuracy_ci'][0]:.3f}, {m['accuracy_ci'][1]:.3f}], "
          f"macro-F1 {m['macro_f1']:.3f} [{m['macro_f1_ci'][0]:.3f}, {m['macro_f1_ci'][1]:.3f}], kappa {m['kappa']:.3f}; "
          f"gate {'passed' if rep.gate.passed else 'failed'}")
    h = rep.heldout
    print(f"  its held-out table (train {h['n_train']}, test {h['n_test']}): "
          + ", ".join(f"{k} macro-F1 {h[k]['macro_f1']:.3f}" for k in ("model", "label_informed", "baseline") if k in h))
    return 0


if __name__ == "__main__":
    sys.exit(main())
