"""Loss curves f(w_k) against k for every trajectory, and the table of how each run ended."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from gradviz.descent.optimizers import OPTIMIZERS
from gradviz.gui.views.runs_table import RunsTableModel, status_text  # noqa: F401 (status_text: its old home)
from gradviz.gui.views.sharpness_plot import SharpnessPlot
from gradviz.gui.widgets.lazy import FollowPaths, show_event_refreshing, when_visible
from gradviz.gui.widgets.log_axis import LogAxis
from gradviz.gui.widgets.styles import plot_runs, style_pixmap
from gradviz.gui.widgets.theme import current, on_change, style_plot
from gradviz.model.scene import Scene

RESIZE_ROWS = 32  # columns fit the widest of this many rows (all 768 rows of 256 start points took 14 ms a redraw)


@show_event_refreshing
class LossView(QtWidgets.QWidget):
    def __init__(self, scene: Scene, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.scene = scene
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        left = QtWidgets.QVBoxLayout()
        self.plot = pg.PlotWidget(axisItems={"left": LogAxis("left")})  # readable on a decade or two too
        style_plot(self.plot)
        self.plot.setMinimumHeight(150)
        item = self.plot.getPlotItem()
        item.setLabel("bottom", "step k")
        item.showGrid(x=True, y=True, alpha=0.25)
        for side in ("bottom", "left"):
            item.getAxis(side).enableAutoSIPrefix(False)
        self.log_y = QtWidgets.QCheckBox("log scale: f(w_k) − f_best")
        self.log_y.setToolTip("Plot the gap to the lowest value any run reached, on a log axis: linear "
                              "convergence shows as a straight line")
        self.log_y.setChecked(True)
        self.log_y.toggled.connect(lambda _: self.refresh())
        left.addWidget(self.plot, 1)
        self.sharpness = SharpnessPlot(scene)  # beside the loss curves, above the table: room to be read
        self.sharpness.setVisible(False)
        options = QtWidgets.QHBoxLayout()
        options.addWidget(self.log_y)
        self.show_sharpness = QtWidgets.QCheckBox("sharpness λmax(w_k) and stability limits")
        self.show_sharpness.setToolTip("The largest Hessian eigenvalue along each path, with each method's stability "
                                       "limit: 2/η for gradient "
                                       "descent, (2 + 2μ)/η for momentum, Nesterov's own")
        self.show_sharpness.toggled.connect(self._sharpness_toggled)
        options.addWidget(self.show_sharpness)
        options.addStretch(1)
        left.addLayout(options)
        layout.addLayout(left, 3)
        self.runs_table = RunsTableModel(self)
        self.table = QtWidgets.QTableView()
        self.table.setModel(self.runs_table)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setResizeContentsPrecision(RESIZE_ROWS)
        self.table.setMinimumHeight(90)  # two runs readable under the sharpness plot
        right = QtWidgets.QVBoxLayout()
        right.addWidget(self.sharpness, 3)
        right.addWidget(self.table, 2)
        layout.addLayout(right, 4)
        self.curves: dict[tuple[str, str], pg.PlotDataItem] = {}  # by (colour, method): see style_curves
        # the legend sits above the plot, never over the curves; each entry shows a whole dash pattern
        self.legend = QtWidgets.QWidget()
        self.legend_layout = QtWidgets.QHBoxLayout(self.legend)
        self.legend_layout.setContentsMargins(4, 0, 4, 0)
        left.insertWidget(0, self.legend)
        self._legend_methods: tuple[str, ...] = ()
        on_change(self._restyle, self)
        self.cursor = pg.InfiniteLine(angle=90, pen=pg.mkPen("#888", style=QtCore.Qt.PenStyle.DashLine))
        item.addItem(self.cursor)
        d = scene.descent
        self.follow = FollowPaths(scene, self.refresh, self, over_f=False)
        d.trajectories_changed.connect(self.follow.changed)
        d.playback_changed.connect(self._playback)
        self.refresh()

    def _restyle(self, theme: object) -> None:
        self._legend_methods = ()  # redrawn in the new colours
        self.runs_table.restyled()
        self.refresh()

    def _sharpness_toggled(self, on: bool) -> None:
        self.sharpness.setVisible(on)
        if on:
            self.sharpness.refresh()

    def _playback(self, step: int | None) -> None:
        self.cursor.setVisible(step is not None)
        if step is not None:
            self.cursor.setValue(step)

    @when_visible
    def refresh(self) -> None:
        runs = self.scene.descent.trajectories()
        item = self.plot.getPlotItem()
        log = self.log_y.isChecked()
        finite = [t.values[np.isfinite(t.values)] for _, _, t in runs]
        best = min((float(v.min()) for v in finite if v.size), default=0.0)
        item.setLogMode(y=log)
        item.setLabel("left", "f(w_k) − f_best" if log else "f(w_k)")
        floor = 1e-15 * max(1.0, abs(best))

        def values(traj: object, steps: np.ndarray) -> np.ndarray:
            if not log:
                return traj.values[steps]
            # the gap to the best value, floored just above rounding so a run that reaches f_best exactly does not
            # stretch the axis down to 1e-300
            gap = np.maximum(traj.values[steps] - best, floor)
            return np.where(gap > 0, gap, np.nan)

        plot_runs(item, self.curves, runs, 1.8, values)
        self._update_legend(tuple(dict.fromkeys(m for _, m, _ in runs)))
        self._fill_table(runs)
        if self.show_sharpness.isChecked():
            self.sharpness.refresh()
        self._playback(self.scene.descent.playback)

    def _update_legend(self, methods: tuple[str, ...]) -> None:
        """One entry per optimizer that runs, in its line style (colours belong to start points)."""
        if methods == self._legend_methods:
            return
        self._legend_methods = methods
        while self.legend_layout.count():
            widget = self.legend_layout.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        for m in methods:
            icon = QtWidgets.QLabel()
            icon.setPixmap(style_pixmap(m, current().plot_fg))
            self.legend_layout.addWidget(icon)
            self.legend_layout.addWidget(QtWidgets.QLabel(OPTIMIZERS[m].label))
            self.legend_layout.addSpacing(10)
        self.legend_layout.addStretch(1)
        self.legend.setVisible(bool(methods))

    def _fill_table(self, runs: list) -> None:
        """One row per run, its cells written when they are shown; the columns fit RESIZE_ROWS rows when the rows are
        replaced (fitting them to every change cost 10-20 ms a redraw with 256 start points)."""
        if self.runs_table.set_runs(runs, self.scene.function.variables):
            self.table.resizeColumnsToContents()
