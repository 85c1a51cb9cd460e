"""CLI of the national deployment: ``signalen publish`` and ``signalen national-effect``."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from signalen_lib.cli import ConfigOption, open_shared


def register(app: typer.Typer) -> None:
    @app.command("publish")
    def publish_cmd(
        config: Optional[Path] = ConfigOption,
        mode: Optional[str] = typer.Option(None, "--mode", help="signals or aggregates (default: setting national_publish, the agreement)."),
        national_url: Optional[str] = typer.Option(None, "--national-url", help="National store (default: setting national_url)."),
        as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    ) -> None:
        """Publish this organisation's masked signals and derived rows (or only aggregates) to the
        national shared store. Refused, with nothing written, on another organisation's rows or
        unmasked personal data."""
        from signalen_lib.national.publish import PublishRefused, open_national, publish

        settings, store = open_shared(config, read_only=True)
        with store:
            national = open_national(settings, national_url)
            try:
                res = publish(store, settings, national, mode=mode)
            except PublishRefused as exc:
                typer.echo(f"signalen: refused: {exc}", err=True)
                raise SystemExit(3) from None
            finally:
                national.close()
        if as_json:
            typer.echo(json.dumps(res.as_dict()))
            return
        typer.echo(f"published {settings.organisation_code} ({settings.organisation_name}) as {res.mode}: "
                   f"{res.n_signals} signals, {res.n_aggregate_rows} weekly aggregate rows"
                   + (f", {res.suppressed_cells} small cells ({res.suppressed_signals} signals) suppressed"
                      if res.suppressed_cells else ""))

    @app.command("national-effect")
    def effect_cmd(
        config: Optional[Path] = ConfigOption,
        category: str = typer.Option(..., "--category", help="National category key (the national taxonomy)."),
        affected: list[str] = typer.Option(..., "--affected", help="ORG=YYYY-MM-DD: an affected organisation and its first day (repeat)."),
        national_url: Optional[str] = typer.Option(None, "--national-url", help="National store (default: setting national_url)."),
        save: bool = typer.Option(False, "--save", help="Store the estimates in the national store (the dashboard shows them)."),
        as_json: bool = typer.Option(False, "--json", help="Print the estimates as JSON."),
    ) -> None:
        """The effect of a national policy or mailing on a national category, per affected
        organisation, against the unaffected and later-affected ones (difference-in-differences)."""
        from signalen_lib.config import ConfigError, load_config
        from signalen_lib.national.effect import national_effect, save_effects, weekly_from_store
        from signalen_lib.national.publish import open_national

        settings = load_config(config)
        national = open_national(settings, national_url)
        with national:
            weekly = weekly_from_store(national.shared)
            orgs = [r[0] for r in national.shared.execute("SELECT org_code FROM national_organisations ORDER BY 1")]
            starts: dict[str, str | None] = dict.fromkeys(orgs)
            for a in affected:
                org, _, day = a.partition("=")
                if org not in starts or not day:
                    raise ConfigError(f"--affected {a!r}: expected ORG=YYYY-MM-DD with ORG one of {', '.join(orgs)}")
                starts[org] = day
            res = national_effect(weekly, category, starts)
            if save:
                save_effects(national.shared, category, res)
        if as_json:
            typer.echo(res.to_json(orient="records", date_format="iso", force_ascii=False))
            return
        for r in res.itertuples():
            typer.echo(f"{r.org_code}\t{r.role}\t{r.verdict}")
