"""Inside the optimizers, in the window: glyphs at the playback iterate, the narrated step, the
step-size panel and its phase diagram, the sharpness plot; and overlays described once."""

import numpy as np
import pytest
from PySide6 import QtCore

from gradviz.descent.insight import metric_at, momentum_rate, narrate
from gradviz.gui.widgets.styles import start_color

from .conftest import settle


def _rosenbrock_playback(window, step=25):
    model = window.scene
    model.load_preset("Rosenbrock")
    d = model.descent
    for m in ("gd", "nesterov", "adagrad", "rmsprop", "adamw"):
        d.set_method(m, enabled=False)
    d.set_method("momentum", enabled=True, lr=1e-4)
    d.set_method("adam", enabled=True, lr=0.05)
    d.set_method("newton", enabled=True)
    d.set_playback(step)
    return model


def test_glyphs_follow_playback_and_say_what_they_are(qtbot, window):
    model = _rosenbrock_playback(window)
    glyphs = window.contour.glyphs
    runs = model.descent.trajectories()
    for p, method, traj in runs:
        key = (p.key, method)
        ellipse = glyphs.ellipses[key]
        assert ellipse.isVisible()
        x, y = ellipse.getData()
        k = min(25, len(traj.points) - 1)
        np.testing.assert_allclose([x[:-1].mean(), y[:-1].mean()], traj.points[k], atol=1e-9)  # centred there
        m = metric_at(traj, k)
        assert m.sentence.split(":")[0] in ellipse.toolTip()
        if method in ("momentum", "adam"):
            arrow = glyphs.arrows[key]
            assert arrow.isVisible() and ("velocity b" in arrow.toolTip() or "first moment m" in arrow.toolTip())
            ax, ay = arrow.getData()
            v = traj.state["b" if method == "momentum" else "m"][k]
            direction = np.array([ax[1] - ax[0], ay[1] - ay[0]])
            assert np.dot(direction, -v) > 0.99 * np.linalg.norm(direction) * np.linalg.norm(v)  # along −b / −m
        else:
            assert key not in glyphs.arrows or not glyphs.arrows[key].isVisible()
    adam = next(t for p, m, t in runs if m == "adam")
    newton = next(t for p, m, t in runs if m == "newton")
    assert metric_at(adam, 25).angle == 0.0 and metric_at(newton, 3).angle != 0.0
    window.overlay_actions["metric_ellipses"].trigger()
    window.overlay_actions["state_arrows"].trigger()
    assert not any(i.isVisible() for i in [*glyphs.ellipses.values(), *glyphs.arrows.values()])
    window.overlay_actions["metric_ellipses"].trigger()
    model.descent.set_playback(None)  # whole paths: no glyphs
    assert not any(i.isVisible() for i in glyphs.ellipses.values())


def test_the_narration_follows_the_playback_step(qtbot, window):
    model = _rosenbrock_playback(window, 10)
    first = model.descent.trajectories()[0][2]
    assert narrate(first, 10) in window.narration.text().replace("&gt;", ">").replace("\u00a0", " ")
    model.descent.set_playback(11)
    assert narrate(first, 11) in window.narration.text().replace("&gt;", ">").replace("\u00a0", " ")


def test_the_step_size_panel_and_a_click_on_the_diagram(qtbot, window):
    model = window.scene
    model.set_expression("0.5*(x^2 + 25*y^2)")
    model.set_probe(0.5, 0.5)
    window.bottom_tabs.setCurrentWidget(window.stepsize)
    qtbot.waitUntil(window.stepsize.isVisible)
    panel = window.stepsize
    model.descent.set_method("gd", lr=0.05)
    text = panel.text.text()
    assert "λ₂ = 25" in text and "|1 − ηλ| = 0.25" in text and "oscillates" in text  # 1 − 0.05·25 = −0.25
    assert "2/λmax = 0.08" in text and "2/(λ₁ + λ₂) = 0.07692" in text
    # each enabled method's own limit (GD, momentum, Adam are on): momentum's η < (2 + 2μ)/λmax = 3.8/25
    mom = model.descent.methods["momentum"]
    assert f"(2 + 2μ)/λmax = {3.8 / 25:.4g}" in text and "Adam: no fixed limit" in text
    assert ("η = 0.05: stable" in text) and (f"η = {mom.lr:.4g}: stable" in text)
    model.descent.set_method("gd", lr=0.09)
    assert "η = 0.09: <b>unstable</b>" in panel.text.text()
    # the diagram's dashed edge is the registry's limit η = (2 + 2μ)/λmax
    xs, ys = panel.boundary.getData()
    np.testing.assert_allclose(10 ** xs, (2 + 2 * ys) / 25, rtol=1e-9)
    image = panel.image.image
    assert image.shape == (140, 100)
    # a click where η = 10^−1.5 and μ = 0.5: momentum takes them, and its paths are recomputed
    before = [t for p, m, t in model.descent.trajectories() if m == "momentum"]
    vb = panel.diagram.getPlotItem().getViewBox()
    pos = panel.diagram.mapFromScene(vb.mapViewToScene(QtCore.QPointF(-1.5, 0.5)))
    qtbot.mouseClick(panel.diagram.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=pos)
    s = model.descent.methods["momentum"]
    assert s.enabled and s.lr == pytest.approx(10**-1.5, rel=0.05) and s.hyper_dict["momentum"] == pytest.approx(0.5,
                                                                                                               abs=0.02)
    after = [t for p, m, t in model.descent.trajectories() if m == "momentum"]
    assert after and all(a is not b for a, b in zip(after, before, strict=False))
    x, y = panel.current.getData()
    assert (x[0], y[0]) == pytest.approx((np.log10(s.lr), s.hyper_dict["momentum"]))
    rate = float(momentum_rate(s.lr, s.hyper_dict["momentum"], np.array([1.0, 25.0])))
    assert f"rate {rate:.4g}" in panel.current.toolTip()


def test_sharpness_plot(qtbot, window):
    model = window.scene
    model.set_expression("0.5*(x^2 + 25*y^2) + 0.1*x^4")
    model.descent.set_starts([(1.0, 0.5)])
    window.loss.show_sharpness.setChecked(True)
    settle(qtbot, window)
    plot = window.loss.sharpness
    assert plot.isVisible()
    assert len(plot.curves) == len(model.descent.enabled_methods)  # one start point: one run per (colour, method)
    for (color, method), curve in plot.curves.items():
        traj = next(t for p, m, t in model.descent.trajectories() if start_color(p.key) == color and m == method)
        np.testing.assert_allclose(curve.getData()[1], traj.sharpness)
    d = model.descent
    gd_lr, mom = d.methods["gd"].lr, d.methods["momentum"]
    values = sorted((line.value(), line.label.toPlainText()) for line in plot.lines)
    assert [v for v, _ in values] == pytest.approx(sorted([2 / gd_lr, (2 + 2 * mom.hyper_dict["momentum"]) / mom.lr]))
    assert any("2/η" in text and "Gradient descent" in text for _, text in values)
    assert not any("Adam" in text for _, text in values)  # Adam's step does not scale with η·λ
    assert "(none for Adam)" in plot.getPlotItem().titleLabel.text


def test_sharpness_lines_that_coincide_share_one_label(qtbot, window):
    """x² + 30y² with GD at η 0.03 and momentum and Nesterov at η 0.05 (the issue's scene): momentum's limit is
    (2 + 2μ)/η = 76 (it converges with λmax = 60), Nesterov's (2 + 2μ)/((1 + 2μ)η) ≈ 27.1, GD's 2/η ≈ 66.7; the
    labels sit at different places along the axis."""
    model = window.scene
    model.set_expression("x^2 + 30*y^2")
    d = model.descent
    d.set_starts([(1.0, 1.0)])
    for m in d.methods:
        d.set_method(m, enabled=m in ("gd", "momentum", "nesterov"))
    d.set_method("gd", lr=0.03)
    d.set_method("momentum", lr=0.05)
    d.set_method("nesterov", lr=0.05)
    window.loss.show_sharpness.setChecked(True)
    plot = window.loss.sharpness
    values = sorted(line.value() for line in plot.lines)
    assert values == pytest.approx([3.8 / 2.8 / 0.05, 2 / 0.03, 3.8 / 0.05])
    # neighbouring lines (in value) put their labels at different places along the axis: no overlap
    by_value = sorted(plot.lines, key=lambda line: line.value())
    assert all(a.label.orthoPos != b.label.orthoPos for a, b in zip(by_value, by_value[1:], strict=False))
    d.set_method("gd", lr=2 / 76)  # now GD's 2/η equals momentum's limit: one line names both
    settle(qtbot, window)
    texts = [line.label.toPlainText() for line in plot.lines]
    assert len(plot.lines) == 2
    assert any("Gradient descent" in t and "Momentum" in t for t in texts)


def test_the_narration_has_no_floating_accents_and_breaks_only_between_formulas(qtbot, window):
    """Adam's m̂ and v̂ drew their hats on the line above ("Adâm fîom"), and formulas wrapped mid-expression."""
    import unicodedata

    scene = window.scene
    d = scene.descent
    d.set_starts([(1.0, 1.0)])
    for m in d.methods:
        d.set_method(m, enabled=m in ("adam", "adamw", "momentum"))
    d.set_playback(3)
    text = window.narration.text()
    assert "Adam" in text and not any(unicodedata.combining(ch) for ch in text)
    plain = [t for _, t in window.narration.lines()]
    for line in plain:
        head, formulas = line.split(": ", 1)
        assert all(" " not in part for part in formulas.split(", "))  # spaces inside a formula never break


def test_the_results_table_names_the_variables(qtbot, window):
    table = window.loss.table.model()
    horizontal = QtCore.Qt.Orientation.Horizontal
    header = [table.headerData(c, horizontal) for c in range(table.columnCount())]
    assert "final (x, y)" in header and "final w" not in header
    window.scene.set_expression("f(w, b) = (w - 1)^2 + 10*b^2")
    settle(qtbot, window)
    assert table.headerData(2, horizontal) == "final (w, b)"
    shown = window.loss.table.horizontalHeader()  # what the view shows, not only what the model holds
    assert shown.model().headerData(2, horizontal) == "final (w, b)"


def test_runs_joined_into_one_curve_keep_their_points_and_a_gap_between():
    """`joined`: the runs' points in order, one nan between runs and none at the ends, so connect="finite" draws no
    line from one run's end to the next run's start."""
    from gradviz.gui.widgets.styles import joined

    a = (np.arange(3), np.array([3.0, 2.0, 1.0]))
    b = (np.arange(2), np.array([5.0, np.nan]))
    x, y = joined([a, b])
    np.testing.assert_array_equal(x, [0, 1, 2, np.nan, 0, 1])
    np.testing.assert_array_equal(y, [3, 2, 1, np.nan, 5, np.nan])
    x1, y1 = joined([a])
    np.testing.assert_array_equal(y1, a[1])
    assert joined([])[0].size == 0


def test_views_of_many_runs_thin_every_run_alike_and_keep_its_end():
    from gradviz.gui.widgets.styles import MAX_CURVE_POINTS, every_kth, thinning

    assert thinning(MAX_CURVE_POINTS) == 1 and thinning(MAX_CURVE_POINTS + 1) == 2
    assert thinning(1024 * 1001) * MAX_CURVE_POINTS >= 1024 * 1001 > (thinning(1024 * 1001) - 1) * MAX_CURVE_POINTS
    np.testing.assert_array_equal(every_kth(10, 3), [0, 3, 6, 9])
    np.testing.assert_array_equal(every_kth(11, 3), [0, 3, 6, 9, 10])  # the last point kept
    np.testing.assert_array_equal(every_kth(5, 1), np.arange(5))
    assert every_kth(0, 4).size == 0 and every_kth(1, 4).tolist() == [0]
