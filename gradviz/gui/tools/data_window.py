"""The Models on data window. Its first tab: a model's loss over (w, b) beside its data and the fit at the probe,
and a descent path (full batch or noisy mini-batches) with its loss by step; it draws a `DataState`, and its
controls change the state only through the state's setters. Its second tab, `network`, trains a model with
weight matrices (see `network_window.NetworkPanel`)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from gradviz.gui.background import BackgroundWork
from gradviz.gui.panels.parameter_panel import ParameterPanel
from gradviz.gui.tools.data_controls import DataControls
from gradviz.gui.tools.data_exports import DataExports
from gradviz.gui.tools.fit_view import FitView
from gradviz.gui.tools.network_window import NetworkPanel
from gradviz.gui.widgets.blocking import signals_blocked
from gradviz.gui.widgets.format import num
from gradviz.gui.widgets.legend import list_in_legend
from gradviz.gui.widgets.log_axis import LogAxis
from gradviz.gui.widgets.theme import style_plot
from gradviz.model.loss_on_data import DataState

PATH_PEN = pg.mkPen("#d62728", width=2)
FULL_PEN = pg.mkPen((255, 255, 255, 220), width=1.5, style=QtCore.Qt.PenStyle.DashLine)
TICK_MS = 33
PLAY_SECONDS = 5.0  # a playback of the whole path


class DataWindow(DataControls, DataExports, QtWidgets.QWidget):
    def __init__(self, state: DataState | None = None, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent, QtCore.Qt.WindowType.Window)
        self.setWindowTitle("Models on data — gradviz")
        self.state = state or DataState()
        self.work = BackgroundWork.shared()  # the runner the main window uses too
        self.state.executor = self.work.executor(self.state.accept, self.state.is_stale, self)
        self._drawn_landscape: tuple | None = None
        self._levels: tuple[float, float] | None = None
        self._full: tuple | None = None
        self._batch_landscape: tuple[object, int, tuple] | None = None
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
        self.path = pg.PlotDataItem(pen=PATH_PEN, name="the path")
        self.full_path = pg.PlotDataItem(pen=FULL_PEN)
        self.start_marker = pg.ScatterPlotItem(size=11, brush=pg.mkBrush("#ffffff"), pen=pg.mkPen("#222", width=2))
        self.probe_marker = pg.TargetItem(size=16, symbol="crosshair", pen=pg.mkPen("#ffffff", width=2),
                                          hoverPen=pg.mkPen("#ffd54f", width=3), movable=True)
        self.probe_marker.setToolTip("the probe: drag it over the loss and the model in the data view follows")
        self.probe_marker.sigPositionChanged.connect(self._probe_dragged)
        self.path_legend = lp.addLegend(offset=(-6, 6), labelTextColor="#ffffff", brush=(0, 0, 0, 110))
        for item in (self.full_path, self.path, self.start_marker, self.probe_marker):
            lp.addItem(item)
        lp.scene().sigMouseClicked.connect(self._clicked)
        self.data_plot = FitView()
        self.fit_curve = self.data_plot.fit_curve
        self.data_plot.fit_dragged.connect(self.state.set_probe)
        self.loss_plot = pg.PlotWidget(axisItems={"left": LogAxis("left")})
        style_plot(self.loss_plot)
        lo = self.loss_plot.getPlotItem()
        lo.setTitle("loss by step")
        lo.setLabel("bottom", "step")
        lo.setLogMode(False, True)
        lo.addLegend(offset=(-10, 10))
        self.batch_curve = lo.plot(pen=pg.mkPen(150, 150, 150, 200, width=1), name="loss on the step's mini-batch")
        self.full_curve = lo.plot(pen=pg.mkPen("#1f77b4", width=2), name="loss on all rows (full batch)")
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
        self.tabs = QtWidgets.QTabWidget()
        page = QtWidgets.QWidget()
        self.tabs.addTab(page, "Two weights: the loss over (w, b)")
        self.network = NetworkPanel()
        self.tabs.addTab(self.network, "A network: many weights, its curvature")
        QtWidgets.QVBoxLayout(self).addWidget(self.tabs)
        layout = QtWidgets.QVBoxLayout(page)
        layout.addLayout(self.data_row)
        self.parameters = ParameterPanel(self.state)  # ridge's λ, Huber's δ, or a typed loss's own
        layout.addWidget(self.parameters)
        self.show_3d = QtWidgets.QPushButton("Show in the main window (3D)")
        self.show_3d.clicked.connect(self.show_in_main_window)
        self.controls.addWidget(self.show_3d)
        self.controls.addWidget(self._build_exports())
        layout.addLayout(self.controls)
        layout.addWidget(self.error)
        status = QtWidgets.QHBoxLayout()
        status.addWidget(self.readout, 1)
        self.progress = QtWidgets.QProgressBar()  # while the run, the file or the full landscape is on its way
        self.progress.setMaximumWidth(260)
        self.progress.setVisible(False)
        status.addWidget(self.progress)
        layout.addLayout(status)
        self._progress_timer = QtCore.QTimer(self)
        self._progress_timer.setInterval(100)
        self._progress_timer.timeout.connect(self.show_progress)
        layout.addLayout(self._build_player())
        layout.addWidget(body, 1)
        self.resize(1300, 820)
        self.state.changed.connect(self.refresh)
        self.refresh()

    def _build_player(self) -> QtWidgets.QHBoxLayout:
        """Play/pause, the slider over the path's iterates, and what the plots show while it moves."""
        self.play = QtWidgets.QPushButton("▶ Play")
        self.play.setCheckable(True)
        self.play.toggled.connect(self._play_toggled)
        self.play.setToolTip("Walk the probe along the path: the fit follows the iterate (Space)")
        space = QtGui.QShortcut(QtGui.QKeySequence(QtCore.Qt.Key.Key_Space), self)
        space.activated.connect(self.play.toggle)  # a text field keeps its spaces (it takes the key first)
        self.timer = QtCore.QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.iterate = QtWidgets.QSlider(QtCore.Qt.Orientation.Horizontal)
        self.iterate.setToolTip("Move the probe along the path: the fit in the data view is the model after k steps")
        self.iterate.valueChanged.connect(self._scrubbed)
        self.iterate_label = QtWidgets.QLabel()
        self.iterate_label.setMinimumWidth(110)
        self.by_epoch = QtWidgets.QCheckBox("loss by epoch")
        self.by_epoch.setToolTip("Plot the losses against epochs (passes over the data) instead of steps")
        self.by_epoch.toggled.connect(lambda _on: self.refresh())
        self.batch_surface = QtWidgets.QCheckBox("this step's batch loss")
        self.batch_surface.setToolTip("On the path, show the loss over the next step's mini-batch only: the "
                                      "landscape that step actually descends (its rows are ringed in the data)")
        self.batch_surface.toggled.connect(lambda _on: self.refresh())
        row = QtWidgets.QHBoxLayout()
        row.addWidget(QtWidgets.QLabel("drag the probe, Shift+click the start"))
        for widget in (self.play, self.iterate, self.iterate_label, self.batch_surface, self.by_epoch):
            row.addWidget(widget, 1 if widget is self.iterate else 0)
        return row

    def _offer_3d(self) -> None:
        self.show_3d.setEnabled(hasattr(self.parent(), "scene") and not self.state.loading)
        self.show_3d.setToolTip(
            "Show this loss in the main window: its surface, contours, Hessian, critical points and optimizers "
            "(full batch); type other losses over these columns there. Over many rows it shows a preview first, "
            "over a sample of the rows, and the whole loss when it is computed")

    def show_in_main_window(self) -> None:
        """The main window's scene shows this loss over this domain, descending from this start."""
        main = self.parent()
        (w0, w1), (b0, b1) = self.state.domain
        main.scene.show_loss(self.state.function, (w0, w1, b0, b1), self.state.start)  # type: ignore[union-attr]
        main.raise_()  # type: ignore[union-attr]
        main.activateWindow()  # type: ignore[union-attr]

    def _play_toggled(self, on: bool) -> None:
        self.play.setText("❚❚ Pause" if on else "▶ Play")
        if on:
            if self.iterate.value() >= self.iterate.maximum():
                self.iterate.setValue(0)
            self._scrubbed(self.iterate.value())
            self.timer.start()
        else:
            self.timer.stop()

    def _tick(self) -> None:
        """About PLAY_SECONDS for the whole path, whatever its length; stops at the end."""
        last = self.iterate.maximum()
        step = max(1, round(last * TICK_MS / (1000 * PLAY_SECONDS)))
        self.iterate.setValue(min(last, self.iterate.value() + step))
        if self.iterate.value() >= last:
            self.play.setChecked(False)

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        self.play.setChecked(False)
        self.network.state.play(False)
        self.network.state.cancel_landscape()
        self.state.cancel_work()  # its results, still on their way, are dropped: none reaches a closed window
        self.work.wait()
        self.network.state.close_cluster()  # after the jobs: none is still using it
        super().closeEvent(event)

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
    def show_progress(self) -> None:
        """The progress bar: how far the full landscape has got, or busy while the run or the file is on its way."""
        s = self.state
        if not s.busy:
            self.progress.setVisible(False)
            self._progress_timer.stop()
            return
        fraction = s.progress
        what = "the landscape" if s.refining else f"reading {s.loading}" if s.loading else "the run"
        if fraction is None:
            self.progress.setRange(0, 0)  # busy, with no fraction to show
            self.progress.setFormat(f"computing {what}…")
        else:
            self.progress.setRange(0, 100)
            self.progress.setValue(round(100 * fraction))
            self.progress.setFormat(f"{what}: %p%")
        self.progress.setVisible(True)
        if not self._progress_timer.isActive():
            self._progress_timer.start()

    def refresh(self) -> None:
        s = self.state
        traj = s.trajectory
        at = _iterate_at(traj.points, s.probe) if traj is not None else -1
        with signals_blocked(self.iterate):
            self.iterate.setRange(0, len(traj.points) - 1 if traj is not None else 0)
            self.iterate.setValue(max(at, 0))
        self._sync_controls()
        batch = s.batch_at(at) if self.batch_surface.isChecked() and at >= 0 else None
        if batch is None:
            self._draw_landscape(s.landscape())
        else:
            self._draw_batch_landscape(at)
        note = s.landscape_note or (f"of this step's mini-batch only ({len(batch)} rows)" if batch is not None
                                    else "darker is lower (log colours)")
        self.landscape.getPlotItem().setTitle(f"loss over (w, b) {note}" if batch is not None and not s.refining
                                              else f"loss over (w, b): {note}")
        self.iterate_label.setText(f"k = {at}" if at >= 0 else "probe off the path")
        full = s.full_batch
        if full is None:
            self.full_path.clear()
        else:
            self.full_path.setData(full.points[:, 0], full.points[:, 1])
        self.full_path.setVisible(full is not None)
        self._label_paths(full is not None)
        if traj is None:
            for item in (self.path, self.start_marker, self.full_curve, self.batch_curve, self.lr_curve):
                item.clear()
        else:
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
        self.data_plot.draw(s, batch)
        self._offer_3d()
        self.show_progress()
        w, b = s.probe
        loss_here, gw, gb = s.function.value_and_grad(w, b)
        where = f"{s.function.rows} rows from {s.source}" + (f" (reading {s.loading}…)" if s.loading else "")
        batch = "full batch" if not s.batch_size else f"mini-batches of {s.batch_size}"
        self.readout.setText(f"{where}   ·   probe w = {num(w)}, b = {num(b)}: "
                             f"loss {num(loss_here)}, ∇ = ({num(gw)}, {num(gb)})   ·   {batch}, "
                             f"{'running…' if s.running else traj.status if traj else ''}")

    def _label_paths(self, both: bool) -> None:
        """The landscape's legend: the path, and the full-batch path when there are mini-batches."""
        legend = self.path_legend
        list_in_legend(legend, self.full_path, "the same run on every row (full batch)", both)
        label = legend.getLabel(self.path)
        text = f"the path (mini-batches of {self.state.batch_size})" if both else "the path (full batch)"
        if label is not None and label.text != text:
            label.setText(text)

    def _draw_landscape(self, landscape: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
        """The loss image, drawn again only when the landscape is a new one (not on every probe move)."""
        if landscape is self._drawn_landscape:
            return
        self._drawn_landscape = landscape
        self._show_image(*self._colours(landscape))

    def _colours(self, landscape: tuple[np.ndarray, np.ndarray, np.ndarray]) -> tuple:
        """(ws, bs, log10 loss) of the full landscape; its range sets the colour levels."""
        if self._full is None or self._full[0] is not landscape:
            ws, bs, loss = landscape
            with np.errstate(all="ignore"):
                shown = np.log10(np.maximum(loss, 1e-12))
            finite = shown[np.isfinite(shown)]
            self._levels = (float(finite.min()), float(finite.max())) if finite.size else None
            self._full = (landscape, ws, bs, shown)
        return self._full[1:]

    def _draw_batch_landscape(self, k: int) -> None:
        """Batch k's own loss, in the full landscape's colours (so that the two can be compared)."""
        self._colours(self.state.landscape())
        key = (self.state.trajectory, k)
        if self._batch_landscape is None or self._batch_landscape[:2] != key:
            ws, bs, loss = self.state.batch_landscape(k)  # type: ignore[misc]
            with np.errstate(all="ignore"):
                self._batch_landscape = (*key, (ws, bs, np.log10(np.maximum(loss, 1e-12))))
        self._drawn_landscape = None  # the full one is drawn again when the batch's is left
        self._show_image(*self._batch_landscape[2])

    def _show_image(self, ws: np.ndarray, bs: np.ndarray, shown: np.ndarray) -> None:
        self.image.setImage(shown, autoLevels=False)
        self.image.setRect(QtCore.QRectF(ws[0], bs[0], ws[-1] - ws[0], bs[-1] - bs[0]))
        if self._levels is not None:
            self.image.setLevels(self._levels)


def _iterate_at(points: np.ndarray, probe: tuple[float, float]) -> int:
    """The last iterate at the probe exactly, or −1 when the probe is elsewhere."""
    hits = np.flatnonzero((points[:, 0] == probe[0]) & (points[:, 1] == probe[1]))
    return int(hits[-1]) if len(hits) else -1
