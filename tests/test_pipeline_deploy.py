"""The scheduling examples in deploy/: cron and systemd units parse, and the commands they run
exist in the CLI with valid options."""
from __future__ import annotations

import configparser
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("signalen-*.*"))


def check_signalen_args(args: list[str]) -> None:
    """Parse ``signalen <args>`` with the real CLI without running it (raises on a bad command/option)."""
    import typer
    import typer.main

    from signalen_lib.runs import commands

    app = typer.Typer()
    commands.register(app)  # the commands the schedules call are this part's
    group = typer.main.get_command(app)
    assert args and args[0] in group.commands, f"unknown command {args[:1]}"
    cmd = group.commands[args[0]]
    ctx = cmd.make_context(args[0], list(args[1:]))
    assert not ctx.args, f"unexpected arguments {ctx.args}"


def cron_entries(text: str) -> list[tuple[list[str], str]]:
    out = []
    for line in text.splitlines():
        s = line.strip()
        if not s or s.startswith("#") or ("=" in s.split()[0] and not s[0].isdigit() and s[0] != "*"):
            continue
        fields = s.split(None, 5)
        assert len(fields) == 6, f"cron line needs 5 time fields and a command: {line!r}"
        out.append((fields[:5], fields[5]))
    return out


def _valid_cron_field(field: str, lo: int, hi: int) -> bool:
    for part in field.split(","):
        base, _, step = part.partition("/")
        if step and not step.isdigit():
            return False
        if base == "*":
            continue
        a, _, b = base.partition("-")
        try:
            nums = [int(a)] + ([int(b)] if b else [])
        except ValueError:
            return False
        if not all(lo <= n <= hi for n in nums):
            return False
    return True


def signalen_invocations(command: str) -> list[list[str]]:
    """The argument lists of every ``signalen …`` call in a shell command line."""
    calls = []
    for segment in command.replace("&&", ";").replace("||", ";").split(";"):
        words = shlex.split(segment.split(">>")[0].split(" >")[0])
        while words and "=" in words[0] and not words[0].startswith(("/", "-")):
            words = words[1:]  # VAR=value prefixes
        if words and Path(words[0]).name == "signalen":
            calls.append(words[1:])
    return calls


def test_cron_file_parses_and_runs_existing_commands():
    text = (DEPLOY / "cron" / "signalen.cron").read_text(encoding="utf-8")
    assert "%" not in text.replace("%%", "")  # cron would cut the command at a bare %
    entries = cron_entries(text)
    assert len(entries) >= 2
    ranges = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]
    seen = set()
    for times, command in entries:
        for f, (lo, hi) in zip(times, ranges):
            assert _valid_cron_field(f, lo, hi), (f, command)
        calls = signalen_invocations(command)
        assert calls, command
        for args in calls:
            check_signalen_args(args)
            seen.add(args[0])
    assert {"pipeline", "report"} <= seen


def test_cron_parser_rejects_bad_lines():
    assert not _valid_cron_field("61", 0, 59)
    assert not _valid_cron_field("1-40", 1, 31)
    with pytest.raises(AssertionError):
        cron_entries("30 2 * signalen")
    (times, _cmd), = cron_entries("30 2 * * signalen pipeline")  # a time field missing
    assert not _valid_cron_field(times[4], 0, 7)
    with pytest.raises(Exception):
        check_signalen_args(["pipeline", "--no-such-option"])
    with pytest.raises(AssertionError):
        check_signalen_args(["no-such-command"])


@pytest.mark.parametrize("unit", UNITS, ids=[u.name for u in UNITS])
def test_systemd_unit_fields(unit):
    cp = configparser.ConfigParser(strict=False, interpolation=None)
    cp.optionxform = str
    cp.read(unit, encoding="utf-8")
    assert cp.has_section("Unit") and cp.get("Unit", "Description")
    if unit.suffix == ".timer":
        assert cp.get("Timer", "OnCalendar")
        svc = cp.get("Timer", "Unit", fallback=unit.with_suffix(".service").name)
        assert (unit.parent / svc).exists()
        assert cp.get("Install", "WantedBy") == "timers.target"
    else:
        assert cp.get("Service", "Type") == "oneshot"
        exec_start = cp.get("Service", "ExecStart")
        args = shlex.split(exec_start)
        assert Path(args[0]).name == "signalen"
        check_signalen_args(args[1:])
        assert (unit.parent / unit.with_suffix(".timer").name).exists()


def test_systemd_analyze_verify(tmp_path):
    """systemd's own parser (when installed), with the paths pointed at this checkout."""
    exe = shutil.which("systemd-analyze")
    if not exe:
        pytest.skip("systemd-analyze not installed; the field checks above still ran")
    signalen = Path(sys.executable).with_name("signalen")
    for unit in UNITS:
        text = unit.read_text(encoding="utf-8")
        text = (text.replace("/srv/signalen/.venv/bin/signalen", str(signalen))
                .replace("WorkingDirectory=/srv/signalen", f"WorkingDirectory={tmp_path}")
                .replace("User=signalen", "User=root").replace("Group=signalen", "Group=root"))
        (tmp_path / unit.name).write_text(text, encoding="utf-8")
    files = sorted(str(p) for p in tmp_path.glob("signalen-*"))
    proc = subprocess.run([exe, "verify", *files], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    for spec in ("*-*-* 02:30:00", "*-*-01 06:00:00"):
        assert subprocess.run([exe, "calendar", spec], capture_output=True, timeout=30).returncode == 0
    # the check can fail: a broken timer is rejected
    (tmp_path / "broken.timer").write_text("[Timer]\nOnCalendar=bogus-day\n", encoding="utf-8")
    assert subprocess.run([exe, "verify", str(tmp_path / "broken.timer")], capture_output=True,
                          timeout=60).returncode != 0


def test_deploy_doc_mentions_every_file():
    doc = (ROOT / "docs" / "DEPLOY.md").read_text(encoding="utf-8")
    for f in [DEPLOY / "cron" / "signalen.cron", *UNITS]:
        assert f.name in doc, f.name
