"""Widget↔model loops blocked explicitly, as napari's `qt_signals_blocked`."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from PySide6 import QtCore


@contextlib.contextmanager
def signals_blocked(*objects: QtCore.QObject) -> Iterator[None]:
    """Within this block the objects emit no signals (a model update cannot echo back)."""
    blockers = [QtCore.QSignalBlocker(o) for o in objects]
    try:
        yield
    finally:
        for b in blockers:
            b.unblock()
