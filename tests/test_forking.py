"""The fork helper: results come back from forked processes, and a process that may not have
children (a daemon, such as a Dask worker's) does the work itself instead of failing."""
from __future__ import annotations

import multiprocessing as mp
import os

from signalen_lib.forking import fork_call, fork_map


def test_fork_call_runs_beside_this_process_and_returns_its_value():
    big = list(range(100_000))  # inherited through the fork, not pickled
    job = fork_call(lambda: (os.getpid(), sum(big)))
    here = sum(big[:10])  # this process goes on meanwhile
    pid, total = job.result()
    assert pid != os.getpid() and total == sum(big) and here == 45
    pid, total = fork_call(lambda: (os.getpid(), 7), enabled=False).result()
    assert (pid, total) == (os.getpid(), 7)


def _in_daemon(q):
    parts = fork_map(lambda k: (k * k, os.getpid()), 3, 2)
    job = fork_call(lambda: os.getpid())
    q.put(([v for v, _ in parts], {p for _, p in parts} == {os.getpid()}, job.result() == os.getpid()))


def test_a_daemonic_process_does_the_work_itself():
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=_in_daemon, args=(q,), daemon=True)
    p.start()
    squares, all_here, call_here = q.get(timeout=60)
    p.join(timeout=60)
    assert squares == [0, 1, 4] and all_here and call_here
