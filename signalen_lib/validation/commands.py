"""``signalen validate`` and ``signalen labels …``: thin calls into signalen_lib.validation."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

ConfigOption = typer.Option(None, "--config", "-c", help="YAML file with settings (see signalen_lib/defaults.yaml).")


def perception_standalone(texts: Path, labels: Optional[Path], train_fraction: float, seed: int, as_json: bool, config) -> None:
    """``signalen perception --texts … --labels …`` (the command is registered by signalen_lib.perception.commands)."""
    from ..config import load_config
    from .labels import LabelError
    from .report import to_json
    from .standalone import run_perception_cli

    try:
        result = run_perception_cli(texts, labels, train_fraction=train_fraction, seed=seed, settings=load_config(config))
    except LabelError as exc:
        typer.echo(f"signalen: error: {exc}", err=True)
        raise SystemExit(2)
    if as_json:
        typer.echo(to_json(result))
        return
    for who in ("workbench", "baseline"):
        r = result[who]
        typer.echo(f"{who:10s} accuracy {r['accuracy']:.3f}  macro-F1 {r['macro_f1']:.3f}  (n={r['n']})")


def register(app: typer.Typer) -> None:
    labels_app = typer.Typer(help="Labelling samples and hand labels: draw the validation sample, propose training texts, import/export CSV.", no_args_is_help=True)

    @app.command("validate")
    def validate(
        texts: Optional[Path] = typer.Option(None, "--texts", help="Standalone mode: CSV with id,text (optional received_at)."),
        labels: Optional[Path] = typer.Option(None, "--labels", help="CSV with id,category (standalone) or signal_id,category,... (store mode; default: the labels table)."),
        train_fraction: float = typer.Option(0.3, "--train-fraction", help="Share of the labels the workbench and the baseline learn from; the rest is held out."),
        seed: int = typer.Option(0, "--seed", help="Seed for the split, the models and the bootstrap."),
        model_version: Optional[str] = typer.Option(None, "--model-version", help="Store mode: model version to validate (default: the current one)."),
        taxonomy: Optional[Path] = typer.Option(None, "--taxonomy", help="Standalone mode: the organisation's own taxonomy YAML (same format as the package's): its categories are the label space, its seed words feed the models, its size sets the number of topics."),
        as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of a table."),
        config: Optional[Path] = ConfigOption,
    ) -> None:
        """Compare the model's categories with hand labels (store mode), or, with --texts and
        --labels, run the whole workbench on a CSV and score it against held-out labels."""
        from ..config import load_config
        from .labels import LabelError
        from .report import to_json

        settings = load_config(config)
        try:
            if texts is not None:
                if labels is None:
                    raise LabelError("--labels is required with --texts")
                from .standalone import read_simple_labels_csv, read_texts_csv, validate_texts
                from signalen_lib.vocab.taxonomy import Taxonomy

                tax = Taxonomy.load(taxonomy) if taxonomy is not None else None
                tdf = read_texts_csv(texts)
                ldf = read_simple_labels_csv(labels, known_ids=set(tdf["id"]), taxonomy=tax)
                result = validate_texts(tdf, ldf, train_fraction=train_fraction, seed=seed, settings=settings, taxonomy=tax)
                if as_json:
                    typer.echo(to_json(result))
                else:
                    for who in ("workbench", "baseline"):
                        r = result[who]
                        typer.echo(f"{who:10s} accuracy {r['accuracy']:.3f}  macro-F1 {r['macro_f1']:.3f}  kappa {r['kappa']:.3f}  (n={r['n']})")
                return
            if taxonomy is not None:
                raise LabelError("--taxonomy works with --texts (standalone mode); in store mode the setting "
                                 "'taxonomy_file' is the taxonomy")
            from .report import validate_store

            report = validate_store(
                settings, labels_source=str(labels) if labels else "store", model_version=model_version,
                train_fraction=train_fraction, seed=seed,
            )
        except LabelError as exc:
            typer.echo(f"signalen: error: {exc}", err=True)
            raise SystemExit(2)
        if as_json:
            typer.echo(to_json(report.as_dict()))
        else:
            typer.echo(report.summary_frame().to_string(index=False))
            typer.echo(f"gate: {'passed' if report.gate.passed else 'FAILED: ' + '; '.join(report.gate.reasons)}")
            typer.echo(f"report: {report.out_dir}")
        if not report.gate.passed:
            raise SystemExit(1)

    @labels_app.command("sample")
    def sample(
        n: int = typer.Option(500, "--n", help="Sample size."),
        seed: int = typer.Option(0, "--seed", help="Seed: the same seed on the same store gives the same sample."),
        sample_id: str = typer.Option("steekproef", "--sample-id", help="Name under which the sample is saved."),
        period: str = typer.Option("quarter", "--period", help="Stratification period: month, quarter or year."),
        min_per_category: int = typer.Option(5, "--min-per-category", help="Texts per predicted category at least (rare topics)."),
        config: Optional[Path] = ConfigOption,
    ) -> None:
        """Draw a labelling sample (stratified by source, period and predicted topic; excludes labelled texts)."""
        from ..config import load_config
        from ..store import open_store
        from .sampling import draw_sample

        with open_store(load_config(config), restricted=False) as store:
            s = draw_sample(store.shared, n, seed=seed, period=period, min_per_category=min_per_category, sample_id=sample_id)
        typer.echo(f"sample {sample_id}: {len(s)} texts in {s['stratum'].nunique() if len(s) else 0} strata")

    @labels_app.command("next")
    def next_(
        n: int = typer.Option(20, "--n", help="How many texts to propose."),
        seed: Optional[int] = typer.Option(None, "--seed", help="Seed (default: setting seed)."),
        as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of a table."),
        config: Optional[Path] = ConfigOption,
    ) -> None:
        """Propose the next training texts to label (active learning): retrain on the training labels
        so far, then the texts the model is least sure of, spread over the corpus, no near-duplicates,
        never texts of the validation sample. Saved as a training sample the labelling tool opens."""
        from ..categories.active import propose_next
        from ..config import load_config
        from ..store import open_store
        from .report import to_json

        settings = load_config(config)
        if n <= 0:
            typer.echo("signalen: error: --n must be at least 1", err=True)
            raise SystemExit(2)
        with open_store(settings, restricted=False) as store:
            out, info = propose_next(store, settings, n, seed=seed)
        if as_json:
            typer.echo(to_json({**info, "proposals": out.to_dict(orient="records")}))
            return
        r = info.get("retrain")
        if r:
            acc = "-" if r.get("accuracy") is None else f"{r['accuracy']:.3f}"
            typer.echo(f"retrained on {r['n_training_labels']} training labels; accuracy on the validation sample {acc} "
                       f"({r['n_validation']} texts)")
        else:
            typer.echo(f"{info['n_training_labels']} training labels: too few to train, proposing a random start batch")
        typer.echo(f"sample {info['sample_id']}: {len(out)} texts (open it in the labelling tool)")
        for row in out.itertuples():
            typer.echo(f"  {row.signal_id}  {str(row.text)[:90]}")

    @labels_app.command("import")
    def import_(
        path: Path = typer.Argument(..., help="CSV: signal_id,category[,subcategory,perception,labeller,purpose]"),
        labeller: str = typer.Option("import", "--labeller", help="Labeller for rows without one."),
        purpose: str = typer.Option("validation", "--purpose", help="validation (random validation sample) or training (active-learning labels), for rows without a purpose column."),
        config: Optional[Path] = ConfigOption,
    ) -> None:
        """Import labels from CSV (unknown ids or categories are errors naming file, line and field)."""
        from ..config import load_config
        from ..store import open_store
        from .labels import LabelError, import_labels_csv
        from signalen_lib.categories.edits import shaped_taxonomy
        from signalen_lib.vocab.taxonomy import CategoryTree

        settings = load_config(config)
        try:
            with open_store(settings, restricted=False) as store:
                tree = CategoryTree.from_taxonomy(shaped_taxonomy(store.shared, settings).taxonomy)  # file + staff's edits
                n = import_labels_csv(store.shared, path, tree=tree, default_labeller=labeller,
                                       purpose=purpose)
        except LabelError as exc:
            typer.echo(f"signalen: error: {exc}", err=True)
            raise SystemExit(2)
        typer.echo(f"imported labels for {n} texts from {path}")

    @labels_app.command("export")
    def export(
        path: Path = typer.Argument(..., help="CSV to write"),
        labeller: Optional[str] = typer.Option(None, "--labeller", help="Only this labeller's labels."),
        config: Optional[Path] = ConfigOption,
    ) -> None:
        """Export the stored labels as CSV."""
        from ..config import load_config
        from ..store import open_store
        from .labels import export_labels_csv

        with open_store(load_config(config), restricted=False) as store:
            n = export_labels_csv(store.shared, path, labeller=labeller)
        typer.echo(f"wrote {n} label rows to {path}")

    app.add_typer(labels_app, name="labels")
