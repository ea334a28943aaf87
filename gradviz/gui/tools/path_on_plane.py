"""The network tab's landscape view: the loss on the slice's plane as colours and isolines, the training path
projected onto the plane, and beside it the path's distance off the plane by step (a path far off the plane is
not what the picture suggests, and the legend says so)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtWidgets

from gradviz.gui.widgets.legend import list_in_legend
from gradviz.gui.widgets.theme import labelled_plot
from gradviz.model.network_landscape import LandscapeView

PATH_PEN = pg.mkPen("#ff7f0e", width=2)
LOW_SHARE = 0.5  # a PCA plane explaining less of the path's variance than this says so


class PathOnPlane(QtWidgets.QWidget):
    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.view: LandscapeView | None = None
        layout = QtWidgets.QHBoxLayout(self)
        self.plane = pg.PlotWidget()
        plot = labelled_plot(self.plane, "α (along d₁)", "β (along d₂)")
        self.image = pg.ImageItem(axisOrder="col-major")
        self.image.setColorMap(pg.colormap.get("viridis"))
        plot.addItem(self.image)
        self.legend = plot.addLegend(offset=(-6, -6), labelTextColor="#ffffff", brush=(0, 0, 0, 150))
        self.path = plot.plot(pen=PATH_PEN, name="the training path, projected")
        self.other = plot.plot(pen=pg.mkPen("#4fc3f7", width=2))
        self.end = pg.ScatterPlotItem(size=10, brush=pg.mkBrush("#ffffff"), pen=pg.mkPen("#222", width=1.5))
        plot.addItem(self.end)
        self.distance = pg.PlotWidget()
        labelled_plot(self.distance, "step", "distance off the plane").setTitle("how far the path is from the plane")
        self.distance_curve = self.distance.plot(pen=PATH_PEN)
        self.line = pg.PlotWidget()
        labelled_plot(self.line, "t: 0 the start, 1 the weights shown", "loss").setTitle(
            "straight line, start → weights")
        self.line_curve = self.line.plot(pen=pg.mkPen("#1f77b4", width=2))
        self.line_ends = pg.ScatterPlotItem(size=8, brush=pg.mkBrush("#1f77b4"))
        self.line.addItem(self.line_ends)
        side = QtWidgets.QVBoxLayout()
        side.addWidget(self.distance)
        side.addWidget(self.line)
        layout.addWidget(self.plane, 3)
        layout.addLayout(side, 2)

    def show_view(self, view: LandscapeView) -> None:
        self.view = view
        a = view.axis
        logs = np.log10(np.maximum(view.losses, np.nanmin(view.losses[view.losses > 0], initial=1e-300)))
        self.image.setImage(logs, levels=(float(np.nanmin(logs)), float(np.nanmax(logs))))
        self.image.setRect(a[0], a[0], a[-1] - a[0], a[-1] - a[0])
        self.path.setData(view.coords[:, 0], view.coords[:, 1])
        self.end.setData([0.0], [0.0])
        shares = view.sl.explained_variance
        plane = ("plane of the start (0, 0), A's end (1, 0) and B's end (0, 1)" if view.sl.kind == "runs"
                 else f"{view.sl.kind} plane at step {view.step}")
        title = f"{plane}; colours: log loss" + (" (coarse; refining…)" if view.coarse else "")
        if shares is not None:
            title = f"PCA plane at step {view.step}: {shares.sum():.0%} of the path's variance; colours: log loss"
            if shares.sum() < LOW_SHARE:
                title = (f"PCA plane at step {view.step}: only {shares.sum():.0%} of the path's variance, so most of "
                         "its motion is off this picture")
        self.plane.getPlotItem().setTitle(title)
        label = ("the training path, projected: FAR from the plane (see right), not what the picture suggests"
                 if view.far else "the training path, projected (close to the plane)")
        self.legend.getLabel(self.path).setText(label)
        self.distance_curve.setData(view.steps, view.distances)
        shown = view.other_coords is not None
        self.other.setData(*((view.other_coords[:, 0], view.other_coords[:, 1]) if shown else ([], [])))
        list_in_legend(self.legend, self.other, f"run A: {view.other.label}" if shown else "", shown)
        if shown:
            self.legend.getLabel(self.path).setText("run B: this run")
        self.line_curve.setData(view.ts, view.line)
        ends = [int(np.argmin(np.abs(view.ts - t))) for t in (0.0, 1.0)]
        self.line_ends.setData(view.ts[ends], view.line[ends])
