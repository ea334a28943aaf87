"""Session files dropped on the main window open as sessions (after the unsaved-work question)."""

from __future__ import annotations

from PySide6 import QtGui


class SessionDrops:
    """Mixed into the main window: accepts a dropped .json file and opens it through `self.files`."""

    @staticmethod
    def _dropped_session(event: QtGui.QDropEvent | QtGui.QDragEnterEvent) -> str | None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        paths = [u.toLocalFile() for u in urls if u.isLocalFile()]
        return next((p for p in paths if p.lower().endswith(".json")), None)

    def dragEnterEvent(self, event: QtGui.QDragEnterEvent) -> None:  # noqa: N802 (Qt API)
        if self._dropped_session(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QtGui.QDropEvent) -> None:  # noqa: N802 (Qt API)
        path = self._dropped_session(event)
        if path and self.files.sessions.maybe_keep_changes():
            event.acceptProposedAction()
            self.files.sessions.open(path)

