"""What each optimizer carries, drawn at its playback iterate on the contour view: the velocity or
first moment as an arrow beside −∇f, and the metric as an ellipse. Hovering one says what it is."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg

from gradviz.descent.insight import metric_at
from gradviz.descent.optimizers import OPTIMIZERS
from gradviz.gui.widgets.lazy import FollowPaths
from gradviz.gui.widgets.styles import start_color
from gradviz.model.scene import Scene

MAX_ARROW = 3.0  # a state arrow is drawn at most this many times the −∇f arrow's length
ELLIPSE_POINTS = 64


def arrow_path(tail: np.ndarray, head: np.ndarray, head_size: float) -> np.ndarray:
    """Points of a line with an arrowhead, as pairs of segment ends (for connect="pairs")."""
    d = head - tail
    n = float(np.hypot(*d))
    if not n > 0:
        return np.empty((0, 2))
    u = d / n
    side = np.array([-u[1], u[0]])
    h = min(head_size, 0.5 * n)
    left = head - h * u + 0.5 * h * side
    right = head - h * u - 0.5 * h * side
    return np.array([tail, head, head, left, head, right])


def ellipse(centre: np.ndarray, axes: tuple[float, float], angle: float, radius: float) -> np.ndarray:
    t = np.linspace(0.0, 2.0 * math.pi, ELLIPSE_POINTS)
    a, b = radius * axes[0], radius * axes[1]
    c, s = math.cos(angle), math.sin(angle)
    x, y = a * np.cos(t), b * np.sin(t)
    return np.column_stack([centre[0] + c * x - s * y, centre[1] + s * x + c * y])


class OptimizerGlyphs:
    """Per (start point, method): an ellipse item and a state-arrow item, reused between frames."""

    def __init__(self, scene: Scene, plot: pg.PlotItem) -> None:
        self.scene = scene
        self.plot = plot
        self.ellipses: dict[tuple[int, str], pg.PlotCurveItem] = {}
        self.arrows: dict[tuple[int, str], pg.PlotCurveItem] = {}
        d = scene.descent
        d.playback_changed.connect(lambda step: self.refresh())
        self.follow = FollowPaths(scene, self.refresh, plot)
        d.trajectories_changed.connect(self.follow.changed)

    def _item(self, table: dict, key: tuple[int, str], method: str, width: float) -> pg.PlotCurveItem:
        item = table.get(key)
        if item is None:
            # solid, with a dark edge, so it reads on any colour map; the method shows in the tooltip
            item = table[key] = pg.PlotCurveItem(pen=pg.mkPen(start_color(key[0]), width=width),
                                                 shadowPen=pg.mkPen((0, 0, 0, 170), width=width + 2.0))
            item.setZValue(14)
            self.plot.addItem(item)
        return item

    def refresh(self) -> None:
        d = self.scene.descent
        view = self.scene.view
        runs = d.trajectories() if d.playback is not None else []
        shown_e: set = set()
        shown_a: set = set()
        length = 0.6 * view.radius  # the −∇f arrow's length at an iterate (see trajectory_layer)
        xmin, xmax, ymin, ymax = self.scene.domain
        size = 0.09 * max(xmax - xmin, ymax - ymin)  # an ellipse's longer semi-axis
        for p, method, traj in runs:
            key = (p.key, method)
            k = min(d.playback, len(traj.points) - 1)
            q = traj.points[k]
            if not np.isfinite(q).all():
                continue
            opt = OPTIMIZERS[method]
            if view.metric_ellipses:
                m = metric_at(traj, k)
                item = self._item(self.ellipses, key, method, 2.0)
                pts = ellipse(q, m.axes, m.angle, size)
                item.setData(pts[:, 0], pts[:, 1])
                item.setToolTip(f"{m.sentence} (step {k}, start {p.key + 1})")
                shown_e.add(key)
            moment = next((n for n, buf in opt.state.items() if buf.arrow), None)
            if view.state_arrows and moment is not None:
                v = traj.state[moment][k]
                g = traj.grads[k]
                gn, vn = float(np.hypot(*g)), float(np.hypot(*v))
                if vn > 0 and math.isfinite(vn):
                    scale = min(vn / gn, MAX_ARROW) if gn > 0 and math.isfinite(gn) else 1.0
                    tail = q
                    head = q - v / vn * length * scale
                    item = self._item(self.arrows, key, method, 2.4)
                    path = arrow_path(tail, head, 0.25 * length)
                    item.setData(path[:, 0], path[:, 1], connect="pairs")
                    meaning = opt.state[moment].meaning
                    item.setToolTip(f"{opt.label}'s {meaning} after step {k}, pointing where it moves "
                                    f"(−{moment}); drawn to the scale of the red −∇f arrow beside it, |{moment}|/|∇f| "
                                    f"= {vn / gn:.3g}" if gn > 0 else f"{opt.label}'s {meaning}")
                    shown_a.add(key)
        for table, shown in ((self.ellipses, shown_e), (self.arrows, shown_a)):
            for key, item in table.items():
                item.setVisible(key in shown)
