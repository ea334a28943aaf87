"""The main window on a real display: typing, errors, the probe, the Taylor overlays, critical points."""

import math

import numpy as np
import pytest
from PySide6 import QtCore

import gradviz
from gradviz import parse
from gradviz.calculus import local_model
from gradviz.gui.views.surface_view import DEPTH_BIAS
from gradviz.gui.widgets import work_status

from .conftest import drag, image_array, settle


def _mesh_heights(window):
    """The surface mesh's heights in units of f (unclipped vertices only) and their (x, y)."""
    surface = window.surface
    v = surface.mesh.vertices.astype(float)
    f = surface.scale.to_height(v[:, 2])
    inside = (v[:, 2] > 1e-6) & (v[:, 2] < surface.scale.height - 1e-6)
    return v[inside, 0], v[inside, 1], f[inside]


def _type(qtbot, window, text):
    edit = window.expression_bar.edit
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, QtCore.Qt.Key.Key_Return)


def test_default_window_shows_himmelblau_and_the_mesh_holds_its_values(window):
    assert "x^2 + y - 11" in window.expression_bar.edit.text()
    x, y, f = _mesh_heights(window)
    assert len(f) > 1000
    np.testing.assert_allclose(f, parse("(x^2 + y - 11)^2 + (x + y^2 - 7)^2")(x, y), rtol=2e-5, atol=2e-4)


def test_typing_an_expression_updates_the_surface(qtbot, window):
    _type(qtbot, window, "sin(x)*cos(y) + 0.1*(x^2+y^2)")
    assert window.scene.function.text == "sin(x)*cos(y) + 0.1*(x^2+y^2)"
    x, y, f = _mesh_heights(window)
    np.testing.assert_allclose(f, np.sin(x) * np.cos(y) + 0.1 * (x**2 + y**2), rtol=1e-5, atol=1e-5)
    assert window.scene.recent_expressions[0] == "sin(x)*cos(y) + 0.1*(x^2+y^2)"


def test_typing_pauses_then_applies_without_enter(qtbot, window):
    edit = window.expression_bar.edit
    edit.selectAll()
    qtbot.keyClicks(edit, "x^2 - y^2")
    qtbot.waitUntil(lambda: window.scene.function.text == "x^2 - y^2", timeout=3000)


def test_bad_expression_keeps_the_old_surface_and_marks_the_column(qtbot, window):
    before = window.surface.mesh.vertices.copy()
    old = window.scene.function.text
    _type(qtbot, window, "x + z")
    assert window.scene.function.text == old
    np.testing.assert_array_equal(window.surface.mesh.vertices, before)
    message = window.expression_bar.error.text()
    assert "unknown name" in message and "column 5" in message
    assert window.expression_bar.edit.cursorPosition() == 4
    _type(qtbot, window, "x^2")
    assert window.expression_bar.error.text() == ""


def test_dragging_the_probe_moves_it_and_the_readout_matches_the_core(qtbot, window):
    view = window.contour
    x0, y0 = window.scene.probe
    start = view.data_to_widget(x0, y0)
    end = view.data_to_widget(2.0, -1.5)
    drag(qtbot, view, start, end)
    px, py = window.scene.probe
    assert (px, py) != (x0, y0)
    assert math.hypot(px - 2.0, py + 1.5) < 0.15
    m = local_model(window.scene.function, px, py)
    text = window.readout.text()
    from gradviz.gui.widgets.format import num
    assert num(m.f, 7) in text and num(m.fx) in text and num(m.grad_norm) in text


def test_typed_probe_moves_the_target(qtbot, window):
    window.controls.probe_x.setValue(1.25)
    assert window.scene.probe[0] == 1.25
    assert window.contour.probe.pos().x() == pytest.approx(1.25)


def test_taylor_overlays_equal_the_formulas_for_the_seed_example(qtbot, window):
    window.scene.load_preset("x·exp(−x²−y²)")
    window.scene.set_probe(-1.0, 0.0)
    window.scene.set_view(radius=0.5)
    surface = window.surface
    e = math.exp(-1)
    for item, truth in ((surface.tangent, lambda x, y: e * (-1 - (x + 1))),
                        (surface.quadratic, lambda x, y: e * (-1 - (x + 1) + (x + 1) ** 2 + y**2))):
        v = item.opts["meshdata"].vertexes().astype(float)
        f = surface.scale.to_height(v[:, 2] - DEPTH_BIAS * surface.scale.height)  # drawn a hair above
        np.testing.assert_allclose(f, truth(v[:, 0], v[:, 1]), rtol=1e-5, atol=1e-5)
        assert item.visible()


@pytest.mark.parametrize("preset,expected", [
    ("3x⁴ − 4x³ − 12x²", [(-1.0, "minimum"), (0.0, "maximum"), (2.0, "minimum")]),
    ("x²y + xy²", [(0.0, "degenerate")]),
])
def test_critical_points_of_the_seed_functions(qtbot, window, preset, expected):
    window.scene.load_preset(preset)
    qtbot.mouseClick(window.critical.button, QtCore.Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.scene.found_critical_points is not None)  # searched off the GUI thread
    points = window.scene.found_critical_points
    assert [(round(p.x, 6) + 0.0, p.kind) for p in points] == expected
    assert window.critical.table.rowCount() == len(expected)
    assert len(window.contour.critical.data) == len(expected)
    window.critical.table.cellClicked.emit(len(expected) - 1, 0)
    assert window.scene.probe[0] == pytest.approx(expected[-1][0], abs=1e-6)
    spot = window.contour.critical.points()[0]
    window.contour.critical.sigClicked.emit(window.contour.critical, [spot], None)
    assert window.scene.probe[0] == pytest.approx(expected[0][0], abs=1e-6)


def test_model_and_widgets_stay_in_step_both_ways(qtbot, window):
    window.scene.set_view(gradient_field=False)
    assert not window.controls.checks["gradient_field"].isChecked()
    assert not window.overlay_actions["gradient_field"].isChecked()
    assert not window.contour.field.isVisible()
    window.controls.checks["gradient_field"].setChecked(True)
    assert window.scene.view.gradient_field
    assert window.contour.field.isVisible()
    window.overlay_actions["tangent_plane"].trigger()
    assert not window.scene.view.tangent_plane and not window.surface.tangent.visible()
    window.controls.colormap.setCurrentText("plasma")
    assert window.scene.view.colormap == "plasma"


def test_view_settings_are_remembered(qtbot, window, tmp_path):
    from gradviz.gui.main_window import MainWindow
    from gradviz.model.scene import Scene

    window.scene.set_view(colormap="magma", contour_count=7)
    window.close()
    settings = QtCore.QSettings(str(tmp_path / "settings.ini"), QtCore.QSettings.Format.IniFormat)
    again = MainWindow(Scene(), settings)
    again.files.ask_unsaved = lambda: "discard"
    qtbot.addWidget(again)
    assert again.scene.view.colormap == "magma" and again.scene.view.contour_count == 7


def test_hover_shows_values_in_the_status_bar(qtbot, window):
    import re

    from PySide6.QtTest import QTest

    view = window.contour
    qtbot.wait(200)  # let the layout settle before mapping data to pixels
    QTest.mouseMove(view.viewport(), view.data_to_widget(1.0, 2.0))
    qtbot.waitUntil(lambda: "f = " in window.hover_label.text(), timeout=2000)
    text = window.hover_label.text()
    x, y, f = (float(v.replace("−", "-")) for v in re.findall(r"[xyf] = (\S+)", text))
    assert abs(x - 1.0) < 0.05 and abs(y - 2.0) < 0.05
    assert f == pytest.approx(float(window.scene.function(x, y)), rel=1e-4)
    assert "tangent error" in window.readout.text()


def test_3d_frame_is_not_blank(qtbot, window):
    qtbot.wait(300)
    pixels = image_array(window.surface.grabFramebuffer())
    assert pixels.shape[0] > 200 and pixels.shape[1] > 200
    colours = np.unique(pixels.reshape(-1, 3), axis=0)
    assert len(colours) > 200
    background = np.array([0x1D, 0x21, 0x27])
    assert np.mean(np.any(pixels != background, axis=2)) > 0.2


def test_picking_on_the_3d_surface_finds_the_point_under_the_mouse(qtbot, window):
    surface = window.surface
    qtbot.wait(100)
    x, y = 1.0, -2.0
    z = float(surface.scale.to_display(window.scene.function(x, y)))
    w, h = surface.width(), surface.height()
    m = surface.projectionMatrix((0, 0, w, h), (0, 0, w, h)) * surface.viewMatrix()
    from PySide6 import QtGui
    p = m.map(QtGui.QVector4D(x, y, z, 1.0))
    sx, sy = (p.x() / p.w() + 1) * w / 2, (1 - p.y() / p.w()) * h / 2
    origin, direction = surface.ray_at(QtCore.QPointF(sx, sy))
    hit = surface.surface_point(origin, direction)
    assert hit is not None and math.hypot(hit[0] - x, hit[1] - y) < 0.05


def test_outside_the_domain_the_readout_says_so_and_the_models_hide(qtbot, window):
    window.scene.set_expression("log(x) + y")
    window.scene.set_probe(-1.0, 0.5)
    assert "outside f's domain" in window.readout.text()
    assert not window.surface.tangent.visible() and not window.surface.quadratic.visible()
    window.scene.set_probe(1.0, 0.5)
    assert "outside f's domain" not in window.readout.text()
    assert window.surface.tangent.visible()
    window.scene.descent.set_starts([(0.5, 0.0)])
    window.scene.descent.set_method("gd", enabled=True, lr=1.0)
    settle(qtbot, window)
    texts = [window.loss.runs_table.text(r, 6) for r in range(window.loss.runs_table.rowCount())]
    assert "left f's domain at step 1" in texts


def test_contour_labels_keep_away_from_the_markers(qtbot, window):
    model = window.scene
    model.set_expression("x^2 + y^2")
    model.set_domain((-2, 2, -2, 2))
    model.find_critical_points()
    for probe in [(0.0, 0.0), (0.8, 0.3), (-1.0, -0.5)]:
        model.set_probe(*probe)
        markers = window.contour.marker_positions()
        assert tuple(probe) in markers and (0.0, 0.0) in markers  # the probe and the minimum
        shown = [lab.pos() for lab in window.contour.level_labels if lab.isVisible()]
        assert shown
        for pos in shown:
            for mx, my in markers:
                assert math.hypot(pos.x() - mx, pos.y() - my) >= 0.5 * 0.12 * 4 - 1e-9


def test_the_loss_legend_covers_no_curve_and_its_styles_differ(qtbot, window):
    from gradviz.gui.widgets.styles import style_pixmap

    loss = window.loss
    window.bottom_tabs.setCurrentIndex(0)
    qtbot.waitUntil(loss.isVisible)
    legend = loss.legend.geometry()
    plot = loss.plot.geometry()
    assert not legend.intersects(plot)
    images = {m: style_pixmap(m).toImage() for m in ("gd", "momentum", "nesterov", "adam", "adamw", "rmsprop")}
    arrays = {m: image_array(img).astype(int) for m, img in images.items()}
    names = list(arrays)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert np.abs(arrays[a] - arrays[b]).sum() > 500, (a, b)  # every pair looks different


def test_a_long_f_with_a_typo_never_widens_the_window(qtbot, window):
    """A 2,800-character formula with a typo made the window 21,046 px wide; the error line now shows the text
    around the column, and the window keeps its width (and the 3D view its picture)."""
    screen = window.screen().availableGeometry().width()
    width = window.width()
    term = "sin(1.5*x + 0.25*y)*cos(x - y) + "
    long_text = term * (2800 // len(term)) + "x +* y"
    window.expression_bar.edit.setText(long_text)
    window.expression_bar.apply()
    qtbot.wait(30)
    assert window.scene.error is not None
    assert window.width() <= min(width + 2, screen)
    shown = window.expression_bar.error.text()
    assert "…" in shown and "+* y" in shown.replace("<span style='background:#f5b7b1;color:#000'>", "").replace(
        "</span>", "")
    assert len(shown) < 600
    window.scene.set_expression("x^2 + y^2")
    qtbot.wait(30)
    assert window.width() <= min(width + 2, screen)
    assert window.surface.width() > 100 and not window.surface.grabFramebuffer().isNull()


def test_a_ten_megabyte_paste_is_refused_without_reaching_opengl(qtbot, window):
    """The field keeps at most 32,767 characters (Qt's limit); the name they make is refused, and the message
    quoting it is shown elided: the window keeps its width and the last good f its surface."""
    width = window.width()
    window.expression_bar.edit.setText("x" * 10_000_000)
    window.expression_bar.apply()
    qtbot.wait(30)
    assert "unknown name" in str(window.scene.error)
    assert window.width() <= width + 2
    assert len(window.expression_bar.error.text()) < 600
    assert not window.surface.grabFramebuffer().isNull()
    with pytest.raises(gradviz.ExpressionError, match="too long"):  # the library refuses it whole
        gradviz.parse("x" * 10_000_000)


def test_the_search_runs_off_the_gui_thread_with_progress_and_cancel(qtbot, window, monkeypatch):
    """Ctrl+K on a wavy f over a wide domain: the search is handed to the worker, the status bar shows it with a
    Cancel button (at once here: the bar's delay is off), the window keeps answering, and the result arrives for
    the f on screen."""
    monkeypatch.setattr(work_status, "SHOW_AFTER", 0.0)
    scene = window.scene
    scene.set_expression("sin(3*x)*sin(3*y) + 0.01*x*y")
    scene.set_domain((-12.0, 12.0, -12.0, 12.0))
    settle(qtbot, window)
    scene.request_critical_points()
    assert scene.busy and window.work.isVisible() and window.work.cancel.isVisible()
    qtbot.waitUntil(lambda: scene.found_critical_points is not None, timeout=60000)
    assert not scene.busy and not window.work.isVisible()
    assert len(scene.found_critical_points) > 100
    scene.set_domain((-10.0, 10.0, -10.0, 10.0))
    scene.request_critical_points()
    window.work.cancel.click()  # cancelled: nothing new is shown, the old points were dropped with the domain
    qtbot.wait(300)
    assert not scene.busy and scene.found_critical_points is None and not window.work.isVisible()


def test_short_work_comes_and_goes_without_the_bar(qtbot, window):
    """A job shorter than SHOW_AFTER (the search on a paraboloid) never shows the progress bar."""
    window.scene.set_expression("x^2 + y^2")
    settle(qtbot, window)
    shown = []
    window.scene.work_changed.connect(lambda: shown.append(window.work.isVisible()))
    window.scene.request_critical_points()
    qtbot.waitUntil(lambda: window.scene.found_critical_points is not None, timeout=20000)
    qtbot.wait(150)
    assert len(window.scene.found_critical_points) == 1
    assert not any(shown) and not window.work.isVisible()
