"""Widgets that redraw only while they can be seen: a hidden panel marks itself stale and redraws
when it is shown again, so dragging the probe does not pay for tabs nobody is looking at."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
    """`request()` runs `fn` once, in a later pass of the event loop of its own, however often it was requested in
    this one: a change that several signals announce is drawn once, and the views that follow one change draw in
    separate passes, so that the window answers between them. Nothing runs once `context` (the view) is gone."""

    def __init__(self, fn: Callable[[], None], context: QtCore.QObject) -> None:
        self.fn, self.context = fn, context
        self.pending = False

    def request(self, *args: Any) -> None:
        if not self.pending:
            self.pending = True
            QtCore.QTimer.singleShot(0, self.context, self.run)

    def cancel(self) -> None:
        self.pending = False

    def run(self) -> None:
        if self.pending:
            self.pending = False
            self.fn()


class FollowPaths:
    """The slot a view connects to `trajectories_changed`: `refresh` at once when f changed since it last ran (paths
    never lag behind the f drawn with them), else once, in a later pass of the event loop (`Coalesced`)."""

    def __init__(self, scene: Any, refresh: Callable[[], None], context: QtCore.QObject) -> None:
        self.scene, self._refresh = scene, refresh
        self.later = Coalesced(self.refresh, context)
        self.drawn_for: object = None

    def refresh(self) -> None:
        self.drawn_for = self.scene.function
        self._refresh()

    def changed(self, *args: Any) -> None:
        if self.scene.function is self.drawn_for:
            self.later.request()
        else:
            self.later.cancel()
            self.refresh()
