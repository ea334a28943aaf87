"""How trajectories look: a colour per start point, a line style per optimizer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui

from gradviz.descent.optimizers import OPTIMIZERS

# one colour per start point: each contrasts at least 3:1 (WCAG) with the plots' background in both themes, so
# paths, loss curves and table swatches read in light and dark alike; none is the gradient arrows' red
START_COLORS = ["#f76707", "#ff33cc", "#1c7ed6", "#2f9e44", "#ae3ec9", "#1098ad", "#d6336c", "#5c940d"]

# dash patterns in pen widths (None: solid)
METHOD_DASHES = {name: list(opt.dashes) if opt.dashes else None for name, opt in OPTIMIZERS.items()}


def start_color(key: int) -> str:
    return START_COLORS[key % len(START_COLORS)]


def method_pen(method: str, color: str | QtGui.QColor = "k", width: float = 2.6) -> QtGui.QPen:
    pen = pg.mkPen(color, width=width)
    dashes = METHOD_DASHES[method]
    if dashes:
        pen.setStyle(QtCore.Qt.PenStyle.CustomDashLine)
        pen.setDashPattern(dashes)
    pen.setCapStyle(QtCore.Qt.PenCapStyle.FlatCap)
    pen.setCosmetic(True)
    return pen


HAIRLINE_RUNS = 64  # more runs than this are drawn 1 px wide: Qt strokes a wider antialiased line far more slowly
# (the loss view with 768 runs of 500 steps: a paint took 243 ms at 1.8 px, 14 ms at 1 px)


def style_curves(plot: pg.PlotItem, curves: dict, runs: list, width: float) -> list[tuple[pg.PlotDataItem, list]]:
    """One curve per look (start colour, method) on `plot`, holding every run drawn that way, for views of many runs:
    at most len(START_COLORS) × methods items however many start points (256 start points made 768 curves, and a
    redraw of the loss view took 198 ms). Lines are `width` px wide, 1 px past HAIRLINE_RUNS runs. `curves` keeps
    them between calls; returns (curve, [trajectory, ...]) pairs, the runs of each in their order, for the caller to
    give them data (joined by gaps)."""
    if len(runs) > HAIRLINE_RUNS:
        width = 1.0
    groups: dict[tuple[str, str], list] = {}
    for p, method, traj in runs:
        groups.setdefault((start_color(p.key), method), []).append(traj)
    for key in list(curves):
        if key not in groups:
            plot.removeItem(curves.pop(key))
    out = []
    for (color, method), trajs in groups.items():
        curve = curves.get((color, method))
        if curve is None:
            curve = curves[(color, method)] = pg.PlotDataItem(pen=method_pen(method, color, width))
            plot.addItem(curve)
        elif curve.opts["pen"].widthF() != width:
            curve.setPen(method_pen(method, color, width))
        out.append((curve, trajs))
    return out


MAX_CURVE_POINTS = 200_000  # points a view of many runs draws at most, each run thinned alike (1,024 runs of 1,000
# steps: pyqtgraph's setData and the log of a loss view's million points took ~40 ms a redraw)


def thinning(runs_points: int) -> int:
    """k for "every k-th point of each run" so that `runs_points` points in all come to at most MAX_CURVE_POINTS."""
    return max(1, -(-runs_points // MAX_CURVE_POINTS))


def every_kth(n: int, k: int) -> np.ndarray:
    """Indices 0, k, 2k, ... of n points, and the last one (a run's end stays where it is)."""
    idx = np.arange(0, n, k)
    return idx if n == 0 or idx[-1] == n - 1 else np.append(idx, n - 1)


def joined(pieces: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """The (x, y) of several runs as one curve's data, a nan between runs: drawn with connect="finite", no line
    joins the end of one run to the start of the next."""
    gap = np.array([np.nan])
    xs = [part for x, _ in pieces for part in (np.asarray(x, dtype=np.float64), gap)][:-1]
    ys = [part for _, y in pieces for part in (np.asarray(y, dtype=np.float64), gap)][:-1]
    return (np.concatenate(xs), np.concatenate(ys)) if xs else (np.empty(0), np.empty(0))


def plot_runs(plot: pg.PlotItem, curves: dict, runs: list, width: float,
              values: Callable[[Any, np.ndarray], np.ndarray]) -> None:
    """Each run's `values(trajectory, steps)` against its steps, one curve per look (`style_curves`): every k-th step
    of each run when all runs pass MAX_CURVE_POINTS, each run's end kept; non-finite values left as gaps."""
    k = thinning(sum(len(t.points) for _, _, t in runs))
    for curve, trajs in style_curves(plot, curves, runs, width):
        pieces = []
        for traj in trajs:
            steps = every_kth(len(traj.points), k)
            y = values(traj, steps)
            pieces.append((steps, np.where(np.isfinite(y), y, np.nan)))
        curve.setData(*joined(pieces), connect="finite")


def style_pixmap(method: str, color: str = "#222", length: int = 48) -> QtGui.QPixmap:
    """The method's line style drawn `length` px long: long enough to show a whole dash pattern."""
    pix = QtGui.QPixmap(length, 12)
    pix.fill(QtCore.Qt.GlobalColor.transparent)
    painter = QtGui.QPainter(pix)
    painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    painter.setPen(method_pen(method, color, 2.0))
    painter.drawLine(1, 6, length - 1, 6)
    painter.end()
    return pix


def style_icon(method: str, color: str = "#222") -> QtGui.QIcon:
    """A small picture of the method's line style, for legends in widgets."""
    return QtGui.QIcon(style_pixmap(method, color, 36))
