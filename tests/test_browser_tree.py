"""Counting a Voila server's kernels: a process a kernel forks is no kernel of its own."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from signalen_lib.dashboard.browser import descendants, tree_memory


def test_a_forked_child_of_a_kernel_is_not_counted_as_a_kernel():
    # a stand-in "kernel": its command line names ipykernel_launcher, and it forks one child
    code = "import os, time; os.fork(); time.sleep(20)"
    proc = subprocess.Popen([sys.executable, "-c", code, "ipykernel_launcher"], start_new_session=True)
    try:
        deadline = time.monotonic() + 10
        while len(descendants(proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(descendants(proc.pid)) == 2  # the stand-in and its forked child
        mb, kernels = tree_memory(proc.pid)
        assert kernels == 1 and mb > 0
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the stand-in and its child
        proc.wait()
