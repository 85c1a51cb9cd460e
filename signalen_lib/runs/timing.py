"""Sub-step timings: the one timer the library code uses to say where a pipeline step spends its time.

>>> from signalen_lib.runs.timing import timed
>>> with timed("mask"):
...     pass

``timed(name)`` costs next to nothing unless a profile is being recorded: ``signalen pipeline
--profile`` (and ``benchmarks/bench_pipeline.py``) set ``SIGNALENPROFILE_FILE`` to a file in the
run folder and ``SIGNALENPROFILE_STEP`` to the running step. The notebook kernels inherit both, so
a sub-step timed inside a kernel lands in the same file as one timed in the runner's process. Each
record is one JSON line: step, sub-step (nested timers join their names with ``/``), seconds, the
CPU seconds of this process, the load average at its end, and an optional count (texts, rows).
"""
from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from pathlib import Path
from typing import Iterator

__all__ = ["timed", "profiling", "read_profile", "profile_table", "PROFILE_ENV", "STEP_ENV"]

# not SIGNALEN_<NAME>: load_config() reads every such variable as a setting
PROFILE_ENV = "SIGNALENPROFILE_FILE"
STEP_ENV = "SIGNALENPROFILE_STEP"
_stack = threading.local()


def profiling() -> bool:
    return bool(os.environ.get(PROFILE_ENV))


class _Timer:
    __slots__ = ("count",)

    def __init__(self):
        self.count: int | None = None


@contextlib.contextmanager
def timed(name: str, count: int | None = None) -> Iterator[_Timer]:
    """Time the block as sub-step ``name`` of the running step. ``count`` (or ``t.count = n`` inside
    the block) records how many items it handled, for a rate in the profile table."""
    timer = _Timer()
    timer.count = count
    path = os.environ.get(PROFILE_ENV)
    if not path:
        yield timer
        return
    names = getattr(_stack, "names", None)
    if names is None:
        names = _stack.names = []
    names.append(name)
    start, t0, c0 = time.time(), time.perf_counter(), time.process_time()
    try:
        yield timer
    finally:
        rec = {"step": os.environ.get(STEP_ENV, ""), "name": "/".join(names),
               "start": round(start, 4), "seconds": round(time.perf_counter() - t0, 4), "cpu": round(time.process_time() - c0, 4),
               "load": round(os.getloadavg()[0], 2), "pid": os.getpid()}
        if timer.count is not None:
            rec["count"] = int(timer.count)
        names.pop()
        with open(path, "a", encoding="utf-8") as fh:  # one short line per write: appends do not interleave
            fh.write(json.dumps(rec) + "\n")


def read_profile(path: str | os.PathLike) -> list[dict]:
    p = Path(path)
    if not p.is_file():
        return []
    return [json.loads(line) for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]


def profile_table(steps, records: list[dict]) -> str:
    """Steps (objects with ``name``, ``status``, ``seconds``) with their sub-steps below them, as
    fixed-width text. A sub-step timed more than once (per batch, per file) is summed, with how
    often it ran."""
    lines = [f"{'step / sub-step':<52} {'seconds':>9} {'share':>6} {'calls':>6} {'count':>9} {'per s':>8} {'load':>5}"]
    total = sum(s.seconds for s in steps) or 1.0
    for s in steps:
        lines.append(f"{s.name[:52]:<52} {s.seconds:>9.1f} {s.seconds / total:>6.0%} {'':>6} {'':>9} {'':>8} {'':>5}"
                     + ("" if s.status == "success" else f"  [{s.status}]"))
        agg: dict[str, dict] = {}
        for r in records:
            if r.get("step") != s.name:
                continue
            a = agg.setdefault(r["name"], {"seconds": 0.0, "calls": 0, "count": None, "load": 0.0,
                                           "start": r.get("start", 0.0)})
            a["start"] = min(a["start"], r.get("start", 0.0))
            a["seconds"] += r["seconds"]
            a["calls"] += 1
            a["load"] = max(a["load"], r.get("load", 0.0))
            if r.get("count") is not None:
                a["count"] = (a["count"] or 0) + r["count"]
        for name, a in sorted(agg.items(), key=lambda kv: (kv[1]["start"], kv[0].count("/"))):
            depth = name.count("/")
            label = ("  " * (depth + 1) + name.rsplit("/", 1)[-1])[:52]
            rate = f"{a['count'] / a['seconds']:>8.0f}" if a["count"] and a["seconds"] > 0 else f"{'':>8}"
            count = f"{a['count']:>9}" if a["count"] is not None else f"{'':>9}"
            lines.append(f"{label:<52} {a['seconds']:>9.1f} {a['seconds'] / total:>6.0%} {a['calls']:>6} {count} "
                         f"{rate} {a['load']:>5.2f}")
    lines.append(f"{'total':<52} {total:>9.1f}")
    return "\n".join(lines)
