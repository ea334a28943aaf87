"""The Loss on data window: a model's loss over (w, b) beside its data and the fit at the probe, and a
descent path (full batch or noisy mini-batches) with its loss by step. It draws a `DataState`; its
controls change the state only through the state's setters."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from gradviz.data.columns import DataError, read_csv
from gradviz.data.models import MODELS
from gradviz.data.state import DataState
from gradviz.descent.optimizers import OPTIMIZERS
from gradviz.descent.schedules import SCHEDULES
from gradviz.gui.blocking import signals_blocked
from gradviz.gui.format import num
from gradviz.gui.theme import muted_css, on_change, style_plot

PATH_PEN = pg.mkPen("#d62728", width=2)
FIT_PEN = pg.mkPen("#d62728", width=3)


class DataWindow(QtWidgets.QWidget):
    def __init__(self, state: DataState | None = None, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent, QtCore.Qt.WindowType.Window)
        self.setWindowTitle("Loss on data — gradviz")
        self.state = state or DataState()
        self._drawn_landscape: tuple | None = None
        self._build_controls()
        self.landscape = pg.PlotWidget()
        style_plot(self.landscape)
        lp = self.landscape.getPlotItem()
        lp.setLabel("bottom", "w")
        lp.setLabel("left", "b")
        lp.setTitle("loss over (w, b): darker is lower (log colours)")
        self.landscape.setToolTip("Drag the probe or click to move it; Shift+click to start the path there")
        self.image = pg.ImageItem(axisOrder="col-major")
        lp.addItem(self.image)
        self.image.setColorMap(pg.colormap.get("viridis"))
        self.path = pg.PlotDataItem(pen=PATH_PEN)
        self.start_marker = pg.ScatterPlotItem(size=11, brush=pg.mkBrush("#ffffff"), pen=pg.mkPen("#222", width=2))
        self.probe_marker = pg.TargetItem(size=16, symbol="crosshair", pen=pg.mkPen("#ffffff", width=2),
                                          hoverPen=pg.mkPen("#ffd54f", width=3), movable=True)
        self.probe_marker.setToolTip("the probe: drag it over the loss and the model in the data view follows")
        self.probe_marker.sigPositionChanged.connect(self._probe_dragged)
        for item in (self.path, self.start_marker, self.probe_marker):
            lp.addItem(item)
        lp.scene().sigMouseClicked.connect(self._clicked)
        self.data_plot = pg.PlotWidget()
        style_plot(self.data_plot)
        dp = self.data_plot.getPlotItem()
        dp.setTitle("the data and the model at the probe")
        dp.addLegend(offset=(10, 10))
        self.points = pg.ScatterPlotItem(size=6, brush=pg.mkBrush(60, 110, 200, 170), pen=None, name="data")
        self.fit_curve = pg.PlotDataItem(pen=FIT_PEN, name="model at the probe")
        dp.addItem(self.points)
        dp.addItem(self.fit_curve)
        self.loss_plot = pg.PlotWidget()
        style_plot(self.loss_plot)
        lo = self.loss_plot.getPlotItem()
        lo.setTitle("loss by step")
        lo.setLabel("bottom", "step")
        lo.setLogMode(False, True)
        lo.addLegend(offset=(-10, 10))
        self.batch_curve = lo.plot(pen=pg.mkPen(150, 150, 150, 200, width=1), name="mini-batch loss")
        self.full_curve = lo.plot(pen=pg.mkPen("#1f77b4", width=2), name="full-batch loss")
        self.lr_plot = pg.PlotWidget()
        style_plot(self.lr_plot)
        lr_item = self.lr_plot.getPlotItem()
        lr_item.setTitle("learning rate η(k)")
        lr_item.setLabel("bottom", "step k")
        self.lr_curve = lr_item.plot(pen=pg.mkPen("#2ca02c", width=2))
        bottom = QtWidgets.QSplitter(QtCore.Qt.Orientation.Horizontal)
        bottom.addWidget(self.loss_plot)
        bottom.addWidget(self.lr_plot)
        bottom.setStretchFactor(0, 3)
        bottom.setStretchFactor(1, 1)
        top = QtWidgets.QSplitter(QtCore.Qt.Orientation.Horizontal)
        top.addWidget(self.landscape)
        top.addWidget(self.data_plot)
        body = QtWidgets.QSplitter(QtCore.Qt.Orientation.Vertical)
        body.addWidget(top)
        body.addWidget(bottom)
        body.setStretchFactor(0, 3)
        body.setStretchFactor(1, 1)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addLayout(self.controls)
        loss_row = QtWidgets.QHBoxLayout()
        loss_row.addWidget(QtWidgets.QLabel("loss"))
        loss_row.addWidget(self.loss_text, 1)
        layout.addLayout(loss_row)
        layout.addWidget(self.error)
        layout.addWidget(self.readout)
        scrub = QtWidgets.QHBoxLayout()
        scrub.addWidget(QtWidgets.QLabel("drag the probe, Shift+click the start · step along the path"))
        scrub.addWidget(self.iterate, 1)
        scrub.addWidget(self.iterate_label)
        scrub.addWidget(self.by_epoch)
        layout.addLayout(scrub)
        layout.addWidget(body, 1)
        self.resize(1300, 820)
        self.state.changed.connect(self.refresh)
        self.refresh()

    def _build_controls(self) -> None:
        self.controls = QtWidgets.QHBoxLayout()
        self.model = QtWidgets.QComboBox()
        for name, model in MODELS.items():
            self.model.addItem(model.label, name)
        self.model.setToolTip("A model preset: its dataset, its loss and the (w, b) domain shown")
        self.open_csv = QtWidgets.QPushButton("Open CSV…")
        self.open_csv.setToolTip("Use your own data for this model's loss: a CSV file with a header row whose "
                                 "names are the columns the loss uses")
        self.method = QtWidgets.QComboBox()
        for name, opt in OPTIMIZERS.items():
            self.method.addItem(opt.label, name)
        self.lr = QtWidgets.QDoubleSpinBox()
        self.lr.setDecimals(4)
        self.lr.setRange(0.0001, 10.0)
        self.lr.setSingleStep(0.01)
        self.lr.setPrefix("η ")
        self.batch = QtWidgets.QSpinBox()
        self.batch.setRange(0, 1_000_000)
        self.batch.setSpecialValueText("batch: all rows")
        self.batch.setPrefix("batch ")
        self.batch.setToolTip("Rows per step, reshuffled each epoch (0: every row, plain full-batch descent)")
        self.seed = QtWidgets.QSpinBox()
        self.seed.setRange(0, 1_000_000)
        self.seed.setPrefix("seed ")
        self.schedule = QtWidgets.QComboBox()
        for name, entry in SCHEDULES.items():
            self.schedule.addItem(entry.label, name)
        self.schedule.setToolTip("Learning-rate schedule, with torch.optim.lr_scheduler's formulas (cosine "
                                 "anneals over all the steps, StepLR decays 4 times, the warm-up takes a tenth)")
        self.steps = QtWidgets.QSpinBox()
        self.steps.setRange(1, 100_000)
        self.steps.setPrefix("steps ")
        for label, widget in (("model", self.model), ("", self.open_csv), ("method", self.method), ("", self.lr),
                              ("", self.batch), ("", self.seed), ("", self.steps), ("schedule", self.schedule)):
            if label:
                self.controls.addWidget(QtWidgets.QLabel(label))
            self.controls.addWidget(widget)
        self.controls.addStretch(1)
        self.loss_text = QtWidgets.QLineEdit()
        self.loss_text.setFont(QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.SystemFont.FixedFont))
        self.loss_text.setToolTip("The loss over the data's columns (press Enter): mean(...) and sum(...) reduce "
                                  "over the rows, e.g. f(w, b) = mean(abs(w*x + b - y))")
        self.loss_text.returnPressed.connect(lambda: self.state.set_loss(self.loss_text.text()))
        self.iterate = QtWidgets.QSlider(QtCore.Qt.Orientation.Horizontal)
        self.iterate.setToolTip("Move the probe along the path: the fit in the data view is the model after k steps")
        self.iterate.valueChanged.connect(self._scrubbed)
        self.iterate_label = QtWidgets.QLabel()
        self.by_epoch = QtWidgets.QCheckBox("loss by epoch")
        self.by_epoch.setToolTip("Plot the losses against epochs (passes over the data) instead of steps")
        self.by_epoch.toggled.connect(lambda _on: self.refresh())
        self.error = QtWidgets.QLabel()
        self.error.setStyleSheet("color: #b03a2e")
        self.error.setWordWrap(True)
        self.readout = QtWidgets.QLabel()
        self.readout.setStyleSheet(muted_css())
        on_change(lambda theme, w=self.readout: w.setStyleSheet(muted_css()), self.readout)
        self.model.currentIndexChanged.connect(lambda _i: self.state.load_model(self.model.currentData()))
        self.open_csv.clicked.connect(self._ask_csv)
        self.method.currentIndexChanged.connect(lambda _i: self.state.set_run(method=self.method.currentData()))
        self.lr.valueChanged.connect(lambda v: self.state.set_run(lr=float(v)))
        self.batch.valueChanged.connect(lambda v: self.state.set_run(batch_size=int(v) or None))
        self.seed.valueChanged.connect(lambda v: self.state.set_run(seed=int(v)))
        self.steps.valueChanged.connect(lambda v: self.state.set_run(steps=int(v)))
        self.schedule.currentIndexChanged.connect(
            lambda _i: self.state.set_run(schedule=self.schedule.currentData()))

    def _ask_csv(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self, "Open data", "", "CSV files (*.csv);;All files (*)")
        if not path:
            return
        try:
            header = list(read_csv(path))
        except DataError:
            self.state.load_csv(path)  # the state names the problem in place
            return
        needed = self.state.needed_columns
        if set(needed) <= set(header):
            self.state.load_csv(path)
            return
        chosen = self.pick_columns(needed, header)
        if chosen is not None:
            self.state.load_csv(path, chosen)

    def pick_columns(self, needed: tuple[str, ...], header: list[str]) -> dict[str, str] | None:
        """Ask which of the file's columns is each needed one (None if cancelled)."""
        dialog = QtWidgets.QDialog(self)
        dialog.setWindowTitle("Pick the columns")
        form = QtWidgets.QFormLayout(dialog)
        form.addRow(QtWidgets.QLabel(f"The loss uses {', '.join(needed)}: which column of the file is each?"))
        combos = {}
        for k, name in enumerate(needed):
            combo = QtWidgets.QComboBox()
            combo.addItems(header)
            combo.setCurrentIndex(min(k, len(header) - 1))
            form.addRow(name, combo)
            combos[name] = combo
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Ok
                                             | QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        form.addRow(buttons)
        self.column_dialog = dialog
        if dialog.exec() != QtWidgets.QDialog.DialogCode.Accepted:
            return None
        return {name: combo.currentText() for name, combo in combos.items()}

    def _probe_dragged(self, item: pg.TargetItem) -> None:
        p = item.pos()
        self.state.set_probe(p.x(), p.y())

    def _scrubbed(self, k: int) -> None:
        """The probe to iterate k of the path: the fit shows the model the run had after k steps."""
        traj = self.state.trajectory
        if traj is not None and 0 <= k < len(traj.points):
            self.state.set_probe(*traj.points[k])

    def _clicked(self, event: object) -> None:
        vb = self.landscape.getPlotItem().vb
        pos = event.scenePos()  # type: ignore[attr-defined]
        if not vb.sceneBoundingRect().contains(pos):
            return
        p = vb.mapSceneToView(pos)
        shift = bool(event.modifiers() & QtCore.Qt.KeyboardModifier.ShiftModifier)  # type: ignore[attr-defined]
        (self.state.set_start if shift else self.state.set_probe)(p.x(), p.y())

    # ----- drawing the state -----
    def refresh(self) -> None:
        s = self.state
        traj = s.trajectory
        at = _iterate_at(traj.points, s.probe) if traj is not None else -1
        with signals_blocked(self.model, self.method, self.lr, self.batch, self.seed, self.steps, self.schedule,
                             self.iterate):
            self.iterate.setRange(0, len(traj.points) - 1 if traj is not None else 0)
            self.iterate.setValue(max(at, 0))
            self.schedule.setCurrentIndex(self.schedule.findData(s.schedule))
            self.model.setCurrentIndex(self.model.findData(s.model.name))
            self.method.setCurrentIndex(self.method.findData(s.method))
            self.lr.setValue(s.lr)
            self.batch.setValue(s.batch_size or 0)
            self.seed.setValue(s.seed)
            self.steps.setValue(s.steps)
        if not s.error:
            self.loss_text.setText(s.text)
        self.error.setText(s.error)
        self.error.setVisible(bool(s.error))
        self._draw_landscape(s.landscape())
        self.iterate_label.setText(f"k = {at}" if at >= 0 else "probe off the path")
        if traj is not None:
            self.path.setData(traj.points[:, 0], traj.points[:, 1])
            self.start_marker.setData([traj.start[0]], [traj.start[1]])
            steps = np.arange(len(traj.values), dtype=float)
            if self.by_epoch.isChecked():  # each step sees batch_size rows (all of them in full batch)
                steps *= min(traj.batch_size or s.function.rows, s.function.rows) / s.function.rows
            self.loss_plot.getPlotItem().setLabel("bottom", "epoch" if self.by_epoch.isChecked() else "step")
            self.loss_plot.getPlotItem().setTitle("loss by epoch" if self.by_epoch.isChecked() else "loss by step")
            self.lr_curve.setData(np.arange(1, len(traj.lrs) + 1), traj.lrs)
            top = float(traj.lrs.max()) if len(traj.lrs) else traj.lr
            self.lr_plot.getPlotItem().setYRange(0.0, 1.1 * top, padding=0)
            self.full_curve.setData(steps, np.maximum(traj.values, 1e-12))
            if traj.batch_size and traj.batch_losses is not None:
                self.batch_curve.setData(steps, np.maximum(traj.batch_losses, 1e-12))
            else:
                self.batch_curve.clear()
        with signals_blocked(self.probe_marker):
            self.probe_marker.setPos(*s.probe)
        self._draw_data()
        w, b = s.probe
        loss_here, gw, gb = s.function.value_and_grad(w, b)
        where = f"{s.function.rows} rows from {s.source}"
        batch = "full batch" if not s.batch_size else f"mini-batches of {s.batch_size}"
        self.readout.setText(f"{where}   ·   probe w = {num(w)}, b = {num(b)}: "
                             f"loss {num(loss_here)}, ∇ = ({num(gw)}, {num(gb)})   ·   {batch}, "
                             f"{traj.status if traj else ''}")

    def _draw_landscape(self, landscape: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
        """The loss image, drawn again only when the landscape is a new one (not on every probe move)."""
        if landscape is self._drawn_landscape:
            return
        self._drawn_landscape = landscape
        ws, bs, loss = landscape
        with np.errstate(all="ignore"):
            shown = np.log10(np.maximum(loss, 1e-12))
        finite = shown[np.isfinite(shown)]
        self.image.setImage(shown, autoLevels=False)
        self.image.setRect(QtCore.QRectF(ws[0], bs[0], ws[-1] - ws[0], bs[-1] - bs[0]))
        if finite.size:
            self.image.setLevels((float(finite.min()), float(finite.max())))

    def _draw_data(self) -> None:
        s = self.state
        data = s.function.data
        x = data["x"]
        target = data.get("y", data.get("t"))
        self.points.setData(x, target)
        xs = np.linspace(float(x.min()), float(x.max()), 200)
        fit = s.fit(xs)
        if fit is None:
            self.fit_curve.clear()
        else:
            self.fit_curve.setData(xs, fit)
        self.data_plot.getPlotItem().setTitle("the data" + (" (a typed loss: its model is not drawn)" if fit is None
                                                            else " and the model at the probe"))
        self.data_plot.getPlotItem().setLabel("left", "t (label)" if "t" in data else "y")
        self.data_plot.getPlotItem().setLabel("bottom", "x")


def _iterate_at(points: np.ndarray, probe: tuple[float, float]) -> int:
    """The last iterate at the probe exactly, or −1 when the probe is elsewhere."""
    hits = np.flatnonzero((points[:, 0] == probe[0]) & (points[:, 1] == probe[1]))
    return int(hits[-1]) if len(hits) else -1
