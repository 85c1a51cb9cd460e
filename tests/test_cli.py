"""The CLI: every command has --help, and the command index matches what the modules register."""
from __future__ import annotations

import importlib
import subprocess
import sys

import typer

from signalen_lib.cli import COMMAND_INDEX, COMMAND_MODULES, main


def _registered() -> dict[str, str]:
    out = {}
    for mod in COMMAND_MODULES:
        app = typer.Typer()
        importlib.import_module(mod).register(app)
        for c in app.registered_commands:
            out[c.name or c.callback.__name__] = mod
        for g in app.registered_groups:
            out[g.name] = mod
    return out


def test_command_index_matches_registered_commands():
    assert COMMAND_INDEX == _registered()


def test_every_command_has_help(capsys):
    for name in [*COMMAND_INDEX, "config", "init-db"]:
        assert main([name, "--help"]) == 0, name
        out = capsys.readouterr().out
        assert "Usage" in out and name in out


def test_unknown_command_is_a_usage_error():
    proc = subprocess.run([sys.executable, "-m", "signalen_lib.cli", "bestaatniet"], capture_output=True, text=True)
    assert proc.returncode == 2 and "No such command" in proc.stderr
