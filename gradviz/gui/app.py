"""Start the desktop app."""

from __future__ import annotations

import sys

from PySide6 import QtCore

from gradviz.gui.background import settle_heap
from gradviz.gui.main_window import MainWindow
from gradviz.gui.qt_setup import ensure_app
from gradviz.model.scene import Scene


def run(expression: str | None = None, session: str | None = None, lesson: str | None = None) -> int:
    """Open the main window (on `expression`, or the `session` file, else the default preset; with `lesson` that
    lesson beside it) and run the event loop. Files dropped on the window, and macOS's file-open events, open as
    sessions."""
    app = ensure_app(sys.argv[:1])

    scene = Scene()
    window = MainWindow(scene)
    if expression:
        scene.set_expression(expression)
    window.show()
    settle_heap()
    _install_excepthook(window)
    opener = FileOpener(window)
    app.installEventFilter(opener)
    if lesson:
        QtCore.QTimer.singleShot(0, lambda: window.show_lesson(lesson))
    elif session:
        QtCore.QTimer.singleShot(0, lambda: window.files.sessions.open(session))
    else:
        QtCore.QTimer.singleShot(0, window.files.sessions.offer_recovery)  # after a crash: offer the autosaved scene
    return app.exec()


class FileOpener(QtCore.QObject):
    """macOS sends a FileOpen event when a session is opened from the Finder or the Dock."""

    def __init__(self, window: object) -> None:
        super().__init__(window)
        self.window = window

    def eventFilter(self, obj: QtCore.QObject, event: QtCore.QEvent) -> bool:  # noqa: N802 (Qt API)
        if event.type() == QtCore.QEvent.Type.FileOpen:
            path = event.file()
            if path and self.window.files.sessions.maybe_keep_changes():
                self.window.files.sessions.open(path)
            return True
        return False


def _install_excepthook(window: object) -> None:
    """An unexpected error in a slot is reported in the status bar and on stderr, never a crash."""
    previous = sys.excepthook

    def hook(kind: type, value: BaseException, tb: object) -> None:
        import traceback
        traceback.print_exception(kind, value, tb)
        try:
            window.statusBar().showMessage(f"Something went wrong: {value}. Your scene is unchanged.", 8000)
        except RuntimeError:
            previous(kind, value, tb)

    sys.excepthook = hook
