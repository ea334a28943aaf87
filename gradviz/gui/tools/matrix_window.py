"""The Matrix calculus window: declare shapes, type a scalar f of vectors and matrices, see the
gradient of any variable (its shape said, its values as a heat map) and check a closed form."""

from __future__ import annotations

import html
import json
from pathlib import Path

from PySide6 import QtCore, QtGui, QtWidgets

from gradviz.gui.files.exporting import export_plot
from gradviz.gui.tools.heatmap import HeatMap
from gradviz.gui.widgets.blocking import signals_blocked
from gradviz.gui.widgets.format import num
from gradviz.gui.widgets.theme import current, muted_css, on_change, style_error_label
from gradviz.matrix.presets import MATRIX_PRESETS
from gradviz.model import limits
from gradviz.model.matrix_calculus import MatrixState
from gradviz.session.store import write_atomic


class MatrixWindow(QtWidgets.QWidget):
    def __init__(self, state: MatrixState | None = None, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent, QtCore.Qt.WindowType.Window)
        self.setWindowTitle("Matrix calculus — gradviz")
        self.state = state or MatrixState()
        mono = QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.SystemFont.FixedFont)
        form = QtWidgets.QFormLayout()
        self.presets = QtWidgets.QComboBox()
        self.presets.addItem("Presets…")
        self.presets.addItems([p.name for p in MATRIX_PRESETS])
        form.addRow("preset", self.presets)
        self.program = QtWidgets.QLineEdit()
        self.program.setFont(mono)
        self.program.setToolTip("Declarations, then a scalar expression: U: 6x3; V: 3x4; X: 6x4; sum((X - U@V)^2). "
                                "name: n is a vector, name: m x n a matrix; @ (product), .T, sum, mean, trace, "
                                "dot(a, b), norm, and the elementwise functions of f(x, y).")
        form.addRow("f =", self.program)
        self.error = QtWidgets.QLabel()
        self.error.setTextFormat(QtCore.Qt.TextFormat.PlainText)
        style_error_label(self.error)
        self.error.setWordWrap(True)
        form.addRow("", self.error)
        self.note = QtWidgets.QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet(muted_css())
        on_change(lambda theme, w=self.note: w.setStyleSheet(muted_css()), self.note)
        form.addRow("", self.note)
        row = QtWidgets.QHBoxLayout()
        self.variable = QtWidgets.QComboBox()
        self.variable.setToolTip("The variable to differentiate with respect to")
        row.addWidget(self.variable)
        self.shape_text = QtWidgets.QLabel()
        row.addWidget(self.shape_text, 1)
        form.addRow("∂f/∂", row)
        inputs = QtWidgets.QHBoxLayout()
        self.seed = QtWidgets.QSpinBox()
        self.seed.setRange(*limits.SEED)
        self.seed.setPrefix("seed ")
        self.seed.setToolTip("Inputs are standard normal random numbers drawn from this seed")
        self.redraw = QtWidgets.QPushButton("New random inputs")
        self.typed = QtWidgets.QLineEdit()
        self.typed.setFont(mono)
        self.typed.setPlaceholderText("type an input: V = [[1, 2, 3, 4], [0, 1, 0, 1], [2, 2, 2, 2]]")
        inputs.addWidget(self.seed)
        inputs.addWidget(self.redraw)
        inputs.addWidget(self.typed, 1)
        form.addRow("inputs", inputs)
        self.value = QtWidgets.QLabel()
        form.addRow("f at the inputs", self.value)
        self.heatmap = HeatMap()
        self.heatmap.setMinimumHeight(260)
        check = QtWidgets.QHBoxLayout()
        self.candidate = QtWidgets.QLineEdit()
        self.candidate.setFont(mono)
        self.candidate.setPlaceholderText("your closed form for the gradient, e.g. -2*U.T@(X - U@V)")
        self.check_button = QtWidgets.QPushButton("Check")
        check.addWidget(self.candidate, 1)
        check.addWidget(self.check_button)
        self.verdict = QtWidgets.QLabel()
        self.verdict.setWordWrap(True)
        self.verdict.setTextFormat(QtCore.Qt.TextFormat.RichText)
        exports = QtWidgets.QHBoxLayout()
        self.export_result_button = QtWidgets.QPushButton("Export result (JSON or text)…")
        self.export_map_button = QtWidgets.QPushButton("Export heat map (PNG or SVG)…")
        exports.addStretch(1)
        exports.addWidget(self.export_result_button)
        exports.addWidget(self.export_map_button)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.heatmap, 1)
        layout.addWidget(QtWidgets.QLabel("<b>Check your formula</b> at several random inputs against autodiff:"))
        layout.addLayout(check)
        layout.addWidget(self.verdict)
        layout.addLayout(exports)
        self.resize(900, 760)

        self.presets.activated.connect(self._preset_chosen)
        self.program.editingFinished.connect(lambda: self.state.set_text(self.program.text()))
        self.variable.currentTextChanged.connect(self._variable_chosen)
        self.seed.valueChanged.connect(lambda s: self.state.redraw_inputs(s))
        self.redraw.clicked.connect(lambda: self.state.redraw_inputs())
        self.typed.returnPressed.connect(self._type_value)
        self.candidate.returnPressed.connect(self._check)
        self.check_button.clicked.connect(self._check)
        self.export_result_button.clicked.connect(self._export_result_dialog)
        self.export_map_button.clicked.connect(self._export_map_dialog)
        self.state.changed.connect(self.refresh)
        self.refresh()

    # ----- widgets -> state -----
    def _preset_chosen(self, index: int) -> None:
        if index > 0:
            self.state.load_preset(MATRIX_PRESETS[index - 1])
        with signals_blocked(self.presets):
            self.presets.setCurrentIndex(0)

    def _variable_chosen(self, name: str) -> None:
        if name and name != self.state.variable:
            self.state.set_variable(name)
            if self.state.candidate.strip():
                self.state.check()

    def _type_value(self) -> None:
        try:
            self.state.type_value(self.typed.text())
        except ValueError as err:
            self.error.setText(f"⚠ {err}")
            self.error.setVisible(True)
            return
        self.typed.clear()

    def _check(self) -> None:
        self.state.set_candidate(self.candidate.text())

    # ----- state -> widgets -----
    def refresh(self) -> None:
        s = self.state
        fn = s.function
        if not self.program.hasFocus() or s.error is None:
            if self.program.text() != fn.text and s.error is None:
                self.program.setText(fn.text)
        self.error.setText(f"⚠ {s.error} (still showing the last valid f)" if s.error else "")
        self.error.setVisible(s.error is not None)
        self.note.setText(s.note)
        self.note.setVisible(bool(s.note))
        with signals_blocked(self.variable, self.seed):
            names = list(fn.shapes)
            if [self.variable.itemText(k) for k in range(self.variable.count())] != names:
                self.variable.clear()
                self.variable.addItems(names)
            self.variable.setCurrentText(s.variable)
            self.seed.setValue(s.seed)
        if self.candidate.text() != s.candidate and not self.candidate.hasFocus():
            self.candidate.setText(s.candidate)
        shape = fn.shapes[s.variable]
        self.shape_text.setText(f"has shape {shape}: a gradient always has its variable's shape "
                                f"({s.variable} is {'a vector' if len(shape) == 1 else 'a matrix'})")
        try:
            g = s.gradient()
            self.value.setText(num(s.value(), 8) + ("   (typed: " + ", ".join(sorted(s.typed)) + ")"
                                                     if s.typed else ""))
        except ValueError as err:
            self.error.setText(f"⚠ {err}")
            self.error.setVisible(True)
            return
        self.heatmap.show_matrix(g, f"∂f/∂{s.variable}, shape {shape}")
        self._show_verdict()

    def _show_verdict(self) -> None:
        r = self.state.result
        if self.state.candidate_error is not None:
            self.verdict.setText(f"<span style='color:{current().error}'>⚠ in your formula: "
                                 f"{html.escape(str(self.state.candidate_error))}</span>")
            return
        if r is None:
            self.verdict.setText("")
            return
        colour = current().ok if r.ok else current().error
        mark = "✔" if r.ok else "✘"
        self.verdict.setText(f"<span style='color:{colour}; font-size: 13px'><b>{mark} "
                             f"{html.escape(r.message)}</b></span>")

    # ----- exports -----
    def export_result(self, path: str) -> None:
        """The shapes, values and verdict as JSON (.json) or text (any other suffix)."""
        if path.lower().endswith(".json"):
            write_atomic(path, json.dumps(self.state.report(), indent=1, allow_nan=False,
                                          default=float) + "\n")
        else:
            write_atomic(path, self.state.report_text())

    def export_map(self, path: str, width: int = 1200) -> None:
        if Path(path).suffix.lower() not in (".png", ".svg"):
            raise ValueError("export the heat map as .png or .svg")
        export_plot(self.heatmap.getPlotItem(), path, width=width if path.lower().endswith(".png") else None)

    def _export_result_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self, "Export the result", "gradient.json",
                                                        "JSON (*.json);;Text (*.txt)")
        if path:
            self._report(lambda: self.export_result(path))

    def _export_map_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self, "Export the heat map", "gradient.png",
                                                        "PNG image (*.png);;SVG image (*.svg)")
        if path:
            self._report(lambda: self.export_map(path))

    def _report(self, action: object) -> None:
        try:
            action()
        except (OSError, ValueError) as err:
            QtWidgets.QMessageBox.warning(self, "Export failed", str(err))
