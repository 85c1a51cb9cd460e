"""A lock file so that only one pipeline (or report run) works on a store at a time.

The lock is ``<data_dir>/pipeline.lock``, created atomically (``O_CREAT | O_EXCL``) and holding
the owner's PID, host, run id and start time as JSON. A lock whose PID no longer exists on this
host is stale (the run was killed): it is removed and taken over, and the caller is told so that
it can mark the interrupted run.
"""
from __future__ import annotations

import json
import os
import socket
import time
from datetime import datetime, timezone
from pathlib import Path


class PipelineLocked(RuntimeError):
    """Another run holds the lock; the message says which (PID, run id, since when)."""


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

    def __init__(self, path: str | os.PathLike, *, run_id: str = "", wait: float = 0.0, poll: float = 2.0):
        self.path = Path(path)
        self.run_id = run_id
        self.wait = wait
        self.poll = poll
        self.stale: dict | None = None
        self._held = False

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
        while True:
            if self._try_acquire():
                self._held = True
                return self
            info = self.read()
            if info is None:
                continue  # released between our attempt and the read
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
                since = info.get("started_at", "?")
                raise PipelineLocked(
                    f"another signalen run is active (pid {info.get('pid')}, run {info.get('run_id') or '?'}, "
                    f"since {since}); lock file {self.path}"
                )
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
