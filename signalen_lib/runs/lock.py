"""One coordination rule for every command that writes the store.

``signalen pipeline``, ``signalen report``, ``signalen ingest``, ``signalen mask`` and
``signalen retention --apply`` all take the same lock, ``<data_dir>/pipeline.lock`` (see
:func:`command_lock`), or wait for it up to a timeout and then refuse with one line naming the
holder (command, PID, since when). The lock file is created atomically (``O_CREAT | O_EXCL``) and
holds the owner's PID, host, command, run id and start time as JSON. A lock whose PID no longer
exists on this host is stale (the run was killed): it is removed and taken over, and the caller is
told so that it can mark the interrupted run. A process whose ancestor holds the lock (a pipeline
notebook's kernel) works under its parent's lock instead of waiting for itself.

Readers never take the lock. DuckDB still lets one process write a file only while no other process
has it open, even read-only, and the dashboard opens the store read-only for a moment (it copies
the aggregates into memory, or reads one page of examples). Writers therefore open the store with
:func:`open_store_waiting`, which retries for a short while and then names the process holding the
file instead of DuckDB's "cannot open" (a reader is never made to wait for a writer).
"""
from __future__ import annotations

import json
import os
import socket
import time
from datetime import datetime, timezone
from pathlib import Path


class PipelineLocked(RuntimeError):
    """Another run holds the lock; the message says which (command, PID, run id, since when)."""


class StoreBusy(RuntimeError):
    """The store's DuckDB file stayed open in another process (a reader) for longer than we waited."""


def _ancestors(pid: int | None = None) -> set[int]:
    """PIDs of this process's parents, grandparents, … (Linux /proc; empty elsewhere)."""
    out: set[int] = set()
    pid = os.getpid() if pid is None else pid
    for _ in range(64):
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            break
        if ppid <= 1:
            break
        out.add(ppid)
        pid = ppid
    return out


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            parts = [p.decode("utf-8", "replace") for p in fh.read().split(b"\0") if p]
    except OSError:
        return "?"
    # "python -m voila …", ".../bin/signalen ingest …": the program and its first arguments
    short = [Path(parts[0]).name] + parts[1:4] if parts else ["?"]
    return " ".join(short)[:120]


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by another user
        return True
    # a zombie (killed, not yet reaped) counts as gone
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


class PipelineLock:
    """``with PipelineLock(path, run_id=...):`` — refuses (PipelineLocked) while a live run holds it.

    ``wait`` seconds: keep retrying that long before refusing. ``stale`` is set to the content of
    a stale lock that was taken over (or None).
    """

    def __init__(self, path: str | os.PathLike, *, run_id: str = "", wait: float = 0.0, poll: float = 2.0,
                 command: str = "", on_wait=None):
        self.path = Path(path)
        self.run_id = run_id
        self.wait = wait
        self.poll = poll
        self.command = command
        self.on_wait = on_wait  # called once with the holder's description when we start waiting
        self.stale: dict | None = None
        self.inherited: dict | None = None  # the lock of an ancestor process we work under
        self._held = False

    @staticmethod
    def describe(info: dict) -> str:
        """``signalen ingest (pid 123, run ingest-…, since 2026-…)``."""
        cmd = info.get("command") or "signalen run"
        if not cmd.startswith("signalen"):
            cmd = f"signalen {cmd}"
        run = f", run {info['run_id']}" if info.get("run_id") else ""
        return f"{cmd} (pid {info.get('pid')}{run}, since {info.get('started_at', '?')})"

    def read(self) -> dict | None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        try:
            info = json.loads(text)
            return info if isinstance(info, dict) else {"pid": -1}
        except json.JSONDecodeError:
            return {"pid": -1, "raw": text[:200]}

    def _is_stale(self, info: dict) -> bool:
        if info.get("host") not in (None, socket.gethostname()):
            return False  # cannot check another host's PID: treat as live
        try:
            pid = int(info.get("pid", -1))
        except (TypeError, ValueError):
            pid = -1
        return not _pid_alive(pid)

    def _try_acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = json.dumps({
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "run_id": self.run_id,
            "command": self.command,
            "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        })
        try:
            fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            return False
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(payload)
        return True

    def acquire(self) -> "PipelineLock":
        deadline = time.monotonic() + max(self.wait, 0.0)
        told = False
        while True:
            if self._try_acquire():
                self._held = True
                return self
            info = self.read()
            if info is None:
                continue  # released between our attempt and the read
            if info.get("host") in (None, socket.gethostname()) and info.get("pid") in _ancestors():
                self.inherited = info  # e.g. `signalen ingest` started by a pipeline notebook
                return self
            if self._is_stale(info):
                # Take over a stale lock: rename it away first so that two processes that both
                # saw it stale cannot both remove a fresh lock.
                grave = self.path.with_name(f"{self.path.name}.stale.{os.getpid()}")
                try:
                    os.replace(self.path, grave)
                except FileNotFoundError:
                    continue
                moved = self.read_file(grave)
                grave.unlink(missing_ok=True)
                if moved and moved.get("pid") != info.get("pid"):
                    continue  # we moved someone else's fresh lock: retry (they will see it gone)
                self.stale = info
                continue
            if time.monotonic() >= deadline:
                waited = f" after waiting {self.wait:.0f} s" if self.wait > 0 else ""
                raise PipelineLocked(
                    f"bezet / another signalen run is active: {self.describe(info)}{waited}; "
                    f"try again later or use --wait SECONDS (lock file {self.path})"
                )
            if not told and self.on_wait is not None:
                told = True
                self.on_wait(f"waiting up to {self.wait:.0f} s for {self.describe(info)} to finish …")
            time.sleep(min(self.poll, max(deadline - time.monotonic(), 0.05)))

    @staticmethod
    def read_file(path: Path) -> dict | None:
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return None

    def release(self) -> None:
        if not self._held:
            return
        info = self.read()
        if info is not None and info.get("pid") == os.getpid():
            self.path.unlink(missing_ok=True)
        self._held = False

    def __enter__(self) -> "PipelineLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


# ---- the rule for commands -----------------------------------------------------------------
def store_lock_path(settings) -> Path:
    """The one lock of a data folder (and the store configured with it)."""
    return Path(settings.data_dir) / "pipeline.lock"


def command_lock(settings, command: str, *, wait: float | None = None, run_id: str = "",
                 say=None, poll: float = 1.0) -> PipelineLock:
    """The lock a writing command takes: ``with command_lock(settings, "ingest", say=echo):``.

    ``wait`` seconds (default: setting ``lock_wait_seconds``) it waits for a running command before
    refusing with :class:`PipelineLocked`; ``say`` is told once when it starts waiting.
    """
    if wait is None:
        wait = float(getattr(settings, "lock_wait_seconds", 0.0))
    settings.ensure_dirs()
    return PipelineLock(store_lock_path(settings), run_id=run_id, wait=wait, poll=poll, command=command, on_wait=say)


def _duckdb_holder(message: str) -> str:
    """``pid 123 (python -m voila …)`` from DuckDB's "Conflicting lock is held in … (PID 123)"."""
    import re

    m = re.search(r"\(PID (\d+)\)", message)
    if not m:
        return "another process"
    pid = int(m.group(1))
    return f"pid {pid} ({_cmdline(pid)})"


def open_store_waiting(settings, *, restricted: bool = True, wait: float = 60.0, poll: float = 0.25, say=None):
    """``open_store`` for a writer, retrying while another process (a dashboard kernel reading for a
    moment) has the DuckDB file open; after ``wait`` seconds raises :class:`StoreBusy` naming it."""
    from signalen_lib.config import ConfigError
    from signalen_lib.store import open_store

    deadline = time.monotonic() + max(wait, 0.0)
    told = False
    while True:
        try:
            return open_store(settings, restricted=restricted)
        except ConfigError as exc:
            msg = str(exc)
            if "Could not set lock" not in msg and "Conflicting lock" not in msg:
                raise
            holder = _duckdb_holder(msg)
            if time.monotonic() >= deadline:
                raise StoreBusy(
                    f"opslag bezet / the store file is held open by {holder} for more than {wait:.0f} s; "
                    "try again shortly") from None
            if not told and say is not None:
                told = True
                say(f"the store file is open in {holder}; retrying for up to {wait:.0f} s …")
            time.sleep(poll)
