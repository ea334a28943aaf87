"""`BackgroundWork`: runs a model's `Job`s on two worker threads and hands each result back on the GUI thread.

Jobs start in order; one that became stale while it waited is skipped. A result reaches the
model through a queued signal, so the model changes only on the GUI thread.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable
from typing import Any

from PySide6 import QtCore

from gradviz.model.jobs import Job

M_ARENA_MAX = -8  # glibc's mallopt parameter


def share_main_heap() -> bool:
    """Let threads allocate from the main thread's heap (glibc only; True if set). Measured: a 100,000-row
    landscape took 3.3 s on a worker thread with its own arena against 2.1 s on the main thread (the freed
    MB-sized blocks went back to the system and faulted in again); 2.1 s on either with one heap."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        return bool(ctypes.CDLL("libc.so.6").mallopt(M_ARENA_MAX, 1))
    except (OSError, AttributeError):
        return False


class BackgroundWork(QtCore.QObject):
    """`submit(job)` runs `job.compute()` off the GUI thread, then calls `accept(job, result)` on it (the
    result is the exception if the job raised). `wait()` blocks until no job is left (before closing)."""

    finished = QtCore.Signal(object, object)

    def __init__(self, accept: Callable[[Job, Any], None], is_stale: Callable[[Job], bool],
                 parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        share_main_heap()  # before the pool's thread first allocates
        self._accept = accept
        self._is_stale = is_stale
        # its own worker thread, owned by this object: a job never outlives the window that handed it out (a pool
        # shared by the windows let a closed window's job emit into a deleted object)
        self.pool = QtCore.QThreadPool(self)
        self.pool.setMaxThreadCount(2)  # the surface and the paths of one change side by side
        self.finished.connect(self._deliver, QtCore.Qt.ConnectionType.QueuedConnection)

    def submit(self, job: Job) -> None:
        self.pool.start(QtCore.QRunnable.create(lambda: self._run(job)))

    def _run(self, job: Job) -> None:
        if self._is_stale(job):
            return
        try:
            result = job.compute()
        except Exception as exc:  # noqa: BLE001 (handed to the model, which shows it)
            result = exc
        self.finished.emit(job, result)

    @QtCore.Slot(object, object)
    def _deliver(self, job: Job, result: Any) -> None:
        self._accept(job, result)

    def wait(self) -> None:
        """Drop the jobs not started and block until the running one is done (before the owner closes)."""
        self.pool.clear()
        self.pool.waitForDone()
