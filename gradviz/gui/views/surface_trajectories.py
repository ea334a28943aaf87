"""Trajectories lifted onto the 3D surface, their start points, and Newton's model in playback."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
import pyqtgraph.opengl as gl

from gradviz.calculus.local import local_model
from gradviz.descent.optimizers import OPTIMIZERS
from gradviz.geometry.mesh import grid_faces
from gradviz.gui.widgets import theme as palette
from gradviz.gui.widgets.lazy import FollowPaths
from gradviz.gui.widgets.styles import start_color

PATCH = 21
LIFT_PER_PASS = 256  # paths raised onto the surface in one pass of the event loop (~35 µs each: 1,024 whole paths
# arriving at once took 35-40 ms); a path of the same f waiting its turn keeps its earlier drawing (its first steps,
# or the last playback step), one drawn for another f, domain or height scale is left out till its turn


def rgba(color: str, alpha: float = 1.0) -> tuple[float, float, float, float]:
    c = pg.mkColor(color)
    return c.redF(), c.greenF(), c.blueF(), alpha


class SurfaceTrajectories:
    """Owns the descent items of a SurfaceView (which provides `model`, `_display`, `scale`)."""

    def __init__(self, view: object) -> None:
        self.view = view
        self.scene = view.scene
        self.lines: dict[tuple[str, float], gl.GLLinePlotItem] = {}  # one per look (colour, width): every path drawn so
        # (768 items, one per path, took 82 ms a paint and ~50 ms a redraw with 256 start points)
        self._drawn: tuple | None = None
        self._drawn_runs: list = []
        self._paths_drawn: dict[tuple, tuple] = {}  # per (start key, method): its path, how it was drawn, its
        # segments (pairs of lifted points, as mode="lines" draws them) and its last point (or None)
        self.follow = FollowPaths(self.scene, self.refresh, view)
        self.starts = gl.GLScatterPlotItem(size=13, pxMode=True)
        self.ends = gl.GLScatterPlotItem(size=9, pxMode=True)
        self.iterates = gl.GLScatterPlotItem(size=10, pxMode=True)
        self.newton_model = gl.GLMeshItem(smooth=False, glOptions="translucent", computeNormals=False)
        for item in (self.starts, self.ends, self.iterates, self.newton_model):
            view.addItem(item)
        self.starts.setGLOptions("translucent")
        # the SurfaceView connects refresh to the descent signals (start points change with their paths)

    def lift(self, pts: np.ndarray, f: np.ndarray | None = None) -> np.ndarray:
        """Points (n, 2) raised onto the drawn surface, a hair above it (f: their values, if known)."""
        if f is None:
            f = self.scene.function(pts[:, 0], pts[:, 1]) if len(pts) else np.empty(0)
        z = self.view._display(f) + 0.006 * self.view.scale.height
        return np.column_stack([pts, np.where(np.isfinite(z), z, np.nan)])

    def inside(self, traj: object, playback: int | None) -> tuple[np.ndarray, np.ndarray]:
        """The shown path and its values, up to where it first leaves the domain (or stops being
        finite): the surface is drawn only there."""
        n = len(traj.points) if playback is None else min(playback + 1, len(traj.points))
        pts, f = traj.points[:n], traj.values[:n]
        xmin, xmax, ymin, ymax = self.scene.domain
        with np.errstate(invalid="ignore"):
            ok = (pts[:, 0] >= xmin) & (pts[:, 0] <= xmax) & (pts[:, 1] >= ymin) & (pts[:, 1] <= ymax)
        first = int(np.argmin(ok)) if not ok.all() else n
        return pts[:first], f[:first]

    def _state(self, runs: list) -> tuple:
        """What the drawing depends on: the same runs (by identity), playback, height scale and starts."""
        scale = self.view.scale
        return (tuple(id(t) for _, _, t in runs), self.scene.descent.playback, self.scene.domain,
                id(self.scene.function), self.scene.view.radius,
                (scale.lo, scale.hi, scale.factor), tuple((s.x, s.y, s.key) for s in self.scene.descent.starts))

    def refresh(self) -> None:
        d = self.scene.descent
        runs = d.trajectories()
        state = self._state(runs)
        if state == self._drawn and [t for _, _, t in runs] == self._drawn_runs:
            return  # a rebuild and the trajectories' own signal in one change: draw once
        self._drawn, self._drawn_runs = state, [t for _, _, t in runs]
        wanted = {(p.key, m) for p, m, _ in runs}
        for key in [k for k in self._paths_drawn if k not in wanted]:
            del self._paths_drawn[key]
        ends, end_colors, its, it_colors = [], [], [], []
        newton_at = None
        groups: dict[tuple[str, float], list[np.ndarray]] = {}
        look = (state[1], state[2], state[3], state[5])  # playback, domain, f and height scale
        lifted = 0
        for p, method, traj in runs:
            key = (p.key, method)
            drawn = self._paths_drawn.get(key)
            if drawn is None or drawn[0] is not traj or drawn[1] != look:
                if lifted == LIFT_PER_PASS:  # the rest in a later pass: the window answers between
                    self._drawn = None
                    self.follow.later.request()
                    if drawn is None or drawn[1][1:] != look[1:]:
                        continue  # not drawn for this f, domain or scale yet: left out until then
                else:
                    lifted += 1
                    pts = self.lift(*self.inside(traj, d.playback))
                    pts = pts[np.isfinite(pts).all(axis=1)]
                    pairs = pts[np.repeat(np.arange(len(pts)), 2)[1:-1]] if len(pts) > 1 else np.zeros((0, 3))
                    drawn = self._paths_drawn[key] = (traj, look, pairs, pts[-1] if len(pts) else None)
            color = start_color(p.key)
            groups.setdefault((color, 1.5 if OPTIMIZERS[method].uses_hessian else 2.5), []).append(drawn[2])
            last = drawn[3]
            if last is not None:
                if d.playback is None:
                    ends.append(last)
                    end_colors.append(rgba("#d62728") if traj.diverged else rgba(color))
                else:
                    its.append(last)
                    it_colors.append(rgba(color))
                    if OPTIMIZERS[method].uses_hessian and newton_at is None:
                        newton_at = traj.points[min(d.playback, len(traj.points) - 1)]
        for look_key in [k for k in self.lines if k not in groups]:
            self.view.removeItem(self.lines.pop(look_key))
        for (color, width), pairs in groups.items():
            line = self.lines.get((color, width))
            if line is None:
                line = self.lines[color, width] = gl.GLLinePlotItem(mode="lines", width=width, antialias=True)
                line.setGLOptions("opaque")
                self.view.addItem(line)
            line.setData(pos=np.concatenate(pairs), color=rgba(color))
        starts = [(s.x, s.y) for s in d.starts]
        if starts:
            xy = np.array(starts, dtype=float)
            lifted = self.lift(xy)
            xmin, xmax, ymin, ymax = self.scene.domain
            inside = (xy[:, 0] >= xmin) & (xy[:, 0] <= xmax) & (xy[:, 1] >= ymin) & (xy[:, 1] <= ymax)
            ok = np.isfinite(lifted).all(axis=1) & inside
            colors = np.array([rgba(start_color(s.key)) for s in d.starts])
            self.starts.setData(pos=lifted[ok], color=colors[ok])
        else:
            self.starts.setData(pos=np.zeros((0, 3)), color=np.zeros((0, 4)))
        self.ends.setData(pos=np.array(ends) if ends else np.zeros((0, 3)),
                          color=np.array(end_colors) if end_colors else np.zeros((0, 4)))
        self.iterates.setData(pos=np.array(its) if its else np.zeros((0, 3)),
                              color=np.array(it_colors) if it_colors else np.zeros((0, 4)))
        self._newton_patch(newton_at)

    def _newton_patch(self, at: np.ndarray | None) -> None:
        """The quadratic model that Newton's step minimises, around the current Newton iterate."""
        if at is None or not np.isfinite(at).all():
            self.newton_model.setVisible(False)
            return
        m = local_model(self.scene.function, float(at[0]), float(at[1]))
        if not m.finite:
            self.newton_model.setVisible(False)
            return
        r = self.scene.view.radius
        u = np.linspace(-r, r, PATCH)
        gx, gy = np.meshgrid(at[0] + u, at[1] + u, indexing="ij")
        z = self.view._display(m.quadratic_model(gx, gy))
        verts = np.column_stack([gx.ravel(), gy.ravel(), z.ravel()]).astype(np.float32)
        colors = np.tile(np.array([*palette.QUADRATIC_COLOR, 0.35], dtype=np.float32), (len(verts), 1))
        self.newton_model.setMeshData(vertexes=verts, faces=grid_faces(PATCH, PATCH), vertexColors=colors,
                                      smooth=False, computeNormals=False)
        self.newton_model.setVisible(True)

    def start_near(self, screen: tuple[float, float], project: object, radius_px: float = 12.0) -> int | None:
        """The key of the start point drawn within radius_px of a screen position, if any."""
        best, best_d = None, radius_px
        for s in self.scene.descent.starts:
            lifted = self.lift(np.array([[s.x, s.y]]))[0]
            if not np.isfinite(lifted).all():
                continue
            sx, sy = project(lifted)
            dist = math.hypot(sx - screen[0], sy - screen[1])
            if dist <= best_d:
                best, best_d = s.key, dist
        return best
