"""Split CPU work over forked processes: the one helper the topic model, the category model and
the masker use to spread a large batch over the cores.

``fork_map(fn, n_parts, n_jobs)`` returns ``[fn(0), ..., fn(n_parts - 1)]``, computed by a pool
of ``n_jobs`` forked processes. ``fn`` is usually a closure over the model and the batch: the
children inherit it through the fork, so neither the model nor the texts are pickled; only each
part's result comes back. Each caller keeps its results independent of the split (row by row),
so a batch gives the same rows in one process or in many.
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


def fork_map(fn: Callable[[int], T], n_parts: int, n_jobs: int) -> list[T]:
    """``[fn(k) for k in range(n_parts)]``, over ``n_jobs`` forked processes when that is possible
    and worth it (else in this process)."""
    if n_jobs <= 1 or n_parts <= 1 or not can_fork():
        return [fn(k) for k in range(n_parts)]
    import multiprocessing as mp

    global _FN
    _FN = fn
    try:
        with mp.get_context("fork").Pool(min(n_jobs, n_parts)) as pool:
            return pool.map(_call, range(n_parts))
    finally:
        _FN = None
