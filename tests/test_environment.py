"""environment.yml and pyproject.toml describe the same environment."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _name(req: str) -> str:
    return re.split(r"[<>=!~\[ ;]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _conda_names() -> set[str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    names = set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            names |= {_name(p) for p in dep.get("pip", []) if not p.startswith("-")}
        else:
            names.add(_name(dep))
    return names


def test_every_runtime_and_test_dependency_is_in_both():
    py = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip_names = {_name(r) for r in py["dependencies"]} | {_name(r) for r in py["optional-dependencies"]["test"]}
    conda = _conda_names()
    assert pip_names - conda == set(), f"in pyproject.toml but not environment.yml: {pip_names - conda}"
    extra = conda - pip_names - {"python", "pip"}
    assert extra == set(), f"in environment.yml but not pyproject.toml: {extra}"
