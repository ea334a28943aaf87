"""The network tab's state with its jobs delivered by the test: the landscape comes coarse first, then full, with
progress and cancel; a newer run drops an older landscape; the scheduler's Dask grid equals in-process."""

import numpy as np

from gradviz.model.jobs import CancelledError
from gradviz.model.network_landscape import COARSE
from gradviz.model.network_training import NetworkState


def _queued() -> tuple[NetworkState, list]:
    state = NetworkState()
    state.executor = None
    state.advance(40)  # at once
    jobs: list = []
    state.executor = jobs.append
    return state, jobs


def _deliver(state: NetworkState, job) -> None:
    try:
        result = job.compute()
    except Exception as exc:  # noqa: BLE001 (handed to the state, as the runner does)
        result = exc
    state.accept(job, result)


def test_a_landscape_comes_coarse_then_full_with_progress():
    state, jobs = _queued()
    state.make_landscape("filter", 1.0, 31)
    assert len(jobs) == 1 and state.landscape is None
    _deliver(state, jobs.pop())
    assert state.landscape.coarse and state.landscape.losses.shape == (COARSE, COARSE)
    assert len(jobs) == 1 and jobs[0].progress is state.landscape_progress
    coarse = state.landscape
    _deliver(state, jobs.pop())
    full = state.landscape
    assert not full.coarse and full.losses.shape == (31, 31) and state.landscape_progress is None
    np.testing.assert_array_equal(full.sl.directions[0], coarse.sl.directions[0])  # the same plane, finer
    np.testing.assert_allclose(full.losses[::15, ::15], coarse.losses[::7, ::7], rtol=1e-13)


def test_cancel_stops_the_full_grid_and_keeps_the_coarse_one():
    state, jobs = _queued()
    state.make_landscape("layer", 1.0, 41)
    _deliver(state, jobs.pop())
    coarse = state.landscape
    state.cancel_landscape()
    job = jobs.pop()
    try:
        job.compute()
        raise AssertionError("a cancelled grid must stop")
    except CancelledError as exc:
        state.accept(job, exc)
    assert state.landscape is coarse and state.error == "" and state.landscape_progress is None


def test_a_new_run_drops_the_landscape_on_its_way():
    state, jobs = _queued()
    state.make_landscape("filter", 1.0, 21)
    stale = jobs.pop()
    state.set_run(lr=0.2)
    assert state.is_stale(stale)
    _deliver(state, stale)
    assert state.landscape is None


def test_a_local_dask_scheduler_gives_the_in_process_grid(tmp_path):
    state = NetworkState()
    state.executor = None
    state.advance(30)
    state.make_landscape("filter", 1.0, 17)
    in_process = state.landscape.losses
    state.scheduler = "local"
    try:
        state.make_landscape("filter", 1.0, 17)
        assert state.error == ""
        np.testing.assert_array_equal(state.landscape.losses, in_process)
    finally:
        state.close_cluster()
    assert state._dask is None


def test_two_runs_compared_on_the_plane_of_their_start_and_ends():
    state = NetworkState()
    state.executor = None
    state.set_run(method="gd", lr=0.5, steps=60)
    state.advance(60)
    state.keep_run_as_a()
    state.make_landscape("runs", None, 9)  # A and B are the same run: their ends span no plane
    assert "parallel" in state.error and state.landscape is None
    state.set_run(method="adam", lr=0.02, steps=60)
    state.advance(60)
    state.make_landscape("runs", None, 9)
    view = state.landscape
    np.testing.assert_allclose(view.coords[0], [0, 0], atol=1e-10)  # both start at the same initial weights
    np.testing.assert_allclose(view.coords[-1], [0, 1], atol=1e-9)  # B's end
    np.testing.assert_allclose(view.other_coords[-1], [1, 0], atol=1e-9)  # A's end
    assert view.span >= 1.0 and "Adam" not in view.other.label and "Gradient descent" in view.other.label


def test_a_chunk_of_training_has_progress_and_cancel_pauses_it_without_an_error():
    state, jobs = _queued()
    assert state.snapshot.step == 40
    state.play(True)
    (job,) = [j for j in jobs if j.kind == "train"]
    assert job.progress is state.train_progress and state.running
    state.cancel_training()  # before the worker got to it: no step taken, nothing lost
    assert not state.playing
    jobs.remove(job)
    _deliver(state, job)
    assert state.train_progress is None and not state.running and state.error == ""
    assert state.snapshot.step == 40 and jobs == []  # paused: no next chunk handed out
    state.advance(10)
    (again,) = jobs
    _deliver(state, again)
    assert state.snapshot.step == 50 and again.progress.fraction == 1.0


def test_training_with_curvature_off_trains():
    """`Curvature every: off` (0) once failed every chunk ("cannot reshape array of size 0")."""
    state = NetworkState()
    state.executor = None
    assert state.set_run(method="gd", lr=0.1, steps=30, curvature_every=0)
    state.advance(10)
    assert state.error == "" and state.snapshot.step == 10
    assert state.snapshot.curvature["eigenvalues"].shape == (0, 0) and len(state.snapshot.curvature["steps"]) == 0


def test_slow_steps_make_smaller_chunks_so_the_views_follow():
    from gradviz.model.network_training import CHUNK_SECONDS, CHUNK_STEPS

    state, jobs = _queued()
    state._step_seconds = CHUNK_SECONDS / 3  # as if the last chunk's steps had taken a third of CHUNK_SECONDS each
    state.advance()
    (job,) = jobs
    jobs.remove(job)
    _deliver(state, job)
    assert state.snapshot.step == 40 + 3
    measured = state._step_seconds
    assert 0 < measured < CHUNK_SECONDS / 3  # measured on this chunk: a tiny model's steps are fast
    state.advance()
    (job,) = jobs
    jobs.remove(job)
    _deliver(state, job)
    assert state.snapshot.step == 43 + min(CHUNK_STEPS, int(CHUNK_SECONDS / measured))
