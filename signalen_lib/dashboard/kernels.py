"""Kernel manager for the dashboard's Voila: culling that does not kill a kernel being handed out.

Voila 0.5 (``voila_kernel_manager.py``) keeps pre-heated kernels in a pool and protects them from
the culler while they wait there. When a visitor takes one, its ``last_activity`` is still the time
the notebook ran in the pool, possibly long ago, and until the page's websocket connects it has no
connections: a cull pass in that window shuts it down and the page hangs (measured with
``benchmarks/bench_voila_load.py``: 2 of 3 simultaneous visitors lost their kernel that way).
Here a kernel's idle clock restarts the first time the culler sees it outside the pool.
"""
from __future__ import annotations

from jupyter_server._tz import utcnow
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager


class SignalenKernelManager(AsyncMappingKernelManager):
    """AsyncMappingKernelManager whose culler restarts the idle clock of kernels leaving the pool."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._seen_out_of_pool: set[str] = set()

    def _pooled_kernel_ids(self) -> set[str]:
        ids = set()
        for pool in getattr(self, "_pools", {}).values():  # set by Voila's pre-heating subclass
            for fut in pool:
                try:
                    if fut.done() and not fut.cancelled() and fut.exception() is None:
                        ids.add(fut.result().get("kernel_id"))
                except Exception:  # noqa: BLE001
                    continue
        return ids

    async def cull_kernel_if_idle(self, kernel_id: str):
        self._seen_out_of_pool -= self._pooled_kernel_ids()
        self._seen_out_of_pool &= set(self._kernels)
        if kernel_id in self._pooled_kernel_ids():
            return None
        if kernel_id not in self._seen_out_of_pool:
            self._seen_out_of_pool.add(kernel_id)
            kernel = self._kernels.get(kernel_id)
            if kernel is not None and getattr(kernel, "execution_state", None) != "dead":
                kernel.last_activity = utcnow()
                return None
        return await super().cull_kernel_if_idle(kernel_id)
