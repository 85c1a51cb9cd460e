"""Render executed notebooks for people: self-contained HTML without code cells, and PDF.

The HTML embeds every image (charts are rendered to SVG/PNG inside the notebook through
vl-convert) and loads nothing from the network. PDF is printed by a headless Chromium when one
is installed (``/usr/bin/chromium`` or ``chromium``/``chromium-browser``/``google-chrome`` on
PATH); without one :func:`render_pdf` returns ``None`` and the caller says PDF was skipped.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import nbformat

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
_CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def _strip_for_readers(nb: nbformat.NotebookNode, *, keep_errors: bool) -> nbformat.NotebookNode:
    """Drop what a reader should not see: stderr streams (warnings, progress bars), the papermill
    'injected parameters' cell, and (unless keep_errors) tracebacks."""
    cells = []
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if "injected-parameters" in tags or "parameters" in tags or "remove-cell" in tags:
            continue
        if cell.cell_type == "code":
            outs = []
            for out in cell.get("outputs", []):
                if out.get("output_type") == "stream" and out.get("name") == "stderr":
                    continue
                if out.get("output_type") == "error" and not keep_errors:
                    continue
                outs.append(out)
            cell.outputs = outs
        cells.append(cell)
    nb.cells = cells
    return nb


def render_html(notebook: str | os.PathLike, html_path: str | os.PathLike | None = None, *,
                title: str | None = None, keep_errors: bool = True, language: str = "nl") -> Path:
    """Write ``notebook`` as HTML without code cells (inputs and prompts hidden). Returns the path."""
    from nbconvert import HTMLExporter

    notebook = Path(notebook)
    html_path = Path(html_path) if html_path else notebook.with_suffix(".html")
    nb = nbformat.read(notebook, as_version=4)
    nb = _strip_for_readers(nb, keep_errors=keep_errors)
    if title:
        nb.metadata["title"] = title
    exporter = HTMLExporter(
        template_name="lab",
        extra_template_paths=[str(TEMPLATE_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        language_code=language,
    )
    exporter.template_file = "signalen.html.j2"
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title or notebook.stem}})
    html_path.parent.mkdir(parents=True, exist_ok=True)
    html_path.write_text(body, encoding="utf-8")
    return html_path


_REMOTE_REF = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)


def remote_references(html: str) -> list[str]:
    """Tags in ``html`` that would fetch something from the network (should be empty)."""
    return [m.group(0) for m in _REMOTE_REF.finditer(html)]


def find_chromium() -> str | None:
    """A headless-capable Chromium/Chrome binary, or None."""
    env = os.environ.get("CHROMIUM_BIN")  # "" disables PDF; a path selects the browser
    if env is not None:
        return env or None
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    for name in _CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def render_pdf(html_path: str | os.PathLike, pdf_path: str | os.PathLike | None = None, *,
               timeout: float = 120.0) -> Path | None:
    """Print ``html_path`` to PDF with headless Chromium. Returns the PDF path, or None when no
    Chromium is installed or printing failed (the caller reports PDF as skipped)."""
    chromium = find_chromium()
    if not chromium:
        return None
    html_path = Path(html_path).resolve()
    pdf_path = Path(pdf_path) if pdf_path else html_path.with_suffix(".pdf")
    pdf_path = pdf_path.resolve()
    with tempfile.TemporaryDirectory(prefix="signalen-chromium-") as profile:
        cmd = [
            chromium, "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run",
            "--disable-extensions", "--disable-dev-shm-usage", "--no-pdf-header-footer",
            f"--user-data-dir={profile}", f"--print-to-pdf={pdf_path}", html_path.as_uri(),
        ]
        try:
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=timeout, check=False,
                           env={**os.environ, "HOME": profile})
        except (OSError, subprocess.TimeoutExpired):
            return None
    if pdf_path.exists() and pdf_path.stat().st_size > 0 and pdf_path.read_bytes()[:5] == b"%PDF-":
        return pdf_path
    return None
