"""The computation graph drawn as boxes and arrows: values and adjoints on the nodes, local
partials on the edges; hovering a node highlights every path from it to f."""

from __future__ import annotations

import math

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from gradviz.expr.backprop import ComputationGraph, Trace
from gradviz.geometry.graph_layout import layout, pull_right
from gradviz.gui.widgets.format import num
from gradviz.gui.widgets.theme import PROBE_COLOR, current, on_change, ui_font

NODE_W, NODE_H = 104.0, 54.0
COL_DX, ROW_DY = 152.0, 66.0  # 48 px between columns: room for an edge's partial
COLORS = {"input": "#d8f0d8", "parameter": "#ead9f5", "named": "#d6e6fb", "output": "#fde8b8", "op": "#f2f2f2"}
KIND_TIPS = {"input": "a variable of f: the gradient is taken with respect to it",
             "parameter": "a parameter (slider): an input held fixed; ∂f/∂ shows how f would change with it",
             "named": "a named intermediate (a definition in the text)", "output": "f, the output",
             "op": "an operation"}
HIGHLIGHT = QtGui.QColor(PROBE_COLOR)


class NodeItem(QtWidgets.QGraphicsPathItem):
    def __init__(self, view: GraphView, index: int, title: str, kind: str) -> None:
        path = QtGui.QPainterPath()
        path.addRoundedRect(QtCore.QRectF(-NODE_W / 2, -NODE_H / 2, NODE_W, NODE_H), 9, 9)
        super().__init__(path)
        self.view = view
        self.index = index
        self.base = QtGui.QColor(COLORS[kind])
        self.setBrush(self.base)
        self.setPen(QtGui.QPen(QtGui.QColor("#555"), 1.2))
        self.setAcceptHoverEvents(True)
        self.setToolTip(KIND_TIPS[kind])
        self.setZValue(2)
        if kind == "parameter":
            self.setPen(QtGui.QPen(QtGui.QColor("#555"), 1.2, QtCore.Qt.PenStyle.DashLine))
        self.title = QtWidgets.QGraphicsSimpleTextItem(title, self)
        font = ui_font(10, bold=True)
        self.title.setFont(font)
        self.value = QtWidgets.QGraphicsSimpleTextItem("", self)
        self.adjoint = QtWidgets.QGraphicsSimpleTextItem("", self)
        small = ui_font(9)
        self.value.setFont(small)
        self.adjoint.setFont(small)
        self.adjoint.setBrush(QtGui.QColor("#9c2f00"))
        self._place(self.title, -NODE_H / 2 + 3)

    @staticmethod
    def _place(item: QtWidgets.QGraphicsSimpleTextItem, top: float) -> None:
        item.setPos(-item.boundingRect().width() / 2, top)

    def set_numbers(self, value: str, adjoint: str) -> None:
        self.value.setText(value)
        self.adjoint.setText(adjoint)
        self._place(self.value, -NODE_H / 2 + 19)
        self._place(self.adjoint, -NODE_H / 2 + 34)

    def hoverEnterEvent(self, event: QtWidgets.QGraphicsSceneHoverEvent) -> None:  # noqa: N802 (Qt API)
        self.view.highlight(self.index)

    def hoverLeaveEvent(self, event: QtWidgets.QGraphicsSceneHoverEvent) -> None:  # noqa: N802 (Qt API)
        self.view.highlight(None)


class EdgeItem(QtWidgets.QGraphicsPathItem):
    def __init__(self, a: QtCore.QPointF, b: QtCore.QPointF) -> None:
        super().__init__()
        start = a + QtCore.QPointF(NODE_W / 2, 0)
        end = b - QtCore.QPointF(NODE_W / 2, 0)
        path = QtGui.QPainterPath(start)
        bend = 0.5 * (end.x() - start.x())
        path.cubicTo(start + QtCore.QPointF(bend, 0), end - QtCore.QPointF(bend, 0), end)
        head = QtGui.QPolygonF([end, end + QtCore.QPointF(-8, -4), end + QtCore.QPointF(-8, 4)])
        path.addPolygon(head)
        self.setPath(path)
        self.setZValue(1)
        self.curve = QtGui.QPainterPath(start)  # the edge without its head: where a label may sit
        self.curve.cubicTo(start + QtCore.QPointF(bend, 0), end - QtCore.QPointF(bend, 0), end)
        self.mid = path.pointAtPercent(0.5)
        self.label = QtWidgets.QGraphicsSimpleTextItem("", self)
        self.label.setFont(ui_font(9))
        self.label.setBrush(QtGui.QColor("#8ab4f8" if current().dark else "#2b5d9e"))
        self.label.setZValue(3)
        self.set_style(False, False)

    def set_partial(self, text: str) -> None:
        self.label.setText(text)

    def label_spots(self) -> list[QtCore.QRectF]:
        """Where the label may go, best first: beside the middle of the edge, then along it, above or below."""
        r = self.label.boundingRect()
        spots = []
        for t in sorted((k / 20 for k in range(1, 20)), key=lambda t: abs(t - 0.5)):  # the middle first
            p = self.curve.pointAtPercent(t)
            for dy in (-r.height() - 2, 2):
                spots.append(QtCore.QRectF(p.x() - r.width() / 2, p.y() + dy, r.width(), r.height()))
        return spots

    def set_style(self, lit: bool, dim: bool) -> None:
        edge = QtGui.QColor(current().graph_edge)
        color = HIGHLIGHT if lit else QtGui.QColor(edge.red(), edge.green(), edge.blue(), 110) if dim else edge
        self.setPen(QtGui.QPen(color, 2.6 if lit else 1.2))
        self.setBrush(color)
        self.label.setOpacity(0.35 if dim else 1.0)


class GraphView(QtWidgets.QGraphicsView):
    """Draws a ComputationGraph and a Trace; `hovered(index or None)` reports the node under the mouse."""

    hovered = QtCore.Signal(object)

    def __init__(self, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QtWidgets.QGraphicsScene(self))
        self.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        self.setDragMode(QtWidgets.QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QtWidgets.QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setBackgroundBrush(QtGui.QColor(current().graph_bg))
        on_change(self._restyle, self)
        self.graph: ComputationGraph | None = None
        self.trace: Trace | None = None
        self.nodes: dict[int, NodeItem] = {}
        self.edges: dict[tuple[int, int], EdgeItem] = {}
        self.focus: int | None = None  # the node being stepped through, if any

    def build(self, graph: ComputationGraph, pos: dict[int, tuple[float, float]] | None = None) -> None:
        """Draw `graph` at `pos` (from `graph_positions`, computed now when not given)."""
        self.scene().clear()
        self.graph, self.trace = graph, None
        self.nodes, self.edges = {}, {}
        if pos is None:
            pos = graph_positions(graph)
        for g in graph.nodes:
            kind = ("parameter" if g.is_parameter else "input" if g.is_input
                    else "output" if g.index == graph.output else "named" if g.name else "op")
            title = g.label if not g.name or g.is_input or g.label == g.name else f"{g.name}: {g.label}"
            item = NodeItem(self, g.index, title, kind)
            item.setPos(*pos[g.index])
            self.scene().addItem(item)
            self.nodes[g.index] = item
        for a, b in graph.edges:
            edge = EdgeItem(self.nodes[a].pos(), self.nodes[b].pos())
            self.scene().addItem(edge)
            self.edges[(a, b)] = edge
        self.scene().setSceneRect(self.scene().itemsBoundingRect().adjusted(-20, -20, 20, 20))
        self.zoomed = False
        self.fit()

    def _restyle(self, theme: object) -> None:
        """The theme changed: the canvas, and the graph drawn again in its colours."""
        self.setBackgroundBrush(QtGui.QColor(current().graph_bg))
        graph, trace = self.graph, self.trace
        if graph is not None:
            self.build(graph)
            if trace is not None:
                self.show_trace(trace)

    def show_note(self, text: str) -> None:
        """No graph, a sentence instead (a graph too big to lay out)."""
        self.scene().clear()
        self.graph, self.trace = None, None
        self.nodes, self.edges = {}, {}
        note = self.scene().addText(text)
        note.setTextWidth(520)
        note.setDefaultTextColor(QtGui.QColor(current().plot_fg))
        self.scene().setSceneRect(note.boundingRect().adjusted(-20, -20, 20, 20))
        self.resetTransform()
        self.centerOn(note.boundingRect().center())

    def fit(self) -> None:
        """Fill the panel with the graph, up to 1.8× (a small f reads large); a wide graph fits its
        width down to 0.6×, and a tall one scrolls."""
        rect = self.scene().sceneRect()
        view = self.viewport().rect()
        if rect.width() <= 0 or view.width() <= 0:
            return
        whole = min(view.width() / rect.width(), view.height() / rect.height())
        s = min(1.8, max(whole, min(0.6, view.width() / rect.width())))
        self.resetTransform()
        self.scale(s, s)
        self.centerOn(rect.center())

    def show_trace(self, trace: Trace) -> None:
        if trace is self.trace:
            return  # shown already (a new f announces the probe too)
        self.trace = trace
        for i, item in self.nodes.items():
            item.set_numbers(f"= {num(trace.values[i], 4)}", f"∂f/∂ = {num(trace.adjoints[i], 4)}")
        for key, edge in self.edges.items():
            edge.set_partial(num(trace.partials[key], 3))
        self.place_edge_labels()

    def place_edge_labels(self) -> None:
        """Each edge's partial where it covers no node, no other edge and no other label (the first such
        spot along its edge; the least crowded one when there is none)."""
        stroker = QtGui.QPainterPathStroker()
        stroker.setWidth(3.0)
        keys = list(self.edges)
        strokes = [stroker.createStroke(self.edges[key].curve) for key in keys]
        # rectangles as arrays, tested against a spot all at once; a stroke's exact shape is tested only where its
        # box meets the spot (40 terms: the labels took 175 ms, nearly all in intersects() against far strokes)
        stroke_boxes = _boxes([stroke.boundingRect() for stroke in strokes])
        node_boxes = _boxes([item.sceneBoundingRect() for item in self.nodes.values()])
        placed = np.empty((0, 4))
        for k, key in enumerate(keys):
            edge = self.edges[key]
            best, best_cost = None, None
            for spot in edge.label_spots():
                box = _boxes([spot])[0]
                near = np.flatnonzero(_meets(stroke_boxes, box))
                cost = (int(_meets(node_boxes, box).sum()) * 4 + int(_meets(placed, box).sum()) * 3
                        + sum(strokes[j].intersects(spot) for j in near if j != k))
                if best_cost is None or cost < best_cost:
                    best, best_cost = spot, cost
                if cost == 0:
                    break
            placed = np.vstack([placed, _boxes([best])])
            edge.label.setPos(best.topLeft())

    def highlight(self, index: int | None) -> None:
        """Light every path from node `index` to f (None: nothing) and report the node."""
        lit_nodes: set[int] = set()
        lit_edges: set[tuple[int, int]] = set()
        if index is not None and self.graph is not None:
            for path in self.graph.paths_to_output(index):
                lit_nodes.update(path)
                lit_edges.update(zip(path, path[1:], strict=False))
        for i, item in self.nodes.items():
            on = i in lit_nodes or i == self.focus
            item.setPen(QtGui.QPen(HIGHLIGHT if on else QtGui.QColor("#555"), 2.6 if on else 1.2))
            item.setOpacity(1.0 if (index is None or on) else 0.45)
        for key, edge in self.edges.items():
            edge.set_style(key in lit_edges, index is not None and key not in lit_edges)
        self.hovered.emit(index)

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:  # noqa: N802 (Qt API)
        """The panel changed size: the graph fills it again (unless the wheel zoomed it)."""
        super().resizeEvent(event)
        if not getattr(self, "zoomed", False):
            self.fit()

    def wheelEvent(self, event: QtGui.QWheelEvent) -> None:  # noqa: N802 (Qt API)
        self.zoomed = True
        factor = math.pow(1.0015, event.angleDelta().y())
        self.scale(factor, factor)


def _boxes(rects: list[QtCore.QRectF]) -> np.ndarray:
    """Rectangles as rows (left, top, right, bottom)."""
    return np.array([(r.left(), r.top(), r.right(), r.bottom()) for r in rects], dtype=float).reshape(-1, 4)


def _meets(boxes: np.ndarray, box: np.ndarray) -> np.ndarray:
    """Which of `boxes` overlap `box` (with area in common, as QRectF.intersects)."""
    return ((boxes[:, 0] < box[2]) & (boxes[:, 2] > box[0]) & (boxes[:, 1] < box[3]) & (boxes[:, 3] > box[1]))


def graph_positions(graph: ComputationGraph) -> dict[int, tuple[float, float]]:
    """Where each node of `graph` is drawn (pure Python, Qt-free: it can run on a worker thread)."""
    inputs = [g.index for g in graph.nodes if g.is_input]
    columns = pull_right([g.layer for g in graph.nodes], graph.edges, keep=inputs)
    return layout(columns, graph.edges, COL_DX, ROW_DY)
