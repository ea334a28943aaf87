"""The File menu of a window: sessions (`SessionController`) and exports (`ExportController`).

`FileActions` holds the two (`window.files.sessions`, `window.files.exports`) and builds the File menu;
`.ask_unsaved`, `.warn` and `.active_view` are settable from outside (tests, the window).
"""

from __future__ import annotations

from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets

from gradviz.gui.files.export_controller import ExportController, SizeDialog
from gradviz.gui.files.locations import data_folder
from gradviz.gui.files.session_controller import AUTOSAVE_MS, MAX_RECENT, SESSION_FILTER, SessionController

__all__ = ["AUTOSAVE_MS", "MAX_RECENT", "SESSION_FILTER", "FileActions", "SizeDialog", "recovery_folder"]


def recovery_folder() -> Path:
    """Where recovery files live (see gradviz.gui.files.locations and gradviz.gui.files.recovery)."""
    return data_folder()


class FileActions(QtCore.QObject):
    """The session controller and the export controller of one window, and its File menu."""

    def __init__(self, window: QtWidgets.QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.sessions = SessionController(window)
        self.exports = ExportController(window, lambda: self.sessions.warn)

    # settable from outside: forwarded to their owner
    @property
    def ask_unsaved(self) -> object:
        return self.sessions.ask_unsaved

    @ask_unsaved.setter
    def ask_unsaved(self, value: object) -> None:
        self.sessions.ask_unsaved = value

    @property
    def warn(self) -> object:
        return self.sessions.warn

    @warn.setter
    def warn(self, value: object) -> None:
        self.sessions.warn = value

    @property
    def active_view(self) -> str:
        return self.exports.active_view

    @active_view.setter
    def active_view(self, value: str) -> None:
        self.exports.active_view = value

    def build_menu(self, menu: QtWidgets.QMenu) -> None:
        s = self.sessions

        def add(text: str, slot: object, shortcut: object = None, tip: str = "") -> QtGui.QAction:
            action = menu.addAction(text)
            action.triggered.connect(slot)
            if shortcut is not None:
                action.setShortcut(QtGui.QKeySequence(shortcut))
            if tip:
                action.setStatusTip(tip)
            return action

        add("&New scene", s.new_scene, QtGui.QKeySequence.StandardKey.New, "Start again from the default function")
        add("&Open…", s.open_dialog, QtGui.QKeySequence.StandardKey.Open, "Open a .gradviz.json session")
        s.attach_recent_menu(menu.addMenu("Open &recent"))
        add("&Save", s.save, QtGui.QKeySequence.StandardKey.Save, "Save the whole scene")
        add("Save &as…", s.save_as_dialog, QtGui.QKeySequence.StandardKey.SaveAs)
        menu.addSeparator()
        self.exports.build_menu(menu)
        menu.addSeparator()
