"""The backprop panel: builds for the chain example, follows the probe, steps, explains, checks."""

import numpy as np
import pytest

from gradviz.gui.widgets.format import num

from .conftest import drag

CHAIN = "a = (x + y)^2; b = (x - y)^2; u = (a + b)^2; v = (a - b)^2; (u + v)^2"


def test_panel_shows_values_and_adjoints_and_follows_a_probe_drag(qtbot, window):
    panel = window.backprop
    window.bottom_tabs.setCurrentWidget(panel)
    window.scene.set_domain((-1.0, 1.0, -1.0, 1.0))
    window.scene.set_expression(CHAIN)
    graph = window.scene.function.graph()
    assert len(panel.view.nodes) == len(graph.nodes) and len(panel.view.edges) == len(graph.edges)
    view = window.contour
    qtbot.wait(100)
    drag(qtbot, view, view.data_to_widget(*window.scene.probe), view.data_to_widget(0.5, -0.25))
    x, y = window.scene.probe
    trace = window.scene.function.trace_at(x, y)
    a = next(n.index for n in graph.nodes if n.name == "a")
    item = panel.view.nodes[a]
    assert item.value.text() == f"= {num(trace.values[a], 4)}"
    assert item.adjoint.text() == f"∂f/∂ = {num(trace.adjoints[a], 4)}"
    key = next(k for k in panel.view.edges if k[0] == a)
    assert panel.view.edges[key].label.text() == num(trace.partials[key], 3)


def test_hover_explains_the_sum_over_paths(qtbot, window):
    panel = window.backprop
    window.bottom_tabs.setCurrentWidget(panel)
    window.scene.set_expression(CHAIN)
    graph = window.scene.function.graph()
    a = next(n.index for n in graph.nodes if n.name == "a")
    panel.view.highlight(a)
    text = panel.info.text()
    assert "2 path(s)" in text and "a → " in text
    lit = [k for k, e in panel.view.edges.items() if e.pen().widthF() > 2]
    # a→(a+b)→u→(u+v)→f and a→(a−b)→v→(u+v)→f share only their last edge: 7 edges lit
    assert len(lit) == 7
    panel.view.highlight(None)


def test_step_through_forward_then_backward(qtbot, window):
    panel = window.backprop
    window.bottom_tabs.setCurrentWidget(panel)
    window.scene.set_expression("x*y + sin(x)")
    n = len(window.scene.function.graph().nodes)
    texts = []
    for _ in range(2 * n - 2):
        panel.next.click()
        texts.append(panel.info.text())
    assert texts[0].startswith("<b>Forward pass")
    assert texts[-1].startswith("<b>Backward pass") and ("∂f/∂x" in texts[-1] or "∂f/∂y" in texts[-1])
    assert sum(t.startswith("<b>Forward") for t in texts) == n - 2


def test_code_tab_and_copy(qtbot, window):
    from PySide6 import QtWidgets

    panel = window.backprop
    window.bottom_tabs.setCurrentWidget(panel)
    panel.setCurrentIndex(1)
    code = panel.code.toPlainText()
    assert code.startswith("def f_and_grad") or code.startswith("from math")
    panel.copy.click()
    assert QtWidgets.QApplication.clipboard().text() == code


def test_check_tab_shows_the_v_shape(qtbot, window):
    panel = window.backprop
    window.bottom_tabs.setCurrentWidget(panel)
    window.scene.set_expression("sin(x)*exp(y)")
    window.scene.set_probe(0.7, 0.2)
    panel.setCurrentIndex(2)
    h, err = panel.err_x.getData()
    assert len(h) == 40
    best = int(np.nanargmin(err))
    assert 0 < best < len(err) - 1  # the minimum is inside: truncation on one side, rounding on the other
    assert err[0] > 10 * err[best] and err[-1] > 10 * err[best]
    assert "Hessian" in panel.check_text.text()


@pytest.mark.parametrize("preset", ["Himmelblau", "Beale"])
def test_graph_builds_for_presets(qtbot, window, preset):
    window.scene.load_preset(preset)  # the panel is hidden: its graph is laid out when it is shown
    window.bottom_tabs.setCurrentWidget(window.backprop)
    assert len(window.backprop.view.nodes) == len(window.scene.function.graph().nodes)
    x, y = window.scene.probe
    a = window.scene.function.graph().nodes[-1].index
    assert window.backprop.view.nodes[a].value.text() == f"= {num(window.scene.function.trace_at(x, y).values[a], 4)}"


def test_a_graph_too_big_to_lay_out_gets_a_note_and_the_window_stays_usable(qtbot, window):
    from gradviz.gui.panels.backprop_panel import MAX_DRAWN_NODES

    text = " + ".join(f"sin(x*{k} + y)" for k in range(1, 400))
    window.scene.set_expression(text)
    qtbot.waitUntil(lambda: window.scene.text == text, timeout=20000)  # a long f is derived off the GUI thread
    assert len(window.scene.function.graph().nodes) > MAX_DRAWN_NODES
    window.bottom_tabs.setCurrentWidget(window.backprop)
    qtbot.waitUntil(window.backprop.isVisible)
    panel = window.backprop
    assert panel.view.nodes == {} and panel.steps == []
    notes = [item.toPlainText() for item in panel.view.scene().items() if hasattr(item, "toPlainText")]
    assert any("up to" in t and "nodes" in t for t in notes)
    panel.next.click()  # nothing to step through: no error
    window.scene.set_probe(0.3, 0.2)
    panel.setCurrentIndex(1)
    assert "def f_and_grad(x, y):" in panel.code.toPlainText()  # the Code tab works for any f
    window.scene.set_expression("x*y")
    panel.setCurrentIndex(0)
    assert len(panel.view.nodes) == 3  # x, y and their product: drawn again


def test_a_small_graph_fills_its_panel_and_its_labels_keep_apart(qtbot, window):
    window.scene.set_expression("(x^2 + y - 11)^2 + (x + y^2 - 7)^2")
    window.bottom_tabs.setCurrentWidget(window.backprop)
    qtbot.waitUntil(window.backprop.isVisible)
    view = window.backprop.view
    qtbot.wait(20)
    scale = view.transform().m11()
    shown = view.mapFromScene(view.scene().sceneRect()).boundingRect()
    port = view.viewport().rect()
    assert scale > 1.0  # a short f reads larger than its drawing size
    assert shown.width() >= 0.9 * port.width() or shown.height() >= 0.9 * port.height()
    labels = [e.label.sceneBoundingRect() for e in view.edges.values() if e.label.text()]
    nodes = [n.sceneBoundingRect() for n in view.nodes.values()]
    assert len(labels) == len(view.edges)
    for i, a in enumerate(labels):
        assert not any(a.intersects(n) for n in nodes)
        assert not any(a.intersects(b) for b in labels[i + 1:])


def test_a_big_graph_is_laid_out_by_the_runner_and_only_the_last_f_is_drawn(qtbot, window):
    """More than INLINE_LAYOUT_NODES nodes: the panel says it is laying the graph out, the runner does it, and a
    newer f edited meanwhile wins (the layout of the older one is dropped)."""
    from gradviz.gui.panels.backprop_panel import INLINE_LAYOUT_NODES

    panel = window.backprop
    window.bottom_tabs.setCurrentWidget(panel)
    qtbot.waitUntil(panel.isVisible)
    first = " + ".join(f"sin({k}*x+y)" for k in range(1, 12))  # short texts: derived at once, on this thread
    last = " + ".join(f"cos({k}*x-y)" for k in range(1, 13))
    window.scene.set_expression(first)
    assert len(window.scene.function.graph().nodes) > INLINE_LAYOUT_NODES
    notes = [item.toPlainText() for item in panel.view.scene().items() if hasattr(item, "toPlainText")]
    assert any("Laying out the graph" in t for t in notes) and panel.steps == []
    window.scene.set_expression(last)
    graph = window.scene.function.graph()
    qtbot.waitUntil(lambda: len(panel.view.nodes) == len(graph.nodes), timeout=20000)
    assert panel.view.graph is graph
    assert panel.steps and len(panel.view.edges) == len(graph.edges)
    qtbot.wait(200)  # the first f's layout, if it comes back now, is not drawn
    assert panel.view.graph is graph
