"""Worker processes for the work a build spreads over the cores (reading dates, drawing charts).

Workers are forked, so they start with the modules already imported, and they end when the
process that started them ends, however it ends: a build killed with SIGKILL leaves no orphans
behind holding its output pipes.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor

PR_SET_PDEATHSIG = 1


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """``workers`` forked processes (spawned where fork is not available) that die with this one."""
    method = "fork" if can_fork() else "spawn"
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method), initializer=_die_with, initargs=(os.getpid(),))


def _die_with(parent: int) -> None:
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL) == 0 and os.getppid() == parent:
                return
        except (OSError, AttributeError):
            pass
    threading.Thread(target=_watch, args=(parent,), daemon=True).start()


def _watch(parent: int) -> None:
    """Where the kernel cannot be asked to, notice that the parent is gone (we are re-parented)."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)
