"""Work that can take long (a loss landscape over many rows, a long run over them), described so that
whoever owns a thread can do it: the state hands out a `Job`, and takes its result back with `accept`.

Qt-free: the window runs jobs on a worker thread; without one they run at once, on the caller's thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

INLINE_WORK = 2_000_000  # row evaluations small enough to do at once, on the caller's thread (~10 ms)
PREVIEW_GRID = 36  # samples per side of the coarse landscape shown while the full one is computed
READ_INLINE_BYTES = 1 << 20  # a CSV file up to 1 MB (~40,000 rows of two columns) is read at once
PREVIEW_ROWS = 1_000  # rows (a fixed random sample) the coarse landscape uses


@dataclass(frozen=True, eq=False)
class Job:
    """`compute()` reads only what it captured, so it can run on any thread; `kind` is "landscape", "run" or "csv";
    `token` tells the state whether the result is still wanted when it comes back."""

    kind: str
    token: int
    compute: Callable[[], Any]
    progress: Progress | None = None  # how far `compute` has got, when it can say


class CancelledError(Exception):
    """Raised inside a job's work when its `Progress` was cancelled; the job's result is then this exception."""


class Progress:
    """A fraction done, written by the thread doing the work and read by the window (a float is written whole);
    `cancel()` from the window makes the work's next `report` raise CancelledError."""

    def __init__(self) -> None:
        self.fraction = 0.0
        self.cancelled = False

    def report(self, fraction: float) -> None:
        """Called by the work as it goes; raises CancelledError once the window has cancelled it."""
        if self.cancelled:
            raise CancelledError("cancelled")
        self.fraction = float(fraction)

    def cancel(self) -> None:
        self.cancelled = True


Executor = Callable[[Job], None]
