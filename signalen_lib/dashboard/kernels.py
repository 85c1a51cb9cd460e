"""Kernel manager and websocket connection for the dashboard's Voila: bounded, quickly reaped, quiet.

Voila 0.5 (``voila_kernel_manager.py``) keeps pre-heated kernels in a pool per notebook and refills
the pool every time a page takes one, whether or not that page ever opens its websocket. A loop of
page loads that never connect (curl, a crashed browser) therefore started a kernel (~350 MB) per
load, culled only after ``cull_idle_timeout``. Here:

* **A cap.** ``max_kernels`` (setting ``dashboard_max_kernels``) bounds the live kernels, pooled ones
  included. The pool is refilled only up to the cap; a request for which the pool is empty never
  starts a kernel of its own but gets Voila's ``503.html`` ("het dashboard is druk, probeer het zo
  opnieuw", written by :func:`.serve.write_template`), which reloads itself after a few seconds.
* **Orphans go fast.** Every ``reap_interval`` seconds a kernel that has left the pool, is not busy
  (still rendering the notebook for its page) and has no open websocket is shut down once it has
  been like that for ``orphan_grace`` seconds (setting ``dashboard_kernel_grace_seconds``) after its
  page disconnected (closed, crashed), or ``connect_grace`` seconds (at least a minute) when its page
  never connected (curl; a page on a slow machine may need half a minute to load its scripts and
  connect, and a kernel reaped before that leaves the page hanging). A connected page keeps its
  kernel however long it stays open (an office display). After a shutdown the pool is topped up.
* The idle culler (``cull_idle_timeout``) stays as before, and a kernel leaving the pool gets a fresh
  idle clock (measured with ``benchmarks/bench_voila_load.py``: otherwise 2 of 3 simultaneous
  visitors lost their kernel to a cull pass before their page connected).

:class:`SignalenWebsocketConnection` keeps kernel internals out of the browser: the kernel's stderr
stream (where ipykernel logs a traceback with server paths for a malformed ``comm_open`` or a
failing ``comm_msg``) and messages carrying a traceback are dropped on their way to the page and
only counted in the server log. ``show_tracebacks = False`` covers the first render only.
"""
from __future__ import annotations

import asyncio
import contextvars
import time

from jupyter_server._tz import utcnow
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets import Float, Integer

# True inside the tasks that fill a pre-heated pool (they inherit the context of fill_if_needed)
_POOL_FILL: contextvars.ContextVar[bool] = contextvars.ContextVar("signalen_pool_fill", default=False)

BUSY_REASON = "Dashboard busy"


class DashboardBusy(web.HTTPError):
    """503: every kernel the server may run is in use; rendered by the template's ``503.html``."""

    def __init__(self) -> None:
        super().__init__(503, reason=BUSY_REASON)


def _closed(aw) -> None:
    close = getattr(aw, "close", None)
    if close is not None:
        close()


class SignalenKernelManager(AsyncMappingKernelManager):
    """AsyncMappingKernelManager with a kernel cap, a fast reaper of page-less kernels, and an idle
    clock that restarts for kernels leaving the pool. Voila's pre-heating class subclasses this one;
    :meth:`__init_subclass__` wraps its pool methods."""

    max_kernels = Integer(8, config=True, help="Live kernels at most, pooled ones included.")
    orphan_grace = Float(30.0, config=True, help="Seconds a visitor's kernel may be without its page once it disconnected.")
    connect_grace = Float(60.0, config=True, help="Seconds a visitor's kernel may wait for its page to connect at all.")
    reap_interval = Float(5.0, config=True, help="Seconds between passes of the page-less kernel reaper.")

    def __init__(self, **kwargs):
        self._seen_out_of_pool: set[str] = set()
        self._starting = 0
        self._entered: set = set()  # pool tasks that reached start_kernel
        self._warming: set[str] = set()  # kernels of pool tasks still rendering the notebook
        self._pageless_since: dict[str, float] = {}
        self._ever_connected: set[str] = set()
        self._reaper = None
        self.busy_refusals = 0
        super().__init__(**kwargs)

    # ---- wrapping Voila's pre-heating subclass -----------------------------------------------
    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        fill = cls.__dict__.get("fill_if_needed")
        get_rendered = cls.__dict__.get("get_rendered_notebook")
        get_pool_size = cls.__dict__.get("get_pool_size")
        if fill is not None:
            def fill_if_needed(self, delay=None, notebook_name=None, *args, **kw):
                pool_before = list(self._pools.get(notebook_name, []))
                room = self.max_kernels - self.kernels_in_use()
                token = _POOL_FILL.set(True)
                try:
                    fill(self, delay, notebook_name, *args, **kw)
                finally:
                    _POOL_FILL.reset(token)
                pool = self._pools.get(notebook_name, [])
                new = [t for t in pool if not any(t is b for b in pool_before)]
                for task in new[max(room, 0):]:  # beyond the cap: never started
                    coro = task.get_coro()
                    frame = getattr(coro, "cr_frame", None)
                    if frame is not None:
                        _closed(frame.f_locals.get("aw"))
                    task.cancel()
                    pool.remove(task)
            cls.fill_if_needed = fill_if_needed
        if get_pool_size is not None:
            def pool_size(self, notebook_name):
                self._prune_pools()
                return get_pool_size(self, notebook_name)
            cls.get_pool_size = pool_size
        if get_rendered is not None:
            async def get_rendered_notebook(self, notebook_name, *args, **kw):
                self._prune_pools()
                if notebook_name is not None and not self._pools.get(notebook_name):
                    self.busy_refusals += 1
                    raise DashboardBusy()
                return await get_rendered(self, notebook_name, *args, **kw)
            cls.get_rendered_notebook = get_rendered_notebook

    # ---- accounting --------------------------------------------------------------------------
    def _pool_tasks(self):
        for pool in getattr(self, "_pools", {}).values():
            yield from pool

    def _prune_pools(self) -> None:
        """Drop pool entries whose kernel failed to start (Voila would hand them out, or trip over
        them in shutdown_kernel)."""
        for pool in getattr(self, "_pools", {}).values():
            for task in list(pool):
                if task.done() and (task.cancelled() or task.exception() is not None):
                    pool.remove(task)
        self._entered = {t for t in self._entered if not t.done()}

    def _pooled_kernel_ids(self) -> set[str]:
        ids = set()
        for fut in self._pool_tasks():
            try:
                if fut.done() and not fut.cancelled() and fut.exception() is None:
                    ids.add(fut.result().get("kernel_id"))
            except Exception:  # noqa: BLE001
                continue
        return ids

    def kernels_in_use(self) -> int:
        """Running kernels, kernels being started, and pool tasks that will start one."""
        queued = sum(1 for t in self._pool_tasks() if not t.done() and t not in self._entered)
        return len(self._kernels) + self._starting + queued

    # ---- starting ------------------------------------------------------------------------------
    async def start_kernel(self, *args, **kwargs):
        self._ensure_reaper()
        if not _POOL_FILL.get():
            # a page for which the pool had nothing left: no kernel of its own
            self.busy_refusals += 1
            self.log.warning("dashboard busy: no pre-heated kernel left (%d in use, cap %d)",
                             self.kernels_in_use(), self.max_kernels)
            raise DashboardBusy()
        task = asyncio.current_task()
        if task is not None:
            self._entered.add(task)
        if len(self._kernels) + self._starting >= self.max_kernels:
            raise DashboardBusy()
        self._starting += 1
        try:
            kernel_id = await super().start_kernel(*args, **kwargs)
        finally:
            self._starting -= 1
        if task is not None and not task.done():
            self._warming.add(kernel_id)
            task.add_done_callback(lambda _t, k=kernel_id: self._warming.discard(k))
        return kernel_id

    async def shutdown_kernel(self, kernel_id, *args, **kwargs):
        result = await super().shutdown_kernel(kernel_id, *args, **kwargs)
        self._pageless_since.pop(kernel_id, None)
        self._warming.discard(kernel_id)
        loop = asyncio.get_event_loop()
        loop.call_soon(self._top_up)
        return result

    async def shutdown_all(self, *args, **kwargs):
        if self._reaper is not None:
            self._reaper.stop()
            self._reaper = None
        return await super().shutdown_all(*args, **kwargs)

    def _top_up(self) -> None:
        fill = getattr(self, "fill_if_needed", None)
        if fill is None or not hasattr(self, "_pools"):
            return
        for name in list(self._pools):
            try:
                fill(delay=0, notebook_name=name)
            except Exception:  # noqa: BLE001
                self.log.exception("refilling the kernel pool of %s failed", name)

    # ---- reaping page-less kernels -------------------------------------------------------------
    def notify_connect(self, kernel_id):
        super().notify_connect(kernel_id)
        self._ever_connected.add(kernel_id)

    def _ensure_reaper(self) -> None:
        if self._reaper is not None or self.reap_interval <= 0:
            return
        from tornado.ioloop import PeriodicCallback

        self._reaper = PeriodicCallback(lambda: asyncio.ensure_future(self.reap()), self.reap_interval * 1000)
        self._reaper.start()

    async def reap(self) -> list[str]:
        """Shut down kernels without an open page for longer than ``orphan_grace``; top up pools."""
        self._prune_pools()
        now = time.monotonic()
        keep = self._pooled_kernel_ids() | self._warming
        reaped = []
        for kid, kernel in list(self._kernels.items()):
            connected = self._kernel_connections.get(kid, 0) > 0
            if connected:
                self._ever_connected.add(kid)
            if kid in keep or connected or getattr(kernel, "execution_state", None) in ("busy", "starting"):
                self._pageless_since.pop(kid, None)
                continue
            since = self._pageless_since.setdefault(kid, now)
            grace = self.orphan_grace if kid in self._ever_connected else max(self.connect_grace, self.orphan_grace)
            if now - since >= grace:
                self.log.warning("shutting down kernel %s: no open page for %.0f s", kid, now - since)
                self._pageless_since.pop(kid, None)
                try:
                    await self.shutdown_kernel(kid)
                    reaped.append(kid)
                except Exception:  # noqa: BLE001
                    self.log.exception("could not shut down kernel %s", kid)
        for kid in list(self._pageless_since):
            if kid not in self._kernels:
                self._pageless_since.pop(kid, None)
        self._ever_connected &= set(self._kernels)
        self._top_up()
        return reaped

    # ---- the idle culler -----------------------------------------------------------------------
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


class SignalenWebsocketConnection(ZMQChannelsWebsocketConnection):
    """The kernel websocket, minus what would show server internals in the browser: stderr stream
    output and any message carrying a traceback (``error``, error replies)."""

    dropped = 0

    def handle_outgoing_message(self, stream, outgoing_msg) -> None:
        try:
            _, parts = self.session.feed_identities(outgoing_msg)
            parts = [getattr(p, "bytes", p) for p in parts[:5]]
            header = self.session.unpack(parts[1])
            msg_type = header.get("msg_type")
            if msg_type in ("stream", "error", "execute_reply", "inspect_reply", "complete_reply"):
                content = self.session.unpack(parts[4])
                if (msg_type == "stream" and content.get("name") != "stdout") or "traceback" in content:
                    type(self).dropped += 1
                    self.log.info("not forwarded to the browser: %s (%s) of kernel %s", msg_type,
                                  content.get("name") or content.get("ename") or "-", getattr(self, "kernel_id", "?"))
                    return
        except Exception:  # noqa: BLE001 - a message we cannot read is not forwarded either
            self.log.warning("dropped an unreadable message from kernel %s", getattr(self, "kernel_id", "?"))
            return
        super().handle_outgoing_message(stream, outgoing_msg)
