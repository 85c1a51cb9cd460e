"""Every notebook: committed without outputs, parameters documented, paired with its py:percent twin."""
from __future__ import annotations

import json
from pathlib import Path

import jupytext
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for p in (ROOT / "notebooks").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
STEPS = ["01_verzamelen", "02_verwerken", "03_valideren", "04_maandrapportage", "05_verbeteren"]


def test_one_notebook_per_step():
    names = {p.stem for p in (ROOT / "notebooks").glob("0*.ipynb")}
    assert names == set(STEPS)


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_notebook_has_no_outputs_and_documented_parameters(nb_path):
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c.get("outputs") and not c.get("execution_count") for c in code)
    params = [c for c in code if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(params) == 1, "one cell tagged 'parameters'"
    lines = [ln for ln in "".join(params[0]["source"]).splitlines() if ln.strip()]
    assert lines and all("=" in ln and "  # " in ln for ln in lines), "every parameter has a comment"
    names = [ln.split("=")[0].split(":")[0].strip() for ln in lines]
    assert "config" not in names, "the settings file parameter is called config_path everywhere"


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_notebook_and_its_text_twin_have_the_same_cells(nb_path):
    twin = nb_path.with_suffix(".py")
    assert twin.exists(), f"{twin.name} missing: run `jupytext --sync {nb_path.relative_to(ROOT)}`"
    a = jupytext.read(nb_path)
    b = jupytext.read(twin)
    src = lambda nb: [(c.cell_type, c.source.strip()) for c in nb.cells]  # noqa: E731
    assert src(a) == src(b), f"{nb_path.name} and {twin.name} differ: run `jupytext --sync`"
