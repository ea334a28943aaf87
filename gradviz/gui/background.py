"""`BackgroundWork`: the application's one job runner. It runs the models' `Job`s on two worker threads
(concurrent.futures) and hands each result back on the GUI thread, through a queued signal, to the model that
handed the job out.

Jobs start in order; one that became stale while it waited is skipped. A result reaches its model through a
queued signal, so models change only on the GUI thread. The runner belongs to the application, not to a window
(a job never emits into a deleted object); each model's executor names the widget that owns it, and once that
widget is destroyed its results are dropped, so none reaches a deleted view. Every job goes back to the GUI thread,
run or skipped, and the worker holds no model: the last reference to a closed window's objects is never dropped on
a worker thread (which deleted Qt objects there, and Qt crashed later).
"""

from __future__ import annotations

import concurrent.futures
import gc
import itertools
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6 import QtCore

from gradviz.data.heap import share_main_heap
from gradviz.model.jobs import Executor, Job

THREADS = 2  # the surface and the paths of one change side by side (the machines have two cores)

Accept = Callable[[Job, Any], None]
SKIPPED = object()  # the result of a job that was stale before it started
IsStale = Callable[[Job], bool]


def collect_now() -> None:
    """Collect Python's garbage on this (the GUI) thread, now: before the application ends, the closed windows'
    objects go while Qt is whole (left to the interpreter's exit, pyqtgraph's items printed errors). pyqtgraph's
    GarbageCollector (collection on the GUI thread only) was tried: its late, large collections crashed the suite."""
    gc.collect()


def settle_heap() -> int:
    """Once the window is up: collect, then move every object the start-up made (modules, widgets, plot items) out of
    the collector's reach (gc.freeze), so that a full collection scans only what was made since. Before, one fell in
    the middle of a redraw now and then: 45-53 ms when 25 start points were added. Returns how many were moved."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


class BackgroundWork(QtCore.QObject):
    """`executor(accept, is_stale, owner)` gives a model its executor: `job.compute()` runs off the GUI thread, then
    `accept(job, result)` on it (the result is the exception if the job raised). `wait()` blocks until no job is
    left (before a window closes). `BackgroundWork.shared()` is the application's runner."""

    finished = QtCore.Signal(object, object, object)
    _shared: BackgroundWork | None = None

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        share_main_heap()  # before the pool's threads first allocate
        # Python's own pool, not QThreadPool.create(callable): its Python objects are released with the GIL held
        self.pool = concurrent.futures.ThreadPoolExecutor(THREADS, thread_name_prefix="gradviz-work")
        self._pending: set[concurrent.futures.Future] = set()
        self._waiting: list[tuple[Job, int]] = []  # handed out, to start when the GUI thread is back in its loop
        self._models: dict[int, tuple[Accept, IsStale, QtCore.QObject]] = {}  # by key: accept, is_stale, owner
        self._keys = itertools.count()
        self.finished.connect(self._deliver, QtCore.Qt.ConnectionType.QueuedConnection)

    @classmethod
    def shared(cls) -> BackgroundWork:
        """The runner of the running QApplication (made on first use, owned by the application)."""
        app = QtCore.QCoreApplication.instance()
        if cls._shared is None or cls._shared.parent() is not app:
            cls._shared = cls(app)
            app.aboutToQuit.connect(collect_now)  # what is left goes while Qt can still take it apart
        return cls._shared

    def executor(self, accept: Accept, is_stale: IsStale, owner: QtCore.QObject) -> Executor:
        """The executor of a model whose results `accept` takes while `owner` (its window) lives."""
        for old in [k for k, (_, _, o) in self._models.items() if not shiboken6.isValid(o)]:
            del self._models[old]  # the models of windows that are gone
        key = next(self._keys)
        self._models[key] = (accept, is_stale, owner)
        return lambda job: self.submit(job, key)

    def _live(self, key: int) -> Accept | None:
        """The model's accept while its owner lives, else None."""
        entry = self._models.get(key)
        return entry[0] if entry is not None and shiboken6.isValid(entry[2]) else None

    def submit(self, job: Job, key: int) -> None:
        """Start `job` once the GUI thread is back in its event loop: jobs handed out while a change is being applied
        (the views drawing a new f) would otherwise run their Python loops beside it, and the two threads take turns
        with the GIL (a 12-term f was applied in 37 to 104 ms while its paths started, 28 ms after)."""
        self._waiting.append((job, key))
        if len(self._waiting) == 1:
            QtCore.QTimer.singleShot(0, self._start_waiting)

    def _start_waiting(self) -> None:
        waiting, self._waiting = self._waiting, []
        for job, key in waiting:
            future = self.pool.submit(self._run, job, key)
            self._pending.add(future)
            future.add_done_callback(self._pending.discard)

    def _run(self, job: Job, key: int) -> None:
        entry = self._models.get(key)  # (the owner's validity is checked on the GUI thread, at delivery)
        if entry is None or entry[1](job):
            self.finished.emit(job, SKIPPED, key)  # released on the GUI thread, like every job
            return
        try:
            result = job.compute()
        except Exception as exc:  # noqa: BLE001 (handed to the model, which shows it)
            result = exc
        self.finished.emit(job, result, key)

    @QtCore.Slot(object, object, object)
    def _deliver(self, job: Job, result: Any, key: int) -> None:
        accept = self._live(key)
        if accept is not None and result is not SKIPPED:
            accept(job, result)

    def wait(self) -> None:
        """Block until the jobs handed out are done (the caller cancelled its own first; they stop at their next
        report)."""
        self._start_waiting()
        concurrent.futures.wait(list(self._pending))
