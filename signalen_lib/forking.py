"""Split CPU work over forked processes: the one helper the topic model, the category model and
the masker use to spread a large batch over the cores.

``fork_map(fn, n_parts, n_jobs)`` returns ``[fn(0), ..., fn(n_parts - 1)]``, computed by a pool
of ``n_jobs`` forked processes; ``fork_call(fn)`` starts ``fn()`` in one forked process while this
one goes on with other work, and ``.result()`` waits for its value. ``fn`` is usually a closure
over the model and the batch: the children inherit it through the fork, so neither the model nor
the texts are pickled; only each part's result comes back. Each caller keeps its results
independent of the split (row by row), so a batch gives the same rows in one process or in many.
"""
from __future__ import annotations

import os
from typing import Callable, TypeVar

T = TypeVar("T")

_FN: Callable[[int], object] | None = None  # the function the forked children call (set only during fork_map)


def can_fork() -> bool:
    """Whether this platform can fork (Linux, macOS; not Windows)."""
    import multiprocessing as mp

    return hasattr(os, "fork") and "fork" in mp.get_all_start_methods()


def default_jobs(n_items: int, threshold: int = 20_000) -> int:
    """All cores for a batch of more than ``threshold`` items, else one process."""
    return (os.cpu_count() or 1) if n_items > threshold else 1


def _call(k: int):
    return _FN(k)


def _may_fork() -> bool:
    """Forking is possible here: the platform forks and this process may have children (a daemonic
    process, such as a Dask worker's, may not)."""
    import multiprocessing as mp

    return can_fork() and not mp.current_process().daemon


def fork_map(fn: Callable[[int], T], n_parts: int, n_jobs: int) -> list[T]:
    """``[fn(k) for k in range(n_parts)]``, over ``n_jobs`` forked processes when that is possible
    and worth it (else in this process)."""
    if n_jobs <= 1 or n_parts <= 1 or not _may_fork():
        return [fn(k) for k in range(n_parts)]
    import multiprocessing as mp

    global _FN
    _FN = fn
    try:
        with mp.get_context("fork").Pool(min(n_jobs, n_parts)) as pool:
            return pool.map(_call, range(n_parts))
    finally:
        _FN = None


class _Done:
    def __init__(self, value):
        self.value = value

    def result(self):
        return self.value


class _Forked:
    def __init__(self, pool, handle):
        self.pool, self.handle = pool, handle

    def result(self):
        try:
            return self.handle.get()
        finally:
            self.pool.close()
            self.pool.join()


def fork_call(fn: Callable[[], T], enabled: bool = True):
    """Start ``fn()`` in a forked process (it sees this process's state as it is now) and return at
    once; ``.result()`` waits for its value. Without ``enabled``, or where forking is not possible,
    ``fn()`` runs here and now. Use it to overlap one large step with other work in this process,
    when the step's result is small to send back."""
    if not enabled or not _may_fork():
        return _Done(fn())
    import multiprocessing as mp

    global _FN
    _FN = lambda _k: fn()  # noqa: E731 - inherited by the child at the fork below
    try:
        pool = mp.get_context("fork").Pool(1)
    finally:
        _FN = None
    return _Forked(pool, pool.apply_async(_call, (0,)))
