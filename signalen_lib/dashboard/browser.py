"""Helpers the dashboard's browser tests and benchmarks share (Debian chromium via Playwright)."""
from __future__ import annotations

import os
import socket
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
#: what proves the main page is drawn: a Vega chart in the overzicht tab
CHART_DRAWN = ".signalen-chart-volume .vega-embed :is(canvas, svg)"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def descendants(pid: int) -> list[int]:
    """pid and all its descendant processes (from /proc)."""
    children: dict[int, list[int]] = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        ppid = _ppid(int(d.name))
        if ppid is not None:
            children.setdefault(ppid, []).append(int(d.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def tree_memory(pid: int) -> tuple[float, int]:
    """(total RSS in MB, number of kernels) of a Voila server and its kernels. A kernel is a
    process running ``ipykernel_launcher`` whose parent does not: a process a kernel forks carries
    the same command line for its short life, but it is no kernel of its own."""
    pids = descendants(pid)
    launcher = set()
    for p in pids:
        try:
            if b"ipykernel_launcher" in Path(f"/proc/{p}/cmdline").read_bytes():
                launcher.add(p)
        except OSError:
            pass
    kernels = sum(1 for p in launcher if _ppid(p) not in launcher)
    return sum(rss_mb(p) for p in pids), kernels


def _ppid(pid: int) -> int | None:
    """The parent of ``pid`` (from /proc), None when it is gone."""
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def chromium_available() -> bool:
    return Path(CHROMIUM).exists() and os.access(CHROMIUM, os.X_OK)
