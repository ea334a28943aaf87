"""The parameter panel: one row per parameter of f, with a slider, a spin box, its range and a
play button that sweeps it back and forth (as Desmos does). Rows edit the scene through its
setters and follow it back with their signals blocked."""

from __future__ import annotations

import math

from PySide6 import QtCore, QtWidgets

from gradviz.gui.widgets.blocking import signals_blocked
from gradviz.gui.widgets.format import num
from gradviz.gui.widgets.lazy import Coalesced
from gradviz.gui.widgets.theme import style_error_label
from gradviz.model.parameter_sliders import ParameterSliders

SLIDER_STEPS = 1000
SWEEP_SECONDS = 4.0  # one pass from one end of the range to the other
FRAME_MS = 33
REST_MS = 150  # a slider held still this long (or let go) shows f on the full grid; while it moves, a coarser one


def _spin(tip: str) -> QtWidgets.QDoubleSpinBox:
    box = QtWidgets.QDoubleSpinBox()
    box.setRange(-1e9, 1e9)
    box.setDecimals(4)
    box.setKeyboardTracking(False)
    box.setToolTip(tip)
    box.setMinimumWidth(96)
    return box


class ParameterRow(QtCore.QObject):
    """The widgets of one parameter (a row of the panel's grid)."""

    def __init__(self, panel: ParameterPanel, name: str) -> None:
        super().__init__(panel)
        self.panel = panel
        self.scene = panel.scene
        self.name = name
        self.label = QtWidgets.QLabel(f"<b>{name}</b>")
        self.slider = QtWidgets.QSlider(QtCore.Qt.Orientation.Horizontal)
        self.slider.setRange(0, SLIDER_STEPS)
        self.slider.setMinimumWidth(120)
        self.slider.setToolTip(f"Drag to change {name}: every view follows")
        self.value = _spin(f"The value of {name}")
        self.lo = _spin(f"The low end of {name}'s slider")
        self.lo.setPrefix("from ")
        self.hi = _spin(f"The high end of {name}'s slider")
        self.hi.setPrefix("to ")
        self.play = QtWidgets.QToolButton()
        self.play.setCheckable(True)
        self.play.setText("▶")
        self.play.setToolTip(f"Play: sweep {name} back and forth across its range")
        self.direction = 1.0
        self.slider.valueChanged.connect(self._slider_moved)
        self.slider.sliderReleased.connect(panel.settle)
        self.value.valueChanged.connect(self._value_typed)
        self.lo.editingFinished.connect(self._range_typed)
        self.hi.editingFinished.connect(self._range_typed)
        self.play.toggled.connect(self._play_toggled)
        self.sync()

    def widgets(self) -> list[QtWidgets.QWidget]:
        return [self.label, self.slider, self.value, self.lo, self.hi, self.play]

    # ----- scene -> widgets -----
    def sync(self) -> None:
        value = self.scene.function.parameters[self.name]
        lo, hi = self.scene.parameter_ranges[self.name]
        step = 10.0 ** math.floor(math.log10((hi - lo) / 100.0))
        with signals_blocked(self.slider, self.value, self.lo, self.hi):
            self.value.setSingleStep(step)
            self.value.setValue(value)
            self.lo.setValue(lo)
            self.hi.setValue(hi)
            self.slider.setValue(round((value - lo) / (hi - lo) * SLIDER_STEPS))
        self.label.setToolTip(f"{self.name} = {num(value, 8)}, slider from {num(lo)} to {num(hi)}")

    # ----- widgets -> scene -----
    def _slider_moved(self, position: int) -> None:
        lo, hi = self.scene.parameter_ranges[self.name]
        self.panel.set_value(self.name, lo + (hi - lo) * position / SLIDER_STEPS, self.slider.isSliderDown())

    def _value_typed(self, value: float) -> None:
        try:
            self.scene.set_parameter(self.name, value)
        except ValueError as err:
            self.panel.report(str(err))
        self.sync()

    def _range_typed(self) -> None:
        lo, hi = self.lo.value(), self.hi.value()
        if (lo, hi) == self.scene.parameter_ranges[self.name]:
            return
        try:
            self.scene.set_parameter_range(self.name, lo, hi)
        except ValueError as err:
            self.panel.report(str(err))
        self.sync()

    def _play_toggled(self, on: bool) -> None:
        self.play.setText("⏸" if on else "▶")
        self.play.setToolTip(f"{'Pause' if on else 'Play'}: sweep {self.name} back and forth across its range")
        self.panel.playing_changed()

    def advance(self) -> None:
        """One animation frame: move towards the end of the range, and turn back there."""
        lo, hi = self.scene.parameter_ranges[self.name]
        value = self.scene.function.parameters[self.name]
        step = (hi - lo) * FRAME_MS / 1000.0 / SWEEP_SECONDS
        new = value + self.direction * step
        if new >= hi or new <= lo:
            new = min(max(new, lo), hi)
            self.direction = -self.direction
        self.panel.set_value(self.name, new, sliding=True)


class ParameterPanel(QtWidgets.QWidget):
    """Rows for f's parameters; hidden when f has none. `scene` is any model with parameter sliders (the
    scene, the Loss on data window's state)."""

    def __init__(self, scene: ParameterSliders, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.scene = scene
        self.grid = QtWidgets.QGridLayout(self)
        self.grid.setContentsMargins(6, 0, 6, 2)
        self.grid.setHorizontalSpacing(6)
        self.grid.setVerticalSpacing(1)
        self._rows: dict[str, ParameterRow] = {}
        self.timer = QtCore.QTimer(self)
        self.timer.setInterval(FRAME_MS)
        self.timer.timeout.connect(self._frame)
        self.message = QtWidgets.QLabel()
        style_error_label(self.message)
        self.message_timer = QtCore.QTimer(self)  # owned by the panel: never fires after it is gone
        self.message_timer.setSingleShot(True)
        self.message_timer.setInterval(6000)
        self.message_timer.timeout.connect(lambda: self.message.setVisible(False))
        self.later = Coalesced(self.rebuild, self)  # new sliders in a pass of their own (10 ms: not with a new f)
        self.rest = QtCore.QTimer(self)  # a moving slider that stops: f on the full grid
        self.rest.setSingleShot(True)
        self.rest.setInterval(REST_MS)
        self.rest.timeout.connect(scene.settle)
        scene.parameters_changed.connect(self._parameters_changed)
        self.rebuild()

    @property
    def rows(self) -> dict[str, ParameterRow]:
        """The row of each parameter of the current f, by name (built now if a new f's rows wait for their pass)."""
        if self.later.pending:
            self.rebuild()
        return self._rows

    def rebuild(self) -> None:
        """One row per parameter of the current f (rows of parameters that remain are kept)."""
        self.later.cancel()
        names = list(self.scene.function.parameters)
        if names == list(self._rows) and self.grid.count():
            for row in self._rows.values():
                row.sync()
            return
        for row in self._rows.values():
            row.play.setChecked(False)
            for w in row.widgets():
                self.grid.removeWidget(w)
                w.deleteLater()
            row.deleteLater()
        self.grid.removeWidget(self.message)
        self._rows = {}
        columns = 2 if len(names) > 3 else 1
        per_column = math.ceil(len(names) / columns) if names else 0
        for k, name in enumerate(names):
            row = ParameterRow(self, name)
            self._rows[name] = row
            r, c = k % per_column, (k // per_column) * 7
            for j, w in enumerate(row.widgets()):
                self.grid.addWidget(w, r, c + j)
            self.grid.setColumnStretch(c + 1, 1)
        self.grid.addWidget(self.message, per_column, 0, 1, 7 * columns)
        self.message.setText("")
        self.message.setVisible(False)
        self.setVisible(bool(names))
        self.playing_changed()

    def _parameters_changed(self, names: set[str]) -> None:
        if list(self.scene.function.parameters) != list(self._rows):
            self.later.request()
            return
        for name in names:
            if name in self._rows:
                self._rows[name].sync()

    def set_value(self, name: str, value: float, sliding: bool) -> None:
        """A parameter's new value from its row; `sliding` (dragged, or a sweep playing): more follow, so the scene may
        show a coarse version until the slider is let go or rests for REST_MS."""
        self.scene.set_parameter(name, value, sliding=sliding)
        if sliding:
            self.rest.start()

    def settle(self) -> None:
        """The slider was let go (or rested): f in full detail."""
        self.rest.stop()
        self.scene.settle()

    def report(self, text: str) -> None:
        """Show a refused edit in the panel (the scene kept its last good state)."""
        self.message.setText(f"⚠ {text}")
        self.message.setVisible(True)
        self.message_timer.start()

    def playing_changed(self) -> None:
        playing = any(r.play.isChecked() for r in self.rows.values())
        if playing and not self.timer.isActive():
            self.timer.start()
        elif not playing:
            self.timer.stop()
            if self.scene.sliding:  # a sweep paused: f in full detail
                self.settle()

    def _frame(self) -> None:
        for row in list(self.rows.values()):
            if row.play.isChecked():
                row.advance()
