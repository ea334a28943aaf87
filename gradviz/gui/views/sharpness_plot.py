"""Sharpness along each trajectory: λmax(∇²f(w_k)) against k, with each path's own stability limit from the
optimizer registry (2/η for gradient descent, (2 + 2μ)/η for heavy-ball momentum, Nesterov's own): the picture
behind "edge of stability". Runs whose limits coincide share one line and one label."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from gradviz.descent.insight import stability_lines, unlimited_methods
from gradviz.gui.widgets.styles import method_pen, plot_runs
from gradviz.gui.widgets.theme import current, labelled_plot
from gradviz.model.scene import Scene

LABEL_POSITIONS = (0.02, 0.5)  # left ends of the labels along the axis: neighbouring lines alternate, never overlap
HEADROOM = 1.3  # the y range reaches this far above the highest line, so its label (drawn above it) shows


class SharpnessPlot(pg.PlotWidget):
    def __init__(self, scene: Scene) -> None:
        super().__init__()
        self.scene_model = scene
        self.setMinimumHeight(170)
        labelled_plot(self, "step k", "λmax(∇²f(w_k))")
        self.curves: dict[tuple[str, str], pg.PlotDataItem] = {}  # by (colour, method): see style_curves
        self.lines: list[pg.InfiniteLine] = []

    def refresh(self) -> None:
        item = self.getPlotItem()
        runs = self.scene_model.descent.trajectories()
        plot_runs(item, self.curves, runs, 1.6, lambda traj, steps: traj.sharpness[steps])
        limits = stability_lines([(m, traj.lr, traj.hyper) for _, m, traj in runs])
        while len(self.lines) > len(limits):
            item.removeItem(self.lines.pop())
        while len(self.lines) < len(limits):
            line = pg.InfiniteLine(angle=0, label="", labelOpts={"position": 0.02, "color": current().muted,
                                                                  "anchors": [(0, 1), (0, 1)]})
            item.addItem(line)
            self.lines.append(line)
        for k, (line, limit) in enumerate(zip(self.lines, limits, strict=True)):
            method = limit.methods[0]
            line.setPen(method_pen(method, current().muted, 1.4))
            line.setValue(limit.value)
            line.label.setFormat(limit.label)
            line.label.setColor(current().muted)
            line.label.fill = pg.mkBrush(current().legend_bg)  # readable where it crosses another line
            line.label.setPosition(LABEL_POSITIONS[k % len(LABEL_POSITIONS)])
            line.setToolTip(f"{limit.label}. Where λmax stays above its line, that method's step overshoots along the "
                            f"sharpest direction. {limit.tip}")
        curves = [traj.sharpness[np.isfinite(traj.sharpness)] for _, _, traj in runs]
        top = max([float(c.max()) for c in curves if c.size] + [limit.value for limit in limits], default=1.0)
        bottom = min([float(c.min()) for c in curves if c.size] + [0.0])
        item.setYRange(bottom, top * HEADROOM if top > 0 else 1.0, padding=0.02)
        free = unlimited_methods([m for _, m, _ in runs])
        note = f" (none for {', '.join(free)})" if free else ""
        item.setTitle(f"λmax along each path, and each method's limit{note}", size="9pt")
