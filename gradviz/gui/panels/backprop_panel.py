"""The backprop panel: the graph of f at the probe (with step-through of the forward and
backward passes), the generated code, and autodiff checked against finite differences."""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from gradviz.calculus.finite_differences import STEPS, gradient_errors, hessian_by_differences
from gradviz.expr.backprop import display_name, formula
from gradviz.gui.background import BackgroundWork
from gradviz.gui.views.graph_view import GraphView, graph_positions
from gradviz.gui.widgets.format import num
from gradviz.gui.widgets.lazy import show_event_refreshing, when_visible
from gradviz.gui.widgets.theme import PROBE_COLOR, style_plot
from gradviz.model.jobs import Job
from gradviz.model.scene import Scene

# Laying out a graph costs about O(n²) (its edge crossings): 120 nodes take ~55 ms on this machine,
# 400 take 0.6 s and 1600 take 10 s (scripts/bench_ui.py). Bigger graphs are not drawn, and the panel says so.
MAX_DRAWN_NODES = 120
# A graph of more nodes is laid out by the job runner: measured, 76 nodes laid out six times kept the window from
# answering for 114–141 ms on the GUI thread, and for 19–23 ms at most on a worker thread (the same total work;
# pure Python, so the two threads share the GIL, but the window gets it back within the switch interval).
INLINE_LAYOUT_NODES = 40


DATA_NOTE = ("This f is a loss on data: each mean(...) and sum(...) runs over its {rows:,} rows, and the graph of "
             "a sum over rows is not drawn here.\nThe Check tab compares its gradient and Hessian with "
             "differences; the Loss on data window (Tools) shows the data and the fit.")


def _name(graph: object, i: int) -> str:
    return display_name(graph, i)


@show_event_refreshing
class BackpropPanel(QtWidgets.QTabWidget):
    def __init__(self, scene: Scene, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.scene = scene
        self.step = -1  # -1: no step-through; else an index into self.steps
        self.steps: list[tuple[str, int]] = []
        self._built_for: object = None  # the ComputationGraph that is drawn
        self._trace_key: tuple | None = None
        self._layout_token = 0
        self._laying_out: object = None  # the graph being laid out by the runner
        self.executor = BackgroundWork.shared().executor(self._accept_layout, self._layout_stale, self)

        graph_page = QtWidgets.QWidget()
        layout = QtWidgets.QVBoxLayout(graph_page)
        layout.setContentsMargins(2, 2, 2, 2)
        self.view = GraphView()
        self.view.setToolTip("Each box: its value (=) and its adjoint ∂f/∂node; each arrow: the local "
                            "partial derivative. Hover a box to see ∂f/∂node as a sum over paths.")
        layout.addWidget(self.view, 1)
        side = QtWidgets.QHBoxLayout()
        buttons = QtWidgets.QVBoxLayout()
        self.reset = QtWidgets.QPushButton("⟲")
        self.reset.setToolTip("Leave step-through")
        self.next = QtWidgets.QPushButton("Step ▶")
        self.next.setToolTip("Compute the next node: the forward pass first, then the backward pass")
        self.fit = QtWidgets.QPushButton("Fit")
        for b in (self.reset, self.next, self.fit):
            buttons.addWidget(b)
        side.addLayout(buttons)
        self.info = QtWidgets.QLabel()
        self.info.setWordWrap(True)
        self.info.setTextFormat(QtCore.Qt.TextFormat.RichText)
        self.info.setAlignment(QtCore.Qt.AlignmentFlag.AlignTop)
        self.info.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        self.info.setMinimumHeight(64)
        side.addWidget(self.info, 1)
        layout.addLayout(side)
        self.addTab(graph_page, "Graph")

        code_page = QtWidgets.QWidget()
        code_layout = QtWidgets.QVBoxLayout(code_page)
        code_layout.setContentsMargins(2, 2, 2, 2)
        self.code = QtWidgets.QPlainTextEdit()
        self.code.setReadOnly(True)
        font = QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.SystemFont.FixedFont)
        self.code.setFont(font)
        self.copy = QtWidgets.QPushButton("Copy to clipboard")
        self.copy.clicked.connect(lambda: QtWidgets.QApplication.clipboard().setText(self.code.toPlainText()))
        code_layout.addWidget(self.code, 1)
        code_layout.addWidget(self.copy)
        self.addTab(code_page, "Code")

        check_page = QtWidgets.QWidget()
        check_layout = QtWidgets.QHBoxLayout(check_page)
        check_layout.setContentsMargins(2, 2, 2, 2)
        self.errors = pg.PlotWidget()
        style_plot(self.errors)
        item = self.errors.getPlotItem()
        item.setLogMode(x=True, y=True)
        item.setLabel("bottom", "step h of the central difference")
        item.setLabel("left", "|difference − autodiff|")
        item.showGrid(x=True, y=True, alpha=0.3)
        for side in ("bottom", "left"):
            item.getAxis(side).enableAutoSIPrefix(False)
        item.addLegend(offset=(-10, 10))
        self.err_x = item.plot(pen=pg.mkPen("#1f77b4", width=2), symbol="o", symbolSize=4, name="∂f/∂x")
        self.err_y = item.plot(pen=pg.mkPen("#ff7f0e", width=2), symbol="t", symbolSize=4, name="∂f/∂y")
        check_layout.addWidget(self.errors, 3)
        self.check_text = QtWidgets.QLabel()
        self.check_text.setTextFormat(QtCore.Qt.TextFormat.RichText)
        self.check_text.setWordWrap(True)
        self.check_text.setAlignment(QtCore.Qt.AlignmentFlag.AlignTop)
        check_layout.addWidget(self.check_text, 2)
        self.addTab(check_page, "Check against differences")

        self.next.clicked.connect(self.advance)
        self.reset.clicked.connect(self.leave_steps)
        self.fit.clicked.connect(self.view.fit)
        self.view.hovered.connect(self.explain)
        self.currentChanged.connect(lambda _: self.refresh())
        scene.function_changed.connect(lambda fn: self.rebuild())
        scene.probe_changed.connect(lambda p: self.refresh())
        self.rebuild()

    # ----- model → panel -----
    def rebuild(self) -> None:
        """A new f (or new parameter values): a new graph is laid out the next time the panel is
        visible; the same graph keeps its layout and only its numbers change."""
        self.refresh()

    @property
    def too_big(self) -> bool:
        fn = self.scene.function
        return not hasattr(fn, "graph") or len(fn.graph().nodes) > MAX_DRAWN_NODES

    def _build(self) -> None:
        graph = self.scene.function.graph()
        if len(graph.nodes) > MAX_DRAWN_NODES:
            self.view.show_note(f"This f has {len(graph.nodes):,} nodes in its graph; the panel draws graphs of "
                                f"up to {MAX_DRAWN_NODES} nodes (laying out more would freeze the window).\n"
                                "The Code and Check tabs work for any f. Name parts of f with definitions "
                                "(a = ...; b = ...; f = ...) to study a smaller piece.")
            self.steps = []
            self._built_for = graph
            self.step = -1
            return
        if len(graph.nodes) > INLINE_LAYOUT_NODES:
            self._lay_out(graph)
            return
        self._draw(graph, None)

    def _lay_out(self, graph: object) -> None:
        """Hand the layout of a big graph to the runner; meanwhile the panel says so and draws nothing."""
        self._layout_token += 1
        self._laying_out, self._built_for, self.steps, self.step = graph, graph, [], -1
        self.view.show_note(f"Laying out the graph of {len(graph.nodes)} nodes…")  # type: ignore[attr-defined]
        self.executor(Job("layout", self._layout_token, lambda: graph_positions(graph)))  # type: ignore[arg-type]

    def _layout_stale(self, job: Job) -> bool:
        return job.token != self._layout_token

    def _accept_layout(self, job: Job, pos: object) -> None:
        if self._layout_stale(job):
            return  # a newer graph is being laid out
        graph, self._laying_out = self._laying_out, None
        if graph is not getattr(self.scene.function, "graph", lambda: None)():
            return
        if isinstance(pos, Exception):
            self.view.show_note(f"The graph could not be laid out: {pos}")
            return
        self._draw(graph, pos)  # type: ignore[arg-type]
        self.refresh()

    def _draw(self, graph: object, pos: dict | None) -> None:
        self.view.build(graph, pos)  # type: ignore[arg-type]
        n = len(graph.nodes)  # type: ignore[attr-defined]
        forward = [i for i, g in enumerate(graph.nodes) if not g.is_input]  # leaves are given, not computed
        self.steps = [("forward", i) for i in forward] + [("backward", i) for i in range(n - 1, -1, -1)]
        self._built_for = graph
        self.leave_steps()

    def _ensure_current(self) -> None:
        """The graph of the scene's f and the trace at its probe, whatever was skipped while hidden."""
        fn = self.scene.function
        if not hasattr(fn, "graph"):  # a loss on data
            if self._built_for is not fn:
                self.view.show_note(DATA_NOTE.format(rows=fn.rows))
                self.steps, self.step, self._built_for = [], -1, fn
            return
        if self._built_for is not fn.graph():  # a parameter change keeps the graph and its layout
            self._build()
        if not self.steps:
            return  # not drawn (too big): nothing to trace for the Graph tab
        key = (fn.graph(), tuple(float(v) for v in self.scene.probe), fn.parameter_values)
        if getattr(self, "trace", None) is None or self._trace_key != key:
            self.trace = fn.trace_at(*self.scene.probe)
            self._trace_key = key

    @when_visible
    def refresh(self) -> None:
        """Numbers at the probe, in the visible tab only (cheap while the probe is dragged)."""
        fn = self.scene.function
        self._ensure_current()
        x, y = self.scene.probe
        page = self.currentIndex()
        if page == 0:
            if self.too_big:
                return
            self.view.show_trace(self.trace)
            self._show_step()
        elif page == 1:
            self.code.setPlainText(fn.source(at=(x, y)) if hasattr(fn, "graph") else DATA_NOTE.format(rows=fn.rows))
        else:
            self._show_check(x, y)

    # ----- step-through -----
    def advance(self) -> None:
        self._ensure_current()
        if not self.steps:
            return
        self.step = 0 if self.step + 1 >= len(self.steps) else self.step + 1
        self._show_step()

    def leave_steps(self) -> None:
        self.step = -1
        self.view.focus = None
        self.view.highlight(None)
        self.info.setText("Hover a box to see ∂f/∂node as the sum over every path to f of the products of "
                          "local partials.<br><br>Step ▶ computes the graph one node at a time: the forward "
                          "pass, then the backward pass.")

    def _show_step(self) -> None:
        if self.step < 0:
            return
        graph, trace = self.scene.function.graph(), self.trace
        kind, i = self.steps[self.step]
        self.view.focus = i
        g = graph.nodes[i]
        if kind == "forward":
            values = [num(trace.values[a], 5) for a in g.args]
            count = sum(1 for k, _ in self.steps if k == "forward")
            text = (f"<b>Forward pass</b>, node {self.step + 1} of {count}:<br>"
                    f"{html.escape(_name(graph, i))} = {html.escape(formula(graph, i))} = "
                    f"{html.escape(formula(graph, i, values))} = <b>{num(trace.values[i], 6)}</b>")
            lit = set(g.args)
        else:
            consumers = list(dict.fromkeys(graph.consumers(i)))
            terms = " + ".join(f"∂f/∂{_name(graph, c)} · ∂{_name(graph, c)}/∂{_name(graph, i)}"
                               f" = {num(trace.adjoints[c], 4)} · {num(trace.partials[(i, c)], 4)}"
                               for c in consumers) or "1 (f itself)"
            text = (f"<b>Backward pass</b>: ∂f/∂{html.escape(_name(graph, i))} = {html.escape(terms)} = "
                    f"<b>{num(trace.adjoints[i], 6)}</b>")
            lit = set(consumers)
        for j, item in self.view.nodes.items():
            on = j == i or j in lit
            item.setPen(QtGui.QPen(QtGui.QColor(PROBE_COLOR) if on else QtGui.QColor("#555"), 3 if j == i else
                                   2 if on else 1.2))
            item.setOpacity(1.0 if on or j < i and kind == "forward" or kind == "backward" else 0.45)
        self.info.setText(text)

    # ----- hover: the sum over paths -----
    def explain(self, index: int | None) -> None:
        if index is None or self.step >= 0 or self.too_big:
            return
        self._ensure_current()
        graph, trace = self.scene.function.graph(), self.trace
        products = trace.path_products(index, limit=12)
        total = trace.adjoints[index]
        lines = []
        for path, prod in products:
            names = " → ".join(html.escape(_name(graph, j)) for j in path)
            factors = " · ".join(num(trace.partials[(a, b)], 3) for a, b in zip(path, path[1:], strict=False))
            lines.append(f"{names}: {factors or '1'} = {num(prod, 5)}")
        more = len(graph.paths_to_output(index, limit=257)) - len(products)
        extra = f"<br>… and {more} more path(s)" if more > 0 else ""
        self.info.setText(f"<b>∂f/∂{html.escape(_name(graph, index))} = {num(total, 6)}</b>, the sum over "
                          f"{len(products) + max(more, 0)} path(s) to f of the products of local partials:<br>"
                          + "<br>".join(lines) + extra)

    # ----- check -----
    def _show_check(self, x: float, y: float) -> None:
        fn = self.scene.function
        ex, ey = gradient_errors(fn, x, y)
        floor = 1e-17
        for curve, err in ((self.err_x, ex), (self.err_y, ey)):
            ok = np.isfinite(err)  # f undefined near the probe: nothing to draw for those steps
            curve.setData(STEPS[ok], np.maximum(err[ok], floor))
        fx, fy = (float(v) for v in fn.grad(x, y))
        h_best = STEPS[int(np.nanargmin(ex + ey))] if np.isfinite(ex + ey).any() else float("nan")
        auto = np.array([list(fn.hessian(x, y))[:2], list(fn.hessian(x, y))[1:]], dtype=float)
        fd = hessian_by_differences(fn, x, y)
        rows = "".join(f"<tr><td>{name}</td><td>{num(a, 10)}</td><td>{num(b, 10)}</td></tr>"
                       for name, a, b in (("fxx", auto[0, 0], fd[0, 0]), ("fxy", auto[0, 1], fd[0, 1]),
                                          ("fyy", auto[1, 1], fd[1, 1])))
        self.check_text.setText(
            f"<b>Gradient at the probe</b> (autodiff): ({num(fx, 12)}, {num(fy, 12)})<br>"
            f"Differences are best near h = {num(h_best, 2)}, and even there they lose about half the digits: "
            "too large an h adds truncation error (∝ h²), too small an h rounding error (∝ ε/h).<br><br>"
            "<b>Hessian</b><table cellspacing='4'><tr><td></td><td>autodiff</td><td>differences (h = 1e−4)</td>"
            f"</tr>{rows}</table>")
