"""Descent in the window: start points, trajectories, divergence, playback, the settings panel."""

import numpy as np
import pytest
from PySide6 import QtCore, QtGui
from PySide6.QtTest import QTest

from gradviz.gui.widgets.styles import start_color

from .conftest import drag, settle


def _runs(window):
    return {(p.key, m): t for p, m, t in window.scene.descent.trajectories()}


def _pieces(curve):
    """A joined curve's runs: its (x, y) data split at the nan gaps."""
    xs, ys = curve.getData()
    cuts = np.flatnonzero(np.isnan(xs))
    return [np.column_stack([x, y]) for x, y in zip(np.split(xs, cuts), np.split(ys, cuts), strict=True)]


def test_dragging_a_start_point_changes_its_trajectories(qtbot, window):
    d = window.scene.descent
    start = d.starts[0]
    before = _runs(window)
    view = window.contour
    qtbot.wait(100)
    drag(qtbot, view, view.data_to_widget(start.x, start.y), view.data_to_widget(3.5, -3.5))
    moved = d.starts[0]
    settle(qtbot, window)
    assert abs(moved.x - 3.5) < 0.2 and abs(moved.y + 3.5) < 0.2
    after = _runs(window)
    for method in d.enabled_methods:
        old, new = before[(start.key, method)], after[(start.key, method)]
        assert tuple(new.points[0]) == (moved.x, moved.y)
        assert not np.array_equal(old.points[-1], new.points[-1]) or len(old.points) != len(new.points)
        curve = view.trajectories.curves[(start_color(start.key), method)]
        pieces = [p[np.isfinite(p[:, 0])] for p in _pieces(curve)]
        assert any(len(p) == len(new.points) and np.allclose(p, new.points) for p in pieces)
    other = d.starts[1]
    for method in d.enabled_methods:
        assert before[(other.key, method)] is after[(other.key, method)]  # untouched paths are not recomputed


def test_shift_click_adds_and_context_menu_deletes(qtbot, window):
    d = window.scene.descent
    view = window.contour
    qtbot.wait(100)
    n = len(d.starts)
    QTest.mouseClick(view.viewport(), QtCore.Qt.MouseButton.LeftButton, QtCore.Qt.KeyboardModifier.ShiftModifier,
                     view.data_to_widget(-4.0, 4.0))
    assert len(d.starts) == n + 1
    settle(qtbot, window)  # the paths are redrawn in a pass of the event loop of their own
    added = d.starts[-1]
    assert abs(added.x + 4.0) < 0.1 and abs(added.y - 4.0) < 0.1
    assert len(view.trajectories.shown) == (n + 1) * len(d.enabled_methods)
    assert set(view.trajectories.curves) == {(start_color(p.key), m) for p in d.starts for m in d.enabled_methods}
    assert window.loss.runs_table.rowCount() == (n + 1) * len(d.enabled_methods)
    view.trajectories.targets[added.key].delete()
    settle(qtbot, window)
    assert len(d.starts) == n and added.key not in view.trajectories.targets
    assert len(view.trajectories.shown) == n * len(d.enabled_methods)


def test_add_mode_adds_with_a_plain_click(qtbot, window):
    window.add_action.trigger()
    assert window.contour.add_mode and window.descent.add_mode.isChecked()
    n = len(window.scene.descent.starts)
    qtbot.wait(100)
    QTest.mouseClick(window.contour.viewport(), QtCore.Qt.MouseButton.LeftButton,
                     QtCore.Qt.KeyboardModifier.NoModifier, window.contour.data_to_widget(2.0, 2.0))
    assert len(window.scene.descent.starts) == n + 1


def test_diverging_run_is_marked_and_the_window_keeps_responding(qtbot, window):
    window.scene.load_preset("Rosenbrock")
    d = window.scene.descent
    d.set_method("gd", lr=0.1)
    runs = [(p, t) for p, m, t in d.trajectories() if m == "gd"]
    assert all(t.status == "diverged" for _, t in runs)
    settle(qtbot, window)
    table = window.loss.runs_table
    statuses = [table.text(r, 6) for r in range(table.rowCount())]
    assert any(s.startswith("diverged at step") for s in statuses)
    labels = [label.textItem.toPlainText() for label in window.contour.trajectories.labels]
    assert any("diverged at step" in text for text in labels)
    window.scene.set_probe(0.5, 0.5)  # still responding
    qtbot.wait(50)
    assert window.readout.text().count("0.5") >= 2


def test_playback_reaches_the_last_step_and_stops(qtbot, window):
    bar = window.playback
    bar.speed.setValue(2000)
    last = bar.last_step()
    qtbot.mouseClick(bar.play, QtCore.Qt.MouseButton.LeftButton)
    assert bar.play.isChecked()
    qtbot.waitUntil(lambda: not bar.play.isChecked(), timeout=10000)
    assert window.scene.descent.playback == last
    assert len(window.contour.trajectories.iterates.data) == len(window.scene.descent.trajectories())
    bar.whole.click()
    assert window.scene.descent.playback is None


def test_newton_playback_shows_its_quadratic_model(qtbot, window):
    d = window.scene.descent
    d.set_method("newton", enabled=True)
    d.set_playback(1)
    assert window.surface.trajectories.newton_model.visible()
    d.set_playback(None)
    assert not window.surface.trajectories.newton_model.visible()


def test_panel_and_model_stay_in_step(qtbot, window):
    d = window.scene.descent
    d.set_method("adam", lr=0.2, beta1=0.8)
    assert window.descent.lrs["adam"].value() == pytest.approx(0.2)
    assert window.descent.hyper[("adam", "beta1")].value() == pytest.approx(0.8)
    window.descent.lrs["gd"].setValue(0.02)
    assert d.methods["gd"].lr == pytest.approx(0.02)
    window.descent.enabled["nesterov"].setChecked(True)
    assert "nesterov" in d.enabled_methods
    assert "2/λ" in window.descent.stability.text()


def test_dragging_a_start_point_on_the_3d_surface(qtbot, window):
    surface = window.surface
    d = window.scene.descent
    qtbot.wait(200)
    start = d.starts[0]
    lifted = surface.trajectories.lift(np.array([[start.x, start.y]]))[0]
    sx, sy = surface.project(lifted)
    target = np.array([1.0, 1.0, float(surface.scale.to_display(window.scene.function(1.0, 1.0)))])
    tx, ty = surface.project(target)
    left = QtCore.Qt.MouseButton.LeftButton
    none = QtCore.Qt.KeyboardModifier.NoModifier
    QTest.mousePress(surface, left, none, QtCore.QPoint(round(sx), round(sy)))
    for k in range(1, 6):
        QTest.mouseMove(surface, QtCore.QPoint(round(sx + (tx - sx) * k / 5), round(sy + (ty - sy) * k / 5)))
    QTest.mouseRelease(surface, left, none, QtCore.QPoint(round(tx), round(ty)))
    moved = d.starts[0]
    assert (moved.x, moved.y) != (start.x, start.y)
    assert abs(moved.x - 1.0) < 0.3 and abs(moved.y - 1.0) < 0.3


def test_many_start_points_get_their_markers_over_several_passes_and_reuse_them(qtbot, window, monkeypatch):
    """256 start points at once: at most NEW_TARGETS_PER_PASS markers are made in the pass of the change, the rest
    in later passes; markers of removed points are hidden and reused, each at its own point and in its colour."""
    from gradviz.gui.views import trajectory_layer
    from gradviz.gui.widgets.styles import start_color
    from gradviz.model.limits import MAX_STARTS

    layer = window.contour.trajectories
    d = window.scene.descent
    settle(qtbot, window)
    made = []
    original = trajectory_layer.StartTarget.__init__

    def counting(self, *args, **kwargs):
        made.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(trajectory_layer.StartTarget, "__init__", counting)
    rng = np.random.default_rng(3)
    points = [(float(a), float(b)) for a, b in rng.uniform(-4, 4, (MAX_STARTS, 2))]
    d.set_starts(points)
    assert len(made) <= trajectory_layer.NEW_TARGETS_PER_PASS
    assert len(layer.targets) < MAX_STARTS
    settle(qtbot, window)
    assert sorted(layer.targets) == sorted(p.key for p in d.starts)
    for p in d.starts:
        target = layer.targets[p.key]
        assert target.isVisible() and (target.pos().x(), target.pos().y()) == (p.x, p.y)
        assert target.key == p.key and target.brush.color().name() == QtGui.QColor(start_color(p.key)).name()
    d.set_starts(points[:5])
    settle(qtbot, window)
    assert len(layer.targets) == 5 and len(layer.spare_targets) == MAX_STARTS - 5
    assert not any(t.isVisible() for t in layer.spare_targets)
    made.clear()
    d.set_starts([(float(a), float(b)) for a, b in rng.uniform(-4, 4, (MAX_STARTS, 2))])
    settle(qtbot, window)
    assert made == []  # every marker reused
    moved = d.starts[7]
    target = layer.targets[moved.key]
    target.setPos(1.25, -2.5)  # a reused marker drags its own start point
    assert (d.starts[7].x, d.starts[7].y) == (1.25, -2.5)


def test_the_loss_view_draws_many_runs_one_pixel_wide(qtbot, window):
    from gradviz.gui.widgets.styles import HAIRLINE_RUNS

    d = window.scene.descent
    loss = window.loss
    window.bottom_tabs.setCurrentIndex(0)  # the descent page, with the loss view
    rng = np.random.default_rng(4)
    many = HAIRLINE_RUNS // len(d.enabled_methods) + 1
    d.set_starts([(float(a), float(b)) for a, b in rng.uniform(-4, 4, (many, 2))])
    settle(qtbot, window)
    assert {c.opts["pen"].widthF() for c in loss.curves.values()} == {1.0}
    d.set_starts([(1.0, 1.0), (-2.0, 0.5)])
    settle(qtbot, window)
    assert {c.opts["pen"].widthF() for c in loss.curves.values()} == {1.8}


def test_the_3d_view_draws_every_path_of_a_look_in_one_line_item(qtbot, window):
    """One GL line item per (colour, width), holding each path as pairs of points (mode "lines"): the paths of
    that look, each point raised onto the surface, and no segment joining one path to the next."""
    from gradviz.descent.optimizers import OPTIMIZERS
    from gradviz.gui.widgets.styles import START_COLORS, start_color
    from gradviz.model.limits import MAX_STARTS

    d = window.scene.descent
    layer = window.surface.trajectories
    d.set_starts([(-1.5, 2.0), (2.5, -1.0), (0.5, 0.5), (4.9, 4.9)])
    for lr in (None, 0.05):  # the default steps, then gradient descent leaving the domain
        if lr is not None:
            d.set_method("gd", lr=lr)
        settle(qtbot, window)
        expected: dict = {}
        left = 0
        for p, method, traj in d.trajectories():
            pts, f = layer.inside(traj, None)
            left += len(pts) < len(traj.points)
            z = window.surface._display(f) + 0.006 * window.surface.scale.height
            lifted = np.column_stack([pts, z])
            lifted = lifted[np.isfinite(lifted).all(axis=1)]
            width = 1.5 if OPTIMIZERS[method].uses_hessian else 2.5
            pairs = np.stack([lifted[:-1], lifted[1:]], axis=1).reshape(-1, 3)  # segment k: point k to point k + 1
            expected.setdefault((start_color(p.key), width), []).append(pairs)
        assert set(layer.lines) == set(expected)
        for look, line in layer.lines.items():
            assert line.mode == "lines"
            np.testing.assert_allclose(line.pos, np.concatenate(expected[look]), rtol=1e-6)
    assert left  # some path was cut where it left the domain
    d.set_starts([(float(a), float(b)) for a, b in np.random.default_rng(2).uniform(-4, 4, (MAX_STARTS, 2))])
    settle(qtbot, window)
    assert len(layer.lines) <= len(START_COLORS) * 2  # colours × widths, however many paths


def test_the_contour_view_joins_the_paths_of_a_look_into_one_curve(qtbot, window):
    """One curve per (colour, method): its runs, split at the gaps, are each path's finite points, in order; a path
    that changes is redrawn in its look's curve, and the other looks are left alone."""
    d = window.scene.descent
    layer = window.contour.trajectories
    d.set_starts([(-1.5, 2.0), (2.5, -1.0), (0.5, 0.5), (-2.0, -2.5)])
    settle(qtbot, window)
    colors = {start_color(p.key) for p in d.starts}
    assert set(layer.curves) == {(c, m) for c in colors for m in d.enabled_methods}
    for (color, method), curve in layer.curves.items():
        want = [t.points[np.isfinite(t.points).all(axis=1)] for p, m, t in d.trajectories()
                if m == method and start_color(p.key) == color]
        got = _pieces(curve)
        assert len(got) == len(want)
        for g, w in zip(got, want, strict=True):
            np.testing.assert_allclose(g, w)
    from gradviz.gui.views.trajectory_layer import MAX_MARKERS, marker_stride

    runs = d.trajectories()
    stride = marker_stride(d.steps, len(runs))
    want_marks = np.concatenate([t.points[np.isfinite(t.points).all(axis=1)][::stride][1:] for _, _, t in runs])
    got_marks = layer.markers.points()
    assert len(got_marks) == len(want_marks)
    np.testing.assert_allclose(np.sort(got_marks, axis=0), np.sort(want_marks, axis=0))
    ends = layer.ends.points()
    for _, _, t in runs:
        assert np.isclose(ends, t.points[np.isfinite(t.points).all(axis=1)][-1]).all(axis=1).any()
    assert marker_stride(1000, 1024) * MAX_MARKERS >= 1000 * 1024 > (marker_stride(1000, 1024) - 1) * MAX_MARKERS
    assert marker_stride(500, 12) == marker_stride(500) == 25
    other = next(look for look in layer.curves if look[0] != start_color(d.starts[0].key))
    before = layer.curves[other].getData()[0]
    d.move_start(d.starts[0].key, 1.0, -0.5)
    settle(qtbot, window)
    first = next(t for p, m, t in d.trajectories() if p.key == d.starts[0].key and m == d.enabled_methods[0])
    look = layer.curves[(start_color(d.starts[0].key), d.enabled_methods[0])]
    assert any(len(g) == len(first.points) and np.allclose(g, first.points) for g in _pieces(look))
    assert layer.curves[other].getData()[0] is before  # not given new data


def test_the_results_table_writes_only_the_rows_asked_for_and_follows_changed_runs(qtbot, window):
    """The table's model keeps the runs; a cell's text is made when the view asks for it (rows on screen, and the
    rows the columns are fitted to), and a run that changes rewrites its own row only."""
    from gradviz.gui.views.loss_view import RESIZE_ROWS
    from gradviz.model.limits import MAX_STARTS

    d = window.scene.descent
    model = window.loss.runs_table
    window.bottom_tabs.setCurrentIndex(0)
    d.set_starts([(float(a), float(b)) for a, b in np.random.default_rng(6).uniform(-4, 4, (MAX_STARTS, 2))])
    settle(qtbot, window)
    runs = d.trajectories()
    assert model.rowCount() == len(runs) == MAX_STARTS * len(d.enabled_methods)
    assert len(model._texts) <= RESIZE_ROWS + 64  # not 768 rows written
    for r in (0, 5, len(runs) - 1):
        p, method, traj = runs[r]
        assert model.text(r, 1) == f"({p.x:.3g}, {p.y:.3g})".replace("-", "−")
        assert model.text(r, 3) == f"{traj.values[-1]:.6g}".replace("-", "−")
    seen = []
    model.dataChanged.connect(lambda a, b: seen.append((a.row(), b.row())))
    moved = d.starts[3]
    d.move_start(moved.key, 0.25, -0.75)
    settle(qtbot, window)
    rows = [r for r, (p, _, _) in enumerate(d.trajectories()) if p.key == moved.key]
    assert seen and min(a for a, _ in seen) <= min(rows) and max(b for _, b in seen) >= max(rows)
    assert all(model.text(r, 1) == "(0.25, −0.75)" for r in rows)


def test_the_3d_view_lifts_many_new_paths_over_several_passes_never_mixing_two_fs(qtbot, window, monkeypatch):
    """Past LIFT_PER_PASS changed paths, the rest wait for a later pass: those of the same f keep their earlier
    drawing, those drawn for another f are left out until their turn; in the end every path is drawn."""
    from gradviz.gui.views import surface_trajectories

    monkeypatch.setattr(surface_trajectories, "LIFT_PER_PASS", 5)
    d = window.scene.descent
    layer = window.surface.trajectories
    d.set_starts([(-1.5, 2.0), (2.5, -1.0), (0.5, 0.5), (-2.0, -2.5)])
    settle(qtbot, window)
    window.scene.set_expression("x^2 + 3*y^2 + sin(x)")  # the views redraw its paths at once, 5 a pass
    f_id = id(window.scene.function)
    drawn_now = [v for v in layer._paths_drawn.values() if v[1][2] == f_id]
    assert 0 < len(drawn_now) < len(d.trajectories()) == 12
    total = sum(len(line.pos) for line in layer.lines.values())
    assert total == sum(len(v[2]) for v in drawn_now)  # nothing of the old f is on screen
    settle(qtbot, window)
    runs = d.trajectories()
    assert all(layer._paths_drawn[(p.key, m)][0] is t for p, m, t in runs)
    assert all(v[1][2] == id(window.scene.function) for v in layer._paths_drawn.values())
