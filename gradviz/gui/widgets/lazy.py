"""Widgets that redraw only while they can be seen: a hidden panel marks itself stale and redraws
when it is shown again, so dragging the probe does not pay for tabs nobody is looking at."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6 import QtCore, QtGui, QtWidgets


def when_visible(refresh: Callable[..., None]) -> Callable[..., None]:
    """Decorate a widget's refresh method: skipped (and remembered) while the widget is hidden."""
    def wrapped(self: QtWidgets.QWidget, *args: Any) -> None:
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        refresh(self, *args)
    wrapped.__name__ = refresh.__name__
    wrapped.__doc__ = refresh.__doc__
    return wrapped


def show_event_refreshing(cls: type) -> type:
    """Give `cls` a showEvent that runs `refresh()` when an update was skipped while hidden."""
    original = cls.showEvent

    def show_event(self: QtWidgets.QWidget, event: QtGui.QShowEvent) -> None:
        original(self, event)
        if getattr(self, "_stale", False):
            self.refresh()

    cls.showEvent = show_event
    return cls


class Coalesced:
    """`request()` runs `fn` once, later, however often it was requested meanwhile: a change that several signals
    announce is drawn once. The requests of all views wait in one queue that runs one of them per pass of the event
    loop, so that the window answers (input, timers, painting) between the redraws that follow one change. Nothing
    runs once `context` (the view) is gone."""

    def __init__(self, fn: Callable[[], None], context: QtCore.QObject) -> None:
        self.fn, self.context = fn, context
        self.pending = False

    def request(self, *args: Any) -> None:
        if not self.pending:
            self.pending = True
            _QUEUE[id(self)] = self
            _schedule()

    def cancel(self) -> None:
        self.pending = False
        _QUEUE.pop(id(self), None)

    def run(self) -> None:
        if self.pending:
            self.pending = False
            self.fn()


_QUEUE: dict[int, Coalesced] = {}  # the requests waiting, oldest first
_SCHEDULED = [False]
_TIMER: list[QtCore.QTimer] = []


def _schedule() -> None:
    """Run the next request in a later pass of the event loop, in turn with the window's timers and input: a posted
    event (delivered once the work asking for the redraw is done) starts a zero-interval QTimer. Posted alone (what
    QTimer.singleShot(0) does in Qt 6), a chain of redraws ran ahead of the timers and starved the window; a timer
    started during long work came due before the timers that came due while it went on."""
    if not _SCHEDULED[0]:
        _SCHEDULED[0] = True
        QtCore.QTimer.singleShot(0, _start_timer)


def _start_timer() -> None:
    if not _TIMER:
        timer = QtCore.QTimer(QtCore.QCoreApplication.instance())
        timer.setSingleShot(True)
        timer.setInterval(0)
        timer.timeout.connect(_run_one)
        _TIMER.append(timer)
    _TIMER[0].start()


def _run_one() -> None:
    """Run the oldest request whose view still exists; the rest wait for the next pass."""
    _SCHEDULED[0] = False
    while _QUEUE:
        request = _QUEUE.pop(next(iter(_QUEUE)))
        if request.pending and shiboken6.isValid(request.context):
            request.run()
            break
        request.pending = False
    if _QUEUE:
        _schedule()


class FollowPaths:
    """The slot a view connects to `trajectories_changed`: for a view that draws paths over f (`over_f`), `refresh`
    at once when f changed since it last ran (paths never lag behind the f drawn with them); else once, in a later
    pass of the event loop (`Coalesced`)."""

    def __init__(self, scene: Any, refresh: Callable[[], None], context: QtCore.QObject, over_f: bool = True) -> None:
        self.scene, self._refresh = scene, refresh
        self.later = Coalesced(self.refresh, context)
        self.drawn_for: object = None
        self.over_f = over_f

    def refresh(self) -> None:
        self.drawn_for = self.scene.function
        self._refresh()

    def changed(self, *args: Any) -> None:
        if self.scene.function is self.drawn_for or not self.over_f:
            self.later.request()
        else:
            self.later.cancel()
            self.refresh()


def run_pending() -> None:
    """Run every waiting request now, on this thread (for benchmarks that time a whole redraw)."""
    while _QUEUE:
        _run_one()


def redraws_waiting() -> int:
    """How many deferred redraws wait for their pass of the event loop."""
    return len(_QUEUE)
