"""The package's floor plan: every module imports on its own in a fresh interpreter (no import cycle),
every module is used by the product (not only by tests), and each step has its folder and notebook."""
from __future__ import annotations

import json
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import signalen_lib

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "signalen_lib"
MODULES = sorted(m.name for m in pkgutil.walk_packages(signalen_lib.__path__, "signalen_lib."))

# each module is imported first, alone: the package's own modules are dropped from sys.modules
# before each import, so a cycle (A imports B imports A at module level) shows as an ImportError
IMPORT_EACH = """
import importlib, json, sys
failed = {}
for name in json.loads(sys.argv[1]):
    for m in [m for m in sys.modules if m == "signalen_lib" or m.startswith("signalen_lib.")]:
        del sys.modules[m]
    try:
        importlib.import_module(name)
    except Exception as exc:
        failed[name] = f"{type(exc).__name__}: {exc}"
print(json.dumps(failed))
"""


def test_every_module_imports_first_in_a_fresh_interpreter():
    out = subprocess.run([sys.executable, "-c", IMPORT_EACH, json.dumps(MODULES)], capture_output=True, text=True,
                         cwd=ROOT, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {}


def _users(module: str) -> list[str]:
    """Files outside tests/ that import ``module`` (absolute or relative imports, or by dotted name)."""
    parts = module.split(".")
    leaf, parent = parts[-1], ".".join(parts[:-1])
    pats = [re.compile(rf"\b{re.escape(module)}\b"),
            re.compile(rf"from {re.escape(parent)} import [^\n]*\b{leaf}\b"),
            re.compile(rf"from \.+{re.escape(leaf)} import|from \. import [^\n]*\b{leaf}\b")]
    files = [*PKG.rglob("*.py"), *(ROOT / "notebooks").rglob("*.py"), *(ROOT / "benchmarks").glob("*.py"),
             ROOT / "pyproject.toml"]
    own = PKG.joinpath(*parts[1:]).with_suffix(".py")
    hits = []
    for f in files:
        if f == own or f.name == "__init__.py" and f.parent == PKG.joinpath(*parts[1:]):
            continue
        text = f.read_text(encoding="utf-8")
        if any(p.search(text) for p in pats):
            hits.append(f.relative_to(ROOT).as_posix())
    return hits


def test_no_module_exists_only_for_tests():
    unused = [m for m in MODULES if m.count(".") >= 2 and not m.endswith(".__main__") and not _users(m)]
    assert unused == [], f"modules nothing but tests import: {unused}"


def test_each_step_has_a_folder_and_a_notebook():
    for folder, notebook in (("ingest", "01_verzamelen"), ("topics", "02_verwerken"), ("perception", "02_verwerken"),
                             ("validation", "03_valideren"), ("dashboard", "dashboard/dashboard"),
                             ("reports", "04_maandrapportage"), ("improvements", "05_verbeteren")):
        assert (PKG / folder / "__init__.py").exists(), folder
        nb = ROOT / "notebooks" / f"{notebook}.ipynb"
        assert nb.exists(), nb
        assert f"signalen_lib.{folder}" in nb.read_text(encoding="utf-8"), f"{nb.name} does not use signalen_lib.{folder}"


def test_every_from_import_of_the_package_resolves():
    """Also the function-local ones, which only run on some paths (a renamed helper left behind)."""
    import ast
    import importlib

    missing = []
    files = [*PKG.rglob("*.py"), *(ROOT / "notebooks").rglob("*.py"), *(ROOT / "benchmarks").glob("*.py")]
    for f in files:
        rel = f.relative_to(ROOT).with_suffix("")
        pkg = list(rel.parts[:-1])
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom):
                continue
            mod = node.module or ""
            if node.level:
                mod = ".".join(pkg[: len(pkg) - (node.level - 1)] + ([mod] if mod else []))
            if not mod.startswith("signalen_lib"):
                continue
            module = importlib.import_module(mod)
            for alias in node.names:
                if alias.name != "*" and not hasattr(module, alias.name):
                    try:
                        importlib.import_module(f"{mod}.{alias.name}")
                    except ImportError:
                        missing.append(f"{rel}: from {mod} import {alias.name}")
    assert missing == []
