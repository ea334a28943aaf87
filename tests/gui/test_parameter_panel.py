"""The parameter panel: drag a slider and the views change; set the model and the widgets follow;
bad input is refused and the scene keeps its last good state."""

import numpy as np
import pytest
from PySide6 import QtCore

from gradviz import parse

BOWL = "Ill-conditioned bowl (slide k)"


def _mesh_heights(window):
    surface = window.surface
    v = surface.mesh.vertices.astype(float)
    f = surface.scale.to_height(v[:, 2])
    inside = (v[:, 2] > 1e-6) & (v[:, 2] < surface.scale.height - 1e-6)
    return v[inside, 0], v[inside, 1], f[inside]


def _slider_to(qtbot, slider, fraction):
    """Move a slider with the keyboard, as a person would (End, then PageDown steps back)."""
    slider.setFocus()
    target = round(slider.minimum() + fraction * (slider.maximum() - slider.minimum()))
    slider.setValue(target)  # QSlider emits valueChanged exactly as a drag does
    qtbot.wait(10)


def test_no_parameters_no_panel(window):
    assert window.scene.function.parameters == {}
    assert not window.parameters.isVisible()


def test_dragging_the_slider_changes_every_view(qtbot, window):
    window.scene.load_preset(BOWL)
    qtbot.waitUntil(window.parameters.isVisible)
    row = window.parameters.rows["k"]
    lo, hi = window.scene.parameter_ranges["k"]
    before_paths = [t.points.copy() for _, _, t in window.scene.descent.trajectories()]
    before_table = window.loss.runs_table.text(0, 3)
    _slider_to(qtbot, row.slider, 0.8)
    k = window.scene.function.parameters["k"]
    assert k == pytest.approx(lo + 0.8 * (hi - lo), rel=1e-9)
    assert row.value.value() == pytest.approx(k, abs=1e-4)
    # the surface holds x² + k y² with the new k (a second route: the text with the number in it)
    x, y, f = _mesh_heights(window)
    np.testing.assert_allclose(f, parse(f"x^2 + {k!r}*y^2")(x, y), rtol=2e-5, atol=2e-4)
    # the readout's Hessian, the paths and the results table follow
    assert window.scene.local().fyy == pytest.approx(2 * k)
    assert f"{2 * k:.5g}".replace("-", "−") in window.readout.text()
    after_paths = [t.points for _, _, t in window.scene.descent.trajectories()]
    assert any(a.shape != b.shape or not np.allclose(a, b) for a, b in zip(before_paths, after_paths, strict=True))
    assert window.loss.runs_table.text(0, 3) != before_table or window.loss.runs_table.text(0, 6)
    assert window.scene.function.text == "k = 10 in [1, 150]; x^2 + k*y^2"  # nothing re-parsed into the text


def test_setting_the_model_moves_the_widgets(qtbot, window):
    window.scene.load_preset(BOWL)
    row = window.parameters.rows["k"]
    window.scene.set_parameter("k", 100.0)
    assert row.value.value() == pytest.approx(100.0)
    assert row.slider.value() == round((100.0 - 1.0) / 149.0 * 1000)
    window.scene.set_parameter_range("k", 50.0, 200.0)
    assert (row.lo.value(), row.hi.value()) == (50.0, 200.0)
    assert row.slider.value() == round((100.0 - 50.0) / 150.0 * 1000)
    window.scene.set_parameter_range("k", 1.0, 20.0)  # the value is moved into the new range
    assert window.scene.function.parameters["k"] == 20.0
    assert row.value.value() == 20.0 and row.slider.value() == 1000


def test_typing_a_value_and_a_bad_range(qtbot, window):
    window.scene.load_preset(BOWL)
    row = window.parameters.rows["k"]
    row.value.lineEdit().selectAll()
    qtbot.keyClicks(row.value.lineEdit(), "42")
    qtbot.keyClick(row.value.lineEdit(), QtCore.Qt.Key.Key_Return)
    assert window.scene.function.parameters["k"] == 42.0
    # nan and inf typed into the spin box are refused by its validator: the value stays
    for text in ("nan", "inf", "-inf"):
        row.value.lineEdit().selectAll()
        qtbot.keyClicks(row.value.lineEdit(), text)
        qtbot.keyClick(row.value.lineEdit(), QtCore.Qt.Key.Key_Return)
        assert window.scene.function.parameters["k"] == 42.0
        assert np.isfinite(row.value.value())
    # low ≥ high is refused with a message, and the range is shown as it was
    row.lo.setValue(500.0)
    row.lo.editingFinished.emit()
    assert window.scene.parameter_ranges["k"] == (1.0, 150.0)
    assert row.lo.value() == 1.0
    assert "low < high" in window.parameters.message.text()


def test_play_sweeps_back_and_forth(qtbot, window):
    window.scene.load_preset(BOWL)
    window.scene.set_parameter_range("k", 1.0, 2.0)
    row = window.parameters.rows["k"]
    seen = [window.scene.function.parameters["k"]]
    window.scene.parameters_changed.connect(lambda names: seen.append(window.scene.function.parameters["k"]))
    row.play.setChecked(True)
    assert window.parameters.timer.isActive()
    for _ in range(300):  # about 2.5 sweeps
        row.advance()  # the timer's frames, without waiting for them
    row.play.setChecked(False)
    assert not window.parameters.timer.isActive()
    assert min(seen) == 1.0 and max(seen) == 2.0  # it reached both ends
    turns = np.sum(np.diff(np.sign(np.diff(seen))) != 0)
    assert turns >= 2  # and turned back at them


def test_a_new_text_rebuilds_the_rows_and_keeps_unchanged_parameters(qtbot, window):
    model = window.scene
    model.set_expression("a = 1 in [0, 4]; b = 2; a*x^2 + b*y^2")
    assert list(window.parameters.rows) == ["a", "b"]
    model.set_parameter("a", 3.0)
    model.set_expression("a = 1 in [0, 4]; b = 2; a*x^2 + b*y^2 + x*y")  # edit elsewhere: a keeps 3
    assert model.function.parameters == {"a": 3.0, "b": 2.0}
    assert window.parameters.rows["a"].value.value() == 3.0
    model.set_expression("a = 0.5 in [0, 4]; a*x^2 + y^2")  # the text's value changed: it wins
    assert model.function.parameters == {"a": 0.5}
    assert list(window.parameters.rows) == ["a"]


def test_named_variables_label_the_views(qtbot, window):
    window.scene.set_expression("f(w, b) = (w - 1)^2 + 10*b^2")
    plot = window.contour.getPlotItem()
    assert plot.getAxis("bottom").labelText == "w" and plot.getAxis("left").labelText == "b"
    bar = window.contour.colorbar  # one label on the colour bar, with the variables' names
    assert bar.getAxis("left").labelText == "f(w, b)" and bar.axis.labelText == ""
    assert "probe (w, b)" in window.readout.text()
    assert any("f(w, b)" in label.text() for label in window.view_titles)
    window.show_hover((1.0, 0.5))
    assert window.hover_label.text().startswith("w = 1")
    window.scene.find_critical_points()
    header = window.critical.table.horizontalHeaderItem
    assert (header(1).text(), header(2).text()) == ("w", "b")
    graph_names = [g.name for g in window.scene.function.graph().nodes if g.is_input]
    assert graph_names == ["w", "b"]


def test_typing_while_a_parameter_plays_is_not_interrupted(qtbot, window):
    window.scene.load_preset(BOWL)
    edit = window.expression_bar.edit
    edit.setFocus()
    edit.end(False)
    qtbot.keyClicks(edit, " + x")
    window.parameters.rows["k"].advance()
    assert edit.text().endswith("k*y^2 + x")  # the tick did not reset what is being typed


def test_the_sweep_exports_as_gif_and_restores_the_value(qtbot, window, tmp_path):
    import imageio.v2 as imageio

    from gradviz.gui.files.parameter_movie import export_parameter_sweep, sweep_values

    window.scene.load_preset(BOWL)
    window.scene.set_parameter("k", 33.0)
    seen = []
    path = tmp_path / "sweep.gif"

    def render():
        seen.append(window.scene.function.parameters["k"])
        return window.contour.grab().toImage()

    written = export_parameter_sweep(window.scene, "k", str(path), render, frames=12)
    assert written == len(seen) == len(sweep_values(1.0, 150.0, 12))
    assert seen[0] == 1.0 and max(seen) == 150.0 and seen[-1] < seen[-2]  # up, then back down
    frames = imageio.mimread(str(path))
    assert len(frames) == written
    assert not np.array_equal(frames[0], frames[len(frames) // 2])  # the picture changes with k
    assert window.scene.function.parameters["k"] == 33.0
    with pytest.raises(ValueError, match="no parameter 'q'"):
        export_parameter_sweep(window.scene, "q", str(path), render)


def test_the_backprop_graph_follows_a_parameter_without_a_new_layout(qtbot, window):
    window.scene.set_expression("k = 2 in [0, 5]; k*x^2 + y")
    window.bottom_tabs.setCurrentWidget(window.backprop)
    qtbot.waitUntil(window.backprop.isVisible)
    panel = window.backprop
    items = dict(panel.view.nodes)
    graph = window.scene.function.graph()
    k_index = next(g.index for g in graph.nodes if g.is_parameter)
    assert panel.view.nodes[k_index].toolTip().startswith("a parameter")
    window.scene.set_probe(1.5, 0.0)
    window.scene.set_parameter("k", 4.0)
    assert panel.view.nodes == items  # the same boxes: no new layout for a parameter tick
    # f = k x² = 4 · 2.25 at the probe, and ∂f/∂k = x² = 2.25 (by hand)
    assert panel.trace.values[-1] == pytest.approx(9.0)
    assert panel.trace.adjoints[k_index] == pytest.approx(2.25)
    assert panel.view.nodes[graph.output].value.text() == "= 9"
    forward = [i for kind, i in panel.steps if kind == "forward"]
    assert all(not graph.nodes[i].is_input for i in forward) and len(forward) == len(graph.nodes) - 3


def _mesh_side(window):
    """Samples per side of the surface the 3D view draws."""
    return len(window.surface._built_sample.xs)


def test_a_dragged_slider_draws_a_coarser_grid_and_the_full_one_when_let_go(qtbot, window):
    from gradviz.model.sampling import SLIDE_GRID

    window.scene.load_preset(BOWL)
    window.scene.set_resolution(200)
    qtbot.waitUntil(lambda: not window.scene.sample().coarse and _mesh_side(window) == 200, timeout=5000)
    row = window.parameters.rows["k"]
    row.slider.setSliderDown(True)  # pressed on its handle, as a mouse does
    for fraction in (0.3, 0.35, 0.4):
        row.slider.setValue(round(fraction * row.slider.maximum()))
        assert window.scene.sliding and _mesh_side(window) == SLIDE_GRID
    k = window.scene.function.parameters["k"]
    x, y, f = _mesh_heights(window)
    np.testing.assert_allclose(f, parse(f"x^2 + {k!r}*y^2")(x, y), rtol=2e-5, atol=2e-4)  # the new k, coarse
    assert not any(label.isVisible() for label in window.contour.level_labels)  # numbers that change every frame
    row.slider.setSliderDown(False)  # let go
    assert not window.scene.sliding
    qtbot.waitUntil(lambda: _mesh_side(window) == 200, timeout=5000)
    qtbot.waitUntil(lambda: any(label.isVisible() for label in window.contour.level_labels), timeout=5000)
    x, y, f = _mesh_heights(window)
    np.testing.assert_allclose(f, parse(f"x^2 + {k!r}*y^2")(x, y), rtol=2e-5, atol=2e-4)


def test_a_slider_held_still_shows_the_full_grid(qtbot, window):
    from gradviz.gui.panels.parameter_panel import REST_MS
    from gradviz.model.sampling import SLIDE_GRID

    window.scene.load_preset(BOWL)
    window.scene.set_resolution(200)
    row = window.parameters.rows["k"]
    row.slider.setSliderDown(True)
    row.slider.setValue(round(0.6 * row.slider.maximum()))
    assert window.scene.sample().f.shape == (SLIDE_GRID,) * 2
    qtbot.wait(REST_MS // 3)
    assert window.scene.sliding  # not yet at rest
    qtbot.waitUntil(lambda: _mesh_side(window) == 200, timeout=5000)  # still held, but still: the full grid
    assert row.slider.isSliderDown() and not window.scene.sliding
    row.slider.setSliderDown(False)
