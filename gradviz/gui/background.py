"""`BackgroundWork`: runs a model's `Job`s on one worker thread and hands each result back on the GUI thread.

Jobs run one at a time, in order; one that became stale while it waited is skipped. A result reaches the
model through a queued signal, so the model changes only on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6 import QtCore

from gradviz.data.work import Job


class BackgroundWork(QtCore.QObject):
    """`submit(job)` runs `job.compute()` off the GUI thread, then calls `accept(job, result)` on it (the
    result is the exception if the job raised). `wait()` blocks until no job is left (before closing)."""

    finished = QtCore.Signal(object, object)

    def __init__(self, accept: Callable[[Job, Any], None], is_stale: Callable[[Job], bool],
                 parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self._accept = accept
        self._is_stale = is_stale
        self.pool = QtCore.QThreadPool(self)
        self.pool.setMaxThreadCount(1)
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
        self.pool.clear()
        self.pool.waitForDone()
