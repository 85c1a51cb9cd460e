"""Topic model benchmark on the synthetic corpus: speed, memory and quality.

  .venv/bin/python benchmarks/bench_topics.py [--n 250000] [--seed 42] [--data DIR] [--quality-topics 66]

Generates (or reuses) the synthetic corpus (``signalen_lib.synth.generate``), masks its personal
data with the ground-truth spans (the shared zone holds masked text), and prints:
- preprocessing speed (texts/s), fitting time for 40 topics, assignment speed (texts/s), peak RSS;
- (``categories``) the category model as the store runs it: fit on 500 ground-truth training
  labels (corpus capped at ``categories.store.MAX_TEXTS`` texts, the 40-topic model's topic
  weights as one view), then assignment speed of LDA topics + the category model's categories
  (``categories.store.category_rows``) on 100,000 texts, and its accuracy / macro-F1 there;
- seeded-category recovery: accuracy and macro-F1 of the rank-1 category against the ground-truth
  main category (``--quality-topics``: one seeded topic per subcategory + free topics), for seeded
  LDA alone, with each channel's boilerplate removed, and with the self-trained refiner (default);
- whether the injected new signal (slagboom at a corona test location) gets its own free topic;
- retraining on a later period: share of topics (and of seeded topics) that keep their stable id
  and name, and whether the new signal's topic is flagged new.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="topic model benchmark")
    ap.add_argument("--n", type=int, default=250_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--data", type=Path, default=None, help="existing synthetic corpus folder (default: generate into data/cache)")
    ap.add_argument("--quality-topics", type=int, default=66)
    ap.add_argument("--speed-topics", type=int, default=40)
    ap.add_argument("--parts", default="speed,categories,quality,retrain",
                    help="comma-separated: speed, categories (needs speed), quality, retrain")
    args = ap.parse_args(argv)

    from signalen_lib.config import load_config
    from signalen_lib.text import Preprocessor
    from signalen_lib.topics import TopicModel, align_topics, load_taxonomy
    from signalen_lib.topics.evaluation import category_quality, load_synthetic, new_signal_topic

    settings = load_config()
    out = args.data or settings.cache_dir / f"bench_synth_{args.n}_{args.seed}"
    if not (out / "ground_truth" / "signals.csv").exists():
        from signalen_lib.synth.generate import generate

        t0 = time.perf_counter()
        generate(args.n, args.seed, out)
        print(f"generated {args.n} synthetic signals into {out} in {time.perf_counter() - t0:.0f}s")
    df = load_synthetic(out).sort_values("received_at", kind="stable").reset_index(drop=True)
    texts = df["text"].tolist()
    tax = load_taxonomy(settings.taxonomy_path)
    print(f"corpus: {len(df)} signals, {df['category'].nunique()} ground-truth categories, "
          f"{int((df['category'] == 'nieuw_slagboom').sum())} of the new signal; cores: {os.cpu_count()}")

    parts = set(args.parts.split(","))
    if "speed" in parts:
        m40 = speed(args, df, texts, tax)
        if "categories" in parts:
            categories(args, df, texts, tax, m40)
        del m40
    if "quality" in parts:
        quality(args, df, texts, tax)
    if "retrain" in parts:
        retrain(args, df, tax)
    print(f"peak RSS: {peak_rss_mb():,.0f} MB")
    return 0


def speed(args, df, texts, tax) -> None:
    from signalen_lib.text import Preprocessor
    from signalen_lib.topics import TopicModel
    from signalen_lib.topics.evaluation import category_quality

    # ---- preprocessing speed (cold lemma cache, then warm) ---------------------------------
    pre = Preprocessor(phrases=False)
    t0 = time.perf_counter()
    docs = pre.transform(texts)
    dt = time.perf_counter() - t0
    t0 = time.perf_counter()
    pre.transform(texts[:50_000])
    dt_warm = time.perf_counter() - t0
    print(f"preprocessing: {len(texts) / dt:,.0f} texts/s (cold cache, {dt:.1f}s), "
          f"{min(50_000, len(texts)) / dt_warm:,.0f} texts/s warm; {sum(map(len, docs)) / len(docs):.1f} tokens/text")
    pre_ph = Preprocessor(phrases=True)
    t0 = time.perf_counter()
    pre_ph.fit(texts[:50_000])
    pre_ph.transform(texts)
    print(f"preprocessing with phrases (fit on 50k, apply to all): {time.perf_counter() - t0:.1f}s, "
          f"{len(pre_ph.phrasegrams_)} phrases")
    del docs

    # ---- fitting speed: 40 topics ------------------------------------------------------------
    t0 = time.perf_counter()
    m40 = TopicModel(args.speed_topics, taxonomy=tax, random_state=args.seed).fit(texts, groups=df["source"].tolist())
    fit40 = time.perf_counter() - t0
    print(f"fit {args.speed_topics} topics ({m40.seed_level_} seeds, {m40.passes_} pass(es)) on {len(texts)} texts: "
          f"{fit40:.0f}s total ({m40.seconds_fit_:.0f}s LDA updates); peak RSS {peak_rss_mb():,.0f} MB; load {os.getloadavg()}")

    # ---- assignment speed ----------------------------------------------------------------------
    from signalen_lib.topics.service import assign_frame

    sample = texts[: min(100_000, len(texts))]
    frame = pd.DataFrame({"signal_id": df["signal_id"].iloc[: len(sample)].to_numpy(), "text": sample})
    for n_jobs in (1, os.cpu_count() or 1):
        t0 = time.perf_counter()
        a, _ = assign_frame(m40, frame, n_jobs=n_jobs)  # what assign_store does per batch
        dt = time.perf_counter() - t0
        print(f"assign (preprocess + infer + rank, topics.service.assign_frame) {len(sample)} new texts, "
              f"{n_jobs} process(es): {len(sample) / dt:,.0f} texts/s; load {os.getloadavg()}")
    pred40 = m40.predict(texts, theta=m40.transform(texts))
    q40 = category_quality(pred40, df["category"].to_numpy(), tax.keys)
    print(f"quality {args.speed_topics} topics: accuracy {q40['accuracy']:.3f}, macro-F1 {q40['macro_f1']:.3f}, "
          f"overig share {q40['overig_share']:.3f}; load {os.getloadavg()}")
    del a
    return m40


def categories(args, df, texts, tax, m40, n_labels: int = 500) -> None:
    """The category model as the store runs it (see the module doc)."""
    from signalen_lib.categories.model import CategoryModel, seed_words_from_taxonomy
    from signalen_lib.categories.store import MAX_TEXTS
    from signalen_lib.config import load_config
    from signalen_lib.topics.evaluation import category_quality
    from signalen_lib.topics.service import assign_frame

    rng = np.random.default_rng(args.seed)
    truth = df["category"].to_numpy()
    ok = np.flatnonzero(np.isin(truth, list(tax.keys) + ["overig"]))
    lab = rng.choice(ok, n_labels, replace=False)
    rest = np.setdiff1d(np.arange(len(texts)), lab)
    corpus = np.concatenate([lab, rng.choice(rest, min(len(rest), MAX_TEXTS - n_labels), replace=False)])
    ctexts = [texts[i] for i in corpus]
    y = [truth[i] if k < n_labels else None for k, i in enumerate(corpus)]
    t0 = time.perf_counter()
    theta = m40.transform(ctexts)
    cm = CategoryModel(seed=args.seed, seed_words=seed_words_from_taxonomy(tax)).fit(ctexts, y, doc_topics=theta)
    fit_s = time.perf_counter() - t0
    print(f"category model: fit on {n_labels} training labels, {len(ctexts)} texts: {fit_s:.0f}s; "
          f"peak RSS {peak_rss_mb():,.0f} MB; load {os.getloadavg()}")
    settings = load_config()
    sample = texts[: min(100_000, len(texts))]
    ids = df["signal_id"].iloc[: len(sample)].tolist()
    frame = pd.DataFrame({"signal_id": ids, "text": sample})
    for n_jobs in (1, os.cpu_count() or 1):
        t0 = time.perf_counter()
        parts = []
        for start in range(0, len(sample), 50_000):  # the batches assign_store uses
            cats, _ = assign_frame(m40, frame.iloc[start:start + 50_000], n_jobs=n_jobs, category_model=cm,
                                   overig_threshold=settings.overig_threshold)
            parts.append(cats)
        dt = time.perf_counter() - t0
        rows = pd.concat(parts, ignore_index=True)
        first = rows[rows["rank"] == 1].set_index("signal_id").reindex(ids)["category"].to_numpy()
        q = category_quality(first, truth[: len(sample)], tax.keys)
        print(f"assign with the category model (LDA topics + categories, assign_frame) {len(sample)} texts, "
              f"{n_jobs} process(es) for the topics: {len(sample) / dt:,.0f} texts/s; accuracy {q['accuracy']:.3f}, "
              f"macro-F1 {q['macro_f1']:.3f}, overig share {q['overig_share']:.3f}; peak RSS {peak_rss_mb():,.0f} MB; "
              f"load {os.getloadavg()}")


def quality(args, df, texts, tax) -> None:
    from signalen_lib.topics import TopicModel
    from signalen_lib.topics.evaluation import category_quality, new_signal_topic

    # ---- quality: subcategory seeds, each part of the workbench added in turn -------------------
    truth = df["category"].to_numpy()
    is_new = (truth == "nieuw_slagboom")
    sources = df["source"].tolist()
    configs = [
        ("seeded LDA only", dict(refine=False), None),
        ("+ channel boilerplate removed", dict(refine=False), sources),
        ("+ self-trained refiner (default)", {}, sources),
    ]
    for label, params, groups in configs:
        t0 = time.perf_counter()
        m = TopicModel(args.quality_topics, taxonomy=tax, random_state=args.seed, **params).fit(texts, groups=groups)
        fit_s = time.perf_counter() - t0
        theta = m.transform(texts)
        a = m.assign(texts, df["signal_id"].tolist(), theta=theta)
        first = a[a["rank"] == 1]
        q = category_quality(first["category"].to_numpy(), truth, tax.keys)
        ns = new_signal_topic(m, texts, is_new, theta=theta)
        # the new signal as the workbench reports it: rank-1 rows on its free topic
        on_topic = (first["topic_id"].to_numpy() == ns.get("topic_id", -2))
        rec = float(on_topic[is_new].mean()) if is_new.any() else 0.0
        prec = float(is_new[on_topic].mean()) if on_topic.any() else 0.0
        print(f"quality {args.quality_topics} topics, {label}: accuracy {q['accuracy']:.3f}, macro-F1 {q['macro_f1']:.3f} "
              f"(n={q['n']}), overig share {q['overig_share']:.3f}; fit {fit_s:.0f}s, "
              f"{len(getattr(m, 'boilerplate_words_', []))} boilerplate words")
        print(f"  new signal: topic {ns.get('stable_id')} free={ns.get('free_topic')} dominant-topic recall "
              f"{ns.get('recall', 0):.2f} precision {ns.get('precision', 0):.2f}; assigned recall {rec:.2f} precision {prec:.2f}; "
              f"top words: {', '.join(ns.get('top_words', []))}")
        del theta, a, m


def retrain(args, df, tax) -> None:
    from signalen_lib.topics import TopicModel, align_topics
    from signalen_lib.topics.evaluation import new_signal_topic

    # ---- retraining on a later period ------------------------------------------------------------
    is_new = (df["category"] == "nieuw_slagboom").to_numpy()
    start_new = df.loc[is_new, "received_at"].min()
    cut_a = start_new if start_new is not None and start_new == start_new else df["received_at"].quantile(0.5)
    period_a = df["received_at"] < cut_a
    later = df["received_at"] >= df["received_at"].quantile(0.25)
    old = TopicModel(args.quality_topics, taxonomy=tax, random_state=args.seed).fit(df.loc[period_a, "text"].tolist(), groups=df.loc[period_a, "source"].tolist())
    new = TopicModel(args.quality_topics, taxonomy=tax, random_state=args.seed + 1).fit(df.loc[later, "text"].tolist(), groups=df.loc[later, "source"].tolist())
    match = align_topics(new, old)
    seeded = new.topics_["seeded"].to_numpy(dtype=bool)
    kept = ~match["is_new"].to_numpy()
    tn, to = new.topics_.set_index("stable_id"), old.topics_.set_index("stable_id")
    same_name = np.mean([tn.loc[s, "name"] == to.loc[s, "name"] for s in tn.index[kept] if s in to.index]) if kept.any() else 0
    nsl = new_signal_topic(new, df.loc[later, "text"].tolist(), is_new[later.to_numpy()])
    print(f"retrain: period A < {cut_a:%Y-%m-%d} ({int(period_a.sum())} texts, no new signal) vs later period "
          f"({int(later.sum())} texts, other seed): {kept.mean():.0%} of topics keep their id "
          f"({kept[seeded].mean():.0%} of seeded, {kept[~seeded].mean():.0%} of free), {same_name:.0%} of kept keep their name; "
          f"{int((~kept).sum())} flagged new; new-signal topic {nsl.get('stable_id')} is_new={nsl.get('is_new')} "
          f"(top words: {', '.join(nsl.get('top_words', [])[:5])})")


if __name__ == "__main__":
    sys.exit(main())
