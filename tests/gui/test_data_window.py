"""The Loss on data window: the state drives the widgets, the controls and clicks drive the state, and bad
data is refused in place with the last good data kept."""

import numpy as np
import pytest
from PySide6 import QtCore

from gradviz.data.loss_presets import LOSS_PRESETS, model_output


def test_the_fit_is_the_model_at_the_probe_and_follows_it(dwin):
    state = dwin.state
    xs, ys = dwin.fit_curve.getData()
    assert np.allclose(ys, model_output(state.preset.name, *state.probe, xs))
    state.set_probe(0.5, 1.0)
    xs, ys = dwin.fit_curve.getData()
    assert np.allclose(ys, 0.5 * xs + 1.0)
    assert (dwin.probe_marker.pos().x(), dwin.probe_marker.pos().y()) == (0.5, 1.0)
    assert dwin.iterate_label.text() == "probe off the path"
    assert "w = 0.5, b = 1" in dwin.readout.text()


def test_the_path_and_losses_drawn_are_the_trajectory(dwin):
    traj = dwin.state.trajectory
    x, y = dwin.path.getData()
    assert np.array_equal(x, traj.points[:, 0]) and np.array_equal(y, traj.points[:, 1])
    _, full = dwin.full_curve.getData()  # the loss axis is logarithmic: getData gives log10 values
    assert np.allclose(10 ** full, np.maximum(traj.values, 1e-12))
    _, batch = dwin.batch_curve.getData()
    assert np.allclose(10 ** batch, traj.batch_losses)


def test_controls_change_the_run(qtbot, dwin):
    state = dwin.state
    before = state.trajectory.points.copy()
    dwin.seed.setValue(5)
    assert state.seed == 5 and state.trajectory.seed == 5
    assert not np.array_equal(before, state.trajectory.points)
    dwin.batch.setValue(0)  # every row: full batch, no mini-batch curve
    assert state.batch_size is None and state.trajectory.batch_size is None
    assert dwin.batch_curve.getData()[0] is None
    dwin.preset_combo.setCurrentIndex(dwin.preset_combo.findData("logistic"))
    assert state.preset is LOSS_PRESETS["logistic"]
    assert "t (label)" in dwin.data_plot.getPlotItem().getAxis("left").labelText


def test_clicking_the_landscape_moves_the_probe_and_shift_click_the_start(qtbot, dwin):
    vb = dwin.landscape.getPlotItem().vb
    dwin.landscape.repaint()

    def click(w, b, modifier=QtCore.Qt.KeyboardModifier.NoModifier):
        scene_pos = vb.mapViewToScene(QtCore.QPointF(w, b))
        pos = dwin.landscape.mapFromScene(scene_pos)
        qtbot.mouseClick(dwin.landscape.viewport(), QtCore.Qt.MouseButton.LeftButton, modifier, pos)

    click(3.0, 5.0)
    assert dwin.state.probe == pytest.approx((3.0, 5.0), abs=0.1)
    click(0.0, 2.0, QtCore.Qt.KeyboardModifier.ShiftModifier)
    assert dwin.state.start == pytest.approx((0.0, 2.0), abs=0.1)
    assert dwin.state.trajectory.start == pytest.approx((0.0, 2.0), abs=0.1)


def test_bad_csv_is_named_and_the_last_good_data_stays(dwin, tmp_path):
    good = dwin.state.function
    path = tmp_path / "bad.csv"
    path.write_text("x,y\n1,2\n3,oops\n", encoding="utf-8")
    assert not dwin.state.load_csv(path)
    assert "line 3, column 'y'" in dwin.error.text() and dwin.error.isVisibleTo(dwin)
    assert dwin.state.function is good
    path.write_text("x,y\n" + "".join(f"{x},{2 * x + 4.2}\n" for x in range(10)), encoding="utf-8")
    assert dwin.state.load_csv(path)
    assert not dwin.error.isVisibleTo(dwin) and dwin.state.function.rows == 10
    assert "10 rows from bad.csv" in dwin.readout.text()


def test_a_schedule_is_drawn_as_the_rates_the_run_used(dwin):
    dwin.schedule.setCurrentIndex(dwin.schedule.findData("cosine"))
    traj = dwin.state.trajectory
    assert dwin.state.schedule == "cosine" and traj.schedule == {"name": "cosine", "T_max": dwin.state.steps}
    k, rates = dwin.lr_curve.getData()
    assert np.allclose(rates, traj.lrs) and len(k) == traj.stop_step
    lr = dwin.state.lr
    assert rates[0] == pytest.approx(lr) and rates[-1] < 0.01 * lr  # annealed to ~0 over the run
    with pytest.raises(ValueError, match="choose one of"):
        dwin.state.set_run(schedule="warm")


def test_dragging_the_probe_and_scrubbing_the_path_move_the_fit(dwin):
    dwin.probe_marker.setPos(1.0, 3.0)  # what a drag does: the marker moves and says so
    assert dwin.state.probe == (1.0, 3.0)
    xs, ys = dwin.fit_curve.getData()
    assert np.allclose(ys, 1.0 * xs + 3.0)
    traj = dwin.state.trajectory
    dwin.iterate.setValue(10)
    assert dwin.state.probe == tuple(traj.points[10]) and dwin.iterate_label.text() == "k = 10"
    xs, ys = dwin.fit_curve.getData()
    assert np.allclose(ys, traj.points[10, 0] * xs + traj.points[10, 1])


def test_typing_a_loss_runs_it_and_a_bad_one_is_named_in_place(qtbot, dwin):
    state = dwin.state
    good = state.function
    dwin.loss_text.setFocus()
    dwin.loss_text.selectAll()
    qtbot.keyClicks(dwin.loss_text, "f(w, b) = mean((w*x + b - y)^2) + k")
    qtbot.keyClick(dwin.loss_text, QtCore.Qt.Key.Key_Return)
    assert state.function is good and "unknown name 'k'" in dwin.error.text() and "column 35" in dwin.error.text()
    assert dwin.loss_text.text().endswith("+ k")  # what was typed stays to be fixed
    dwin.loss_text.selectAll()
    qtbot.keyClicks(dwin.loss_text, "f(w, b) = mean(abs(w*x + b - y))")
    qtbot.keyClick(dwin.loss_text, QtCore.Qt.Key.Key_Return)
    assert state.custom and not dwin.error.isVisibleTo(dwin)
    x, y = state.function.data["x"], state.function.data["y"]
    w, b = state.probe
    assert np.isclose(state.function(w, b), np.mean(np.abs(w * x + b - y)))
    assert dwin.fit_curve.getData()[0] is None and "typed loss" in dwin.data_plot.getPlotItem().titleLabel.text
    dwin.preset_combo.setCurrentIndex(dwin.preset_combo.findData("ridge"))
    assert not state.custom and dwin.loss_text.text() == LOSS_PRESETS["ridge"].text


def test_a_csv_with_other_column_names_asks_which_column_is_which(dwin, tmp_path, monkeypatch):
    from PySide6 import QtWidgets

    path = tmp_path / "heights.csv"
    path.write_text("id,height,weight\n" + "".join(f"{k},{k / 10},{2 * k / 10 + 4.2}\n" for k in range(12)),
                    encoding="utf-8")
    monkeypatch.setattr(QtWidgets.QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))

    def answer():
        x_box, y_box = dwin.column_dialog.findChildren(QtWidgets.QComboBox)
        x_box.setCurrentText("height")
        y_box.setCurrentText("weight")
        dwin.column_dialog.accept()

    QtCore.QTimer.singleShot(0, answer)
    dwin.open_csv.click()
    data = dwin.state.function.data
    assert dwin.state.function.rows == 12 and not dwin.state.error
    assert np.allclose(data["x"], np.arange(12) / 10) and np.allclose(data["y"], 2 * np.arange(12) / 10 + 4.2)
    assert not dwin.state.load_csv(path, {"x": "height", "y": "mass"})
    assert "no column 'mass'" in dwin.error.text() and dwin.state.function.rows == 12


def test_losses_by_epoch_count_passes_over_the_data(dwin):
    state = dwin.state
    state.set_run(batch_size=10, steps=50)
    dwin.by_epoch.setChecked(True)
    epochs, _ = dwin.full_curve.getData()
    assert np.allclose(epochs, np.arange(51) * 10 / state.function.rows)  # 100 rows: a tenth of an epoch a step
    assert dwin.loss_plot.getPlotItem().getAxis("bottom").labelText == "epoch"
    dwin.by_epoch.setChecked(False)
    steps, _ = dwin.full_curve.getData()
    assert np.array_equal(steps, np.arange(51))


def test_the_loss_image_is_drawn_again_only_for_a_new_landscape(dwin):
    image = dwin.image.image
    dwin.state.set_probe(1.0, 2.0)
    dwin.state.set_run(seed=3)
    assert dwin.image.image is image  # a probe move or a new run leaves the landscape as it is
    dwin.state.load_model("logistic")
    ws, bs, loss = dwin.state.landscape()
    assert dwin.image.image is not image
    assert np.allclose(dwin.image.image, np.log10(np.maximum(loss, 1e-12)))
