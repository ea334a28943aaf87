"""Work a scene hands out to run off the GUI thread (a `Job`), and takes back with `accept`: the derivation of a
long f (shown when it is ready), the full-resolution sample of f (a coarse one is shown at once), the descent paths
that did not fit in a frame (their first steps are shown at once), and the search for critical points.

A newer request of the same kind cancels the one running, and a new f, domain or grid makes it stale: a stale
result is dropped, so what is shown always belongs to the f on screen. Without an executor the work is done at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from gradviz.calculus.critical import CriticalSearch, search_critical_points
from gradviz.descent.trajectory import loop_for
from gradviz.expr.errors import ExpressionError
from gradviz.expr.function import Function
from gradviz.model.jobs import CancelledError, Executor, Job, Progress
from gradviz.model.sampling import PREVIEW_ROWS, SLIDE_GRID, Sample, coarse_sample, preview_side, sample
from gradviz.model.signal import Signal

KINDS = ("prepare", "sample", "paths", "critical")
VIEW_KINDS = ("sample", "paths", "critical")  # what a new domain or grid makes stale (an f on its way stays)


def prepare_for_view(fn: Function, methods: list[str]) -> Function:
    """`fn` with every kernel a window uses built: on grids and at points, and the descent loop of each method in
    `methods` (8 ms for three methods of a 12-term f, which showing it on the GUI thread would otherwise pay)."""
    fn.prepare(everything=True)
    for method in methods:
        loop_for(fn, method)
    return fn


def same_function(a: Any, b: Any) -> bool:
    """Whether two fs compute the same values: the same text and parameter values, over equal data (or none)."""
    if a.text != b.text or a.parameters != b.parameters or (a.data is None) != (b.data is None):
        return False
    return a.data is None or (a.data.keys() == b.data.keys()
                              and all(np.array_equal(a.data[k], b.data[k]) for k in a.data))


class SceneWork:
    """Mixin of `Scene`: needs `function`, `domain`, `resolution`, `view`, `descent`, `sliding`, `sample_changed`,
    `search_cells()`, `find_critical_points()` and `_show_critical(search)`."""

    work_changed: Signal  # () whenever work starts, ends or is cancelled

    _sample: Sample | None

    def _init_work(self) -> None:
        self._executor: Executor | None = None
        self.work_changed = Signal("work")
        self._tokens: dict[str, int] = dict.fromkeys(KINDS, 0)
        self._running: dict[str, Job] = {}
        self.preparing = ""  # the text of the last f handed out to be derived

    @property
    def executor(self) -> Executor | None:
        """Who runs the scene's jobs (the window's runner), or None: everything at once, on the caller's thread."""
        return self._executor

    @executor.setter
    def executor(self, executor: Executor | None) -> None:
        self._executor = executor
        self.descent.hand_out = None if executor is None else self.hand_out  # type: ignore[attr-defined]

    # ----- asking -----
    def hand_out(self, kind: str, compute: Callable[[Progress], Any]) -> Job:
        """Give `compute(progress)` to the executor as the newest job of `kind` (the one before is cancelled)."""
        progress = Progress()
        job = self._job(kind, lambda: compute(progress), progress)
        assert self._executor is not None
        self._executor(job)
        return job

    def request_critical_points(self) -> None:
        """Search for the critical points: handed to the executor when there is one (`busy` says so meanwhile;
        the result is shown when it comes back, if f and the domain are still those searched), else at once."""
        if self._executor is None:
            self.find_critical_points()  # type: ignore[attr-defined]
            return
        fn, domain, cells = self.function, self.domain, self.search_cells()  # type: ignore[attr-defined]
        self.hand_out("critical", lambda progress: self.search_in(fn, domain, cells, progress.report))

    @staticmethod
    def search_in(fn: Any, domain: tuple, cells: int, report: Any) -> CriticalSearch:
        return search_critical_points(fn, domain, cells=cells, report=report)

    def sample(self) -> Sample:
        """f and ∇f on the current grid, computed once per change. With an executor, a coarse preview comes first
        (`Sample.coarse`) and the full sample replaces it when it is ready (`sample_changed`). While a slider moves
        (`sliding`), the grid has at most SLIDE_GRID points a side, and `refine_sample` brings the full one."""
        if self._sample is None:
            fn, domain, n = self.function, self.domain, self.resolution  # type: ignore[attr-defined]
            rows = getattr(fn, "rows", None) or 0  # a loss on data, or a network's slice, previews over some rows
            if self.sliding:  # type: ignore[attr-defined]
                self._sample = coarse_sample(fn, domain, n, side=SLIDE_GRID)
            elif self.executor is not None and (n > preview_side(fn, rows) or rows > PREVIEW_ROWS):
                self._sample = coarse_sample(fn, domain, n)
                self.request_sample()
            else:
                self._sample = sample(fn, domain, n)
        return self._sample

    def refine_sample(self) -> None:
        """Replace a coarse sample shown by the full one: off the GUI thread with an executor, else at once."""
        if self._sample is None or not self._sample.coarse:
            return
        if self.executor is not None:
            self.request_sample()
        else:
            self._show_sample(sample(self.function, self.domain, self.resolution))  # type: ignore[attr-defined]

    def _show_sample(self, full: Sample) -> None:
        self._sample = full
        self.sample_changed.emit()  # type: ignore[attr-defined]

    def request_sample(self) -> None:
        """Sample f on the full grid off the GUI thread; `_show_sample` gets it if f, the domain and the grid are
        still those sampled."""
        fn, domain, n, view = self.function, self.domain, self.resolution, self.view  # type: ignore[attr-defined]
        density = view.field_density if view.gradient_field else None
        self.hand_out("sample", lambda progress: sample(fn, domain, n, progress.report).prime(
            view.contour_spacing, view.contour_count, density, view.field_sign))

    def _job(self, kind: str, compute: Callable[[], Any], progress: Progress | None = None) -> Job:
        old = self._running.get(kind)
        if old is not None and old.progress is not None:
            old.progress.cancel()  # a fast slider never queues work behind it
        self._tokens[kind] += 1
        job = Job(kind, self._tokens[kind], compute, progress)
        self._running[kind] = job
        self.work_changed.emit()
        return job

    def share_results(self, other: Any) -> bool:
        """Take what `other` (a scene showing the same f, parameters, domain and grid, e.g. the window's scene
        this one copies for an export) has finished computing: its f with its compiled kernels, its full sample
        and its whole paths. Returns whether they were the same and so shared."""
        fn = other.function
        if not (same_function(fn, self.function) and other.domain == self.domain  # type: ignore[attr-defined]
                and other.resolution == self.resolution):  # type: ignore[attr-defined]
            return False
        self.function = fn  # type: ignore[attr-defined]
        self._local = None  # type: ignore[attr-defined]
        full = other._sample
        self._sample = full if full is not None and not full.coarse else None  # type: ignore[attr-defined]
        self.descent.share_paths(other.descent)  # type: ignore[attr-defined]
        return True

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
        self._invalidate_work(cancel=True)

    def _invalidate_work(self, kinds: tuple[str, ...] = KINDS, cancel: bool = False) -> None:
        """What `kinds` of results on their way would show belong to another f, domain or grid: they are dropped
        (and with `cancel`, stopped)."""
        stale = [kind for kind in self._running if kind in kinds]
        for kind in stale:
            job = self._running.pop(kind)
            if job.progress is not None:
                job.progress.cancel()
            self._tokens[kind] += 1
        if stale or cancel:
            self.work_changed.emit()

    # ----- results -----
    def accept(self, job: Job, result: Any) -> None:
        """A job's result (or the exception it raised), from the executor; a stale one is dropped."""
        if self.is_stale(job):
            return
        self._running.pop(job.kind, None)
        if isinstance(result, CancelledError):
            pass
        elif job.kind == "critical":
            if isinstance(result, Exception):
                self.critical_note = f"the search failed: {result}"  # type: ignore[attr-defined]
                self._show_critical(None)  # type: ignore[attr-defined]
            else:
                self._show_critical(result)  # type: ignore[attr-defined]
        elif job.kind == "prepare":
            if isinstance(result, Exception):
                error = ExpressionError(f"f could not be derived ({type(result).__name__}: {result})", 0,
                                        self.preparing)
                self.error = error  # type: ignore[attr-defined]
                self.error_changed.emit(error, self.preparing)  # type: ignore[attr-defined]
            else:
                self._show_expression(result)  # type: ignore[attr-defined]
        elif job.kind == "sample" and isinstance(result, Sample):  # a failure leaves the preview
            self._show_sample(result)  # type: ignore[attr-defined]
        elif job.kind == "paths":
            self.descent.accept_paths(result)  # type: ignore[attr-defined]
        self.work_changed.emit()
