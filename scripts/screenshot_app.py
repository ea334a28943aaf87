"""What every screenshot script starts with: a scratch folder for settings and recovery files (never the user's),
set before the application reads it, the application, and a main window that never asks about unsaved work."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

_SETTINGS: list[Any] = []  # written before the scratch folder goes, so nothing recreates it at exit


@contextmanager
def scratch_app() -> Iterator[tuple[Any, Path]]:
    """(the QApplication, the scratch folder); the folder is removed afterwards."""
    scratch = Path(tempfile.mkdtemp(prefix="gradviz-screenshots-"))
    os.environ.setdefault("GRADVIZ_HOME", str(scratch))  # before the application reads it
    from gradviz.gui.qt_setup import ensure_app

    try:
        yield ensure_app(), scratch
    finally:
        for settings in _SETTINGS:
            settings.sync()
        shutil.rmtree(scratch, ignore_errors=True)


def main_window(scratch: Path, size: tuple[int, int] = (1600, 980)) -> Any:
    """A shown main window on a fresh scene, its settings in the scratch folder."""
    from PySide6 import QtCore

    from gradviz.gui.main_window import MainWindow
    from gradviz.model.scene import Scene

    settings = QtCore.QSettings(str(scratch / "settings.ini"), QtCore.QSettings.Format.IniFormat)
    _SETTINGS.append(settings)
    window = MainWindow(Scene(), settings)
    window.files.ask_unsaved = lambda: "discard"
    window.resize(*size)
    window.show()
    return window
