"""The 2D view: a filled colour map of f with labelled isolines, the gradient field, the
draggable probe and the critical points."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore

from gradviz.calculus.critical_kinds import CRITICAL_KINDS
from gradviz.geometry.isolines import label_anchor
from gradviz.gui.views.arrow_item import ArrowFieldItem
from gradviz.gui.views.optimizer_glyphs import OptimizerGlyphs
from gradviz.gui.views.overlay_drawing import draw_overlays
from gradviz.gui.views.trajectory_layer import ContourTrajectories
from gradviz.gui.widgets import theme as palette
from gradviz.gui.widgets.format import num
from gradviz.gui.widgets.lazy import Coalesced
from gradviz.gui.widgets.theme import style_axis, style_plot
from gradviz.model.color_scale import ColorScale
from gradviz.model.sampling import Sample
from gradviz.model.scene import Scene

FIELD_COLORS = pg.ColorMap([0.0, 1.0], [(255, 215, 215), (190, 0, 20)])  # pale to deep red: |∇f|
CRITICAL_BRUSHES = {kind: pg.mkBrush(k.color) for kind, k in CRITICAL_KINDS.items()}  # shared (trajectory_layer._pen)


class ContourView(pg.PlotWidget):
    """Observes the scene; dragging the probe target calls scene.set_probe."""

    pointed = QtCore.Signal(object)  # (x, y) under the mouse, or None
    VIEW = "contour"
    # the method that draws each overlay whose entry names this view (a test checks every such overlay has one)
    OVERLAY_DRAWERS = {"gradient_field": "update_field", "critical_points": "update_critical",
                       "state_arrows": "update_glyphs", "metric_ellipses": "update_glyphs"}

    def __init__(self, scene: Scene, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.scene_model = scene
        self.setMinimumSize(300, 260)
        style_plot(self)
        plot = self.getPlotItem()
        plot.setLabel("bottom", "x")
        plot.setLabel("left", "y")
        for side in ("bottom", "left"):
            plot.getAxis(side).enableAutoSIPrefix(False)
        plot.setAspectLocked(False)
        plot.showGrid(x=False, y=False)
        plot.setContentsMargins(2, 10, 2, 2)  # room for the colour bar's top number, half of which sits above it
        self.image = pg.ImageItem(axisOrder="col-major")
        plot.addItem(self.image)
        self.colorbar = pg.ColorBarItem(values=(0, 1), colorMap=pg.colormap.get("viridis"), interactive=False,
                                        label="f(x, y)", width=14)
        self.colorbar.setImageItem(self.image, insert_in=plot)
        style_axis(self.colorbar.axis, self)
        self.isolines = pg.PlotCurveItem(pen=pg.mkPen((255, 255, 255, 200), width=1.1), connect="finite")
        plot.addItem(self.isolines)
        self.level_labels: list[pg.TextItem] = []
        self.field = ArrowFieldItem()
        plot.addItem(self.field)
        tip = "critical point ({x:.4g}, {y:.4g}): click to move the probe there".format
        self.critical = pg.ScatterPlotItem(size=12, pen=pg.mkPen("k", width=1.2), hoverable=True, tip=tip)
        self.critical.sigClicked.connect(self._critical_clicked)
        plot.addItem(self.critical)
        dash = QtCore.Qt.PenStyle.DashLine
        self.direction = pg.PlotCurveItem(pen=pg.mkPen(palette.PROBE_COLOR, width=2, style=dash))
        plot.addItem(self.direction)
        self.hover_marker = pg.ScatterPlotItem(size=10, symbol="+", pen=pg.mkPen("w", width=2), brush=None)
        self.hover_marker.setZValue(15)
        plot.addItem(self.hover_marker)
        self.probe = pg.TargetItem(pos=scene.probe, size=16, movable=True,
                                   pen=pg.mkPen(palette.PROBE_COLOR, width=2.5),
                                   hoverPen=pg.mkPen("#ff8c42", width=3), label="probe",
                                   labelOpts={"color": palette.PROBE_COLOR, "offset": (10, -10)})
        self.probe.setZValue(20)
        plot.addItem(self.probe)
        self.probe.sigPositionChanged.connect(self._probe_dragged)
        self.add_mode = False  # when True a plain click adds a start point (Shift+click always does)
        self.answer_click = None  # a lesson's question takes plain clicks: (x, y) -> True when it took the click
        self.answer_drag = None  # a lesson's direction question takes drags: (x, y, done) -> True when taken
        self.starts_locked = False  # a lesson step locks the start points: no click adds one
        view_box = plot.getViewBox()
        pan = view_box.mouseDragEvent
        view_box.mouseDragEvent = lambda ev, axis=None: self._dragged(ev, axis, pan)
        self.trajectories = ContourTrajectories(scene, plot)
        self.glyphs = OptimizerGlyphs(scene, plot)
        self.scene().sigMouseClicked.connect(self._clicked)
        self.scene_proxy = pg.SignalProxy(self.scene().sigMouseMoved, rateLimit=60, slot=self._mouse_moved)
        scene.function_changed.connect(lambda fn: self.rebuild())
        scene.domain_changed.connect(lambda: self.rebuild(fit=True))
        self.refine = Coalesced(self.rebuild, self)
        scene.sample_changed.connect(self.refine.request)  # in a pass of its own: the window answers between
        scene.view_changed.connect(self._on_view_changed)
        scene.probe_changed.connect(lambda p: self.update_probe())
        scene.critical_changed.connect(lambda pts: self.update_critical())
        scene.critical_changed.connect(lambda pts: self.place_labels())
        scene.probe_changed.connect(lambda p: self.place_labels())
        scene.descent.starts_changed.connect(self.place_labels)
        self.rebuild(fit=True)

    def _on_view_changed(self, names: set[str]) -> None:
        if names & {"colormap", "contour_count", "contour_spacing", "height_mode", "height_min", "height_max"}:
            self.rebuild()
        elif names & {"field_sign", "field_density"}:
            self.update_field()
        draw_overlays(self, names)
        if "direction_angle" in names:
            self.update_probe()
        if "radius" in names:
            self.update_glyphs()

    def update_glyphs(self) -> None:
        self.glyphs.refresh()

    def rebuild(self, fit: bool = False) -> None:
        """Image, colour bar and isolines from the scene's sample; then the field and markers
        (once per change: a second call for the same state only fits the view)."""
        view = self.scene_model.view
        s = self.scene_model.sample()
        key = (self.scene_model.function, self.scene_model.domain, id(s), view.colormap,
               view.contour_count, view.contour_spacing, view.height_mode, view.height_min, view.height_max)
        if key == getattr(self, "_built", None):
            if fit:
                self.fit_view()
            return
        self._built, self._built_sample = key, s  # the sample kept, so that its id is not reused
        u, v = self.scene_model.function.variables
        plot = self.getPlotItem()
        if plot.getAxis("bottom").labelText != u or plot.getAxis("left").labelText != v:
            plot.setLabel("bottom", u)
            plot.setLabel("left", v)
            self.colorbar.getAxis("left").setLabel(f"f({u}, {v})")  # where ColorBarItem put its label
        lo, hi = self.scene_model.height_range()
        scale = s.color_scale(view.contour_spacing, lo, hi)
        cmap = pg.colormap.get(view.colormap)
        t = scale.normalize(s.f)
        self.image.setImage(np.where(np.isnan(s.f), np.nan, t), levels=(0.0, 1.0), autoLevels=False)
        self.image.setColorMap(cmap)
        xmin, xmax, ymin, ymax = self.scene_model.domain
        dx = (xmax - xmin) / max(1, len(s.xs) - 1)
        dy = (ymax - ymin) / max(1, len(s.ys) - 1)
        self.image.setRect(QtCore.QRectF(xmin - dx / 2, ymin - dy / 2, xmax - xmin + dx, ymax - ymin + dy))
        self.colorbar.setColorMap(cmap)
        self.colorbar.setLevels((0.0, 1.0))  # the image holds normalised heights; the axis shows f
        self._set_colorbar_axis(scale)
        self.update_isolines(s, scale)
        if fit:
            self.fit_view()
        self.update_field()
        self.update_critical()
        self.update_probe()

    def _set_colorbar_axis(self, scale: ColorScale) -> None:
        """Tick labels in units of f on the colour bar, whose own scale is the normalised height: seven
        ticks, with as many digits as it takes to tell them apart."""
        positions = np.linspace(0, 1, 7)
        values = scale.value_at(positions)
        for digits in (3, 4, 5, 6, 8):
            labels = [num(float(v), digits).replace("−", "-") for v in values]  # AxisItem drops U+2212
            if len(set(labels)) == len(labels):
                break
        self.colorbar.axis.setTicks([[(float(p), text) for p, text in zip(positions, labels, strict=True)]])

    def marker_positions(self) -> list[tuple[float, float]]:
        """Where the probe, the start points and the critical points are drawn (labels keep away)."""
        points = [tuple(self.scene_model.probe)] + [(p.x, p.y) for p in self.scene_model.descent.starts]
        if self.scene_model.view.critical_points and self.scene_model.found_critical_points:
            points += [(c.x, c.y) for c in self.scene_model.found_critical_points]
        return points

    def update_isolines(self, s: Sample, scale: ColorScale) -> None:
        """All isolines as one item; a few labels, placed apart, from a reused pool of text items."""
        view = self.scene_model.view
        levels = scale.levels(view.contour_count)
        xs_all, ys_all = [], []
        candidates: list[tuple[str, np.ndarray]] = []
        nan = np.array([np.nan])
        for k, (level, points) in enumerate(zip(levels, s.isolines(levels), strict=True)):
            if len(points) == 0:
                continue
            xs_all += [points[:, 0], nan]
            ys_all += [points[:, 1], nan]
            if k % max(1, len(levels) // 6) == 0:
                candidates.append((num(level, 3), points))
        self._label_candidates = candidates
        self._label_version = getattr(self, "_label_version", 0) + 1
        self.place_labels()
        if xs_all:
            self.isolines.setData(np.concatenate(xs_all), np.concatenate(ys_all), connect="finite")
        else:
            self.isolines.setData([], [])

    def place_labels(self) -> None:
        """Isoline labels apart from each other and from the probe, start points and critical points
        (again whenever those move: cheap, the isolines are kept)."""
        xmin, xmax, ymin, ymax = self.scene_model.domain
        centre = (0.5 * (xmin + xmax), 0.5 * (ymin + ymax))
        spacing = 0.12 * max(xmax - xmin, ymax - ymin)
        markers = self.marker_positions()
        key = (getattr(self, "_label_version", 0), tuple(markers), self.scene_model.domain)
        if key == getattr(self, "_placed", None):
            return  # nothing moved (a parameter tick announces the probe and the critical points unchanged)
        self._placed = key
        texts: list[str] = []
        anchors: list[tuple[float, float]] = []
        # while a slider moves, the numbers change every frame: placed when the full grid follows (once it stops)
        drawn = getattr(self, "_built_sample", None)
        sliding = getattr(self.scene_model, "sliding", False) and drawn is not None and drawn.coarse
        for text, points in [] if sliding else getattr(self, "_label_candidates", []):
            anchor = label_anchor(points, centre, anchors, spacing, markers, 0.5 * spacing)
            if anchor is not None:
                anchors.append(anchor)
                texts.append(text)
        while len(self.level_labels) < len(texts):
            label = pg.TextItem(color=(255, 255, 255), anchor=(0.5, 0.5), fill=pg.mkBrush(0, 0, 0, 110))
            label.setZValue(5)
            self.getPlotItem().addItem(label)
            self.level_labels.append(label)
        for k, label in enumerate(self.level_labels):
            label.setVisible(k < len(texts))
            if k < len(texts):
                label.setText(texts[k])
                label.setPos(*anchors[k])

    def update_field(self) -> None:
        view = self.scene_model.view
        self.field.setVisible(view.gradient_field)
        if not view.gradient_field:
            return
        field = self.scene_model.sample().arrows(view.field_density, view.field_sign)
        self.field.set_field(field.segments, field.magnitude, FIELD_COLORS)

    def update_critical(self) -> None:
        pts = self.scene_model.found_critical_points if self.scene_model.view.critical_points else None
        if not pts:
            self.critical.setData([])
            return
        spots = [{"pos": (p.x, p.y), "symbol": CRITICAL_KINDS[p.kind].marker,
                  "brush": CRITICAL_BRUSHES[p.kind], "data": p} for p in pts]
        self.critical.setData(spots)

    def update_probe(self) -> None:
        x, y = self.scene_model.probe
        if tuple(self.probe.pos()) != (x, y):
            self.probe.blockSignals(True)
            self.probe.setPos(x, y)
            self.probe.blockSignals(False)
        d = self.scene_model.probe_direction() * self.scene_model.view.radius
        self.direction.setData([x - d[0], x + d[0]], [y - d[1], y + d[1]])

    def show_hover(self, point: tuple[float, float] | None) -> None:
        """Mark the point the mouse is over in either view (the views highlight the same points)."""
        self.hover_marker.setData([] if point is None else [point[0]], [] if point is None else [point[1]])

    def fit_view(self) -> None:
        xmin, xmax, ymin, ymax = self.scene_model.domain
        self.getPlotItem().setRange(xRange=(xmin, xmax), yRange=(ymin, ymax), padding=0.02)

    # ----- interaction -----
    def _probe_dragged(self, target: pg.TargetItem) -> None:
        pos = target.pos()
        self.scene_model.set_probe(pos.x(), pos.y())

    def _critical_clicked(self, item: object, points: list, event: object = None) -> None:
        if len(points):
            p = points[0].data()
            self.scene_model.set_probe(p.x, p.y)

    def _clicked(self, event: object) -> None:
        if event.button() != QtCore.Qt.MouseButton.LeftButton or event.isAccepted():
            return
        shift = bool(event.modifiers() & QtCore.Qt.KeyboardModifier.ShiftModifier)
        vb = self.getPlotItem().getViewBox()
        if not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        p = vb.mapSceneToView(event.scenePos())
        if self.answer_click is not None and not shift and self.answer_click(p.x(), p.y()):
            event.accept()
            return
        if not (shift or self.add_mode) or self.starts_locked:
            return
        self.scene_model.descent.add_start(p.x(), p.y())
        event.accept()

    def _dragged(self, event: object, axis: object, pan: object) -> None:
        """A left drag draws a lesson's arrow when a direction question waits for one; otherwise it pans."""
        left = event.button() == QtCore.Qt.MouseButton.LeftButton
        if self.answer_drag is not None and left:
            p = self.getPlotItem().getViewBox().mapSceneToView(event.scenePos())
            if self.answer_drag(p.x(), p.y(), event.isFinish()):
                event.accept()
                return
        pan(event, axis)

    def _mouse_moved(self, event: tuple) -> None:
        pos = event[0]
        vb = self.getPlotItem().getViewBox()
        if self.getPlotItem().sceneBoundingRect().contains(pos):
            p = vb.mapSceneToView(pos)
            self.pointed.emit((p.x(), p.y()))
        else:
            self.pointed.emit(None)

    def leaveEvent(self, ev: QtCore.QEvent) -> None:  # noqa: N802 (Qt API)
        self.pointed.emit(None)
        super().leaveEvent(ev)

    def data_to_widget(self, x: float, y: float) -> QtCore.QPoint:
        """Widget pixel of the data point (x, y) (for tests and scripted drags)."""
        vb = self.getPlotItem().getViewBox()
        scene_pt = vb.mapViewToScene(QtCore.QPointF(x, y))
        return self.mapFromScene(scene_pt)

