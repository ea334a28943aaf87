"""An export that takes long (a figure of 1024² pixels and more takes 0.4–3 s here): what Qt must draw on the GUI
thread is done in stages, one per pass of the event loop, so that the window repaints and answers between them and
the status bar shows how far it has got; the file is then encoded and written by the runner. Cancel stops it
before its next stage, and nothing is written.

The stages are a generator: it yields the fraction done after each stage and returns what the runner writes (a
QImage, or bytes). `run_stages` runs one to the end at once (the library calls and the tests do).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

from PySide6 import QtCore, QtGui

from gradviz.gui.background import BackgroundWork
from gradviz.model.jobs import Job

Stages = Generator[float, None, Any]  # yields fractions done; returns a QImage or bytes to write


def run_stages(stages: Stages) -> Any:
    """Every stage at once; what the stages return."""
    while True:
        try:
            next(stages)
        except StopIteration as end:
            return end.value


def write_file(path: str, result: Any) -> str:
    """Write a stage's result (a QImage in the format the path's suffix names, or bytes); OSError if it cannot."""
    if isinstance(result, QtGui.QImage):
        if not result.save(path):
            raise OSError(f"could not write {path}")
    else:
        Path(path).write_bytes(result)
    return path


class StagedExport(QtCore.QObject):
    """Runs `stages` one per pass of the event loop, then writes their result to `path` on the runner. `label` says
    what it is ("Exporting the 3D view"), `fraction` how far it has got; `cancel()` stops it before the next stage.
    `ended` is emitted once, with the path written, or "" when cancelled, or an OSError/ValueError/RuntimeError."""

    ended = QtCore.Signal(object)
    changed = QtCore.Signal()  # the fraction moved, or it ended

    WRITE_SHARE = 0.1  # of the bar: the writing, after the stages' own fractions

    def __init__(self, label: str, stages: Stages, path: str, parent: QtCore.QObject) -> None:
        super().__init__(parent)
        self.label, self.path, self._stages = label, path, stages
        self.fraction = 0.0
        self.running = True
        self._cancelled = False
        self._timer = QtCore.QTimer(self)  # a zero-interval timer: each stage after the window's own events
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._next)
        self._write: Job | None = None

    def start(self) -> StagedExport:
        self._timer.start()
        return self

    def cancel(self) -> None:
        """Stop before the next stage (a file being written is finished, then left out: it is removed)."""
        if self.running:
            self._cancelled = True
            if self._write is None:
                self._timer.stop()
                self._stages.close()  # its `finally` blocks tidy up (a twin view is closed)
                self._end("")

    def _next(self) -> None:
        if self._cancelled:
            return
        try:
            self.fraction = (1.0 - self.WRITE_SHARE) * float(next(self._stages))
        except StopIteration as done:
            self._write_later(done.value)
            return
        except (OSError, ValueError, RuntimeError) as err:
            self._end(err)
            return
        self.changed.emit()
        self._timer.start()

    def _write_later(self, result: Any) -> None:
        self.fraction = 1.0 - self.WRITE_SHARE
        self.changed.emit()
        path = self.path
        job = self._write = Job("write", 0, lambda: write_file(path, result))
        runner = BackgroundWork.shared()
        runner.executor(self._written, lambda job: False, self)(job)

    def _written(self, job: Job, result: Any) -> None:
        if self._cancelled:
            Path(self.path).unlink(missing_ok=True)
            self._end("")
        else:
            self._end(result)

    def _end(self, result: str | Exception) -> None:
        if not self.running:
            return
        self.running = False
        self.fraction = 1.0
        self.changed.emit()
        self.ended.emit(result)


def on_end(export: StagedExport, done: Callable[[str], None], failed: Callable[[Exception], None]) -> StagedExport:
    """Call `done(path)` when it wrote its file, `failed(error)` when it could not (nothing when cancelled)."""
    def ended(result: object) -> None:
        if isinstance(result, Exception):
            failed(result)
        elif result:
            done(str(result))

    export.ended.connect(ended)
    return export
