"""The data view of the Loss on data window: the data, the model at the probe, the rows of the current
mini-batch, and two handles on the model's curve; dragging a handle asks for the (w, b) whose model passes
through both handles (`fit_dragged`)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore

from gradviz.data.loss_presets import decision_boundary, through
from gradviz.gui.widgets.blocking import signals_blocked
from gradviz.gui.widgets.legend import list_in_legend
from gradviz.gui.widgets.theme import style_plot
from gradviz.model.loss_on_data import DataState

FIT_PEN = pg.mkPen("#d62728", width=3)
HANDLES_AT = (0.2, 0.8)  # the handles' x, as fractions of the data's x range


class FitView(pg.PlotWidget):
    """`draw(state, batch)` shows the state (batch: the rows of the current mini-batch, or None)."""

    fit_dragged = QtCore.Signal(float, float)

    def __init__(self) -> None:
        super().__init__()
        style_plot(self)
        plot = self.getPlotItem()
        plot.addLegend(offset=(10, 10))
        self.points = pg.ScatterPlotItem(size=6, brush=pg.mkBrush(60, 110, 200, 170), pen=None, name="data")
        self.batch_points = pg.ScatterPlotItem(size=9, brush=None, pen=pg.mkPen("#ff7f0e", width=2))
        self.fit_curve = pg.PlotDataItem(pen=FIT_PEN, name="model at the probe")
        for item in (self.points, self.fit_curve, self.batch_points):
            plot.addItem(item)
        self.handles = [pg.TargetItem(size=13, symbol="o", pen=pg.mkPen("#d62728", width=2),
                                      brush=pg.mkBrush("#ffffff"), hoverPen=pg.mkPen("#ffd54f", width=3))
                        for _ in HANDLES_AT]
        for handle in self.handles:
            handle.setToolTip("Drag to move the model: the probe moves to the (w, b) whose model passes "
                              "through both handles")
            handle.sigPositionChanged.connect(self._handle_moved)
            plot.addItem(handle)
        self.boundary = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#7f7f7f", width=2,
                                                                              style=QtCore.Qt.PenStyle.DashLine),
                                        label="decision boundary (p = ½)",
                                        labelOpts={"position": 0.5, "color": "#444", "fill": (255, 255, 255, 200),
                                                   "anchors": [(0, 0.5), (0, 0.5)]})
        plot.addItem(self.boundary)
        self._model = ""
        self._xs: tuple[float, float] = (0.0, 1.0)

    def draw(self, state: DataState, batch: np.ndarray | None) -> None:
        data = state.function.data
        x = data["x"]
        target = data.get("y", data.get("t"))
        shown = state.shown_rows()
        self.points.setData(x if shown is None else x[shown], target if shown is None else target[shown])
        if batch is None:
            self.batch_points.clear()
        else:
            self.batch_points.setData(x[batch], target[batch])
        list_in_legend(self.getPlotItem().legend, self.batch_points, "this step's mini-batch", batch is not None)
        lo, hi = float(x.min()), float(x.max())
        xs = np.linspace(lo, hi, 200)
        fit = state.fit(xs)
        plot = self.getPlotItem()
        if fit is None:
            self.fit_curve.clear()
        else:
            self.fit_curve.setData(xs, fit)
        at = None if fit is None else decision_boundary(state.preset.name, *state.probe)
        self.boundary.setVisible(at is not None and lo <= at <= hi)
        if at is not None:
            self.boundary.setValue(at)
        self._model = state.preset.name
        self._xs = tuple(lo + f * (hi - lo) for f in HANDLES_AT)  # type: ignore[assignment]
        handle_ys = state.fit(np.array(self._xs)) if fit is not None and hi > lo else None
        with signals_blocked(*self.handles):
            for k, handle in enumerate(self.handles):
                handle.setVisible(handle_ys is not None)
                if handle_ys is not None:
                    handle.setPos(self._xs[k], float(handle_ys[k]))
        sample = "" if shown is None else f" ({len(shown):,} of {len(x):,} rows shown)"
        plot.setTitle("the data" + sample + (" (a typed loss: its model is not drawn)" if fit is None
                                             else " and the model at the probe (drag the white handles)"))
        plot.setLabel("left", "t (label)" if "t" in data else "y")
        plot.setLabel("bottom", "x")

    def _handle_moved(self, _item: pg.TargetItem) -> None:
        """The handles keep their x; their heights give the model through them."""
        ys = [h.pos().y() for h in self.handles]
        w, b = through(self._model, (self._xs[0], ys[0]), (self._xs[1], ys[1]))
        if np.isfinite(w) and np.isfinite(b):
            self.fit_dragged.emit(w, b)
