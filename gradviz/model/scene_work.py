"""Work a scene hands out to run off the GUI thread (a `Job`), and takes back with `accept`: so far the search for
critical points. A newer request, or a new f or domain, makes a job still running stale, and its result is
dropped: the points shown always belong to the f on screen. Without an executor the work is done at once."""

from __future__ import annotations

from typing import Any

from gradviz.calculus.critical import CriticalSearch, search_critical_points
from gradviz.model.jobs import CancelledError, Executor, Job, Progress
from gradviz.model.signal import Signal


class SceneWork:
    """Mixin of `Scene`: needs `function`, `domain`, `search_critical_points()` and `_show_critical(search)`."""

    executor: Executor | None
    work_changed: Signal  # () whenever work starts, ends or is cancelled

    def _init_work(self) -> None:
        self.executor = None
        self.work_changed = Signal("work")
        self._tokens: dict[str, int] = {"critical": 0}
        self._running: dict[str, Job] = {}

    # ----- asking -----
    def request_critical_points(self) -> None:
        """Search for the critical points: handed to the executor when there is one (`busy` says so meanwhile;
        the result is shown when it comes back, if f and the domain are still those searched), else at once."""
        if self.executor is None:
            self.find_critical_points()  # type: ignore[attr-defined]
            return
        progress = Progress()
        fn, domain, cells = self.function, self.domain, self.search_cells()  # type: ignore[attr-defined]
        job = self._job("critical", lambda: self.search_in(fn, domain, cells, progress.report), progress)
        self.executor(job)

    @staticmethod
    def search_in(fn: Any, domain: tuple, cells: int, report: Any) -> CriticalSearch:
        return search_critical_points(fn, domain, cells=cells, report=report)

    def _job(self, kind: str, compute: Any, progress: Progress | None = None) -> Job:
        self._tokens[kind] += 1
        job = Job(kind, self._tokens[kind], compute, progress)
        self._running[kind] = job
        self.work_changed.emit()
        return job

    # ----- what is going on -----
    @property
    def busy(self) -> list[Job]:
        """The jobs handed out and not back yet (nor stale)."""
        return [job for job in self._running.values() if not self.is_stale(job)]

    def is_stale(self, job: Job) -> bool:
        """Whether a newer job of its kind was handed out, or f or the domain changed, since `job` was."""
        return job.token != self._tokens.get(job.kind)

    def cancel_work(self) -> None:
        """Stop every job on its way (each stops at its next report) and forget them."""
        for kind, job in list(self._running.items()):
            if job.progress is not None:
                job.progress.cancel()
            self._tokens[kind] += 1
        self._running.clear()
        self.work_changed.emit()

    def _invalidate_work(self) -> None:
        """f or the domain changed: results on their way are of another f."""
        if self._running:
            for kind in self._running:
                self._tokens[kind] += 1
            self._running.clear()
            self.work_changed.emit()

    # ----- results -----
    def accept(self, job: Job, result: Any) -> None:
        """A job's result (or the exception it raised), from the executor; a stale one is dropped."""
        if self.is_stale(job):
            return
        self._running.pop(job.kind, None)
        if isinstance(result, CancelledError):
            pass
        elif isinstance(result, Exception):
            self.critical_note = f"the search failed: {result}"  # type: ignore[attr-defined]
            self._show_critical(None)  # type: ignore[attr-defined]
        else:
            self._show_critical(result)  # type: ignore[attr-defined]
        self.work_changed.emit()
