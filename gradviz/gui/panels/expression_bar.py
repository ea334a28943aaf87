"""Where f(x, y) is typed: history, apply on Enter or after a pause, errors shown in place."""

from __future__ import annotations

import html

from PySide6 import QtCore, QtGui, QtWidgets

from gradviz.expr.errors import ExpressionError
from gradviz.expr.language import SYNTAX_HELP
from gradviz.gui.widgets.theme import current, muted_css, on_change, style_error_label
from gradviz.model.presets import PRESETS
from gradviz.model.scene import Scene

PAUSE_MS = 450
CONTEXT = 30  # characters of the text shown each side of an error's column
MESSAGE_CHARS = 160  # an error message longer than this is shown with its middle elided


def excerpt(text: str, pos: int, context: int = CONTEXT) -> tuple[str, str, str, bool, bool]:
    """(before, the character at pos, after) within `context` characters of `pos`, and whether text was cut
    off on the left and on the right: an error line as long as a short formula, however long the text."""
    pos = max(0, min(pos, len(text)))
    lo, hi = max(0, pos - context), min(len(text), pos + 1 + context)
    one_line = lambda s: s.replace("\n", " ⏎ ")  # noqa: E731
    return (one_line(text[lo:pos]), one_line(text[pos:pos + 1]) or " ", one_line(text[pos + 1:hi]), lo > 0,
            hi < len(text))


class ExpressionBar(QtWidgets.QWidget):
    def __init__(self, scene: Scene, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.scene = scene
        layout = QtWidgets.QGridLayout(self)
        layout.setContentsMargins(6, 4, 6, 2)
        label = QtWidgets.QLabel("f(x, y) =")
        bold = label.font()
        bold.setBold(True)
        label.setFont(bold)  # a font, not a style sheet: the label keeps following the theme's palette
        self.label = label
        self._shown: tuple | None = None
        self.combo = QtWidgets.QComboBox()
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QtWidgets.QComboBox.InsertPolicy.NoInsert)
        self.combo.setMaxCount(30)
        self.combo.setSizePolicy(QtWidgets.QSizePolicy.Policy.Expanding, QtWidgets.QSizePolicy.Policy.Fixed)
        # never as wide as its longest text: a pasted formula must not widen the window
        self.combo.setSizeAdjustPolicy(QtWidgets.QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(20)
        self.combo.setToolTip("Type f(x, y), e.g. x*exp(-x^2-y^2). " + SYNTAX_HELP)
        self.edit = self.combo.lineEdit()
        self.edit.setPlaceholderText("type f(x, y), e.g. sin(x)*cos(y) + 0.1*(x^2 + y^2)")
        font = QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.SystemFont.FixedFont)
        font.setPointSize(11)
        self.edit.setFont(font)
        self.error = QtWidgets.QLabel()
        self.error.setTextFormat(QtCore.Qt.TextFormat.RichText)
        style_error_label(self.error)
        self.error.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Preferred)
        self.note = QtWidgets.QLabel()
        self.note.setStyleSheet(muted_css())
        on_change(lambda theme, w=self.note: w.setStyleSheet(muted_css()), self.note)
        self.note.setWordWrap(True)
        self.note.setSizePolicy(QtWidgets.QSizePolicy.Policy.Ignored, QtWidgets.QSizePolicy.Policy.Preferred)
        layout.addWidget(label, 0, 0)
        layout.addWidget(self.combo, 0, 1)
        layout.addWidget(self.error, 1, 1)
        layout.addWidget(self.note, 2, 1)
        self.timer = QtCore.QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(PAUSE_MS)
        self.timer.timeout.connect(self.apply)
        self.edit.textEdited.connect(lambda _: self.timer.start())
        self.edit.returnPressed.connect(self.apply)
        for widget in (self.edit, self.combo):  # the combo hands its key events to the field past any filter
            widget.installEventFilter(self)  # once the text is applied, Ctrl+Z undoes the scene's edit
        self.combo.activated.connect(lambda _: self.apply())
        scene.error_changed.connect(self.show_error)
        scene.error_changed.connect(lambda err, text: setattr(self, "_shown", None))
        scene.function_changed.connect(lambda fn: self.show_function())
        self.show_function()

    def eventFilter(self, watched: QtCore.QObject, event: QtCore.QEvent) -> bool:  # noqa: N802 (Qt's name)
        """The field's own undo takes Ctrl+Z only while it holds text not yet applied; after Enter the scene's
        undo (the Edit menu's) wins."""
        if (watched in (self.edit, self.combo) and event.type() == QtCore.QEvent.Type.ShortcutOverride
                and (event.matches(QtGui.QKeySequence.StandardKey.Undo)
                     or event.matches(QtGui.QKeySequence.StandardKey.Redo))
                and self.edit.text() == self.scene.function.text):
            event.ignore()
            return True  # not claimed: the window's Undo and Redo shortcuts run
        return False

    def apply(self) -> None:
        """Send the typed text to the scene (which keeps the last good f on an error)."""
        self.timer.stop()
        text = self.edit.text()
        self.scene.set_expression(text)

    def show_function(self) -> None:
        text = self.scene.function.text
        state = (text, tuple(self.scene.recent_expressions), self.scene.preset)
        if state == self._shown:
            return  # a parameter moved: the text, history and note are as shown (and typing goes on)
        self._shown = state
        u, v = self.scene.function.variables
        head = text.replace("\n", ";").split(";")[-1].lstrip()
        self.label.setText(f"f({u}, {v}) =")
        self.label.setVisible(not (head.startswith("f(") or head.startswith("f ") or head.startswith("f=")))
        if self.edit.text() != text:
            self.edit.setText(text)
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItems(self.scene.recent_expressions)
        self.combo.setCurrentIndex(0)
        self.combo.blockSignals(False)
        self.edit.setText(text)
        self.edit.setStyleSheet("")
        self.error.setText("")
        note = next((p.note for p in PRESETS if p.name == self.scene.preset), "")
        self.note.setText(note)

    def show_error(self, err: ExpressionError | None, text: str) -> None:
        if err is None:
            self.error.setText("")
            self.edit.setStyleSheet("")
            return
        pos = min(err.position, len(text))
        before, at, after, cut_left, cut_right = excerpt(text, pos)
        marked = (f"<code>{'…' if cut_left else ''}{html.escape(before)}<span style='background:#f5b7b1;color:#000'>"
                  f"{html.escape(at)}</span>{html.escape(after)}{'…' if cut_right else ''}</code>")
        message = str(err)
        if len(message) > MESSAGE_CHARS:  # a message quoting a pasted name of thousands of characters
            message = message[: MESSAGE_CHARS // 2] + "…" + message[-MESSAGE_CHARS // 2:]
        self.error.setText(f"⚠ {html.escape(message)} &nbsp; {marked} &nbsp; "
                           f"<span style='color:{current().muted}'>(still showing the last valid f)</span>")
        self.edit.setStyleSheet(f"QLineEdit {{ border: 2px solid {current().error}; }}")
        if self.edit.text() == text and not self.edit.hasSelectedText():
            self.edit.setCursorPosition(pos)
