"""Sharpness along each trajectory: λmax(∇²f(w_k)) against k, with the line 2/η for the methods
whose step is η∇f-sized (the picture behind "edge of stability": past 2/η gradient descent cannot
stay)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from gradviz.descent.optimizers import OPTIMIZERS
from gradviz.gui.widgets.styles import method_pen, start_color
from gradviz.gui.widgets.theme import current, style_plot
from gradviz.model.scene import Scene


class SharpnessPlot(pg.PlotWidget):
    def __init__(self, scene: Scene) -> None:
        super().__init__()
        self.model = scene
        self.setMinimumHeight(120)
        style_plot(self)
        item = self.getPlotItem()
        item.setLabel("bottom", "step k")
        item.setLabel("left", "λmax(∇²f(w_k))")
        item.showGrid(x=True, y=True, alpha=0.25)
        for side in ("bottom", "left"):
            item.getAxis(side).enableAutoSIPrefix(False)
        self.curves: dict[tuple[int, str], pg.PlotDataItem] = {}
        self.lines: dict[str, pg.InfiniteLine] = {}

    def refresh(self) -> None:
        item = self.getPlotItem()
        runs = self.model.descent.trajectories()
        wanted = {(p.key, m) for p, m, _ in runs}
        for key in list(self.curves):
            if key not in wanted:
                item.removeItem(self.curves.pop(key))
        for p, method, traj in runs:
            key = (p.key, method)
            curve = self.curves.get(key)
            if curve is None:
                curve = self.curves[key] = pg.PlotDataItem(pen=method_pen(method, start_color(p.key), 1.6))
                item.addItem(curve)
            s = traj.sharpness
            curve.setData(np.arange(len(s)), np.where(np.isfinite(s), s, np.nan), connect="finite")
        limits = {m: 2.0 / traj.lr for _, m, traj in runs if not OPTIMIZERS[m].scale_free}
        for m in list(self.lines):
            if m not in limits:
                item.removeItem(self.lines.pop(m))
        for m, value in limits.items():
            line = self.lines.get(m)
            if line is None:
                line = self.lines[m] = pg.InfiniteLine(angle=0, pen=method_pen(m, current().muted, 1.4),
                                                       label=f"2/η ({OPTIMIZERS[m].label})",
                                                       labelOpts={"position": 0.9, "color": current().muted})
                line.setToolTip(f"2/η for {OPTIMIZERS[m].label}: where λmax stays above it, the step overshoots "
                                "along the sharpest direction")
                item.addItem(line)
            line.setValue(value)
        item.enableAutoRange(axis="y")
        item.setTitle("sharpness along each path, and the stability limit 2/η", size="9pt")
