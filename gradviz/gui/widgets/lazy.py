"""Widgets that redraw only while they can be seen: a hidden panel marks itself stale and redraws
when it is shown again, so dragging the probe does not pay for tabs nobody is looking at."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6 import QtGui, QtWidgets


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
