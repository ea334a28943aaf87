"""The network tab of the Models on data window: type or build a model with weight matrices, train it on
data with any optimizer, and watch it learn (its output over the inputs, the loss by step, each layer's weights
and gradient norm) and its curvature: the top Hessian eigenvalue beside the optimizer's stability limit, the edge
of stability live. It draws a `NetworkState`; training runs on the application's job runner, and the views
redraw at most once per frame."""

from __future__ import annotations

import csv
import json
import time

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from gradviz.gui.background import BackgroundWork
from gradviz.gui.tools.heatmap import HeatMap
from gradviz.gui.tools.network_controls import NetworkControls
from gradviz.gui.tools.path_on_plane import PathOnPlane
from gradviz.gui.widgets.legend import list_in_legend
from gradviz.gui.widgets.log_axis import LogAxis
from gradviz.gui.widgets.theme import current, labelled_plot
from gradviz.model.network_training import NetworkState, Snapshot

FRAME_MS = 16  # the views redraw at most this often
SHOW_TRAINING_AFTER_S = 0.5  # a chunk of training steps running this long shows its progress, with Cancel
CLASS_BRUSHES = [pg.mkBrush(c) for c in ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e")]
LIMIT_PEN = pg.mkPen("#d62728", width=2, style=QtCore.Qt.PenStyle.DashLine)


class NetworkPanel(NetworkControls, QtWidgets.QWidget):
    def __init__(self, state: NetworkState | None = None, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state or NetworkState()
        self.work = BackgroundWork.shared()
        self.state.executor = self.work.executor(self.state.accept, self.state.is_stale, self)
        layout = QtWidgets.QHBoxLayout(self)
        layout.addWidget(self._build_controls())
        layout.addLayout(self._build_views(), 1)
        self._training: tuple[object, float] = (None, 0.0)  # the chunk of training shown, and since when
        self._progress = QtCore.QTimer(self, interval=100)
        self._progress.timeout.connect(self._show_progress)
        self._redraw = QtCore.QTimer(self, singleShot=True, interval=FRAME_MS)
        self._redraw.timeout.connect(self.refresh)
        self.state.changed.connect(self._redraw.start)
        self.state.settings_changed.connect(self.sync_controls)
        self.refresh()

    def _build_views(self) -> QtWidgets.QVBoxLayout:
        views = QtWidgets.QVBoxLayout()
        exports = QtWidgets.QHBoxLayout()
        for label, slot in (("Export run…", self.export_run), ("Save weights…", self.save_weights)):
            button = QtWidgets.QPushButton(label)
            button.clicked.connect(slot)
            exports.addWidget(button)
        exports.addWidget(QtWidgets.QLabel("(right-click a plot to export it as PNG or SVG)"))
        exports.addStretch(1)
        views.addLayout(exports)
        grid = QtWidgets.QGridLayout()
        self.output = pg.PlotWidget()
        labelled_plot(self.output, "x₁", "x₂").setTitle("the model's output over the inputs, with the data")
        self.image = pg.ImageItem(axisOrder="col-major")
        self.output.addItem(self.image)
        self.curve = self.output.plot(pen=pg.mkPen("#d62728", width=2))
        self.points = pg.ScatterPlotItem(size=6, pen=pg.mkPen("k", width=0.5))
        self.output.addItem(self.points)
        self.loss_plot = pg.PlotWidget(axisItems={"left": LogAxis("left")})
        plot = labelled_plot(self.loss_plot, "step", "loss")
        plot.setTitle("loss by step")
        plot.setLogMode(y=True)
        plot.addLegend(offset=(-10, 10), brush=_legend_brush())
        self.batch_curve = plot.plot(pen=pg.mkPen((150, 150, 150), width=1), name="mini-batch loss")
        self.loss_curve = plot.plot(pen=pg.mkPen("#1f77b4", width=2), name="full-batch loss")
        self.held_curve = plot.plot(pen=pg.mkPen("#ff7f0e", width=2))
        self.loss_marker = pg.InfiniteLine(angle=90, pen=pg.mkPen((120, 120, 120), width=1))
        plot.addItem(self.loss_marker)
        self.sharp_plot = pg.PlotWidget()
        plot = labelled_plot(self.sharp_plot, "step", "curvature")
        plot.setTitle("sharpness against the stability limit (the edge of stability)")
        plot.addLegend(offset=(-10, 10), brush=_legend_brush())
        self.sharp_curve = plot.plot(pen=pg.mkPen("#2ca02c", width=2), symbol="o", symbolSize=4,
                                     symbolBrush="#2ca02c", name="λmax(H)")
        self.lower_curves = [plot.plot(pen=pg.mkPen((44, 160, 44, 110), width=1)) for _ in range(2)]
        self.pre_curve = plot.plot(pen=pg.mkPen("#9467bd", width=2))
        self.limit_curve = plot.plot(pen=LIMIT_PEN, name="stability limit")
        self.sharp_marker = pg.InfiniteLine(angle=90, pen=pg.mkPen((120, 120, 120), width=1))
        plot.addItem(self.sharp_marker)
        self.norm_plot = pg.PlotWidget()
        labelled_plot(self.norm_plot, "weight", "|∂L/∂W|").setTitle("gradient norm per weight")
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.6, brush="#1f77b4")
        self.norm_plot.addItem(self.bars)
        grid.addWidget(self.output, 0, 0)
        grid.addWidget(self.loss_plot, 0, 1)
        grid.addWidget(self.sharp_plot, 1, 0)
        grid.addWidget(self.norm_plot, 1, 1)
        views.addLayout(grid, 3)
        self.bottom = QtWidgets.QTabWidget()
        weights = QtWidgets.QWidget()
        self.heat_row = QtWidgets.QHBoxLayout(weights)
        self.heatmaps: dict[str, HeatMap] = {}
        self.bottom.addTab(weights, "Weights")
        self.path_view = PathOnPlane()
        self.bottom.addTab(self.path_view, "Landscape and the path on it")
        views.addWidget(self.bottom, 2)
        return views

    # ----- drawing -----
    def refresh(self) -> None:
        s = self.state
        self.error.setText(s.error)
        if self.play.isChecked() != s.playing:
            self.play.blockSignals(True)
            self.play.setChecked(s.playing)
            self.play.blockSignals(False)
        self.play.setText("⏸ Pause" if s.playing else "▶ Train")
        snap = s.snapshot
        if snap is None:
            return
        done = f"step {snap.step} of {s.steps}" + (f" (showing step {snap.shown_step})"
                                                    if snap.shown_step != snap.step else "")
        last = len(snap.steps) - 1
        if self.record.maximum() != last:
            self.record.setMaximum(last)
        if not self.record.isSliderDown():
            self.record.setValue(int(np.searchsorted(snap.steps, snap.shown_step)))
        self.loss_marker.setPos(snap.shown_step)
        self.sharp_marker.setPos(snap.shown_step)
        if abs(self.lr.value() - s.lr) > 1e-12 and not self.lr.hasFocus():
            self.lr.blockSignals(True)
            self.lr.setValue(s.lr)
            self.lr.blockSignals(False)
        note = snap.message if snap.status != "running" else ""
        trace = snap.curvature["trace"]
        curvature = f" · tr H ≈ {trace[-1]:.4g} (Hutchinson)" if len(trace) and np.isfinite(trace[-1]) else ""
        if not s.curvature_every:
            curvature += " · curvature off (set “Curvature every” to follow λmax)"
        self.status.setText(f"{s.net.size:,} weights, {s.net.rows:,} rows · {done} · loss "
                            f"{snap.losses[-1]:.4g}\n{s.limit_label}{curvature}" + (f"\n{note}" if note else ""))
        self._draw_output(snap)
        self._draw_losses(snap)
        self.show_slice.setEnabled(s.landscape is not None and hasattr(self.window().parent(), "scene"))
        self.run_a_label.setText(f"A: {s.run_a.label}" if s.run_a is not None else "")
        if (s.landscape_progress is not None or s.train_progress is not None) and not self._progress.isActive():
            self._progress.start()
        self._show_progress()
        if s.landscape is not None and self.path_view.view is not s.landscape:
            self.path_view.show_view(s.landscape)
            self.bottom.setCurrentWidget(self.path_view)
        self._draw_curvature(snap)
        self._draw_weights(snap)

    def _draw_output(self, snap: Snapshot) -> None:
        if not snap.grid or "t" not in self.state.data:  # a typed model without inputs X to draw over
            self.image.hide()
            self.curve.setData([], [])
            self.points.setData([], [])
            return
        x, t = self.state.data["X"], self.state.data["t"]
        classes = t.astype(int) if np.all(t == np.round(t)) and len(np.unique(t)) <= len(CLASS_BRUSHES) else None
        if len(snap.grid) == 3:
            xs, ys, values = snap.grid
            top = float(np.abs(values).max()) or 1.0
            self.image.setImage(values, levels=(-top, top) if values.min() < 0 else (0, max(top, 1.0)))
            self.image.setColorMap(pg.colormap.get("CET-D1"))
            self.image.setRect(QtCore.QRectF(xs[0], ys[0], xs[-1] - xs[0], ys[-1] - ys[0]))
            self.image.show()
            self.curve.setData([], [])
            brushes = [CLASS_BRUSHES[c] for c in classes] if classes is not None else pg.mkBrush("w")
            self.points.setData(x[:, 0], x[:, 1], brush=brushes, symbol=self._symbols(len(x)))
        elif len(snap.grid) == 2:
            self.image.hide()
            self.curve.setData(*snap.grid)
            self.points.setData(x[:, 0], t, brush=pg.mkBrush("#1f77b4"))

    def _symbols(self, rows: int) -> list[str] | str:
        """Squares for the held-out rows (kept out of training), circles for the rest."""
        held = self.state.held_rows
        if held is None:
            return "o"
        symbols = ["o"] * rows
        for k in held:
            symbols[k] = "s"
        return symbols

    def _draw_losses(self, snap: Snapshot) -> None:
        ok = np.isfinite(snap.losses) & (snap.losses > 0)
        self.loss_curve.setData(snap.steps[ok], snap.losses[ok])
        batch = np.isfinite(snap.batch_losses) & (snap.batch_losses > 0)
        full = self.state.batch_size is None or self.state.batch_size >= self.state.net.rows
        self.batch_curve.setData(*((snap.batch_steps[batch], snap.batch_losses[batch]) if not full else ([], [])))
        held = snap.held_out_losses
        shown = len(held) > 0
        self.held_curve.setData(*((snap.steps[: len(held)], held) if shown else ([], [])))
        list_in_legend(self.loss_plot.getPlotItem().legend, self.held_curve,
                       f"held-out loss ({self.state.held_out:.0%} of the rows)", shown)

    def _draw_curvature(self, snap: Snapshot) -> None:
        c = snap.curvature
        if not len(c["steps"]):
            for curve in (self.sharp_curve, self.pre_curve, self.limit_curve):
                curve.setData([], [])
            return
        preconditioned = np.isfinite(c["preconditioned"])
        self.sharp_curve.setData(c["steps"], c["eigenvalues"][:, 0])
        for k, curve in enumerate(self.lower_curves, start=1):
            has = c["eigenvalues"].shape[1] > k
            curve.setData(*((c["steps"], c["eigenvalues"][:, k]) if has else ([], [])))
        list_in_legend(self.sharp_plot.getPlotItem().legend, self.lower_curves[0], "λ₂, λ₃",
                       c["eigenvalues"].shape[1] > 1)
        self.pre_curve.setData(c["steps"][preconditioned], c["preconditioned"][preconditioned])
        list_in_legend(self.sharp_plot.getPlotItem().legend, self.pre_curve, "λmax(P⁻¹H), P = diag(√v̂ + ε)",
                       bool(preconditioned.any()))
        limit = np.isfinite(c["limit"])
        self.limit_curve.setData(c["steps"][limit], c["limit"][limit])
        legend = self.sharp_plot.getPlotItem().legend
        legend.getLabel(self.limit_curve).setText(f"stability limit {self.state.limit_label.split('< ')[-1]}"
                                                  if limit.any() else "no stability limit for this method")

    def _draw_weights(self, snap: Snapshot) -> None:
        names = list(snap.grad_norms)
        self.bars.setOpts(x=np.arange(len(names)), height=[snap.grad_norms[n] for n in names], width=0.6)
        self.norm_plot.getPlotItem().getAxis("bottom").setTicks([list(enumerate(names))])
        matrices = [n for n, w in snap.weights.items() if w.ndim == 2]
        if list(self.heatmaps) != matrices:
            for heat in self.heatmaps.values():
                heat.setParent(None)
                heat.deleteLater()
            self.heatmaps = {n: HeatMap(numbered=False) for n in matrices}
            for heat in self.heatmaps.values():
                self.heat_row.addWidget(heat)
        for name, heat in self.heatmaps.items():
            w = snap.weights[name]
            heat.show_matrix(w, f"{name} ({w.shape[0]}×{w.shape[1]})")

    def _show_progress(self) -> None:
        """The full landscape grid's progress while it is computed, and a chunk of training's once it has taken
        SHOW_TRAINING_AFTER_S (a Newton step's dense Hessian of a big model), each with its Cancel."""
        landscape, training = self.state.landscape_progress, self.state.train_progress
        if training is not self._training[0]:
            self._training = (training, time.monotonic())
        long = training is not None and time.monotonic() - self._training[1] >= SHOW_TRAINING_AFTER_S
        for progress, bar, cancel in ((landscape, self.slice_progress, self.slice_cancel),
                                      (training if long else None, self.train_progress, self.train_cancel)):
            bar.setVisible(progress is not None)
            cancel.setVisible(progress is not None)
            if progress is not None:
                bar.setValue(round(100 * progress.fraction))
        if landscape is None and training is None:
            self._progress.stop()

    # ----- exports -----
    def export_run(self) -> None:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self, "Export the run", "run.csv", "CSV (*.csv);;JSON (*.json)")
        if path:
            self.write_run(path)

    def write_run(self, path: str) -> None:
        """The run as CSV (one row per step) or JSON: losses, η, and the curvature where it was measured."""
        rows = self.state.run_rows()
        if path.endswith(".json"):
            with open(path, "w", encoding="utf-8") as handle:
                json.dump({"model": self.state.text, "method": self.state.method, "seed": self.state.seed,
                           "steps": rows}, handle, indent=1)
            return
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)

    def save_weights(self) -> None:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self, "Save the weights", "weights.npz", "NumPy (*.npz)")
        if path and self.state.snapshot is not None:
            np.savez(path, **self.state.snapshot.weights)



def _legend_brush() -> QtGui.QBrush:
    """The plot's background, mostly opaque: a legend over the curves stays readable."""
    colour = QtGui.QColor(current().plot_bg)
    colour.setAlpha(215)
    return pg.mkBrush(colour)
