"""Undo and redo: each kind of scene edit goes back and forth; a drag is one step; opening a
session starts a new history."""

import pytest
from PySide6 import QtCore, QtGui

from gradviz.session import scene_to_dict


def _settle(qtbot, window):
    qtbot.wait(5)
    window.undo_stack.commit()


def test_each_kind_of_edit_undoes_and_redoes(qtbot, window):
    model = window.scene
    history = window.undo_stack
    _settle(qtbot, window)
    start = model.function.text
    steps = [
        ("expression", lambda: model.set_expression("k = 2 in [0, 5]; x^2 + k*y^2"), lambda: model.function.text),
        ("parameter", lambda: model.set_parameter("k", 4.0), lambda: model.function.parameters["k"]),
        ("domain", lambda: model.set_domain((-3, 3, -2, 2)), lambda: model.domain),
        ("starts", lambda: model.descent.set_starts([(1.0, 1.0)]), lambda: [(p.x, p.y) for p in model.descent.starts]),
        ("optimizer", lambda: model.descent.set_method("adam", lr=0.2), lambda: model.descent.methods["adam"].lr),
        ("overlay", lambda: window.overlay_actions["wireframe"].trigger(), lambda: model.view.wireframe),
    ]
    seen = []
    for _, act, read in steps:
        before = read()
        act()
        _settle(qtbot, window)
        seen.append((before, read()))
    assert history.stack.count() == len(steps)
    for (name, _, read), (before, after) in zip(reversed(steps), reversed(seen), strict=True):
        assert read() == after, name
        window.undo_action.trigger()
        assert read() == before, name
    assert model.function.text == start
    for (name, _, read), (_, after) in zip(steps, seen, strict=True):
        window.redo_action.trigger()
        assert read() == after, name


def test_a_drag_is_one_step_and_the_probe_stays(qtbot, window):
    model = window.scene
    _settle(qtbot, window)
    key = model.descent.starts[0].key
    first = (model.descent.starts[0].x, model.descent.starts[0].y)
    for k in range(10):  # a drag: many moves in quick succession
        model.descent.move_start(key, first[0] + 0.1 * k, first[1])
        _settle(qtbot, window)
    assert window.undo_stack.stack.count() == 1
    model.set_probe(0.25, 0.75)
    window.undo_action.trigger()
    assert (model.descent.starts[0].x, model.descent.starts[0].y) == pytest.approx(first)
    assert model.probe == (0.25, 0.75)  # not part of an undo step


def test_a_slider_drag_is_one_step(qtbot, window):
    model = window.scene
    model.set_expression("k = 1 in [0, 5]; x^2 + k*y^2")
    _settle(qtbot, window)
    count = window.undo_stack.stack.count()
    row = window.parameters.rows["k"]
    for position in range(0, 1001, 100):
        row.slider.setValue(position)
        _settle(qtbot, window)
    assert window.undo_stack.stack.count() == count + 1
    window.undo_action.trigger()
    assert model.function.parameters["k"] == 1.0 and row.value.value() == 1.0


def test_opening_a_session_starts_a_new_history(qtbot, window, tmp_path):
    from gradviz.session import save_session

    window.scene.set_expression("x*y")
    _settle(qtbot, window)
    assert window.undo_stack.stack.count() == 1
    path = tmp_path / "s.gradviz.json"
    save_session(window.scene, path)
    assert window.files.sessions.open(path)
    _settle(qtbot, window)
    assert window.undo_stack.stack.count() == 0 and not window.undo_action.isEnabled()
    assert window.undo_action.shortcut() == QtGui.QKeySequence("Ctrl+Z")
    assert scene_to_dict(window.scene)["function"] == "x*y"


def _key(qtbot, widget, sequence: str) -> None:
    """Press the keys of `sequence` (e.g. "Ctrl+Shift+Z") as a user does, on `widget` in its active window (window
    shortcuts fire only there)."""
    window = widget.window()
    if not window.isActiveWindow():
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
    combo = QtGui.QKeySequence(sequence)[0]
    qtbot.keyClick(widget, combo.key(), combo.keyboardModifiers())


def test_redo_by_keyboard_with_the_platforms_keys_and_ctrl_y(qtbot, window):
    """Ctrl+Shift+Z was bound twice (an ambiguous shortcut that did nothing) and Ctrl+Y not at all."""
    keys = [k.toString() for k in window.redo_action.shortcuts()]
    assert len(keys) == len(set(keys)) and "Ctrl+Y" in keys and "Ctrl+Shift+Z" in keys
    scene = window.scene
    _settle(qtbot, window)
    first = scene.function.text
    scene.set_expression("x^2 + y^2")
    _settle(qtbot, window)
    window.contour.setFocus()
    for redo in ("Ctrl+Shift+Z", "Ctrl+Y"):
        _key(qtbot, window.contour, "Ctrl+Z")
        assert scene.function.text == first
        _key(qtbot, window.contour, redo)
        assert scene.function.text == "x^2 + y^2", redo


def test_ctrl_z_after_enter_in_the_f_bar_undoes_the_scene(qtbot, window):
    """The field's own undo took Ctrl+Z even after the text had been applied."""
    scene = window.scene
    _settle(qtbot, window)
    first = scene.function.text
    edit = window.expression_bar.edit
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "x*y")
    qtbot.keyClick(edit, QtCore.Qt.Key.Key_Return)
    assert scene.function.text == "x*y"
    _settle(qtbot, window)
    _key(qtbot, edit, "Ctrl+Z")
    assert scene.function.text == first and edit.text() == first
    qtbot.keyClicks(edit, " + 1")  # typed, not applied: Ctrl+Z is the field's own again
    _key(qtbot, edit, "Ctrl+Z")
    assert scene.function.text == first


def test_space_on_a_focused_check_box_ticks_it_and_does_not_play(qtbot, window):
    """A keyboard user could not enable an optimizer: Space started playback instead."""
    panel = window.descent
    box = panel.enabled["nesterov"]
    window.side_tabs.setCurrentIndex(1)  # the Descent tab
    qtbot.waitUntil(box.isVisible)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    box.setFocus()
    qtbot.waitUntil(box.hasFocus)
    was = box.isChecked()
    _key(qtbot, box, "Space")
    assert box.isChecked() != was
    assert window.scene.descent.methods["nesterov"].enabled != was
    assert window.scene.descent.playback is None  # playback did not start
    window.contour.setFocus()
    _key(qtbot, window.contour, "Space")  # elsewhere Space still plays
    qtbot.wait(50)
    assert window.playback.timer.isActive() or window.scene.descent.playback is not None
