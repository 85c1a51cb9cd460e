"""CLI of the perception part: ``signalen perception``."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from signalen_lib.cli import ConfigOption, open_shared


def register(app: typer.Typer) -> None:
    @app.command("perception")
    def perception_cmd(
        config: Optional[Path] = ConfigOption,
        labels: Optional[Path] = typer.Option(None, "--labels", help="CSV with signal_id,perception (default: the labels table)."),
        no_eval: bool = typer.Option(False, "--no-eval", help="Skip the held-out evaluation fit (faster)."),
        as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
        texts: Optional[Path] = typer.Option(None, "--texts", help="Standalone mode: CSV with id,text; --labels then holds id,polarity (positive/negative/neutral/mixed)."),
        train_fraction: float = typer.Option(0.3, "--train-fraction", help="Standalone mode: share of the labels to learn from; the rest is held out."),
        seed: int = typer.Option(0, "--seed", help="Standalone mode: seed for the split and the models."),
    ) -> None:
        """Train the perception model (KTO scores + hand labels) and write signal_perception; with
        --texts and --labels, score the workbench against TF-IDF + LR on held-out labels instead."""
        if texts is not None:  # standalone: no store (signalen_lib.validation.standalone)
            from signalen_lib.validation.commands import perception_standalone

            return perception_standalone(texts, labels, train_fraction, seed, as_json, config)
        import pandas as pd

        from signalen_lib.perception.model import assign_perception

        settings, store = open_shared(config)
        with store:
            lab = pd.read_csv(labels, sep=None, engine="python") if labels else None
            summary = assign_perception(store, settings, lab, evaluate=not no_eval)
        if as_json:
            typer.echo(json.dumps(summary, indent=2, default=str))
            return
        typer.echo(f"model {summary.get('model_version')}: {summary.get('n_signals')} signals, "
                   f"{summary.get('n_train_weak', 0)} weak labels, {summary.get('n_labelled')} hand labels")
        for k, m in (summary.get("evaluation") or {}).items():
            typer.echo(f"  {k}: n={m['n']} accuracy={m['accuracy']:.3f} macro-F1={m['macro_f1']:.3f}")
        for s, d in (summary.get("distribution") or {}).items():
            typer.echo(f"  {s}: " + ", ".join(f"{k} {v:.0%}" for k, v in d.items()))
