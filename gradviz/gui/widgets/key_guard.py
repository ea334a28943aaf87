"""Window-wide shortcuts never steal a key the focused widget uses: Space ticks a focused check box, presses a
focused button and types into a field, rather than starting playback.

Qt asks the focused widget first (a ShortcutOverride event); buttons, check boxes and combo boxes do not
claim Space there, so a window's Space shortcut would take it. `KeyGuard`, installed on the application, claims
it for them."""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets

# widgets that act on these keys themselves when they have the focus
# (not sliders: they ignore Space, so there Space still plays, as the Loss on data window's step slider wants)
_USERS = (QtWidgets.QAbstractButton, QtWidgets.QComboBox, QtWidgets.QAbstractSpinBox, QtWidgets.QLineEdit,
          QtWidgets.QTextEdit, QtWidgets.QPlainTextEdit, QtWidgets.QAbstractItemView)
_KEYS = {QtCore.Qt.Key.Key_Space}


class KeyGuard(QtCore.QObject):
    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QtCore.QEvent.Type.ShortcutOverride and isinstance(event, QtGui.QKeyEvent):
            plain = event.modifiers() in (QtCore.Qt.KeyboardModifier.NoModifier,
                                          QtCore.Qt.KeyboardModifier.KeypadModifier)
            if plain and event.key() in _KEYS and isinstance(watched, _USERS):
                event.accept()  # the focused widget gets the key press, not the window's shortcut
                return True
        return False


_guard: KeyGuard | None = None


def install(app: QtWidgets.QApplication) -> None:
    """Guard the keys of focused widgets in every window of `app` (once)."""
    global _guard
    if _guard is None:
        _guard = KeyGuard(app)
        app.installEventFilter(_guard)
