"""The Loss on data window in the session file: saved with the scene, reopened with it, its changes marked
as unsaved, and a bad section refused with the scene and the window unchanged."""

import json

import numpy as np
import pytest

from gradviz.session import loss_on_data as data_session
from gradviz.session import scene_to_dict

from .conftest import settle


def test_the_data_window_is_saved_and_reopened_with_the_session(qtbot, window, dwin, tmp_path):
    files = window.files
    files.sessions.save_to(tmp_path / "before.gradviz.json")
    assert not window.isWindowModified()
    dwin.state.load_dataset("outliers")
    assert window.isWindowModified()  # a change in the tool window is unsaved work too
    dwin.state.set_run(method="momentum", batch_size=4, seed=9)
    dwin.state.set_probe(1.5, 2.5)
    path = tmp_path / "fit.gradviz.json"
    assert files.sessions.save_to(path) and not window.isWindowModified()
    saved = json.loads(path.read_text(encoding="utf-8"))[data_session.SECTION]
    assert saved["data"] == {"dataset": "outliers"} and saved["run"]["method"] == "momentum"
    points = dwin.state.trajectory.points.copy()
    dwin.state.load_model("logistic")
    assert files.sessions.open(path)
    state = dwin.state
    assert state.preset.name == "linear_mse" and state.dataset == "outliers" and state.seed == 9
    assert (state.trajectory.points == points).all() and state.probe == (1.5, 2.5)
    assert dwin.data_plot.getPlotItem().titleLabel.text.startswith("the data")
    assert not window.isWindowModified()


def test_a_bad_data_section_keeps_the_scene_and_the_window(qtbot, window, dwin, tmp_path):
    warnings = []
    window.files.warn = lambda parent, title, text: warnings.append(text)
    data = scene_to_dict(window.scene)
    data["function"] = "x*y"
    data[data_session.SECTION] = {**data_session.to_dict(dwin.state), "run": {"lr": "fast"}}
    bad = tmp_path / "bad.gradviz.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    before, fn = scene_to_dict(window.scene), dwin.state.function
    assert not window.files.sessions.open(bad)
    assert scene_to_dict(window.scene) == before and dwin.state.function is fn
    assert warnings and "loss_on_data.run.lr must be a number" in warnings[0] and "unchanged" in warnings[0]


def test_a_crash_loses_nothing_of_the_data_window_either(qtbot, window, dwin):
    from gradviz.gui.main_window import MainWindow
    from gradviz.model.scene import Scene

    dwin.state.load_model("ridge")
    dwin.state.set_parameter("lam", 2.0)
    dwin.state.set_run(seed=6)
    window.files.sessions.autosave()
    window.files.sessions.recovery._lock.unlock()  # the process is gone; its recovery file stays
    again = MainWindow(Scene(), window.settings)
    again.files.ask_unsaved = lambda: "discard"
    qtbot.addWidget(again)
    assert again.files.sessions.offer_recovery(ask=lambda text: True)
    restored = again.data_window.state
    assert restored.preset.name == "ridge" and restored.function.parameters == {"lam": 2.0}
    assert restored.seed == 6 and again.data_window.isVisible()
    again.data_window.work.wait()


def test_the_loss_shown_in_the_main_window_with_undo_backprop_and_sessions(qtbot, window, dwin, tmp_path):
    from gradviz.gui.panels.backprop_panel import DATA_NOTE

    model = window.scene
    window.undo_stack.commit()
    plain = model.function.text
    dwin.state.set_start(0.5, 1.0)
    dwin.show_3d.click()
    assert model.function.text == dwin.state.text and model.function.rows == dwin.state.function.rows
    assert (model.descent.starts[0].x, model.descent.starts[0].y) == (0.5, 1.0)
    qtbot.wait(5)
    window.undo_stack.commit()
    # the backprop panel says why it draws no graph; its check of the derivatives works
    panel = window.backprop
    window.bottom_tabs.setCurrentWidget(panel)
    panel.setCurrentIndex(1)
    assert panel.code.toPlainText() == DATA_NOTE.format(rows=100)
    panel.setCurrentIndex(2)
    assert "Gradient at the probe" in panel.check_text.text()
    # a loss typed in the main window over the same columns, undone and redone
    assert model.set_expression("f(w, b) = mean(abs(w*x + b - y))")
    qtbot.wait(5)
    window.undo_stack.commit()
    window.undo_action.trigger()
    assert model.function.text == dwin.state.text and hasattr(model.function, "rows")
    window.undo_action.trigger()
    assert model.function.text == plain
    window.redo_action.trigger()
    window.redo_action.trigger()
    assert model.function.text == "f(w, b) = mean(abs(w*x + b - y))"
    # saved and opened again, the columns with it
    path = tmp_path / "loss.gradviz.json"
    assert window.files.sessions.save_to(path)
    model.set_expression("x*y")
    assert window.files.sessions.open(path)
    x, y = dwin.state.function.data["x"], dwin.state.function.data["y"]
    assert model.function(1.0, 2.0) == np.mean(np.abs(x + 2.0 - y))


def test_a_loss_over_many_rows_is_shown_in_the_main_window_preview_first(qtbot, window, dwin, tmp_path):
    """50,000 rows (ten times the old cap): the main window shows the loss over a sample of the rows at once, then
    over all of them, with paths from the start; nothing on the way is of another f."""
    x = np.linspace(-1, 1, 50_000)
    path = tmp_path / "many.csv"
    np.savetxt(path, np.column_stack([x, 2 * x + 0.5]), delimiter=",", header="x,y", comments="")
    assert dwin.state.load_csv(path)
    qtbot.waitUntil(lambda: not dwin.state.loading and dwin.show_3d.isEnabled(), timeout=20000)
    dwin.show_3d.click()
    scene = window.scene
    assert scene.function.rows == 50_000 and scene.sample().coarse
    settle(qtbot, window, timeout=60000)
    s = scene.sample()
    w, b = s.xs[11], s.ys[29]
    assert s.f[11, 29] == pytest.approx(np.mean((w * x + b - (2 * x + 0.5)) ** 2), rel=1e-12)
    (start, method, traj), *_ = scene.descent.trajectories()
    assert len(traj.points) > 1 and np.isfinite(traj.points).all()
