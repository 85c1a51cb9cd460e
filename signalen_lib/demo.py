"""``signalen demo`` (what ``make demo`` calls): demo data -> pipeline -> reports -> summary -> dashboard."""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Callable

from signalen_lib.config import Settings, load_config

Echo = Callable[[str], None]


def generate_demo_data(settings: Settings, n: int, seed: int) -> object:
    """Write the synthetic corpus into ``settings.raw_dir`` (``signalen_lib.synth.generate``)."""
    from signalen_lib.synth import generate

    return generate(n, seed, out_dir=settings.raw_dir)


def _taxonomy_tree(path=None) -> dict[str, set[str]]:
    from signalen_lib.vocab.taxonomy import load_category_tree

    tree = load_category_tree(path or load_config().taxonomy_path)
    return {key: set(tree.subkeys(key)) for key in tree.keys}


def sample_labels(ground_truth: str | os.PathLike, out_csv: str | os.PathLike, *, n: int = 600, seed: int = 42,
                  taxonomy: str | os.PathLike | None = None, known_ids=None) -> Path | None:
    """A "hand-labelled sample" for 03_valideren from the synthetic corpus' ground truth
    (``<raw>/ground_truth/signals.csv``): ``n`` random rows as signal_id,category,subcategory,perception.
    Returns the CSV's path, or None without ground truth."""
    import pandas as pd

    gt = Path(ground_truth)
    if not gt.exists():
        return None
    df = pd.read_csv(gt, dtype=str)
    cols = [c for c in ("signal_id", "category", "subcategory", "perception") if c in df.columns]
    df = df[cols].dropna(subset=["signal_id", "category"])
    if known_ids is not None:
        df = df[df["signal_id"].isin(list(known_ids))]
    valid = _taxonomy_tree(taxonomy)
    df = df[df["category"].isin(list(valid))].copy()  # e.g. a new topic the taxonomy does not know yet
    if "subcategory" in df.columns:
        ok = [isinstance(sub, str) and sub in valid.get(cat, ()) for cat, sub in zip(df["category"], df["subcategory"])]
        df["subcategory"] = df["subcategory"].where(ok, None)
    df = df.sample(n=min(n, len(df)), random_state=seed).sort_values("signal_id")
    out = Path(out_csv)
    out.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(out, index=False)
    return out


def labels_step(ground_truth: str | os.PathLike, out_csv: str | os.PathLike, *, n: int = 600, seed: int = 42,
                n_training: int = 500, batch: int = 100, max_texts: int = 5000):
    """A pipeline step (run after ingest) that stands in for analysts labelling:

    1. the validation sample: ``n`` random ground-truth labels of signals that are in the store
       (03_valideren rejects labels of unknown ids, e.g. quarantined rows), written to ``out_csv``
       (what 03_valideren reads) and stored as validation labels (the learning curve measures on
       them);
    2. training labels chosen by active learning, as ``signalen labels next`` proposes them:
       ``n_training`` texts in batches of ``batch`` (a random warm start, then the texts the
       retrained model is least sure of), never from the validation sample, each answered with
       the ground truth. Labels already stored count toward ``n_training``."""
    from signalen_lib.runs.pipeline import Step

    def write_labels(store, settings):
        from signalen_lib.validation.labels import import_labels_csv

        from signalen_lib.validation.labels import load_labels

        db = store.shared
        if Path(out_csv).exists() and len(load_labels(db, purpose="validation")):
            # the validation sample is drawn and labelled once, as staff would; later nights keep it
            # (a redrawn sample would change the hand labels, and with them refit perception every night)
            n_val = 0
        else:
            # never a text that is a training label already
            known = set(db.query_df("SELECT signal_id FROM signals")["signal_id"]) - set(
                load_labels(db, purpose="training")["signal_id"])
            path = sample_labels(ground_truth, out_csv, n=n, seed=seed, taxonomy=settings.taxonomy_path, known_ids=known)
            if path is None:
                return {"labels": 0}
            tree = load_category_tree_of(settings)
            n_val = import_labels_csv(db, path, tree=tree, default_labeller="demo-validatie", purpose="validation")
        n_train = active_training_labels(store, settings, ground_truth, n_training, batch=batch, max_texts=max_texts)
        return {"labels": n_val, "training_labels": n_train}

    return Step("labels", func=write_labels)


def load_category_tree_of(settings):
    from signalen_lib.vocab.taxonomy import load_category_tree

    return load_category_tree(settings.taxonomy_path)


def active_training_labels(store, settings, ground_truth, n_training: int, *, batch: int = 100,
                           max_texts: int = 5000, labeller: str = "demo-training") -> int:
    """Label ``n_training`` texts proposed by :func:`~signalen_lib.categories.active.propose_next`
    (batch by batch; each batch retrains), the synthetic ground truth standing in for staff.
    Returns the number of training labels in the store."""
    import pandas as pd

    from signalen_lib.categories.active import propose_next
    from signalen_lib.validation.labels import Label, load_labels, save_label

    db = store.shared
    gt = pd.read_csv(ground_truth, dtype=str).set_index("signal_id")
    tree = load_category_tree_of(settings)

    def have() -> int:
        return int(load_labels(db, purpose="training")["signal_id"].nunique())

    while have() < n_training:
        out, _ = propose_next(store, settings, min(batch, n_training - have()), max_texts=max_texts)
        if out.empty:
            break
        for sid in out["signal_id"]:
            if sid not in gt.index:
                continue
            cat, sub = gt.at[sid, "category"], gt.at[sid, "subcategory"] if "subcategory" in gt.columns else None
            if tree.get(cat) is None:  # e.g. a new subject the taxonomy does not know yet: staff say overig
                cat, sub = "overig", None
            sub = sub if isinstance(sub, str) and sub in tree.subkeys(cat) else None
            save_label(db, Label(sid, labeller, ((cat, sub),), purpose="training"), tree)
    return have()


def improvements_step(events_json: str | os.PathLike):
    """A pipeline step (run before the effects step) that stands in for a team registering its
    improvement: the synthetic corpus' improvement events go into the register once."""
    import json

    from signalen_lib.runs.pipeline import Step

    def register(store, settings):
        from signalen_lib.improvements.register import add_improvement, list_improvements

        events = json.loads(Path(events_json).read_text(encoding="utf-8")).get("events", [])
        known = set(list_improvements(store)["title"])
        added = 0
        for ev in events:
            if ev.get("kind") != "improvement":
                continue
            vol = (ev.get("true_effect") or {}).get("volume") or {}
            title = "Betalingsregeling direct regelen in het eerste gesprek"
            if title in known:
                continue
            add_improvement(store, settings=settings, title=title, start_date=ev["dates"]["start"],
                            categories=[vol.get("category", "betalingsregeling")],
                            sources=[vol["source"]] if vol.get("source") else [], cluster="Dienstverlening",
                            description="Het klantcontactcentrum regelt een betalingsregeling direct in het eerste gesprek.",
                            created_by="demo")
            added += 1
        return {"registered": added}

    return Step("improvements", func=register)


def pipeline_steps_with_labels(settings: Settings, ground_truth, out_csv, *, n: int = 600, seed: int = 42,
                               nb_dir=None, mode: str = "auto"):
    """The default pipeline with :func:`labels_step` after ingest, 03_valideren reading its CSV, and
    the corpus' improvement registered before the effects are measured."""
    from signalen_lib.runs.pipeline import default_steps

    steps = default_steps(settings, mode=mode, nb_dir=nb_dir, labels=out_csv)
    steps.insert(1, labels_step(ground_truth, out_csv, n=n, seed=seed))
    events = Path(ground_truth).parent / "events.json"
    at = next((i for i, s in enumerate(steps) if s.name == "effects"), None)
    if events.exists() and at is not None:
        steps.insert(at, improvements_step(events))
    return steps


def summary(settings: Settings) -> dict:
    """Counts that say what a run produced (shared zone only)."""
    from signalen_lib.store import open_store
    from signalen_lib.runs.pipeline import pipeline_status
    from signalen_lib.vocab.models import current_topic_model

    out: dict = {}
    with open_store(settings) as store:  # the restricted zone only for the quarantine count
        db = store.shared
        out["signals"] = db.count("signals") if db.table_exists("signals") else 0
        out["by_source"] = (
            dict(db.execute("SELECT source, count(*) FROM signals GROUP BY source ORDER BY source"))
            if out["signals"] else {}
        )
        if out["signals"]:
            lo, hi = db.execute("SELECT min(received_at), max(received_at) FROM signals")[0]
            out["period"] = f"{lo:%Y-%m-%d} t/m {hi:%Y-%m-%d}"
        out["quarantined"] = sum(z.count("quarantine") for z in (db, store.restricted) if z.table_exists("quarantine"))
        out["model_version"] = current_topic_model(store.shared)
        if out["model_version"] and db.table_exists("signal_categories"):
            out["categorised"] = int(db.scalar(
                "SELECT count(DISTINCT signal_id) FROM signal_categories WHERE model_version = ?", [out["model_version"]]))
            out["categories"] = int(db.scalar(
                "SELECT count(DISTINCT category) FROM signal_categories WHERE model_version = ?", [out["model_version"]]))
        out["status"] = pipeline_status(store, tz=settings.timezone)["notice"]
    return out


def run_demo(settings: Settings, *, n: int, seed: int = 42, config_path=None, reports: bool = True,
             progress: Echo = print, nb_dir=None) -> int:
    """Returns the exit code (0 ok, 1 failed, 3 locked)."""
    from signalen_lib.runs.lock import PipelineLocked
    from signalen_lib.runs.pipeline import run_pipeline
    from signalen_lib.runs.scheduled import latest_period, run_monthly_reports

    say = progress
    t0 = time.perf_counter()
    say(f"== 1/3 demodata: {n} synthetische signalen (seed {seed}) -> {settings.raw_dir}")
    generate_demo_data(settings, n, seed)
    gt = settings.raw_dir / "ground_truth" / "signals.csv"
    steps = None
    if gt.exists():  # synthetic ground truth stands in for a hand-labelled sample
        steps = pipeline_steps_with_labels(settings, gt, settings.data_dir / "labels_demo.csv", nb_dir=nb_dir)
        say(f"   validatie tegen een aselecte steekproef van 600 gelabelde signalen ({settings.data_dir / 'labels_demo.csv'}); "
            "500 trainingslabels gekozen door actief leren")
    say("== 2/3 pipeline")
    try:
        result = run_pipeline(settings, config_path=config_path, progress=say, nb_dir=nb_dir, steps=steps)
    except PipelineLocked as exc:
        say(f"signalen: {exc}")
        return 3
    report_files: list[str] = []
    if result.ok and reports:
        period = latest_period(settings)
        say(f"== 3/3 maandrapportages {period}")
        try:
            rep = run_monthly_reports(settings, period=period, all_clusters=True, config_path=config_path,
                                      progress=say, nb_dir=nb_dir)
            report_files = [p for s in rep.steps for p in (s.html_path, s.pdf_path) if p and s.status == "success"]
        except (ValueError, PipelineLocked) as exc:
            say(f"reports skipped: {exc}")
    info = summary(settings)
    say("")
    say("== Samenvatting")
    say(f"  signalen in de store : {info['signals']}" + (f"  ({info.get('period')})" if info.get("period") else ""))
    for src, cnt in info["by_source"].items():
        say(f"    {src:<20} {cnt}")
    say(f"  in quarantaine       : {info['quarantined']}")
    if info.get("model_version"):
        say(f"  topicmodel           : {info['model_version']} ({info.get('categorised', 0)} signalen, "
            f"{info.get('categories', 0)} categorieën)")
    say(f"  pipeline-run         : {result.run_id} ({result.status}) -> {result.output_dir}")
    for f in report_files:
        say(f"  rapport              : {f}")
    say(f"  {info['status']}")
    say(f"  tijd                 : {time.perf_counter() - t0:.0f} s")
    if not result.ok:
        say(f"signalen: pipeline failed at step '{result.failed_step}': {result.error}")
        return 1
    return 0


def serve_dashboard(settings: Settings, *, config_path=None, echo: Echo = print) -> int:
    """Serve the dashboard in the foreground (``signalen_lib.dashboard.serve.serve``, what
    ``signalen serve`` runs)."""
    from signalen_lib.dashboard.serve import serve

    url = f"http://{settings.dashboard_host}:{settings.dashboard_port}"
    echo(f"== dashboard op {url} (Ctrl-C stopt)")
    return serve(settings)


# ---- deliveries: the synthetic exports cut into monthly/daily files (e2e test, benchmark) ----------
def _read_kto(path: Path) -> tuple[str, list[str], list[list[str]]]:
    import csv

    raw = path.read_bytes()
    enc = "utf-8"
    for enc in ("utf-8", "cp1252"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    rows = list(csv.reader(text.splitlines(), delimiter=";"))
    return enc, rows[0], rows[1:]


def deliver(gen_dir: str | os.PathLike, raw_dir: str | os.PathLike, start, end, tag: str, *,
            whole: bool = False, plant: list[str] | None = None, seed: int = 5) -> int:
    """Copy the rows of the generated KTO and terugbelnotitie exports with a date in [start, end)
    into new export files ``<raw>/kto/kto_export_<tag>.csv`` and
    ``<raw>/terugbelnotitie/terugbel_<tag>.jsonl`` (a delivery); with ``whole`` also copy the
    klachten and interview exports as they are. ``plant``: sentences appended to random KTO texts
    (canary personal data). Returns the number of rows delivered (KTO + terugbel)."""
    import csv
    import json
    import random
    import shutil

    import pandas as pd

    gen, raw = Path(gen_dir), Path(raw_dir)
    t0, t1 = pd.Timestamp(start), pd.Timestamp(end)
    enc, header, rows = _read_kto(gen / "kto" / "kto_export.csv")
    i_date, i_text = header.index("Datum"), header.index("Toelichting")
    dates = pd.to_datetime([r[i_date] for r in rows], format="%d-%m-%Y %H:%M", errors="coerce")
    part = [r for r, d in zip(rows, dates) if t0 <= d < t1]
    if plant:
        rnd = random.Random(seed)
        for r, sentence in zip(rnd.sample(part, min(len(plant), len(part))), plant):
            r[i_text] = f"{r[i_text]} {sentence}"
    (raw / "kto").mkdir(parents=True, exist_ok=True)
    with open(raw / "kto" / f"kto_export_{tag}.csv", "w", encoding=enc, newline="") as fh:
        w = csv.writer(fh, delimiter=";", lineterminator="\r\n")
        w.writerow(header)
        w.writerows(part)
    lines = (gen / "terugbelnotitie" / "terugbelnotities.jsonl").read_text(encoding="utf-8").splitlines()
    tb = [ln for ln in lines if ln.strip() and t0 <= pd.Timestamp(json.loads(ln)["aangemaakt"]) < t1]
    (raw / "terugbelnotitie").mkdir(parents=True, exist_ok=True)
    (raw / "terugbelnotitie" / f"terugbel_{tag}.jsonl").write_text("\n".join(tb) + ("\n" if tb else ""), encoding="utf-8")
    if whole:
        for src in ("klacht", "interview"):
            if (gen / src).exists():
                shutil.copytree(gen / src, raw / src, dirs_exist_ok=True)
    return len(part) + len(tb)
