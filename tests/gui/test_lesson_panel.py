"""The lesson panel driven as a student would: a click in the contour map, an arrow's tip, a choice, a typed
number; the verdicts, hints and reveals; the teacher's locks; progress kept; a scene saved as a step; a bad file."""

import numpy as np
from PySide6 import QtCore, QtWidgets

from gradviz.lessons import check_lesson, read_lesson


def click_at(qtbot, window, x, y):
    """A real left click at the view coordinates (x, y) of the contour map."""
    view = window.contour
    scene_point = view.getPlotItem().getViewBox().mapViewToScene(QtCore.QPointF(x, y))
    qtbot.mouseClick(view.viewport(), QtCore.Qt.MouseButton.LeftButton, pos=view.mapFromScene(scene_point))


def _settle(qtbot, window):
    qtbot.waitUntil(lambda: not window.scene.busy, timeout=10_000)
    QtWidgets.QApplication.processEvents()


def test_click_a_point_then_choose(qtbot, window):
    assert window.show_lesson("critical_points")
    panel = window.lesson_panel
    _settle(qtbot, window)
    assert "Step 1 of 6" in panel.where.text()
    assert not window.expression_bar.isEnabled() and not window.readout.isVisible()  # locked; nothing to peek at
    assert not window.critical.isEnabled()
    assert not window.scene.view.critical_points
    click_at(qtbot, window, 0.0, 0.0)  # the saddle, not a minimum
    assert "✘" in panel.verdict.text() and "saddle" in panel.hint.text()
    click_at(qtbot, window, 2.0, 0.0)
    assert "✔" in panel.verdict.text() and panel.why.text().startswith("Why:")
    assert window.scene.view.critical_points and window.readout.isVisible() and window.critical.isEnabled()
    assert window.settings.value("lessons/critical_points/solved") == "0"
    qtbot.mouseClick(panel.next, QtCore.Qt.MouseButton.LeftButton)
    _settle(qtbot, window)
    buttons = {b.text(): b for b in panel.choice_group.buttons()}
    assert set(buttons) == {"minimum", "maximum", "saddle", "degenerate"}
    buttons["minimum"].setChecked(True)
    qtbot.mouseClick(panel.check, QtCore.Qt.MouseButton.LeftButton)
    assert "book" in panel.hint.text()
    buttons["saddle"].setChecked(True)
    qtbot.mouseClick(panel.check, QtCore.Qt.MouseButton.LeftButton)
    assert "✔" in panel.verdict.text()


def test_an_arrows_tip_answers_a_direction(qtbot, window):
    assert window.show_lesson("gradient")
    panel = window.lesson_panel
    _settle(qtbot, window)
    px, py = window.scene.probe
    click_at(qtbot, window, px - 0.3, py - 0.45)  # downhill: the wrong way for "rises fastest"
    assert "✘" in panel.verdict.text() and "way down" in panel.hint.text()
    click_at(qtbot, window, px + 0.2, py + 0.3)  # along ∇f = (2, 3)
    assert "✔" in panel.verdict.text()
    assert len(panel._items) == 2  # the student's arrow and gradviz's


def test_type_a_number_and_progress_is_kept(qtbot, window):
    assert window.show_lesson("descent")
    panel = window.lesson_panel
    panel.run.show(1)
    _settle(qtbot, window)
    qtbot.keyClicks(panel.number, "fast")
    qtbot.keyClick(panel.number, QtCore.Qt.Key.Key_Return)
    assert "number" in panel.verdict.text()
    panel.number.clear()
    qtbot.keyClicks(panel.number, "0.1")
    qtbot.keyClick(panel.number, QtCore.Qt.Key.Key_Return)
    assert "✔" in panel.verdict.text()
    assert window.show_lesson("descent")  # opened again: where it was
    assert window.lesson_panel.run.index == 1 and "✓" in window.lesson_panel.where.text()
    window.lesson_panel.run.restart()
    assert window.lesson_panel.run.index == 0 and window.lesson_panel.run.solved == set()


def test_save_this_scene_as_a_step_and_a_bad_file(qtbot, window, tmp_path, monkeypatch):
    assert window.show_lesson("gradient")
    window.scene.set_probe(0.5, -0.25)  # the author moves the probe of the step shown
    path = tmp_path / "mine.md"
    monkeypatch.setattr(QtWidgets.QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    window.lesson_panel.save_step_dialog()
    mine = read_lesson(path.read_text(), source=str(path))
    check_lesson(mine)
    step = mine.steps[0]
    assert step.scene.text == window.scene.text
    np.testing.assert_allclose(step.scene.probe, window.scene.probe)
    bad = tmp_path / "bad.md"
    bad.write_text("# T\n\n## S\nf: x^^2\n")
    warnings = []
    monkeypatch.setattr(QtWidgets.QMessageBox, "warning", lambda *a: warnings.append(a[2]))
    assert not window.show_lesson(str(bad))
    assert "bad.md:4" in warnings[0] and window.lesson_panel is not None  # the lesson open stays


def drag(qtbot, window, start, end, steps=6):
    """A real left-button drag in the contour map, from view coordinates `start` to `end`."""
    from PySide6 import QtGui

    view = window.contour
    box = view.getPlotItem().getViewBox()

    def pixel(x, y):
        return QtCore.QPointF(view.mapFromScene(box.mapViewToScene(QtCore.QPointF(x, y))))

    left, none = QtCore.Qt.MouseButton.LeftButton, QtCore.Qt.MouseButton.NoButton
    mods = QtCore.Qt.KeyboardModifier.NoModifier

    def send(kind, point, button, buttons):
        event = QtGui.QMouseEvent(kind, point, view.viewport().mapToGlobal(point), button, buttons, mods)
        QtWidgets.QApplication.sendEvent(view.viewport(), event)

    send(QtCore.QEvent.Type.MouseButtonPress, pixel(*start), left, left)
    for k in range(1, steps + 1):
        t = k / steps
        point = pixel(start[0] + t * (end[0] - start[0]), start[1] + t * (end[1] - start[1]))
        send(QtCore.QEvent.Type.MouseMove, point, none, left)
    send(QtCore.QEvent.Type.MouseButtonRelease, pixel(*end), left, none)


def test_drag_an_arrow_from_the_probe(qtbot, window):
    assert window.show_lesson("gradient")
    panel = window.lesson_panel
    panel.run.show(1)  # steepest descent
    _settle(qtbot, window)
    x_range = window.contour.getPlotItem().getViewBox().viewRange()
    px, py = window.scene.probe
    drag(qtbot, window, (px, py), (px + 0.4, py + 0.8))  # along −∇f = (2.4, 4.8) at (−1.2, −0.8)
    assert "✔" in panel.verdict.text()
    assert window.contour.getPlotItem().getViewBox().viewRange() == x_range  # the drag drew; it did not pan


def test_help_lessons_lists_the_shipped_lessons_and_opens_one(qtbot, window):
    from gradviz.lessons import lesson, lessons

    menus = window.menuBar().findChildren(QtWidgets.QMenu)
    lessons_menu = next(m for m in menus if m.title() == "&Lessons")
    titles = [a.text() for a in lessons_menu.actions() if a.text() and not a.isSeparator()]
    assert titles[: len(lessons())] == [lesson(n).title for n in lessons()]
    lessons_menu.actions()[3].trigger()  # the quadratic model
    assert window.lesson_panel.run.lesson.name == "quadratic"
    assert window.scene.text == "x*exp(-x^2 - y^2)" and tuple(window.scene.probe) == (-1.0, 0.0)
