"""Trajectories and start points on the contour view: one curve per (start, method), markers
every k steps, end markers, "diverged at step k" labels, playback iterates with their −∇f."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from gradviz.descent.optimizers import OPTIMIZERS
from gradviz.descent.trajectory import Trajectory
from gradviz.gui.widgets.lazy import Coalesced, FollowPaths
from gradviz.gui.widgets.styles import every_kth, joined, method_pen, start_color, thinning
from gradviz.model.scene import Scene

MARKERS_PER_PATH = 20


MAX_MARKERS = 4096  # step markers at most over all paths (1,024 paths of 1,000 steps made 20,480: ~25 ms a redraw)


def marker_stride(steps: int, paths: int = 1) -> int:
    """k for "a marker every k steps": MARKERS_PER_PATH a path, fewer when `paths` would pass MAX_MARKERS."""
    return max(1, int(math.ceil(steps / min(MARKERS_PER_PATH, MAX_MARKERS / max(1, paths)))))


_BRUSHES: dict[str, QtGui.QBrush] = {}
_PENS: dict[tuple[str, float], QtGui.QPen] = {}


def _brush(color: str) -> QtGui.QBrush:
    """One shared brush per colour (pyqtgraph draws shared brushes much faster)."""
    if color not in _BRUSHES:
        _BRUSHES[color] = pg.mkBrush(color)
    return _BRUSHES[color]


def _pen(color: str, width: float = 1.0) -> QtGui.QPen:
    """One shared pen per colour and width: a scatter item renders a symbol once per pen object (its atlas is keyed
    by the object), so a new pen on every redraw rendered every end marker again (48 ms for 25 start points)."""
    if (color, width) not in _PENS:
        _PENS[color, width] = pg.mkPen(color, width=width)
    return _PENS[color, width]


def shown_points(traj: Trajectory, playback: int | None) -> np.ndarray:
    """The finite iterates of a path, up to the playback step when there is one. Only a run that diverged or left
    f's domain can end on a non-finite iterate (the loop stops at the first): the others are taken whole."""
    pts = traj.points if playback is None else traj.points[: playback + 1]
    if traj.status not in ("diverged", "left_domain"):
        return pts
    return pts[np.isfinite(pts).all(axis=1)]


NEW_TARGETS_PER_PASS = 24  # start markers made in one pass of the event loop (~0.3 ms each: 256 at once took 70 ms)


MAX_PATH_LABELS = 12  # "… diverged at step k" labels at most: past a dozen they only cover each other


class StyledScatter:
    """Points drawn on `plot` by style: one ScatterPlotItem per key, its brush, pen and symbol set once, so that its
    points carry no style of their own (pyqtgraph spent ~3 µs a point on a per-point brush: 70 ms for the 20,000
    step markers of 1,024 paths)."""

    def __init__(self, plot: pg.PlotItem, z: float, **options: object) -> None:
        self.plot, self.z, self.options = plot, z, options
        self.items: dict[tuple, pg.ScatterPlotItem] = {}

    def set(self, groups: dict[tuple, tuple[list[np.ndarray], dict]]) -> None:
        """`groups`: key -> (arrays of (x, y) points, the style of a new item: brush, pen, symbol)."""
        for key, item in self.items.items():
            if key not in groups:
                item.setData(x=[], y=[])
        for key, (arrays, style) in groups.items():
            item = self.items.get(key)
            if item is None:
                item = self.items[key] = pg.ScatterPlotItem(**self.options, **style)
                item.setZValue(self.z)
                self.plot.addItem(item)
            xy = np.concatenate(arrays) if arrays else np.empty((0, 2))
            item.setData(x=xy[:, 0], y=xy[:, 1])

    def points(self) -> np.ndarray:
        """Every point drawn, (n, 2)."""
        parts = [np.column_stack(item.getData()) for item in self.items.values() if len(item.getData()[0])]
        return np.concatenate(parts) if parts else np.empty((0, 2))


def _target_brushes(key: int) -> dict[str, QtGui.QBrush]:
    """A start marker's fill, and its fill under the mouse: the start point's colour, and a lighter one."""
    color = start_color(key)
    return {"brush": pg.mkBrush(color), "hoverBrush": pg.mkBrush(QtGui.QColor(color).lighter(140))}


class StartTarget(pg.TargetItem):
    """A draggable start point; right-click offers to delete it."""

    def __init__(self, scene: Scene, key: int, pos: tuple[float, float]) -> None:
        super().__init__(pos=pos, size=13, symbol="s", movable=True, pen=pg.mkPen("k", width=1.5),
                         **_target_brushes(key))
        self.scene_model = scene
        self.key = key
        self.setZValue(18)
        self.setToolTip("Start point: drag it to move every path that starts here; right-click to delete")
        self.sigPositionChanged.connect(self._moved)

    def reuse(self, key: int, pos: tuple[float, float]) -> None:
        """Stand for another start point (a marker kept hidden is reused: making one costs ~0.3 ms)."""
        if start_color(key) != start_color(self.key):
            brushes = _target_brushes(key)
            self.setBrush(brushes["brush"])
            self.setHoverBrush(brushes["hoverBrush"])
        self.key = key
        self.blockSignals(True)
        self.setPos(*pos)
        self.blockSignals(False)
        self.setVisible(True)

    def _moved(self) -> None:
        p = self.pos()
        self.scene_model.descent.move_start(self.key, p.x(), p.y())

    def delete(self) -> None:
        self.scene_model.descent.remove_start(self.key)

    def mouseClickEvent(self, ev: object) -> None:  # noqa: N802 (pyqtgraph API)
        if ev.button() == QtCore.Qt.MouseButton.RightButton:
            ev.accept()
            menu = QtWidgets.QMenu()
            action = menu.addAction("Delete start point")
            action.triggered.connect(self.delete)
            menu.exec(ev.screenPos().toPoint())
        else:
            super().mouseClickEvent(ev)


class ContourTrajectories:
    """Owns the descent items of a contour PlotItem and keeps them in step with the scene."""

    def __init__(self, scene: Scene, plot: pg.PlotItem) -> None:
        self.scene = scene
        self.plot = plot
        self.curves: dict[tuple[str, str], pg.PlotCurveItem] = {}  # one per look (colour, method): its paths, joined
        # by gaps (256 start points made 768 items, 12 a pass, each pass a repaint of ~45 ms)
        self.shown: dict[tuple[int, str], tuple[Trajectory, int | None, np.ndarray]] = {}  # per (start key, method):
        # the path, the playback step and the points drawn
        self._joined: dict[tuple[str, str], tuple] = {}  # per look: the points it was last given, and their thinning
        self.targets: dict[int, StartTarget] = {}  # the start markers shown, by start key
        self.spare_targets: list[StartTarget] = []  # hidden, for start points to come
        self.more_targets = Coalesced(self.sync_targets, plot)
        self.markers = StyledScatter(plot, 12, size=5, pen=None)  # a marker every k steps, by colour
        self.ends = StyledScatter(plot, 12, size=13)  # where each path ends: a star, or a red x where it failed
        self.iterates = pg.ScatterPlotItem(size=10, pen=pg.mkPen("w", width=1.5))
        self.iterate_arrows = pg.PlotCurveItem(pen=pg.mkPen("#d62728", width=2), connect="pairs")
        for item in (self.iterate_arrows, self.iterates):
            item.setZValue(12)
            plot.addItem(item)
        self.labels: list[pg.TextItem] = []
        d = scene.descent
        d.starts_changed.connect(self.sync_targets)
        self.follow = FollowPaths(scene, self.refresh, plot)
        d.trajectories_changed.connect(self.follow.changed)
        d.playback_changed.connect(lambda step: self.refresh())
        self.sync_targets()
        self.refresh()

    def sync_targets(self) -> None:
        """One marker per start point. Markers of removed points are hidden and reused; at most
        NEW_TARGETS_PER_PASS are made in one pass, the rest in later ones (the window answers between)."""
        starts = {p.key: p for p in self.scene.descent.starts}
        for key in list(self.targets):
            if key not in starts:
                target = self.targets.pop(key)
                target.setVisible(False)
                self.spare_targets.append(target)
        made = 0
        for key, p in starts.items():
            target = self.targets.get(key)
            if target is None and self.spare_targets:
                target = self.targets[key] = self.spare_targets.pop()
                target.reuse(key, (p.x, p.y))
            elif target is None and made >= NEW_TARGETS_PER_PASS:
                self.more_targets.request()
            elif target is None:
                made += 1
                target = self.targets[key] = StartTarget(self.scene, key, (p.x, p.y))
                self.plot.addItem(target)
            elif (target.pos().x(), target.pos().y()) != (p.x, p.y):
                target.blockSignals(True)
                target.setPos(p.x, p.y)
                target.blockSignals(False)

    def _path_label(self, k: int, text: str, at: np.ndarray) -> None:
        """Show label k (made when first needed, then kept and relabelled: a new TextItem took ~0.5 ms a redraw)."""
        if k == len(self.labels):
            label = pg.TextItem(color="#b00000", anchor=(0, 1), fill=pg.mkBrush(255, 255, 255, 190))
            label.setZValue(19)
            self.plot.addItem(label)
            self.labels.append(label)
        label = self.labels[k]
        if label.toPlainText() != text:
            label.setText(text)
        label.setPos(*at)
        label.setVisible(True)

    def _draw_looks(self, looks: dict[tuple[str, str], list[np.ndarray]]) -> None:
        """One curve per look, given new data only when one of its paths changed (every k-th point of each when
        all of them pass MAX_CURVE_POINTS)."""
        k = thinning(sum(len(pts) for paths in looks.values() for pts in paths))
        for look in [old for old in self.curves if old not in looks]:
            self.plot.removeItem(self.curves.pop(look))
            self._joined.pop(look, None)
        for (color, method), paths in looks.items():
            curve = self.curves.get((color, method))
            if curve is None:
                curve = self.curves[color, method] = pg.PlotCurveItem(pen=method_pen(method, color))
                curve.setZValue(11)
                self.plot.addItem(curve)
            before = self._joined.get((color, method), ())
            if (len(before) != len(paths) + 1 or before[-1] != k
                    or any(a is not b for a, b in zip(before, paths, strict=False))):
                pieces = [pts[every_kth(len(pts), k)] for pts in paths]
                curve.setData(*joined([(pts[:, 0], pts[:, 1]) for pts in pieces]), connect="finite")
                self._joined[color, method] = (*paths, k)  # held, so that no new array takes an old one's id

    def refresh(self) -> None:
        """Redraw what changed: a look's curve is given new data only when one of its paths or the playback step
        changed."""
        d = self.scene.descent
        runs = d.trajectories()
        wanted = {(p.key, m) for p, m, _ in runs}
        for key in [k for k in self.shown if k not in wanted]:
            del self.shown[key]
        stride = marker_stride(d.steps, len(runs))
        marks: dict[tuple, tuple[list[np.ndarray], dict]] = {}
        ends: dict[tuple, tuple[list[np.ndarray], dict]] = {}
        iterates, arrows = [], []
        shown_labels = 0
        looks: dict[tuple[str, str], list[np.ndarray]] = {}
        for p, method, traj in runs:
            key = (p.key, method)
            color = start_color(p.key)
            shown = self.shown.get(key)
            if shown is None or shown[0] is not traj or shown[1] != d.playback:
                shown = self.shown[key] = (traj, d.playback, shown_points(traj, d.playback))
            pts = shown[2]
            looks.setdefault((color, method), []).append(pts)
            brush = _brush(color)
            marks.setdefault((color,), ([], {"brush": brush}))[0].append(pts[::stride][1:])
            if len(pts) and d.playback is None:
                end = pts[-1]
                if traj.diverged or traj.status == "left_domain":
                    ends.setdefault(("x",), ([], {"symbol": "x", "brush": _brush("#d62728"),
                                                  "pen": _pen("#d62728", 2)}))[0].append(pts[-1:])
                    if shown_labels < MAX_PATH_LABELS:
                        what = "diverged" if traj.diverged else "left f's domain"
                        self._path_label(shown_labels, f"{OPTIMIZERS[method].label} {what} at step {traj.stop_step}",
                                         end)
                        shown_labels += 1
                else:
                    ends.setdefault(("star", color), ([], {"symbol": "star", "brush": brush,
                                                           "pen": _pen("k")}))[0].append(pts[-1:])
            if d.playback is not None and len(pts):
                k = min(d.playback, len(traj.points) - 1)
                q = traj.points[k]
                if np.isfinite(q).all():
                    iterates.append({"pos": tuple(q), "brush": brush})
                    g = traj.grads[k]
                    n = float(np.hypot(*g))
                    if n > 0 and math.isfinite(n):
                        length = 0.6 * self.scene.view.radius
                        arrows.extend([q, q - g / n * length])
        for label in self.labels[shown_labels:]:
            label.setVisible(False)
        self._draw_looks(looks)
        self.markers.set(marks)
        self.ends.set(ends)
        self.iterates.setData(iterates)
        if arrows:
            a = np.array(arrows)
            self.iterate_arrows.setData(a[:, 0], a[:, 1], connect="pairs")
        else:
            self.iterate_arrows.setData([], [])
