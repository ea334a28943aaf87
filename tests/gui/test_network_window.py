"""The Networks window: training runs on the job runner and the views follow; bad text keeps the last good model;
the run exports; the curvature plot shows the optimizer's own limit."""

import csv
import json

import numpy as np

from gradviz.gui.tools.network_window import NetworkPanel
from gradviz.model.network_training import NetworkState


def _window(qtbot):
    window = NetworkPanel()
    qtbot.addWidget(window)
    window.show()
    return window


def test_training_off_the_gui_thread_reaches_the_views(qtbot):
    window = _window(qtbot)
    window.steps.setValue(60)
    window._run_changed()
    window.play.setChecked(True)
    qtbot.waitUntil(lambda: window.state.snapshot is not None and window.state.snapshot.status != "running",
                    timeout=20_000)  # (the run's first snapshot comes from the runner too)
    qtbot.waitUntil(lambda: not window._redraw.isActive(), timeout=2_000)
    snap = window.state.snapshot
    assert snap.step == 60 and not window.state.playing
    x, y = window.loss_curve.getData()
    np.testing.assert_array_equal(x, np.arange(61))
    assert y[-1] < y[0]  # it learned
    steps, sharpness = window.sharp_curve.getData()
    assert list(steps) == list(range(0, 61, 10))
    exact = np.linalg.eigvalsh(window.state.net.hessian(window.state.trainer.x))[-1]
    assert sharpness[-1] == np.float64(snap.curvature["eigenvalues"][-1, 0])
    assert abs(sharpness[-1] - exact) < 1e-6 * abs(exact)
    _, limit = window.limit_curve.getData()
    np.testing.assert_allclose(limit, 2 / window.state.lr)
    assert "weights" in window.status.text() and "step 60 of 60" in window.status.text()
    assert set(window.heatmaps) == {"W1", "W2", "W3"}


def test_bad_text_is_refused_and_the_last_model_stays(qtbot):
    window = _window(qtbot)
    before = window.state.net
    window.text.setPlainText("W: 3\nmean(X@W)")
    assert not window.state.set_text(window.text.toPlainText())
    qtbot.waitUntil(lambda: "do not align" in window.error.text(), timeout=2_000)
    assert window.state.net is before


def test_the_run_exports_as_csv_and_json(qtbot, tmp_path):
    state = NetworkState()
    state.set_run(method="momentum", lr=0.1, steps=20, curvature_every=5)
    state.advance(20)
    window = NetworkPanel(state)
    qtbot.addWidget(window)
    window.write_run(str(tmp_path / "run.csv"))
    window.write_run(str(tmp_path / "run.json"))
    rows = list(csv.DictReader(open(tmp_path / "run.csv", encoding="utf-8")))
    assert [int(r["step"]) for r in rows] == list(range(21))
    assert float(rows[5]["limit"]) == (2 + 2 * 0.9) / 0.1 and rows[4]["lambda_max"] == "nan"
    assert float(rows[3]["lr"]) == 0.1
    saved = json.loads((tmp_path / "run.json").read_text())
    assert saved["method"] == "momentum" and len(saved["steps"]) == 21
    assert abs(saved["steps"][20]["loss"] - state.net.loss(state.trainer.x)) < 1e-12


def test_live_eta_held_out_loss_and_scrubbing(qtbot):
    window = _window(qtbot)
    state = window.state
    state.executor = None  # each chunk at once: the test reads the records between them
    window.held.setValue(25)
    window._run_changed()
    assert state.held is not None and state.net.rows == 150 and state.held.rows == 50
    window.refresh()
    symbols = [p.symbol() for p in window.points.points()]
    assert symbols.count("s") == 50 and [k for k, s in enumerate(symbols) if s == "s"] == list(state.held_rows)
    np.testing.assert_array_equal(state.held.data["X"], state.data["X"][state.held_rows])
    state.advance(20)
    window.lr.setValue(0.8)  # while the run is under way: it goes on from step 20 with the new η
    state.advance(20)
    assert state.snapshot.step == 40
    np.testing.assert_array_equal(state.trainer.lrs[:40], [0.5] * 20 + [0.8] * 20)
    window.refresh()
    _, limit = window.limit_curve.getData()
    assert limit[0] == 2 / 0.5 and limit[-1] == 2 / 0.8  # the limit line follows η
    steps, held = window.held_curve.getData()
    np.testing.assert_allclose(10 ** held[-1], state.held.loss(state.trainer.x), rtol=1e-12)  # log axis
    state.scrub(10)
    window.refresh()
    assert state.snapshot.shown_step == 10 and "showing step 10" in window.status.text()
    np.testing.assert_array_equal(window.heatmaps["W1"].data, state.trainer.thetas[10][:32].reshape(2, 16))
    assert window.loss_marker.value() == 10


def test_a_session_saves_and_restores_the_network_tab(qtbot, tmp_path):
    from gradviz.gui.main_window import MainWindow
    from gradviz.model.scene import Scene

    window = MainWindow(Scene())
    qtbot.addWidget(window)
    window.files.ask_unsaved = lambda: "discard"
    window.show_network_window()
    assert window.data_window.tabs.currentWidget() is window.data_window.network
    state = window.data_window.network.state
    state.set_run(method="nesterov", lr=0.05, steps=300, seed=4)
    path = tmp_path / "net.gradviz.json"
    assert window.files.sessions.save_to(str(path))
    saved = json.loads(path.read_text())
    assert saved["network"]["run"]["method"] == "nesterov"
    state.set_run(method="gd", lr=0.5)
    window.files.sessions._load(str(path))
    assert state.method == "nesterov" and state.lr == 0.05 and state.seed == 4
    panel = window.data_window.network
    assert panel.method.currentData() == "nesterov" and panel.lr.value() == 0.05 and panel.seed.value() == 4


def test_a_slice_with_the_projected_path_opens_in_the_main_window(qtbot):
    from gradviz.gui.main_window import MainWindow
    from gradviz.landscape.slice_function import SliceFunction
    from gradviz.model.scene import Scene

    window = MainWindow(Scene())
    qtbot.addWidget(window)
    window.files.ask_unsaved = lambda: "discard"
    window.show_network_window()
    panel = window.data_window.network
    state = panel.state
    state.executor = None
    state.set_run(method="momentum", lr=0.05, steps=200)
    state.advance(200)
    state.make_landscape("pca", None, 21)
    panel.refresh()
    view = state.landscape
    assert view is not None and panel.path_view.view is view
    x, y = panel.path_view.path.getData()
    np.testing.assert_allclose(np.column_stack([x, y]), view.sl.project(np.array(state.trainer.thetas))[0])
    assert np.abs(view.coords).max() <= view.span  # "fit the path": the grid covers it
    assert "variance" in panel.path_view.plane.getPlotItem().titleLabel.text
    assert panel.show_slice.isEnabled()
    panel.show_slice_in_main_window()
    assert isinstance(window.scene.function, SliceFunction)
    assert window.scene.domain == (-view.span, view.span, -view.span, view.span)
    assert window.scene.function(0.2, 0.1) == view.sl(0.2, 0.1)


def test_a_long_chunk_of_newton_steps_shows_its_progress_and_cancel_keeps_the_steps_taken(qtbot):
    """Newton forms the dense Hessian every step (337 weights: ~0.2 s a step here), so a chunk of 25 steps takes
    seconds: after half a second its progress shows, with a Cancel that stops it and keeps what was done."""
    from gradviz.gui.tools.network_window import SHOW_TRAINING_AFTER_S

    window = _window(qtbot)
    state = window.state
    assert state.use_preset([2, 16, 16, 1], "tanh", "mse") and state.net.size == 337
    assert state.set_run(method="newton", lr=0.5, steps=200, curvature_every=0)
    qtbot.waitUntil(lambda: state.snapshot is not None, timeout=10_000)
    window.play.setChecked(True)
    qtbot.wait(int(SHOW_TRAINING_AFTER_S * 1000) // 3)
    assert state.running and not window.train_progress.isVisible()  # a short wait shows nothing
    qtbot.waitUntil(window.train_progress.isVisible, timeout=10_000)
    assert window.train_cancel.isVisible()
    qtbot.waitUntil(lambda: window.train_progress.value() > 0, timeout=10_000)
    window.train_cancel.click()
    qtbot.waitUntil(lambda: not state.running, timeout=10_000)
    qtbot.waitUntil(lambda: not window.train_progress.isVisible() and not window.play.isChecked(),
                    timeout=2_000)  # the panel redraws within a frame
    assert not state.playing and state.error == ""
    taken = state.snapshot.step
    assert 0 < taken < 25 and state.trainer.t == taken  # fewer than a chunk, all of them kept
    assert len(state.snapshot.losses) == taken + 1 and np.isfinite(state.snapshot.losses).all()
