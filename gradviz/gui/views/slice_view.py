"""The slice: f along the line through the probe in the chosen direction v, with the 1D
tangent line L(w) + ε v·∇L and the parabola that adds ½ ε² vᵀHv."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore

from gradviz.gui.widgets import theme as palette
from gradviz.gui.widgets.lazy import show_event_refreshing, when_visible
from gradviz.gui.widgets.theme import labelled_plot
from gradviz.model.scene import Scene

SAMPLES = 241


@show_event_refreshing
class SliceView(pg.PlotWidget):
    def __init__(self, scene: Scene, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.scene_model = scene
        self.setMinimumHeight(150)
        plot = labelled_plot(self, "ε, the step along v from the probe", "f")
        self.legend = plot.addLegend(offset=(-10, 10), labelTextSize="9pt")
        self.curve = plot.plot(pen=pg.mkPen("k", width=2), name="f(w + εv)")
        self.tangent = plot.plot(pen=pg.mkPen(palette.rgb_hex(palette.TANGENT_COLOR), width=2,
                                              style=QtCore.Qt.PenStyle.DashLine), name="f(w) + ε v·∇f")
        self.parabola = plot.plot(pen=pg.mkPen(palette.rgb_hex(palette.QUADRATIC_COLOR), width=2,
                                               style=QtCore.Qt.PenStyle.DashDotLine), name="+ ½ε² vᵀHv")
        self.dot = pg.ScatterPlotItem(size=9, brush=pg.mkBrush(palette.PROBE_COLOR), pen=None)
        plot.addItem(self.dot)
        scene.function_changed.connect(lambda fn: self.refresh())
        scene.probe_changed.connect(lambda p: self.refresh())
        scene.view_changed.connect(lambda names: self.refresh() if names & {"radius", "direction_angle"} else None)
        self.refresh()

    @when_visible
    def refresh(self) -> None:
        m = self.scene_model.local()
        v = self.scene_model.probe_direction()
        r = 2.0 * self.scene_model.view.radius
        eps = np.linspace(-r, r, SAMPLES)
        px, py = self.scene_model.probe
        f = self.scene_model.function(px + eps * v[0], py + eps * v[1])
        slope = m.directional_derivative(v)
        curv = m.curvature_along(v)
        line = m.f + eps * slope
        parab = line + 0.5 * curv * eps * eps
        self.curve.setData(eps, np.where(np.isfinite(f), f, np.nan), connect="finite")
        self.tangent.setData(eps, line)
        self.parabola.setData(eps, parab)
        self.dot.setData([0.0], [m.f] if np.isfinite(m.f) else [0.0])
        finite = f[np.isfinite(f)]
        if finite.size:
            lo, hi = float(finite.min()), float(finite.max())
            pad = 0.08 * max(hi - lo, 1e-9)
            self.getPlotItem().setRange(xRange=(-r, r), yRange=(lo - pad, hi + pad), padding=0)
