"""Validation of the stored model against the hand labels: what ``notebooks/03_valideren.ipynb``
calls. Metrics, the baseline side by side, Altair charts, the gate verdict, files in the run's
report folder."""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd

from .gate import GateResult, gate_from_settings
from .labels import load_labels, main_labels, read_labels_csv
from .metrics import coverage_curve, evaluate, inter_annotator, summary
from .models import TfidfBaseline
from .standalone import stratified_split
from signalen_lib.runs.timing import timed
from signalen_lib.store.queries import query_for_ids
from signalen_lib.vocab.ids import new_run_id
from signalen_lib.vocab.models import current_topic_model
from signalen_lib.vocab.taxonomy import OVERIG, CategoryTree


def _json_safe(obj):
    if isinstance(obj, dict):
        return {str(k): _json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_json_safe(v) for v in obj]
    if isinstance(obj, (np.floating, float)):
        return None if math.isnan(float(obj)) else float(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, pd.DataFrame):
        return _json_safe(obj.to_dict(orient="records"))
    return obj


def to_json(obj, **kw) -> str:
    """JSON text with NaN as null (strict JSON)."""
    return json.dumps(_json_safe(obj), ensure_ascii=False, allow_nan=False, **kw)


@dataclass
class ValidationReport:
    run_id: str
    model_version: str | None
    labels_source: str
    metrics: dict                  # model vs labels, all labelled texts (evaluate() result)
    heldout: dict                  # {"model": summary, "baseline": summary, "n_train", "n_test"}
    coverage: pd.DataFrame
    annotators: dict
    gate: GateResult
    charts: dict = field(default_factory=dict)
    out_dir: Path | None = None
    proposed_sample: str | None = None  # before the first labels: the sample drawn for labelling

    @property
    def validated(self) -> bool:
        return self.gate.validated

    def summary_frame(self) -> pd.DataFrame:
        """Headline figures in Dutch, for display."""
        m = self.metrics
        rows = [
            ("Gelabelde teksten", m["n"], None),
            ("Nauwkeurigheid (accuracy)", m["accuracy"], m.get("accuracy_ci")),
            ("Macro-F1", m["macro_f1"], m.get("macro_f1_ci")),
            ("Cohen's kappa", m["kappa"], m.get("kappa_ci")),
            ("Kappa tussen labelaars", self.annotators.get("kappa"), None),
            ("Overlap labelaars (teksten)", self.annotators.get("n_overlap"), None),
        ]
        return pd.DataFrame(
            [(k, v, f"{ci[0]:.2f} – {ci[1]:.2f}" if ci else "") for k, v, ci in rows],
            columns=["maat", "waarde", "95%-interval"],
        )

    def heldout_frame(self) -> pd.DataFrame:
        h = self.heldout
        rows = []
        for name, key in (("Werkbank (model)", "model"), ("Werkbank, aangescherpt met de labels", "label_informed"),
                          ("Basislijn TF-IDF + logistische regressie", "baseline")):
            if key not in h:
                continue
            s = h.get(key) or {}
            rows.append({"": name, "accuracy": s.get("accuracy"), "macro-F1": s.get("macro_f1"), "kappa": s.get("kappa"), "n": s.get("n")})
        return pd.DataFrame(rows)

    def per_category_frame(self) -> pd.DataFrame:
        per = self.metrics["per_category"].copy()
        for m in ("precision", "recall", "f1"):
            per[f"{m} (95%)"] = per.apply(
                lambda r, m=m: f"{r[m]:.2f} ({r[m + '_lo']:.2f}–{r[m + '_hi']:.2f})" if pd.notna(r[m + "_lo"]) else f"{r[m]:.2f}", axis=1
            )
        return per[["category", "support", "predicted", "precision (95%)", "recall (95%)", "f1 (95%)"]]

    def as_dict(self) -> dict:
        if not self.validated:
            return {"run_id": self.run_id, "model_version": self.model_version, "labels_source": self.labels_source,
                    "gate": self.gate.as_dict(), "proposed_sample": self.proposed_sample}
        return {
            "run_id": self.run_id, "model_version": self.model_version, "labels_source": self.labels_source,
            "metrics": summary(self.metrics), "heldout": self.heldout,
            "per_category": [
                {k: r.get(k) for k in ("category", "support", "precision", "recall", "f1", "f1_lo", "f1_hi")}
                for r in self.metrics["per_category"].to_dict("records")],
            "inter_annotator_kappa": self.annotators.get("kappa"), "gate": self.gate.as_dict(),
        }

    def write(self, out_dir: str | Path) -> Path:
        """metrics.json, per_category.csv, confusion.csv, coverage.csv, annotators.csv and the
        charts (SVG, and their Vega-Lite specs) in ``out_dir``."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        (out / "metrics.json").write_text(to_json(self.as_dict(), indent=2), encoding="utf-8")
        self.metrics["per_category"].to_csv(out / "per_category.csv", index=False)
        self.metrics["confusion"].to_csv(out / "confusion.csv")
        self.coverage.to_csv(out / "coverage.csv", index=False)
        self.annotators["pairs"].to_csv(out / "annotators.csv", index=False)
        for name, chart in self.charts.items():
            (out / f"{name}.vl.json").write_text(chart.to_json(), encoding="utf-8")  # the Vega-Lite spec
            chart.save(str(out / f"{name}.svg"))  # rendered offline by vl-convert
        self.out_dir = out
        return out


def _first_sample(settings, model_version: str | None, seed: int) -> str | None:
    """Before the first labels: draw (once) the stratified sample staff label first."""
    from ..store import open_store
    from .sampling import draw_sample, load_sample

    with open_store(settings, restricted=False) as store:
        db = store.shared
        existing = load_sample(db, purpose="validation")
        if len(existing):
            return str(existing["sample_id"].iloc[0])
        sample_id = "eerste-steekproef"
        sample = draw_sample(db, 200, seed=seed, model_version=model_version, sample_id=sample_id)
        return sample_id if len(sample) else None


# ---- data -------------------------------------------------------------------------------
def model_assignments(db, model_version: str | None, ids: list[str] | None = None) -> pd.DataFrame:
    """signal_id, category (rank 1) and prob of the model's assignment (of ``ids`` only, when given)."""
    if model_version is None or not db.table_exists("signal_categories"):
        return pd.DataFrame(columns=["signal_id", "category", "prob"])
    sql = "SELECT signal_id, category, prob FROM signal_categories WHERE model_version = ? AND rank = 1"
    if ids is not None:
        return query_for_ids(db, sql + " AND signal_id IN ({ids})", ids, [model_version]).drop_duplicates("signal_id")
    return db.query_df(sql, [model_version]).drop_duplicates("signal_id")


def load_label_rows(db, labels_source: str, tree=None) -> pd.DataFrame:
    """``store`` (the labels table's validation labels: training labels chosen by active learning
    are not a random sample and would bias the metrics) or the path of a labels CSV (checked
    against the store)."""
    if labels_source in ("", "store"):
        return load_labels(db, purpose="validation")
    known = [r[0] for r in db.execute("SELECT signal_id FROM signals")]
    return read_labels_csv(labels_source, tree=tree, known_ids=known)


def use_offline_charts() -> None:
    """Render Altair charts as SVG in the kernel (vl-convert): no JavaScript from a CDN, and the
    executed notebook's HTML shows them."""
    alt.renderers.enable("svg")


# ---- charts -------------------------------------------------------------------------------
def charts(metrics: dict, coverage: pd.DataFrame, threshold: float | None = None, names: dict | None = None) -> dict:
    names = names or {}
    per = metrics["per_category"].copy()
    per["naam"] = per["category"].map(lambda c: names.get(c, c))
    base = alt.Chart(per).encode(y=alt.Y("naam:N", sort="-x", title="categorie"))
    f1 = base.mark_bar(color="#00689e").encode(
        x=alt.X("f1:Q", title="F1 (95%-interval)", scale=alt.Scale(domain=[0, 1])),
        tooltip=["naam", "support", "precision", "recall", "f1", "f1_lo", "f1_hi"],
    ) + base.mark_rule(color="black").encode(x="f1_lo:Q", x2="f1_hi:Q")
    cm = metrics["confusion"].stack().rename("n").reset_index()
    cm["label"] = cm["label"].map(lambda c: names.get(c, c))
    cm["model"] = cm["model"].map(lambda c: names.get(c, c))
    conf = alt.Chart(cm).mark_rect().encode(
        x=alt.X("model:N", title="model"), y=alt.Y("label:N", title="label (hand)"),
        color=alt.Color("n:Q", scale=alt.Scale(scheme="blues"), title="teksten"), tooltip=["label", "model", "n"],
    ).properties(title="Verwarringsmatrix")
    cov = coverage.melt(id_vars="threshold", value_vars=["coverage", "accuracy_covered"], var_name="maat", value_name="waarde")
    cov["maat"] = cov["maat"].map({"coverage": "dekking", "accuracy_covered": "nauwkeurigheid (gedekt)"})
    curve = alt.Chart(cov).mark_line(point=True).encode(
        x=alt.X("threshold:Q", title="drempel 'overig'"), y=alt.Y("waarde:Q", scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("maat:N", title=""), tooltip=["threshold", "maat", "waarde"],
    )
    if threshold is not None:
        curve = curve + alt.Chart(pd.DataFrame({"t": [threshold]})).mark_rule(strokeDash=[4, 4]).encode(x="t:Q")
    return {
        "f1_per_category": f1.properties(title="F1 per categorie", width=420),
        "confusion": conf,
        "coverage": curve.properties(title="Dekking en nauwkeurigheid tegen de drempel voor 'overig'", width=420),
    }


def label_informed_heldout(settings, model_version, df, tr, te, cats, seed) -> dict | None:
    """The workbench's assignment sharpened by the labels (topic weights of the saved topic model
    + label-learned topic->category map + words), learned on the training part, scored on the
    held-out part. None when the topic model cannot be loaded.

    The result depends only on the model, the labelled texts, the split and the seed: it is kept
    in the model's folder under a hash of those, so a nightly run with the same model and the same
    labels reads it instead of learning it again."""
    import hashlib

    key = hashlib.sha256(to_json({
        "model": model_version, "seed": seed, "cats": list(cats), "tr": [int(i) for i in tr],
        "te": [int(i) for i in te], "ids": df["signal_id"].astype(str).tolist(),
        "labels": df["category"].astype(str).tolist(), "texts": df["text"].fillna("").astype(str).tolist(),
    }).encode("utf-8")).hexdigest()[:20]
    cache = settings.models_dir / str(model_version) / "validation" / f"label_informed_{key}.json"
    if model_version and cache.is_file():
        with timed("validate: label-informed model (kept result)"):
            out = json.loads(cache.read_text(encoding="utf-8"))
            out["topic_category_map"] = {int(k): v for k, v in out.get("topic_category_map", {}).items()}
            return out
    with timed("validate: label-informed model"):
        out = _label_informed_heldout(settings, model_version, df, tr, te, cats, seed)
    if out is not None and cache.parent.parent.is_dir():
        cache.parent.mkdir(exist_ok=True)
        cache.write_text(to_json(out), encoding="utf-8")
    return out


def _label_informed_heldout(settings, model_version, df, tr, te, cats, seed) -> dict | None:
    from ..topics import load_model
    from . import adapters as _adapters
    from .models import LabelInformedAssigner

    try:
        model = load_model(settings, model_version)
    except (FileNotFoundError, ValueError):
        return None
    texts = df["text"].fillna("").astype(str).tolist()
    W = model.topic_scores(texts)  # topic weights as the model ranks categories (refiner included)
    tokens, _ = _adapters.preprocess(texts)
    prep = [" ".join(t) for t in tokens]
    y = df["category"].astype(str).to_numpy()
    wb = LabelInformedAssigner(named_topics=model.topic_categories_, seed=seed).fit([prep[i] for i in tr], W[tr], y[tr])
    pred = wb.predict([prep[i] for i in te], W[te])
    out = summary(evaluate(y[te], pred, labels=cats, n_boot=0))
    out["topic_category_map"] = {int(k): v for k, v in enumerate(wb.topic_category_map_.idxmax(axis=1))}
    return out


# ---- the validation run -------------------------------------------------------------------
def validate_store(
    settings,
    *,
    labels_source: str = "store",
    model_version: str | None = None,
    min_macro_f1: float | None = None,
    min_kappa: float | None = None,
    train_fraction: float = 0.3,
    seed: int = 0,
    n_boot: int = 1000,
    run_id: str | None = None,
    write: bool = True,
    record: bool = True,
) -> ValidationReport:
    """Compare the model's stored rank-1 categories with the hand labels; fit the TF-IDF + LR
    baseline on ``train_fraction`` of the labels and compare both on the rest; gate; write files
    into ``settings.runs_dir / run_id / 'validation'``; record the run in ``validation_runs``."""
    from ..store import open_store

    from ..categories.edits import shaped_taxonomy, translate_labels

    run_id = run_id or new_run_id("validation")
    with timed("validate: read labels and their assignments"), open_store(settings, restricted=False) as store:
        db = store.shared
        # the taxonomy file plus staff's edits: a merged category's labels count for its new category
        shaped = shaped_taxonomy(db, settings)
        tree = CategoryTree.from_taxonomy(shaped.taxonomy)
        names = {c.key: c.name for c in tree.categories}
        model_version = model_version or current_topic_model(db)
        rows = translate_labels(load_label_rows(db, labels_source, tree), shaped)
        gold = main_labels(rows)
        # only the labelled signals: a nightly validation does not read the whole store
        pred = model_assignments(db, model_version, ids=gold["signal_id"].tolist())
        texts = query_for_ids(db, "SELECT signal_id, text FROM signals WHERE signal_id IN ({ids})",
                              gold["signal_id"].tolist())
    if gold.empty:  # a new organisation: nothing to measure yet; propose what to label first
        from .gate import not_validated

        report = ValidationReport(
            run_id=run_id, model_version=model_version, labels_source=labels_source or "store",
            metrics={"n": 0}, heldout={}, coverage=pd.DataFrame(), annotators={}, gate=not_validated(settings),
            proposed_sample=_first_sample(settings, model_version, seed) if model_version else None)
        if write:
            out = settings.runs_dir / run_id / "validation"
            out.mkdir(parents=True, exist_ok=True)
            (out / "metrics.json").write_text(to_json(report.as_dict(), indent=2), encoding="utf-8")
            report.out_dir = out
        if record:
            with open_store(settings, restricted=False) as store:
                store.shared.insert_df("validation_runs", pd.DataFrame([{
                    "run_id": run_id, "model_version": model_version, "labels_source": report.labels_source,
                    "created_at": pd.Timestamp(datetime.now().replace(microsecond=0)), "n_labels": 0,
                    "metrics": to_json(report.as_dict()), "gate_passed": False,
                }]), on_conflict_ignore=True)
        return report
    df = gold.merge(pred.rename(columns={"category": "predicted"}), on="signal_id", how="left")
    df["predicted"] = df["predicted"].astype(object).where(df["predicted"].notna(), OVERIG)
    df["prob"] = pd.to_numeric(df["prob"], errors="coerce").fillna(0.0)
    cats = [c for c in tree.keys if c in set(df["category"])] + sorted(set(df["category"]) - set(tree.keys))
    with timed("validate: metrics with bootstrap intervals", count=len(df)):
        metrics = evaluate(df["category"], df["predicted"], labels=cats, n_boot=n_boot, seed=seed)
    coverage = coverage_curve(df["prob"], df["category"], df["predicted"])
    annotators = inter_annotator(rows)
    # held out: the baseline learns from part of the labels; both are scored on the rest
    heldout: dict = {}
    df = df.merge(texts, on="signal_id", how="left")
    if df["category"].nunique() >= 2 and len(df) >= 10:
        tr, te = stratified_split(df["category"].astype(str), train_fraction, seed)
        base = TfidfBaseline(seed=seed).fit(df["text"].iloc[tr].fillna("").tolist(), df["category"].iloc[tr])
        pb = base.predict(df["text"].iloc[te].fillna("").tolist())
        heldout = {
            "n_train": int(len(tr)), "n_test": int(len(te)), "train_fraction": train_fraction,
            "model": summary(evaluate(df["category"].iloc[te], df["predicted"].iloc[te], labels=cats, n_boot=0)),
            "baseline": summary(evaluate(df["category"].iloc[te], pb, labels=cats, n_boot=0)),
        }
        sharpened = label_informed_heldout(settings, model_version, df, tr, te, cats, seed)
        if sharpened is not None:
            heldout["label_informed"] = sharpened
    gate = gate_from_settings(metrics, settings, min_macro_f1=min_macro_f1, min_kappa=min_kappa)
    report = ValidationReport(
        run_id=run_id, model_version=model_version, labels_source=labels_source or "store", metrics=metrics,
        heldout=heldout, coverage=coverage, annotators=annotators, gate=gate,
        charts=charts(metrics, coverage, settings.overig_threshold, names),
    )
    if write:
        report.write(settings.runs_dir / run_id / "validation")
    if record:
        with open_store(settings, restricted=False) as store:
            store.shared.insert_df("validation_runs", pd.DataFrame([{
                "run_id": run_id, "model_version": model_version, "labels_source": report.labels_source,
                "created_at": pd.Timestamp(datetime.now().replace(microsecond=0)), "n_labels": int(metrics["n"]),
                "metrics": to_json(report.as_dict()), "gate_passed": bool(gate.passed),
            }]), on_conflict_ignore=True)
    return report
