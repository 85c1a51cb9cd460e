"""``signalen topics …``: fit, assign, list models, choose the current one, export the names file."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

ConfigOption = typer.Option(None, "--config", "-c", help="YAML file with settings (see signalen_lib/defaults.yaml).")


def register(app: typer.Typer) -> None:
    topics_app = typer.Typer(help="Topic model (step 2, Verwerken): fit, assign, models, names.", no_args_is_help=True)

    @topics_app.command("fit")
    def fit(
        n_topics: Optional[int] = typer.Option(None, "--n-topics", help="Number of topics (default: setting n_topics)."),
        seed: Optional[int] = typer.Option(None, "--seed", help="Random seed (default: setting seed)."),
        passes: Optional[int] = typer.Option(None, "--passes", help="Passes over the corpus."),
        since: Optional[str] = typer.Option(None, "--since", help="Only signals received on/after this date."),
        until: Optional[str] = typer.Option(None, "--until", help="Only signals received before this date."),
        compare: str = typer.Option("current", "--compare", help="Model version to keep topic ids/names from ('current', a version, or 'none')."),
        no_assign: bool = typer.Option(False, "--no-assign", help="Do not write signal_categories."),
        config: Optional[Path] = ConfigOption,
    ) -> None:
        """Fit a seeded topic model on the shared zone's signals, align it with the previous
        model, save it as the current version and assign categories."""
        from signalen_lib.config import load_config
        from signalen_lib.store import open_store
        from signalen_lib.topics.service import fit_store

        settings = load_config(config)
        with open_store(settings, restricted=False) as store:
            m = fit_store(store, settings, n_topics=n_topics, seed=seed, passes=passes, since=since, until=until,
                          compare_version=None if compare == "none" else compare, assign=not no_assign)
        typer.echo(f"model {m.version_}: {m.n_topics} topics on {m.n_docs_} texts; "
                   + ", ".join(f"{k}={v:.3f}" for k, v in m.metrics_.items() if isinstance(v, float)))
        new = m.topics_[m.topics_["is_new"]]
        for r in new.itertuples():
            typer.echo(f"  new topic {r.stable_id}: {r.top_words}")

    @topics_app.command("assign")
    def assign(
        version: Optional[str] = typer.Option(None, "--version", help="Model version (default: current)."),
        replace: bool = typer.Option(False, "--replace", help="Reassign signals that already have categories."),
        config: Optional[Path] = ConfigOption,
    ) -> None:
        """Assign categories of the current (or given) model to signals that lack them."""
        from signalen_lib.config import load_config
        from signalen_lib.store import open_store
        from signalen_lib.topics.registry import load_model
        from signalen_lib.topics.service import assign_store

        settings = load_config(config)
        with open_store(settings, restricted=False) as store:
            model = load_model(settings, version, store=store)
            out = assign_store(store, model, settings, replace=replace)
        typer.echo(f"model {out['model_version']}: assigned {out['assigned']} signals, overig share {out['overig_share']:.1%}")

    @topics_app.command("models")
    def models(config: Optional[Path] = ConfigOption) -> None:
        """List the registered topic models."""
        from signalen_lib.config import load_config
        from signalen_lib.store import open_store
        from signalen_lib.topics.registry import list_models

        settings = load_config(config)
        with open_store(settings, restricted=False) as store:
            df = list_models(store)
        if df.empty:
            typer.echo("no topic models yet (signalen topics fit)")
        import json
        import math

        for r in df.itertuples():
            met = json.loads(r.metrics) if isinstance(r.metrics, str) and r.metrics else (r.metrics or {})
            shown = "  ".join(f"{k}={met[k]:.3f}" for k in ("v", "npmi", "diversity", "perplexity", "overig_share")
                              if isinstance(met.get(k), (int, float)) and math.isfinite(met[k]) and abs(met[k]) < 1e12)
            typer.echo(f"{'*' if r.is_current else ' '} {r.model_version}  n_docs={r.n_docs}  seed={r.seed}  {shown}")

    @topics_app.command("use")
    def use(version: str = typer.Argument(..., help="Model version to make current."),
            config: Optional[Path] = ConfigOption) -> None:
        """Make a model version the current one (the dashboard and assign use it)."""
        from signalen_lib.config import load_config
        from signalen_lib.store import open_store
        from signalen_lib.topics.registry import set_current

        settings = load_config(config)
        with open_store(settings, restricted=False) as store:
            set_current(store, version)
        typer.echo(f"current topic model: {version}")

    @topics_app.command("names")
    def names(version: Optional[str] = typer.Option(None, "--version", help="Model version (default: current)."),
              sync: bool = typer.Option(False, "--sync", help="Copy edited names from topic_names.csv into the store."),
              config: Optional[Path] = ConfigOption) -> None:
        """Show where the editable topic-names file is (and with --sync load staff's edits)."""
        from signalen_lib.config import load_config
        from signalen_lib.store import open_store
        from signalen_lib.topics.registry import sync_topic_names, topic_names_path
        from signalen_lib.vocab.models import current_topic_model

        settings = load_config(config)
        with open_store(settings, restricted=False) as store:
            version = version or current_topic_model(store.shared)
            if version is None:
                raise FileNotFoundError("no current topic model: run signalen topics fit")
            if sync:
                n = sync_topic_names(store, settings, version)
                typer.echo(f"synced {n} topic names of {version}")
        typer.echo(str(topic_names_path(settings, version)))

    app.add_typer(topics_app, name="topics")
