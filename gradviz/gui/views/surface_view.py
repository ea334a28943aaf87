"""The 3D view: f as a lit, colour-mapped surface with the probe's Taylor models and arrows."""

from __future__ import annotations

import functools
import math

import numpy as np
import pyqtgraph as pg
import pyqtgraph.opengl as gl
from PySide6 import QtCore, QtGui

from gradviz.calculus.critical_kinds import CRITICAL_KINDS
from gradviz.geometry.mesh import HeightScale, grid_faces, surface_mesh
from gradviz.geometry.picking import pick_height_field
from gradviz.gui.views.overlay_drawing import draw_overlays
from gradviz.gui.views.shaders import clipped_surface
from gradviz.gui.views.surface_trajectories import SurfaceTrajectories
from gradviz.gui.widgets import theme as palette
from gradviz.gui.widgets.format import num
from gradviz.gui.widgets.lazy import Coalesced
from gradviz.gui.widgets.theme import current, on_change, ui_font
from gradviz.model.scene import Scene

OVERLAY_GRID = 25  # vertices per side of the tangent-plane and quadratic-model patches


DEPTH_BIAS = 0.004  # overlays on the surface are lifted this fraction of the height towards the eye
LUT_SIZE = 1024  # colours per map: finer than the eye tells apart, and a lookup instead of interpolation


@functools.lru_cache(maxsize=16)
def colour_table(name: str) -> np.ndarray:
    """RGBA floats (LUT_SIZE, 4) of a pyqtgraph colour map (the same colours as ColorMap.map)."""
    cmap = pg.colormap.get(name)
    return cmap.map(np.linspace(0.0, 1.0, LUT_SIZE), mode="float")


class PrecomputedMeshData(gl.MeshData):
    """MeshData whose vertex normals are given (the exact ones from ∇f), not recomputed."""

    def __init__(self, vertexes: np.ndarray, faces: np.ndarray, normals: np.ndarray, colors: np.ndarray) -> None:
        super().__init__(vertexes=vertexes, faces=faces, vertexColors=colors)
        self._given_normals = normals

    def vertexNormals(self, indexed: str | None = None) -> np.ndarray:  # noqa: N802 (pyqtgraph API)
        if indexed is None:
            return self._given_normals
        return self._given_normals[self.faces()]


class PickingGLView(gl.GLViewWidget):
    """A GLViewWidget that reports the mouse position (no buttons held) as a ray in scene space."""

    hovered = QtCore.Signal(object, object)  # origin (3,), direction (3,)
    left = QtCore.Signal()

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.setMouseTracking(True)
        self.setMinimumSize(320, 260)

    def ray_at(self, pos: QtCore.QPointF) -> tuple[np.ndarray, np.ndarray]:
        w, h = max(1, self.width()), max(1, self.height())
        proj = self.projectionMatrix((0, 0, w, h), (0, 0, w, h))
        inverse, ok = (proj * self.viewMatrix()).inverted()
        x = 2.0 * pos.x() / w - 1.0
        y = 1.0 - 2.0 * pos.y() / h
        near = inverse.map(QtGui.QVector4D(x, y, -1.0, 1.0))
        far = inverse.map(QtGui.QVector4D(x, y, 1.0, 1.0))
        a = np.array([near.x(), near.y(), near.z()]) / near.w()
        b = np.array([far.x(), far.y(), far.z()]) / far.w()
        return a, b - a

    def mouseMoveEvent(self, ev: QtGui.QMouseEvent) -> None:  # noqa: N802 (Qt API)
        if ev.buttons() == QtCore.Qt.MouseButton.NoButton:
            origin, direction = self.ray_at(ev.position())
            self.hovered.emit(origin, direction)
        super().mouseMoveEvent(ev)

    def leaveEvent(self, ev: QtCore.QEvent) -> None:  # noqa: N802 (Qt API)
        self.left.emit()
        super().leaveEvent(ev)


class SurfaceView(PickingGLView):
    """Observes the scene: rebuilds the surface on function/domain/colour changes and the
    overlays on probe changes. It never changes the scene except through its setters."""

    VIEW = "surface"
    # the method that draws each overlay whose entry names this view (a test checks every such overlay has one)
    OVERLAY_DRAWERS = {"tangent_plane": "update_overlays", "quadratic_model": "update_overlays",
                       "eigen_arrows": "update_overlays", "descent_arrow": "update_overlays",
                       "critical_points": "update_critical", "wireframe": "rebuild"}

    pointed = QtCore.Signal(object)  # (x, y) under the mouse on the surface, or None

    def __init__(self, scene: Scene, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.scene = scene
        self.setBackgroundColor(pg.mkColor(current().gl_bg))
        on_change(self._restyle, self)
        self.scale = HeightScale(-1.0, 1.0, 1.0)
        self.mesh = None
        self.shader = clipped_surface(1.0)
        self.surface = gl.GLMeshItem(smooth=True, shader=self.shader, glOptions="opaque", computeNormals=True)
        self.addItem(self.surface)
        self.frame = gl.GLLinePlotItem(mode="lines", color=(0.7, 0.7, 0.75, 0.6), width=1, antialias=True)
        self.addItem(self.frame)
        self.labels: list[gl.GLTextItem] = []
        self.text_scale = 1.0  # labels and colour bar grow with it (for exports at 2×, 3×…)
        self.legend = gl.GLGradientLegendItem(pos=(12, 40), size=(14, 150), fontColor=(230, 230, 230))
        self.addItem(self.legend)
        self.tangent = gl.GLMeshItem(smooth=False, glOptions="translucent", computeNormals=False)
        self.quadratic = gl.GLMeshItem(smooth=False, glOptions="translucent", computeNormals=False)
        self.arrows = gl.GLLinePlotItem(mode="lines", width=3.5, antialias=True)
        self.probe_dot = gl.GLScatterPlotItem(size=11, color=(0.9, 0.33, 0.05, 1.0), pxMode=True)
        self.critical = gl.GLScatterPlotItem(size=10, pxMode=True)
        self.hover_dot = gl.GLScatterPlotItem(size=8, color=(1.0, 1.0, 1.0, 0.9), pxMode=True)
        for item in (self.tangent, self.quadratic, self.arrows, self.probe_dot, self.critical, self.hover_dot):
            self.addItem(item)
        self.arrows.setGLOptions("opaque")
        self.probe_dot.setGLOptions("additive")
        self.critical.setGLOptions("opaque")
        self.hovered.connect(self._on_hover)
        self.left.connect(lambda: self.pointed.emit(None))
        self.trajectories = SurfaceTrajectories(self)
        self.refine = Coalesced(lambda: self.rebuild(reset_camera=False), self)
        self._dragging: int | None = None  # key of the start point being dragged on the surface
        self._connections = [
            (scene.function_changed, lambda fn: self.rebuild(reset_camera=False)),
            (scene.domain_changed, lambda: self.rebuild(reset_camera=True)),
            (scene.sample_changed, self.refine.request),  # in a pass of its own: the window answers between
            (scene.view_changed, self._on_view_changed),
            (scene.probe_changed, lambda p: self.update_overlays()),
            (scene.critical_changed, lambda pts: self.update_critical()),
            (scene.camera_changed, self.apply_camera),
            (scene.descent.trajectories_changed, self.trajectories.follow.changed),
            (scene.descent.playback_changed, lambda step: self.trajectories.refresh()),
        ]
        for signal, slot in self._connections:
            signal.connect(slot)
        self.rebuild(reset_camera=True)

    def detach(self) -> None:
        """Stop observing the scene (for a view that is about to be deleted)."""
        for signal, slot in self._connections:
            signal.disconnect(slot)

    # ----- surface -----
    def _on_view_changed(self, names: set[str]) -> None:
        if names & {"colormap", "contour_spacing", "height_mode", "height_min", "height_max"}:
            self.rebuild(reset_camera=False)
        draw_overlays(self, names)
        if names & {"radius", "direction_angle"}:
            self.update_overlays()

    def rebuild(self, reset_camera: bool = False) -> None:
        """Recompute the mesh, colours, frame and labels from the scene's sample (once per change:
        a preset changes domain and function together, and the second call only frames the view)."""
        view = self.scene.view
        s = self.scene.sample()
        key = (self.scene.function, self.scene.domain, id(s), view.colormap,
               view.contour_spacing, view.wireframe, view.height_mode, view.height_min, view.height_max)
        if key == getattr(self, "_built", None):
            if reset_camera:
                self.fit_view()
            return
        self._built, self._built_sample = key, s  # the sample kept, so that its id is not reused
        xmin, xmax, ymin, ymax = self.scene.domain
        span = max(xmax - xmin, ymax - ymin)
        lo, hi = self.scene.height_range()
        self.scale = HeightScale(lo, hi, 0.5 * span)
        self.mesh = surface_mesh(s.xs, s.ys, s.f, s.fx, s.fy, self.scale)
        cmap = pg.colormap.get(view.colormap)
        color_scale = s.color_scale(view.contour_spacing, lo, hi)
        t = color_scale.normalize(lo + self.mesh.levels * (hi - lo))  # the mesh's levels are linear in f
        colors = colour_table(view.colormap)[np.rint(np.nan_to_num(t) * (LUT_SIZE - 1)).astype(np.intp)]
        md = PrecomputedMeshData(self.mesh.vertices, self.mesh.faces, self.mesh.normals, colors)
        finite = s.f[np.isfinite(s.f)]
        cut_low = float(finite.size > 0 and finite.min() < lo)
        cut_high = float(finite.size > 0 and finite.max() > hi or bool(np.isinf(s.f).any()))
        self.shader.setUniformData("u_clip", [0.0, float(self.scale.height), 0.006 * span, cut_low, cut_high])
        self.surface.setMeshData(meshdata=md, smooth=True, shader=self.shader, drawEdges=view.wireframe,
                                 edgeColor=(0.1, 0.1, 0.1, 0.5))
        self._rebuild_frame(hi)
        ticks = np.linspace(0, 1, 5)
        values = color_scale.value_at(ticks)
        k = self.text_scale
        self.legend.setData(gradient=cmap, labels={num(v, 3): float(p) for p, v in zip(ticks, values, strict=True)},
                            fontColor=current().gl_text,
                            pos=(12 * k, 40 * k), size=(14 * k, 150 * k))
        if reset_camera:
            self.fit_view()
        self.update_overlays()
        self.update_critical()
        self.trajectories.follow.refresh()

    def _restyle(self, theme: object) -> None:
        """The theme changed: background, labels and frame in its colours."""
        self.setBackgroundColor(pg.mkColor(current().gl_bg))
        self._built = None
        self.rebuild(reset_camera=False)

    def _rebuild_frame(self, hi: float) -> None:
        xmin, xmax, ymin, ymax = self.scene.domain
        top = self.scale.height
        segs = []
        segs += [(xmin, ymax, 0.0), (xmin, ymax, top)]  # the f axis
        for z in (0.0,):
            segs += [(xmin, ymin, z), (xmax, ymin, z), (xmax, ymin, z), (xmax, ymax, z),
                     (xmax, ymax, z), (xmin, ymax, z), (xmin, ymax, z), (xmin, ymin, z)]
        self.frame.setData(pos=np.array(segs, dtype=float))
        font = ui_font(round(10 * self.text_scale))
        white = QtGui.QColor(*current().gl_text)
        grey = QtGui.QColor(*current().gl_muted)
        dx, dy = 0.07 * (xmax - xmin), 0.07 * (ymax - ymin)
        # x along the front edge (y = ymin), y along the right edge (x = xmax), f up the back-left corner
        u, v = self.scene.function.variables
        specs = [((0.5 * (xmin + xmax), ymin - 2.2 * dy, 0.0), u, white),
                 ((xmax + 2.2 * dx, 0.5 * (ymin + ymax), 0.0), v, white),
                 ((xmin, ymax, top * 1.2), f"f({u}, {v})", white),
                 ((xmin, ymin - dy, 0.0), num(xmin, 3), grey), ((xmax, ymin - dy, 0.0), num(xmax, 3), grey),
                 ((xmax + dx, ymin + 0.5 * dy, 0.0), num(ymin, 3), grey), ((xmax + dx, ymax, 0.0), num(ymax, 3), grey),
                 ((xmin - 0.5 * dx, ymax + 0.5 * dy, top), num(hi, 3), grey)]
        # no label for the low end: at the foot of the f axis it would float over the surface (the colour
        # bar shows it)
        while len(self.labels) < len(specs):  # made once and then moved and relabelled
            self.labels.append(gl.GLTextItem())
            self.addItem(self.labels[-1])
        for item, (pos, text, color) in zip(self.labels, specs, strict=True):
            item.setData(pos=np.array(pos), text=text, color=color, font=font)

    def fit_view(self) -> None:
        """Frame the whole domain from a three-quarter view."""
        xmin, xmax, ymin, ymax = self.scene.domain
        span = max(xmax - xmin, ymax - ymin)
        centre = QtGui.QVector3D(0.5 * (xmin + xmax), 0.5 * (ymin + ymax), 0.35 * self.scale.height)
        self.setCameraPosition(pos=centre, distance=2.0 * span, elevation=38, azimuth=-60)

    def camera_state(self) -> dict:
        c = self.opts["center"]
        return {"distance": float(self.opts["distance"]), "elevation": float(self.opts["elevation"]),
                "azimuth": float(self.opts["azimuth"]), "fov": float(self.opts["fov"]),
                "center": [float(c.x()), float(c.y()), float(c.z())]}

    def apply_camera(self, camera: dict | None) -> None:
        """Show the scene's camera (from a session); None keeps the current framing."""
        if not camera or camera == self.camera_state():
            return
        center = camera.get("center", [0.0, 0.0, 0.0])
        self.opts["fov"] = camera.get("fov", self.opts["fov"])
        self.setCameraPosition(pos=QtGui.QVector3D(*center), distance=camera.get("distance"),
                               elevation=camera.get("elevation"), azimuth=camera.get("azimuth"))

    def _record_camera(self) -> None:
        """After the user turns, zooms or pans: the scene remembers the camera (for sessions)."""
        self.scene.set_camera(self.camera_state())

    def wheelEvent(self, ev: QtGui.QWheelEvent) -> None:  # noqa: N802 (Qt API)
        super().wheelEvent(ev)
        self._record_camera()

    # ----- overlays at the probe -----
    def _display(self, f: np.ndarray | float) -> np.ndarray:
        return np.clip(self.scale.to_display(f), -0.15 * self.scale.height, 1.15 * self.scale.height)

    def update_overlays(self) -> None:
        """Tangent plane, quadratic model, eigen-directions and −∇f at the probe."""
        view = self.scene.view
        m = self.scene.local()
        px, py = self.scene.probe
        ok = m.finite and math.isfinite(m.f)
        self.probe_dot.setData(pos=np.array([[px, py, float(self._display(m.f)) if ok else 0.0]]))
        r = view.radius
        u = np.linspace(-r, r, OVERLAY_GRID)
        gx, gy = np.meshgrid(px + u, py + u, indexing="ij")
        for item, on, model, rgb in ((self.tangent, view.tangent_plane, m.tangent_plane, palette.TANGENT_COLOR),
                                     (self.quadratic, view.quadratic_model, m.quadratic_model,
                                      palette.QUADRATIC_COLOR)):
            item.setVisible(bool(on and ok))
            if on and ok:
                # a depth bias: where a model touches the surface (a tangent plane always does) it is
                # drawn cleanly on top instead of speckling through it (z-fighting)
                z = self._display(model(gx, gy)) + DEPTH_BIAS * self.scale.height
                verts = np.column_stack([gx.ravel(), gy.ravel(), z.ravel()]).astype(np.float32)
                colors = np.tile(np.array([*rgb, 0.42], dtype=np.float32), (len(verts), 1))
                item.setMeshData(vertexes=verts, faces=grid_faces(OVERLAY_GRID, OVERLAY_GRID),
                                 vertexColors=colors, smooth=False, computeNormals=False)
        self.arrows.setData(**self._arrow_data(m, view, ok))

    def _arrow_data(self, m: object, view: object, ok: bool) -> dict:
        """Line segments (pairs) and colours for the eigen-direction and steepest-descent arrows."""
        pos, col = [], []
        if not ok:
            return {"pos": np.zeros((2, 3)), "color": np.zeros((2, 4))}
        px, py = m.x, m.y
        r = view.radius

        def arrow(direction: np.ndarray, length: float, rgb: tuple[float, float, float]) -> None:
            d = direction / max(np.hypot(*direction), 1e-300) * length
            tip = np.array([px + d[0], py + d[1]])
            z0 = float(self._display(m.f))
            z1 = float(self._display(m.tangent_plane(tip[0], tip[1])))
            start, end = np.array([px, py, z0]), np.array([tip[0], tip[1], z1])
            back = end - 0.22 * (end - start)
            side = np.array([-d[1], d[0], 0.0]) * 0.10
            for a, b in ((start, end), (end, back + side), (end, back - side)):
                pos.extend([a, b])
                col.extend([(*rgb, 1.0)] * 2)

        if view.eigen_arrows:
            lams, vecs = m.eigen()
            top = max(float(np.max(np.abs(lams))), 1e-300)
            for k in range(2):
                length = r * max(0.2, abs(float(lams[k])) / top)
                arrow(vecs[:, k], length, palette.EIGEN_COLORS[k])
        if view.descent_arrow and m.grad_norm > 0:
            arrow(-m.grad, 0.9 * r, palette.DESCENT_COLOR)
        if not pos:
            return {"pos": np.zeros((2, 3)), "color": np.zeros((2, 4))}
        return {"pos": np.array(pos, dtype=float), "color": np.array(col, dtype=float)}

    # ----- critical points -----
    def update_critical(self) -> None:
        pts = self.scene.found_critical_points if self.scene.view.critical_points else None
        if not pts:
            self.critical.setData(pos=np.zeros((0, 3)), color=np.zeros((0, 4)))
            return
        pos = np.array([[p.x, p.y, float(self._display(p.f))] for p in pts])
        colors = [pg.mkColor(CRITICAL_KINDS[p.kind].color).getRgbF() for p in pts]
        self.critical.setData(pos=pos, color=np.array(colors))

    # ----- hover -----
    def show_hover(self, point: tuple[float, float] | None) -> None:
        """Mark the surface point under the mouse in either view."""
        if point is None:
            self.hover_dot.setData(pos=np.zeros((0, 3)))
            return
        f = float(self.scene.function(*point))
        if not np.isfinite(f):
            self.hover_dot.setData(pos=np.zeros((0, 3)))
            return
        self.hover_dot.setData(pos=np.array([[point[0], point[1], float(self._display(f))]]))

    def surface_point(self, origin: np.ndarray, direction: np.ndarray) -> tuple[float, float] | None:
        """(x, y) of the surface under a ray (origin, direction), or None."""
        xmin, xmax, ymin, ymax = self.scene.domain
        fn = self.scene.function
        box = (xmin, xmax, ymin, ymax, -0.01 * self.scale.height, 1.01 * self.scale.height)

        def height(x: np.ndarray, y: np.ndarray) -> np.ndarray:
            z = np.clip(self.scale.to_display(fn(x, y)), 0.0, self.scale.height)
            return np.where(np.isnan(z), -np.inf, z)

        return pick_height_field(origin, direction, box, height)

    def _on_hover(self, origin: np.ndarray, direction: np.ndarray) -> None:
        self.pointed.emit(self.surface_point(origin, direction))

    # ----- dragging start points on the surface -----
    def project(self, point: np.ndarray) -> tuple[float, float]:
        """Widget pixel of a point in scene space."""
        w, h = max(1, self.width()), max(1, self.height())
        m = self.projectionMatrix((0, 0, w, h), (0, 0, w, h)) * self.viewMatrix()
        p = m.map(QtGui.QVector4D(float(point[0]), float(point[1]), float(point[2]), 1.0))
        return (p.x() / p.w() + 1.0) * w / 2.0, (1.0 - p.y() / p.w()) * h / 2.0

    def mousePressEvent(self, ev: QtGui.QMouseEvent) -> None:  # noqa: N802 (Qt API)
        if ev.button() == QtCore.Qt.MouseButton.LeftButton:
            pos = ev.position()
            key = self.trajectories.start_near((pos.x(), pos.y()), self.project)
            if key is not None:
                self._dragging = key
                ev.accept()
                return
        super().mousePressEvent(ev)

    def mouseMoveEvent(self, ev: QtGui.QMouseEvent) -> None:  # noqa: N802 (Qt API)
        if self._dragging is not None:
            origin, direction = self.ray_at(ev.position())
            hit = self.surface_point(origin, direction)
            if hit is not None:
                self.scene.descent.move_start(self._dragging, *hit)
            ev.accept()
            return
        super().mouseMoveEvent(ev)

    def mouseReleaseEvent(self, ev: QtGui.QMouseEvent) -> None:  # noqa: N802 (Qt API)
        if self._dragging is not None:
            self._dragging = None
            ev.accept()
            return
        super().mouseReleaseEvent(ev)
        self._record_camera()
