"""The Loss on data state, without Qt: work over many rows is handed out as jobs with a coarse preview
meanwhile; stale results are dropped; the batch landscape is the one a step descends; dragging the fit."""

import numpy as np
import pytest

from gradviz.data.datasets import make_dataset
from gradviz.data.loss_presets import LOSS_PRESETS, model_output, through
from gradviz.descent.batches import batch_rows
from gradviz.model.jobs import INLINE_WORK, PREVIEW_GRID, PREVIEW_ROWS
from gradviz.model.loss_on_data import GRID, DataState


def _big_csv(tmp_path, rows):
    rng = np.random.default_rng(0)
    x = rng.normal(size=rows)
    path = tmp_path / "big.csv"
    np.savetxt(path, np.column_stack([x, 2 * x + 4.2 + rng.normal(size=rows)]), delimiter=",",
               header="x,y", comments="")
    return path


@pytest.fixture
def queued():
    """A state whose executor only collects the jobs (the test decides when they are done); runs of 3000
    steps, so that a run over a thousand rows is big work too."""
    state = DataState()
    state.set_run(steps=3000)
    jobs = []
    state.executor = jobs.append
    return state, jobs


def test_small_work_is_done_at_once_even_with_an_executor(queued):
    state, jobs = queued
    assert not jobs
    state.set_run(seed=3)
    assert not jobs and not state.busy and state.trajectory.seed == 3


def test_many_rows_give_a_coarse_preview_then_the_full_landscape(queued, tmp_path):
    state, jobs = queued
    rows = 3 * PREVIEW_ROWS  # well above what is done at once
    assert rows * GRID * GRID > INLINE_WORK
    assert state.load_csv(_big_csv(tmp_path, rows))
    assert state.refining and state.running and state.busy
    assert state.trajectory is None  # the old run was over other data: not shown
    ws, bs, preview = state.landscape()
    assert preview.shape == (PREVIEW_GRID, PREVIEW_GRID)
    assert f"{PREVIEW_ROWS:,} of {rows:,} rows" in state.landscape_note
    # the preview is the loss over a sample of the rows: close to the full loss, not equal to it
    full_at_preview = state.function(ws[:, None], bs[None, :])
    assert np.allclose(preview, full_at_preview, rtol=0.1) and not np.array_equal(preview, full_at_preview)
    seen = []
    state.changed.connect(lambda: seen.append(1))
    for job in jobs:
        state.accept(job, job.compute())
    assert not state.busy and state.landscape_note == "" and len(seen) == 2
    ws, bs, loss = state.landscape()
    assert loss.shape == (GRID, GRID) and np.array_equal(loss, state.function.grid(ws, bs)[0])
    assert state.probe == tuple(state.trajectory.end)


def test_a_stale_result_is_dropped_and_an_error_is_shown(queued, tmp_path):
    state, jobs = queued
    state.load_csv(_big_csv(tmp_path, INLINE_WORK // (GRID * GRID) * 4))
    first_run = next(j for j in jobs if j.kind == "run")
    state.set_run(seed=7)  # a newer run
    newer = [j for j in jobs if j.kind == "run"][-1]
    assert state.is_stale(first_run) and not state.is_stale(newer)
    state.accept(first_run, first_run.compute())
    assert state.trajectory is None and state.running
    state.accept(newer, ValueError("no memory left"))
    assert not state.running and state.error == "run: no memory left"


def test_the_batch_landscape_is_the_one_the_step_descends():
    state = DataState()
    state.set_run(method="gd", lr=0.05, batch_size=8, seed=2, schedule="constant", steps=30)
    traj, fn = state.trajectory, state.function
    batches = batch_rows(fn.rows, 8, 2)
    for k in range(5):
        assert np.array_equal(state.batch_at(k), next(batches))
    for k in (0, 7, 20):
        rows = state.batch_at(k)
        _, gw, gb = fn.value_and_grad(*traj.points[k], rows=rows)
        assert np.allclose(traj.points[k + 1], traj.points[k] - 0.05 * np.array([gw, gb]), rtol=0, atol=1e-12)
        ws, bs, loss = state.batch_landscape(k)
        assert np.array_equal(loss, fn(ws[:, None], bs[None, :], rows=rows))
        assert not np.allclose(loss, state.landscape()[2])
    state.set_run(batch_size=None)
    assert state.batch_at(3) is None and state.batch_landscape(3) is None


@pytest.mark.parametrize("name", list(LOSS_PRESETS))
def test_the_model_through_two_points_passes_through_them(name):
    x = make_dataset(LOSS_PRESETS[name].dataset)["x"]
    x1, x2 = float(np.quantile(x, 0.2)), float(np.quantile(x, 0.8))
    w, b = 0.7, -0.3
    p1, p2 = model_output(name, w, b, np.array([x1, x2]))
    assert through(name, (x1, p1), (x2, p2)) == pytest.approx((w, b), rel=1e-9, abs=1e-9)
    # dragged past what the model can reach (a probability above 1): kept just inside, still finite
    w2, b2 = through(name, (x1, p1), (x2, 1.5))
    assert np.isfinite(w2) and np.isfinite(b2)
    with pytest.raises(ValueError, match="different x"):
        through(name, (x1, p1), (x1, p2))


def test_big_data_is_drawn_from_a_fixed_sample_of_its_rows(tmp_path):
    from gradviz.model.loss_on_data import SHOWN_ROWS

    state = DataState()
    assert state.shown_rows() is None  # 100 rows: all of them
    state.load_csv(_big_csv(tmp_path, SHOWN_ROWS + 500))
    shown = state.shown_rows()
    assert len(shown) == SHOWN_ROWS == len(set(shown)) and np.all(np.diff(shown) > 0)
    assert state.shown_rows() is shown  # the same sample on every redraw


def test_a_built_in_dataset_replaces_the_data_of_the_models_loss():
    state = DataState("huber")
    assert state.load_dataset("linear") and state.dataset == "linear" and state.preset.name == "huber"
    assert np.array_equal(state.function.data["x"], make_dataset("linear")["x"])
    assert not state.load_dataset("blobs") and state.dataset == "linear"
    assert "columns x, t" in state.error
    with pytest.raises(ValueError, match="no dataset 'spiral'"):
        state.load_dataset("spiral")


def test_a_big_csv_file_is_read_by_the_executor_and_a_bad_one_named_when_it_is(queued, tmp_path):
    from gradviz.model.jobs import READ_INLINE_BYTES

    state, jobs = queued
    good = state.function
    path = _big_csv(tmp_path, 60_000)
    assert path.stat().st_size > READ_INLINE_BYTES
    assert state.load_csv(path)  # accepted: being read
    assert state.loading == "big.csv" and state.busy and state.function is good
    (read,) = jobs
    assert read.kind == "csv"
    state.accept(read, read.compute())
    assert state.loading == "" and state.function.rows == 60_000 and state.source == "big.csv"
    assert [j.kind for j in jobs[1:]] == ["run", "landscape"]  # the new data's work: the quicker run first
    text = path.read_text(encoding="utf-8").splitlines()
    text[40_000] = "1.5,oops"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    before = state.function
    jobs.clear()
    assert state.load_csv(path)
    state.accept(jobs[0], jobs[0].compute())
    assert state.function is before and not state.loading
    assert state.error == "big.csv: line 40001, column 'y': 'oops' is not a number"


def test_your_own_csv_gets_a_domain_fitted_to_it(tmp_path):
    """Data with y ≈ 3x − 1 kept the preset's view: the minimum at (3.007, −1.051) sat on the bottom edge, and the
    main window's search said there was none. The domain now centres on the least-squares fit."""
    from gradviz.calculus.critical import search_critical_points

    rng = np.random.default_rng(1)
    x = rng.normal(0.0, 1.0, 200)
    y = 3.0 * x - 1.0 + rng.normal(0.0, 0.3, 200)
    path = tmp_path / "mine.csv"
    path.write_text("x,y\n" + "\n".join(f"{a:.17g},{b:.17g}" for a, b in zip(x, y, strict=True)) + "\n")
    state = DataState("linear_mse")
    assert state.load_csv(path)
    (w0, w1), (b0, b1) = state.domain
    w_fit, b_fit = np.polyfit(x, y, 1)  # the least-squares line, by a second route
    assert w0 + 0.25 * (w1 - w0) < w_fit < w1 - 0.25 * (w1 - w0)
    assert b0 + 0.25 * (b1 - b0) < b_fit < b1 - 0.25 * (b1 - b0)
    assert w0 <= state.start[0] <= w1 and b0 <= state.start[1] <= b1
    minima = [p for p in search_critical_points(state.function, (w0, w1, b0, b1), cells=40).points
              if p.kind == "minimum"]
    assert len(minima) == 1 and minima[0].x == pytest.approx(w_fit, abs=1e-6)
    state.load_model("linear_mse")  # the preset's own data: its own hand-set domain
    assert state.domain == state.preset.domain


def test_the_full_landscape_reports_its_progress_and_equals_one_call(queued, tmp_path):
    state, jobs = queued
    rows = INLINE_WORK // (GRID * GRID) * 4
    state.load_csv(_big_csv(tmp_path, rows))
    job = next(j for j in jobs if j.kind == "landscape")
    assert state.refining and state.progress == 0.0
    ws, bs, loss = job.compute()
    assert state.progress == 1.0
    np.testing.assert_array_equal(loss, state.function.grid(ws, bs)[0])  # in blocks, the same values
    state.accept(job, (ws, bs, loss))
    assert not state.refining and state.progress is None
