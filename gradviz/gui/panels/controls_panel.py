"""Controls for the probe, the domain and what is drawn; each edits the scene through its setters
and follows the scene back (with the widget's signals blocked, so no loop can start)."""

from __future__ import annotations

import math

from PySide6 import QtCore, QtWidgets

from gradviz.gui.widgets.blocking import signals_blocked
from gradviz.gui.widgets.spin_boxes import double_spin
from gradviz.gui.widgets.theme import style_error_label
from gradviz.model import limits
from gradviz.model.color_scale import SPACINGS
from gradviz.model.overlays import OVERLAYS
from gradviz.model.scene import COLORMAPS, HEIGHT_MODES, MAX_RESOLUTION, MIN_RESOLUTION, Scene


class ControlsPanel(QtWidgets.QWidget):
    def __init__(self, scene: Scene, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.scene = scene
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)

        probe_box = QtWidgets.QGroupBox("Probe and direction")
        form = QtWidgets.QFormLayout(probe_box)
        self.probe_x = double_spin(-1e6, 1e6, 4, 0.05, "x of the probe w")
        self.probe_y = double_spin(-1e6, 1e6, 4, 0.05, "y of the probe w")
        row = QtWidgets.QHBoxLayout()
        row.addWidget(self.probe_x)
        row.addWidget(self.probe_y)
        self.probe_label = QtWidgets.QLabel("w = (x, y)")
        form.addRow(self.probe_label, row)
        self.along_gradient = QtWidgets.QCheckBox("v along −∇f")
        self.along_gradient.setToolTip("The direction v of the slice and of the directional derivative v·∇f")
        self.angle = double_spin(-360, 360, 1, 5, "Direction v as an angle from the x axis, in degrees")
        self.angle.setSuffix("°")
        row = QtWidgets.QHBoxLayout()
        row.addWidget(self.along_gradient)
        row.addWidget(self.angle)
        form.addRow("direction", row)
        self.radius = double_spin(*limits.RADIUS, 3, 0.05,
                                  "Radius of the neighbourhood where the Taylor models are drawn")
        form.addRow("model radius", self.radius)
        layout.addWidget(probe_box)

        overlay_box = QtWidgets.QGroupBox("Show")
        grid = QtWidgets.QVBoxLayout(overlay_box)
        self.checks: dict[str, QtWidgets.QCheckBox] = {}
        for o in OVERLAYS:
            box = QtWidgets.QCheckBox(o.label)
            box.setToolTip(o.tip)
            box.toggled.connect(lambda on, n=o.name: self.scene.set_view(**{n: on}))
            grid.addWidget(box)
            self.checks[o.name] = box
        field_row = QtWidgets.QHBoxLayout()
        self.field_sign = QtWidgets.QComboBox()
        self.field_sign.addItems(["−∇f (downhill)", "∇f (uphill)"])
        self.field_sign.setToolTip("Which way the field arrows point")
        self.field_density = QtWidgets.QSpinBox()
        self.field_density.setRange(*limits.FIELD_DENSITY)
        self.field_density.setToolTip("Arrows per side")
        self.field_density.setKeyboardTracking(False)
        field_row.addWidget(self.field_sign)
        field_row.addWidget(self.field_density)
        grid.addLayout(field_row)
        layout.addWidget(overlay_box)

        look_box = QtWidgets.QGroupBox("Contours and colours")
        form2 = QtWidgets.QFormLayout(look_box)
        self.contours = QtWidgets.QSpinBox()
        self.contours.setRange(*limits.CONTOUR_COUNT)
        self.contours.setKeyboardTracking(False)
        self.contours.setToolTip("Number of isolines f = c")
        self.spacing = QtWidgets.QComboBox()
        self.spacing.addItems(list(SPACINGS))
        self.spacing.setToolTip("How colours and isolines follow f: auto (chosen from f), linear, log (valleys of "
                                "steep functions such as Rosenbrock) or symmetric around 0 (signed f with extremes)")
        self.colormap = QtWidgets.QComboBox()
        self.colormap.addItems(list(COLORMAPS))
        form2.addRow("isolines", self.contours)
        form2.addRow("spacing", self.spacing)
        form2.addRow("colour map", self.colormap)
        self.height_mode = QtWidgets.QComboBox()
        self.height_mode.addItems(list(HEIGHT_MODES))
        self.height_mode.setToolTip("The range of f drawn and coloured: auto (robust: spikes are cut off), full (from "
                                    "the smallest to the largest value), or manual (the two numbers)")
        self.height_min = double_spin(-1e12, 1e12, 4, 0.5, "The lowest f drawn (manual range)")
        self.height_max = double_spin(-1e12, 1e12, 4, 0.5, "The highest f drawn (manual range)")
        form2.addRow("height range", self.height_mode)
        row = QtWidgets.QHBoxLayout()
        for box in (self.height_min, self.height_max):
            box.setMaximumWidth(130)  # a huge range must not widen the panel
            row.addWidget(box)
        form2.addRow("from, to", row)
        self.height_error = QtWidgets.QLabel()
        style_error_label(self.height_error)
        form2.addRow(self.height_error)
        layout.addWidget(look_box)

        domain_box = QtWidgets.QGroupBox("Domain")
        form3 = QtWidgets.QFormLayout(domain_box)
        self.domain = [double_spin(-1e6, 1e6, 3, 0.5, tip) for tip in ("x min", "x max", "y min", "y max")]
        self.range_labels = [QtWidgets.QLabel("x range"), QtWidgets.QLabel("y range")]
        for label, pair in zip(self.range_labels, (self.domain[:2], self.domain[2:]), strict=True):
            row = QtWidgets.QHBoxLayout()
            for box in pair:
                row.addWidget(box)
            form3.addRow(label, row)
        self.resolution = QtWidgets.QSpinBox()
        self.resolution.setRange(MIN_RESOLUTION, MAX_RESOLUTION)
        self.resolution.setKeyboardTracking(False)
        self.resolution.setToolTip("Grid points per side of the surface and the contour map")
        form3.addRow("grid", self.resolution)
        self.domain_error = QtWidgets.QLabel()
        style_error_label(self.domain_error)
        form3.addRow(self.domain_error)
        layout.addWidget(domain_box)
        layout.addStretch(1)

        self.probe_x.valueChanged.connect(self._probe_edited)
        self.probe_y.valueChanged.connect(self._probe_edited)
        self.along_gradient.toggled.connect(self._direction_edited)
        self.angle.valueChanged.connect(self._direction_edited)
        self.radius.valueChanged.connect(lambda r: self.scene.set_view(radius=r))
        self.field_sign.currentIndexChanged.connect(lambda i: self.scene.set_view(field_sign=-1 if i == 0 else 1))
        self.field_density.valueChanged.connect(lambda n: self.scene.set_view(field_density=n))
        self.contours.valueChanged.connect(lambda n: self.scene.set_view(contour_count=n))
        self.spacing.currentTextChanged.connect(lambda t: self.scene.set_view(contour_spacing=t))
        self.height_mode.currentTextChanged.connect(self._height_edited)
        self.height_min.valueChanged.connect(self._height_edited)
        self.height_max.valueChanged.connect(self._height_edited)
        self.colormap.currentTextChanged.connect(lambda t: self.scene.set_view(colormap=t))
        for box in self.domain:
            box.valueChanged.connect(self._domain_edited)
        self.resolution.valueChanged.connect(self._resolution_edited)
        scene.probe_changed.connect(lambda p: self.sync())
        scene.view_changed.connect(lambda names: self.sync())
        scene.domain_changed.connect(self.sync)
        scene.function_changed.connect(lambda fn: self.sync())
        self.sync()

    def sync(self) -> None:
        """Show the scene's values, without letting the widgets write them back."""
        u, w = self.scene.function.variables
        self.probe_label.setText(f"probe ({u}, {w})")
        self.range_labels[0].setText(f"{u} range")
        self.range_labels[1].setText(f"{w} range")
        for box, tip in zip(self.domain, (f"{u} min", f"{u} max", f"{w} min", f"{w} max"), strict=True):
            box.setToolTip(tip)
        v = self.scene.view
        values = [
            (self.probe_x, self.scene.probe[0]), (self.probe_y, self.scene.probe[1]),
            (self.radius, v.radius), (self.field_density, v.field_density), (self.contours, v.contour_count),
            (self.resolution, self.scene.resolution),
            *zip(self.domain, self.scene.domain, strict=True),
        ]
        for box, value in values:
            box.blockSignals(True)
            box.setValue(value)
            box.blockSignals(False)
        for name, box in self.checks.items():
            box.blockSignals(True)
            box.setChecked(bool(getattr(v, name)))
            box.blockSignals(False)
        manual = v.height_mode == "manual"
        lo, hi = (v.height_min, v.height_max) if manual else self.scene.height_range()
        with signals_blocked(self.height_min, self.height_max):
            self.height_min.setValue(lo)
            self.height_max.setValue(hi)
        self.height_min.setEnabled(manual)
        self.height_max.setEnabled(manual)
        for combo, text in ((self.spacing, v.contour_spacing), (self.colormap, v.colormap),
                            (self.height_mode, v.height_mode)):
            combo.blockSignals(True)
            combo.setCurrentText(text)
            combo.blockSignals(False)
        self.field_sign.blockSignals(True)
        self.field_sign.setCurrentIndex(0 if v.field_sign == -1 else 1)
        self.field_sign.blockSignals(False)
        self.along_gradient.blockSignals(True)
        self.along_gradient.setChecked(v.direction_angle is None)
        self.along_gradient.blockSignals(False)
        self.angle.setEnabled(v.direction_angle is not None)
        if v.direction_angle is not None:
            self.angle.blockSignals(True)
            self.angle.setValue(v.direction_angle)
            self.angle.blockSignals(False)

    def _height_edited(self, *args: object) -> None:
        mode = self.height_mode.currentText()
        changes: dict[str, object] = {"height_mode": mode}
        if mode == "manual":
            if self.scene.view.height_mode != "manual" and self.sender() is self.height_mode:
                lo, hi = self.scene.height_range()  # start from what is shown
                changes.update(height_min=lo, height_max=hi)
            else:
                changes.update(height_min=self.height_min.value(), height_max=self.height_max.value())
        try:
            self.scene.set_view(**changes)
            self.height_error.setText("")
        except ValueError as err:
            self.height_error.setText(str(err))
        self.sync()

    def _probe_edited(self) -> None:
        self.scene.set_probe(self.probe_x.value(), self.probe_y.value())

    def _direction_edited(self) -> None:
        if self.along_gradient.isChecked():
            self.scene.set_view(direction_angle=None)
        elif self.sender() is self.angle:
            self.scene.set_view(direction_angle=self.angle.value())
        else:  # unchecked: keep the current −∇f direction as the starting angle
            d = self.scene.probe_direction()
            self.scene.set_view(direction_angle=round(math.degrees(math.atan2(d[1], d[0])), 1))

    def _domain_edited(self) -> None:
        values = [b.value() for b in self.domain]
        try:
            self.scene.set_domain(tuple(values))
            self.domain_error.setText("")
        except ValueError as err:
            self.domain_error.setText(str(err))

    def _resolution_edited(self, n: int) -> None:
        QtCore.QTimer.singleShot(0, lambda: self.scene.set_resolution(self.resolution.value()))
