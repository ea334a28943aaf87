"""The Loss on data window beyond the first look: dragging the fit moves the probe, playback walks the
path, the batch's own landscape, and work over many rows done off the GUI thread after a coarse preview."""

import numpy as np
import pytest
from PySide6 import QtCore

from gradviz.data.loss_presets import model_output
from gradviz.model.jobs import PREVIEW_GRID
from gradviz.model.loss_on_data import GRID

from .conftest import drag


def test_dragging_a_handle_of_the_fit_moves_the_probe_to_the_model_through_both(qtbot, dwin):
    plot = dwin.data_plot
    dwin.repaint()
    first, second = plot.handles
    assert first.isVisible() and second.isVisible()
    x1, x2 = first.pos().x(), second.pos().x()
    y2 = second.pos().y()
    vb = plot.getPlotItem().vb

    def at(x, y):
        return plot.mapFromScene(vb.mapViewToScene(QtCore.QPointF(x, y)))

    drag(qtbot, plot, at(x1, first.pos().y()), at(x1, first.pos().y() + 2.0))
    w, b = dwin.state.probe
    # the model at the probe passes through the moved handle and the one left in place
    y1 = first.pos().y()
    assert model_output("linear_mse", w, b, np.array([x1, x2])) == pytest.approx([y1, y2], abs=1e-6)
    assert abs(w * x1 + b - (y1 - 2.0)) > 1.0  # it did move
    xs, ys = dwin.fit_curve.getData()
    assert np.allclose(ys, w * xs + b)


def test_play_walks_the_probe_along_the_whole_path(qtbot, dwin):
    traj = dwin.state.trajectory
    seen = []
    dwin.state.changed.connect(lambda: seen.append(dwin.state.probe))
    last = len(traj.points) - 1
    dwin.play.click()  # at the end: plays from the start
    assert dwin.play.text() == "❚❚ Pause" and dwin.state.probe == tuple(traj.points[0])
    qtbot.waitUntil(lambda: dwin.iterate.value() > 3, timeout=5000)
    dwin.play.click()
    paused = dwin.iterate.value()
    assert dwin.play.text() == "▶ Play" and 3 < paused < last
    dwin.iterate.setValue(last - 25)  # the last 25 steps: a short wait
    dwin.play.click()
    qtbot.waitUntil(lambda: not dwin.play.isChecked(), timeout=15000)  # stops by itself at the end
    assert dwin.state.probe == tuple(traj.points[-1]) and dwin.iterate.value() == last
    on_path = {tuple(p) for p in traj.points}
    assert len(seen) > 20 and all(p in on_path for p in seen)  # the fit followed the iterates
    assert dwin.play.text() == "▶ Play"


def test_the_batch_landscape_and_its_rows_show_on_the_path(dwin):
    state = dwin.state
    state.set_run(batch_size=8, steps=40, seed=1)
    full = dwin.image.image
    dwin.batch_surface.setChecked(True)
    dwin.iterate.setValue(12)
    ws, bs, loss = state.batch_landscape(12)
    assert np.allclose(dwin.image.image, np.log10(np.maximum(loss, 1e-12)))
    last_of_epoch = state.function.rows - 12 * 8  # batch 12 of 100 rows by 8 is the epoch's last, smaller one
    assert f"mini-batch only ({last_of_epoch} rows)" in dwin.landscape.getPlotItem().titleLabel.text
    legend = dwin.data_plot.getPlotItem().legend
    assert "this step's mini-batch" in [label.text for _, label in legend.items]
    ringed_x, _ = dwin.data_plot.batch_points.getData()
    assert np.array_equal(ringed_x, state.function.data["x"][state.batch_at(12)])
    dwin.batch_surface.setChecked(False)
    assert np.array_equal(dwin.image.image, full) and len(dwin.data_plot.batch_points.getData()[0]) == 0
    assert "this step's mini-batch" not in [label.text for _, label in legend.items]  # nothing ringed: not listed


def _title_fits(plot) -> None:
    """The plot's title is drawn whole: its text is no wider than the plot."""
    label = plot.getPlotItem().titleLabel
    assert label.item.boundingRect().width() <= plot.width(), label.text


@pytest.mark.parametrize("rows", [20_000, 60_000])  # read at once; read by the worker too (over 1 MB)
def test_many_rows_show_a_preview_at_once_and_the_full_landscape_later(qtbot, dwin, tmp_path, rows):
    rng = np.random.default_rng(0)
    x = rng.normal(size=rows)
    path = tmp_path / "big.csv"
    np.savetxt(path, np.column_stack([x, 2 * x + 4.2 + rng.normal(size=x.size)]), delimiter=",",
               header="x,y", comments="")
    assert dwin.state.load_csv(path)
    if dwin.state.loading:  # over 1 MB: read by the worker, the last data shown meanwhile
        assert "(reading big.csv…)" in dwin.readout.text() and dwin.state.function.rows == 100
        qtbot.waitUntil(lambda: not dwin.state.loading, timeout=30000)
    else:  # read at once; the run and the full landscape are on their way
        assert "running…" in dwin.readout.text() and dwin.path.getData()[0] is None
    assert dwin.image.image.shape == (PREVIEW_GRID, PREVIEW_GRID) and dwin.state.refining
    assert "preview (36²" in dwin.landscape.getPlotItem().titleLabel.text
    _title_fits(dwin.landscape)  # the title was clipped while loading
    assert dwin.progress.isVisible()  # progress is shown: the run's busy bar, then the landscape's fraction
    seen = set()
    qtbot.waitUntil(lambda: seen.add(dwin.progress.value()) or not dwin.state.busy, timeout=30000)
    assert not dwin.progress.isVisible()
    ws, bs, loss = dwin.state.landscape()
    assert dwin.image.image.shape == (GRID, GRID)
    assert np.allclose(dwin.image.image, np.log10(np.maximum(loss, 1e-12)))
    assert "preview" not in dwin.landscape.getPlotItem().titleLabel.text
    x_drawn, _ = dwin.path.getData()
    assert np.array_equal(x_drawn, dwin.state.trajectory.points[:, 0])


def test_a_built_in_dataset_for_the_model_and_one_that_does_not_fit_is_refused(dwin):
    from gradviz.data.datasets import make_dataset

    state = dwin.state
    dwin.dataset.setCurrentIndex(dwin.dataset.findData("outliers"))  # squared error on data with outliers
    assert state.dataset == "outliers" and state.preset.name == "linear_mse"
    assert np.array_equal(state.function.data["y"], make_dataset("outliers")["y"])
    assert "rows from built-in: outliers" in dwin.readout.text()
    good = state.function
    dwin.dataset.setCurrentIndex(dwin.dataset.findData("blobs"))  # labels t, no y: the loss cannot use it
    assert state.function is good and "this model's loss uses x, y" in dwin.error.text()
    assert dwin.dataset.currentData() == "outliers"  # the choice shows the data still in use


def test_exports_write_each_plot_the_window_and_the_run(dwin, tmp_path, monkeypatch):
    import csv
    import json

    from PySide6 import QtGui, QtWidgets

    for which in ("landscape", "data", "loss", "lr"):
        dwin.export_view(which, str(tmp_path / f"{which}.png"))
        assert QtGui.QImage(str(tmp_path / f"{which}.png")).width() == 1200
    dwin.export_view("landscape", str(tmp_path / "landscape.svg"))
    assert "<svg" in (tmp_path / "landscape.svg").read_text(encoding="utf-8")
    dwin.export_window(str(tmp_path / "window.png"))
    assert QtGui.QImage(str(tmp_path / "window.png")).width() == dwin.width()
    traj = dwin.state.trajectory
    dwin.export_run(str(tmp_path / "run.csv"))
    rows = list(csv.DictReader((tmp_path / "run.csv").open(encoding="utf-8")))
    assert len(rows) == len(traj.points) and float(rows[5]["w"]) == traj.points[5, 0]
    assert float(rows[5]["batch_loss"]) == traj.batch_losses[5] and float(rows[5]["lr"]) == traj.lrs[5]
    assert rows[-1]["lr"] == ""  # no step leaves the last iterate
    assert json.loads(rows[0]["hyperparameters"])["batch_size"] == dwin.state.batch_size
    dwin.export_run(str(tmp_path / "run.json"))
    run = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))["trajectories"][0]
    assert run["seed"] == traj.seed and run["steps"][3]["batch_loss"] == traj.batch_losses[3]
    # through the menu, a file name the exporter cannot write is refused with a message, not a traceback
    warnings = []
    monkeypatch.setattr(QtWidgets.QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "run.xlsx"), ""))
    monkeypatch.setattr(QtWidgets.QMessageBox, "warning", lambda *a: warnings.append(a[2]))
    next(a for a in dwin.export_menu.actions() if a.text().startswith("The run")).trigger()
    assert warnings == ["the run can be written as .csv or .json, not .xlsx"]
    assert not (tmp_path / "run.xlsx").exists()


def test_ridges_lambda_on_its_slider_moves_the_minimum_as_the_closed_form_says(dwin, qtbot):
    state = dwin.state
    dwin.preset_combo.setCurrentIndex(dwin.preset_combo.findData("ridge"))
    row = dwin.parameters.rows["lam"]
    assert dwin.parameters.isVisibleTo(dwin) and list(dwin.parameters.rows) == ["lam"]
    derived = state.function._derived
    row.slider.setValue(row.slider.maximum())  # λ to the top of its range: 5
    lam = state.function.parameters["lam"]
    assert lam == state.parameter_ranges["lam"][1] == 5.0
    assert state.function._derived is derived  # a slider tick re-derives nothing
    x, y = state.function.data["x"], state.function.data["y"]
    a = np.array([[np.mean(x * x) + lam, np.mean(x)], [np.mean(x), 1.0 + lam]])  # ∇f = 0 for mean((wx+b−y)²) + λ(w²+b²)
    w, b = np.linalg.solve(a, [np.mean(x * y), np.mean(y)])
    ws, bs, loss = state.landscape()
    i, j = np.unravel_index(np.argmin(loss), loss.shape)
    assert abs(ws[i] - w) <= ws[1] - ws[0] and abs(bs[j] - b) <= bs[1] - bs[0]  # the image's darkest cell
    dwin.preset_combo.setCurrentIndex(dwin.preset_combo.findData("linear_mse"))
    qtbot.waitUntil(lambda: not dwin.parameters.isVisibleTo(dwin))  # the sliders follow in a pass of their own


def test_logistic_regression_draws_its_decision_boundary_where_the_probability_is_a_half(dwin):
    dwin.preset_combo.setCurrentIndex(dwin.preset_combo.findData("logistic"))
    dwin.state.set_probe(2.0, -1.0)
    line = dwin.data_plot.boundary
    assert line.isVisible() and line.value() == 0.5
    assert model_output("logistic", 2.0, -1.0, np.array([line.value()]))[0] == 0.5
    dwin.state.set_probe(0.0, 1.0)  # w = 0: the probability is the same everywhere, no boundary
    assert not line.isVisible()
    dwin.preset_combo.setCurrentIndex(dwin.preset_combo.findData("linear_mse"))
    assert not line.isVisible()


def test_the_loss_axes_label_1_2_and_5_of_each_decade_only(window, dwin):
    for plot in (dwin.loss_plot, window.loss.plot):  # the Loss on data window's, and the main window's
        axis = plot.getPlotItem().getAxis("left")
        levels = axis.tickValues(np.log10(0.03), np.log10(2.5), 100)
        values = sorted(round(10 ** v, 9) for _, vs in levels for v in vs)
        assert values == [0.05, 0.1, 0.2, 0.5, 1.0, 2.0]


def test_the_full_batch_path_is_drawn_beside_the_mini_batch_one(dwin):
    import gradviz

    state = dwin.state
    state.set_run(method="momentum", batch_size=8, steps=60, lr=0.05, schedule="constant")
    full = gradviz.descend(state.function, state.start, "momentum", lr=0.05, steps=60,
                           schedule=state.schedule_spec())  # the same run on every row, made independently
    assert np.array_equal(state.full_batch.points, full.points)
    x, y = dwin.full_path.getData()
    assert np.array_equal(x, full.points[:, 0]) and np.array_equal(y, full.points[:, 1])
    names = [label.text for _, label in dwin.path_legend.items]
    assert names == ["the path (mini-batches of 8)", "the same run on every row (full batch)"]
    state.set_run(batch_size=None)
    assert state.full_batch is None and not dwin.full_path.isVisible()
    assert [label.text for _, label in dwin.path_legend.items] == ["the path (full batch)"]


def test_space_plays_and_pauses_but_types_a_space_in_the_loss(qtbot, dwin):
    dwin.activateWindow()
    dwin.iterate.setFocus()
    qtbot.keyClick(dwin.iterate, QtCore.Qt.Key.Key_Space)
    assert dwin.play.isChecked()
    qtbot.keyClick(dwin.iterate, QtCore.Qt.Key.Key_Space)
    assert not dwin.play.isChecked()
    dwin.loss_text.setFocus()
    dwin.loss_text.end(False)
    qtbot.keyClick(dwin.loss_text, QtCore.Qt.Key.Key_Space)
    assert dwin.loss_text.text().endswith(" ") and not dwin.play.isChecked()
