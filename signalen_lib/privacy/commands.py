"""`signalen mask-text`, `signalen privacy-eval`, `signalen retention`, `signalen privacy-report`,
`signalen algoritmeregister`."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Optional

import typer

from ..config import load_config

ConfigOption = typer.Option(None, "--config", "-c", help="Settings YAML.")


def register(app: typer.Typer) -> None:
    @app.command("mask-text")
    def mask_text(
        batch: int = typer.Option(512, "--batch", help="Lines masked together (a batch shares casing evidence)."),
        config: Optional[Path] = ConfigOption,
    ) -> None:
        """Mask each line of standard input to standard output (one line out per line in)."""
        from . import get_masker

        settings = load_config(config)
        t0 = time.perf_counter()
        masker = get_masker(settings)
        typer.echo(f"masker ready in {time.perf_counter() - t0:.1f} s", err=True)
        out = sys.stdout
        buf: list[str] = []

        def flush() -> None:
            masked, _ = masker.mask_many(buf)
            for line in masked:
                out.write(line + "\n")
            out.flush()
            buf.clear()

        for raw in sys.stdin:
            buf.append(raw.rstrip("\r\n").replace("\r", " "))
            # interactive use: flush when no more input is waiting
            if len(buf) >= batch or not _more_waiting():
                flush()
        if buf:
            flush()

    @app.command("privacy-eval")
    def privacy_eval(
        conll: Optional[Path] = typer.Option(None, "--conll", help="CoNLL-2002 file (token POS IOB per line)."),
        synthetic: Optional[Path] = typer.Option(None, "--synthetic", help="Folder written by `signalen demo-data`."),
        limit: Optional[int] = typer.Option(None, "--limit", help="CoNLL: only the first N sentences."),
        config: Optional[Path] = ConfigOption,
    ) -> None:
        """Measure masking; prints one JSON object (per_recall, o_masked, precision/recall per type,
        texts_per_second; or recall per type for the synthetic corpus)."""
        from . import get_masker
        from .evaluate import eval_conll, eval_synthetic

        if bool(conll) == bool(synthetic):
            raise typer.BadParameter("give exactly one of --conll FILE or --synthetic DIR")
        settings = load_config(config)
        masker = get_masker(settings)
        if conll:
            if not conll.exists():
                raise FileNotFoundError(f"{conll} does not exist")
            result = eval_conll(conll, masker, limit=limit)
        else:
            if not (synthetic / "ground_truth" / "pii_spans.jsonl").exists():
                raise FileNotFoundError(f"{synthetic}/ground_truth/pii_spans.jsonl does not exist")
            result = eval_synthetic(synthetic, masker)
        typer.echo(json.dumps(result, ensure_ascii=False))

    @app.command("retention")
    def retention(
        apply: bool = typer.Option(False, "--apply", help="Delete (default: dry run, only count)."),
        wait: Optional[float] = typer.Option(None, "--wait", help="Seconds to wait for a running pipeline/ingest on the "
                                                                  "same data folder (default: setting lock_wait_seconds)."),
        config: Optional[Path] = ConfigOption,
    ) -> None:
        """Delete raw text (signals_raw and its pii_findings) older than each source's retention
        period from the restricted zone; the masked record in the shared zone stays. Dry run by default.
        Takes the store's lock like ingest and the pipeline (exit 3 when it stays taken)."""
        from ..ingest.commands import writing_store
        from .retention import apply_retention, retention_plan

        settings = load_config(config)
        with writing_store(settings, "retention", wait) as store:
            plan = apply_retention(store, settings) if apply else retention_plan(store, settings)
        verb = "deleted" if apply else "would delete"
        if not plan:
            typer.echo("no raw signals in the restricted zone")
        for item in plan:
            typer.echo(
                f"{item.source}: retention {item.retention_days} days (before {item.cutoff:%Y-%m-%d}): "
                f"{verb} {item.raw_rows} raw signals and {item.findings} PII findings"
            )
        if not apply and any(i.raw_rows for i in plan):
            typer.echo("dry run: nothing deleted; run with --apply to delete")

    @app.command("privacy-report")
    def privacy_report(
        out: Optional[Path] = typer.Option(None, "--out", help="Folder for privacy.html and privacy.json "
                                           "(default: a new run folder under the runs folder)."),
        config: Optional[Path] = ConfigOption,
    ) -> None:
        """Write the privacy report (Dutch, counts only) for the privacy officer; the pipeline writes one
        into every run folder."""
        from ..store import open_store
        from .report import write_privacy_report

        settings = load_config(config)
        with open_store(settings) as store:
            res = write_privacy_report(store, settings, out_dir=out)
        canary = res["report"]["canary"]
        typer.echo(f"privacy report: {res['html']} (and {res['json'].name}); canary check "
                   f"{'passed' if canary['passed'] else 'FAILED'}")
        if not canary["passed"]:
            raise typer.Exit(1)

    @app.command("algoritmeregister")
    def algoritmeregister(
        as_json: bool = typer.Option(False, "--json", help="Print the entry as JSON (the publicatiestandaard's fields)."),
        out: Optional[Path] = typer.Option(None, "--out", help="Write algoritmeregister.json and algoritmeregister.md "
                                           "into this folder instead of printing."),
        config: Optional[Path] = ConfigOption,
    ) -> None:
        """The Algoritmeregister entry (publicatiestandaard 1.0) for the model that is live now: Markdown
        (Dutch), or JSON with --json. Exits 1 when the entry does not validate against the field list."""
        from ..store import open_store
        from .algoritmeregister import build_entry, to_markdown, validate_entry, write_entry

        settings = load_config(config)
        with open_store(settings, restricted=False) as store:
            if out is not None:
                paths = write_entry(store, settings, out)
                typer.echo(f"{paths['json']}\n{paths['markdown']}")
                return
            entry = build_entry(store, settings)
        problems = validate_entry(entry.fields)
        if problems:
            typer.echo("signalen: entry not valid: " + "; ".join(problems), err=True)
            raise typer.Exit(1)
        typer.echo(entry.to_json(indent=2) if as_json else to_markdown(entry))


def _more_waiting() -> bool:
    """True when standard input has more data ready (so lines can be batched); on a pipe or file
    that is usually so, on an interactive terminal a line is masked as soon as it is typed."""
    try:
        import select

        if not sys.stdin.isatty():
            return True
        r, _, _ = select.select([sys.stdin], [], [], 0)
        return bool(r)
    except Exception:  # noqa: BLE001
        return True
