"""Coarse first, then fine, without Qt: with an executor the scene shows a 48² preview and the first steps of each
path at once, hands out the full sample and the whole paths, drops results of an f no longer shown, and cancels
the work of a request that a newer one replaced."""

import numpy as np
import pytest

import gradviz
from gradviz.descent.trajectory import descend
from gradviz.model.jobs import CancelledError
from gradviz.model.sampling import COARSE_GRID, PREVIEW_ROWS, sample
from gradviz.model.scene import Scene


def run(scene, jobs, kind=None):
    """Run and deliver the jobs handed out so far (of `kind`), oldest first, as the window's runner would."""
    for job in list(jobs):
        if kind is None or job.kind == kind:
            jobs.remove(job)
            try:
                result = job.compute()
            except Exception as exc:  # noqa: BLE001
                result = exc
            scene.accept(job, result)


def test_a_new_f_shows_a_coarse_sample_then_the_full_one(queued):
    scene, jobs = queued
    seen = []
    scene.sample_changed.connect(lambda: seen.append(scene.sample()))
    scene.set_expression("sin(x)*y + x^2")
    coarse = scene.sample()
    assert coarse.coarse and coarse.f.shape == (COARSE_GRID, COARSE_GRID)
    assert [job.kind for job in jobs if job.kind == "sample"] == ["sample"]
    xs = np.linspace(*scene.domain[:2], COARSE_GRID)
    np.testing.assert_allclose(coarse.f[:, 7], np.sin(xs) * coarse.ys[7] + xs**2, rtol=1e-12, atol=1e-12)
    run(scene, jobs, "sample")
    full = scene.sample()
    assert not full.coarse and full.f.shape == (scene.resolution, scene.resolution) and seen == [full]
    direct = sample(scene.function, scene.domain, scene.resolution)
    np.testing.assert_array_equal(full.f, direct.f)
    np.testing.assert_array_equal(full.fx, direct.fx)
    assert scene.busy == [] or all(job.kind != "sample" for job in scene.busy)


def test_the_full_sample_reports_progress_and_comes_with_its_isolines(queued):
    scene, jobs = queued
    scene.set_resolution(400)
    scene.set_expression("x^2 - y^2")
    scene.sample()
    (job,) = [j for j in jobs if j.kind == "sample"]
    fractions = []
    report = job.progress.report
    job.progress.report = lambda f: (fractions.append(f), report(f))
    result = job.compute()
    assert len(fractions) > 3 and fractions == sorted(fractions) and fractions[-1] == 1.0
    assert result._isolines and result._scales  # computed on the worker: the GUI thread only draws them


def test_fast_edits_show_only_the_last_f(queued):
    """Three edits before any job finishes, then the results delivered late and out of order: the sample, the paths
    and the critical points shown are all of the last f."""
    scene, jobs = queued
    scene.descent.inline_seconds = 0.0  # every path goes to the worker
    texts = ["x^2 + 3*y^2", "(x - 1)^2 + (y + 0.5)^2", "cos(x) + y^2"]
    for text in texts:
        scene.set_expression(text)
        scene.sample()
        scene.descent.trajectories()
        scene.request_critical_points()
    finished = [(job, job.compute()) for job in jobs if not job.progress.cancelled]
    cancelled = [job for job in jobs if job.progress.cancelled]
    assert len(cancelled) == 6  # the first two edits' three jobs each: the newer requests stopped them
    for job, result in reversed(finished):
        scene.accept(job, result)
    last = gradviz.parse(texts[-1])
    np.testing.assert_allclose(scene.sample().f, last.grid(scene.sample().xs, scene.sample().ys)[0])
    for start, method, traj in scene.descent.trajectories():
        s = scene.descent.methods[method]
        again = descend(last, (start.x, start.y), method, lr=s.lr, steps=scene.descent.steps, tol=scene.descent.tol,
                        bound=scene.descent._bound, **s.hyper_dict)
        np.testing.assert_allclose(traj.points, again.points)
    found = sorted((round(p.x, 6), round(p.y, 6), p.kind) for p in scene.found_critical_points)
    pi = round(np.pi, 6)  # cos(x) + y² on Himmelblau's domain [−5, 5]²: minima at x = ±π, a saddle at 0
    assert found == [(-pi, 0.0, "minimum"), (0.0, 0.0, "saddle"), (pi, 0.0, "minimum")]


def test_paths_are_previewed_then_whole(queued):
    scene, jobs = queued
    d = scene.descent
    d.inline_seconds = 0.0
    d.set_run(steps=500, tol=0.0)
    runs = d.trajectories()
    assert runs and all(len(t.points) - 1 <= d.preview_steps() < 500 for _, _, t in runs)
    assert [j.kind for j in jobs] == ["paths"]
    d.trajectories()  # a second view asking for the same paths hands out nothing new
    assert [j.kind for j in jobs] == ["paths"]
    changed = []
    d.trajectories_changed.connect(lambda: changed.append(True))
    run(scene, jobs)
    assert changed and jobs == []
    for start, method, traj in d.trajectories():
        assert len(traj.points) == 501
        np.testing.assert_array_equal(traj.points, d.trajectory(start, method).points)
        preview = runs[[(p.key, m) for p, m, _ in runs].index((start.key, method))][2]
        np.testing.assert_array_equal(traj.points[:len(preview.points)], preview.points)  # its first steps


def test_a_slider_never_queues_work_behind_it(queued):
    """Each tick cancels the sample and paths of the tick before: 15 ticks leave one sample job that runs."""
    scene, jobs = queued
    scene.descent.inline_seconds = 0.0
    scene.set_expression("k = 1 in [0.5, 3]; k*sin(x)*cos(y) + 0.1*(x^2 + y^2)")
    for value in np.linspace(0.5, 3.0, 15):
        scene.set_parameter("k", float(value))
        scene.sample()
        scene.descent.trajectories()
    live = [job for job in jobs if not job.progress.cancelled]
    assert sorted(job.kind for job in live) == ["paths", "sample"]
    for job in jobs:
        if job.progress.cancelled:
            with pytest.raises(CancelledError):
                job.compute()
    run(scene, live)
    k = scene.function.parameters["k"]
    assert k == 3.0
    xs, ys = scene.sample().xs, scene.sample().ys
    expected = 3.0 * np.sin(xs)[:, None] * np.cos(ys)[None, :] + 0.1 * (xs[:, None] ** 2 + ys[None, :] ** 2)
    np.testing.assert_allclose(scene.sample().f, expected, rtol=1e-12, atol=1e-12)


def test_a_loss_over_many_rows_previews_on_a_fixed_sample_of_them(queued):
    scene, jobs = queued
    rng = np.random.default_rng(1)
    x = rng.normal(size=5_000)
    fn = gradviz.parse("f(w, b) = mean((w*x + b - y)^2)", data={"x": x, "y": 2.0 * x + 1.0 + rng.normal(size=5_000)})
    scene.show_loss(fn, (-1.0, 5.0, -2.0, 4.0), (0.0, 0.0))
    preview = scene.sample()
    assert preview.coarse and len(preview.source.rows) == PREVIEW_ROWS
    rows = preview.source.rows
    w, b = preview.xs[5], preview.ys[9]
    assert preview.f[5, 9] == pytest.approx(np.mean((w * x[rows] + b - (fn.data["y"][rows])) ** 2), rel=1e-12)
    run(scene, jobs, "sample")
    full = scene.sample()
    assert not full.coarse and full.f.shape == (scene.resolution,) * 2
    w, b = full.xs[17], full.ys[3]
    assert full.f[17, 3] == pytest.approx(np.mean((w * x + b - fn.data["y"]) ** 2), rel=1e-12)


def test_without_an_executor_everything_is_whole_at_once():
    scene = Scene()
    assert not scene.sample().coarse and scene.sample().f.shape == (scene.resolution,) * 2
    assert all(len(t.points) > 1 for _, _, t in scene.descent.trajectories())


LONG = " + ".join(f"sin({k}*x + y)*exp(-0.0{k}*(x^2 + y^2))" for k in range(1, 9))


def test_a_long_f_is_derived_off_the_thread_and_shown_whole(queued):
    """The f on screen stays until the long one is derived; then f, its sample and its paths arrive together."""
    scene, jobs = queued
    assert len(LONG) > 160
    before = scene.function
    changed = []
    scene.function_changed.connect(changed.append)
    assert scene.set_expression(LONG)
    assert scene.function is before and changed == [] and [j.kind for j in jobs] == ["prepare"]
    run(scene, jobs, "prepare")
    assert scene.text == LONG and changed == [scene.function]
    x, y = 0.3, -0.7
    expected = sum(np.sin(k * x + y) * np.exp(-0.01 * k * (x * x + y * y)) for k in range(1, 9))
    assert scene.function(x, y) == pytest.approx(expected, rel=1e-12)


def test_a_newer_edit_drops_the_long_f_on_its_way(queued):
    scene, jobs = queued
    scene.set_expression(LONG)
    (pending,) = jobs
    scene.set_expression("x*y")  # short: shown at once, and the long one is stale
    assert scene.text == "x*y" and scene.is_stale(pending)
    result = pending.compute() if not pending.progress.cancelled else None
    scene.accept(pending, result)
    assert scene.text == "x*y"
    scene.set_expression(LONG)
    scene.set_domain((-2.0, 2.0, -2.0, 2.0))  # a new domain: the f on its way stays on its way
    run(scene, jobs, "prepare")
    assert scene.text == LONG and scene.domain == (-2.0, 2.0, -2.0, 2.0)
    scene.set_expression(LONG + " + x")
    scene.set_expression(LONG)  # typed back to what is shown: the edit on its way is dropped
    assert all(scene.is_stale(job) for job in jobs if job.kind == "prepare")


def test_a_copy_for_an_export_shares_what_is_computed(queued):
    """An export's twin scene takes the window scene's full sample and whole paths (the same objects: nothing is
    computed again on the GUI thread), and only when it shows the same f, domain and grid."""
    from gradviz.session import scene_from_dict, scene_to_dict

    scene, jobs = queued
    scene.set_expression("x^2 + 3*sin(y)")
    scene.sample()
    run(scene, jobs)
    runs = scene.descent.trajectories()
    twin = Scene()
    scene_from_dict(twin, scene_to_dict(scene))
    assert twin.share_results(scene)
    assert twin.sample() is scene.sample()
    assert [t for _, _, t in twin.descent.trajectories()] == [t for _, _, t in runs]
    assert all(a is b for (_, _, a), (_, _, b) in zip(twin.descent.trajectories(), runs, strict=True))
    other = Scene()
    scene_from_dict(other, scene_to_dict(scene))
    other.set_expression("x^2 + 3*sin(y) + 1")
    assert not other.share_results(scene) and other.sample() is not scene.sample()
    other.set_expression("x^2 + 3*sin(y)")
    other.set_resolution(100)
    assert not other.share_results(scene)


def test_a_parameter_tick_computes_fewer_whole_paths_at_once_than_a_change(queued, monkeypatch):
    """A change computes paths at once for INLINE_SECONDS, a slider's tick for TICK_SECONDS (it comes once a frame,
    and the views redraw as well); the rest are previewed and handed out. Each path is made to cost 1 ms."""
    from gradviz.model import descent_state

    scene, jobs = queued
    clock = [0.0]
    monkeypatch.setattr(descent_state.time, "perf_counter", lambda: clock[0])
    run = scene.descent._run

    def one_ms_a_step_batch(start, method, steps):
        clock[0] += 1e-3 * steps / scene.descent.steps  # a whole path: 1 ms; its preview: a fraction of it
        return run(start, method, steps)

    monkeypatch.setattr(scene.descent, "_run", one_ms_a_step_batch)
    scene.descent.set_starts([(0.5 * k, 1.0) for k in range(-4, 4)])  # 8 starts × 3 methods = 24 paths
    scene.set_expression("k = 1 in [0.5, 2]; k*(x^2 + 3*y^2)")
    whole_after_change = sum(t.status != "max_steps" or len(t.points) > 41 for _, _, t in scene.descent.trajectories())
    scene.set_parameter("k", 1.5)
    whole_after_tick = sum(t.status != "max_steps" or len(t.points) > 41 for _, _, t in scene.descent.trajectories())
    assert whole_after_change >= 3 * whole_after_tick > 0
    assert descent_state.TICK_SECONDS < descent_state.INLINE_SECONDS


def test_paths_of_every_start_point_up_to_the_cap_are_computed_once(monkeypatch):
    """256 start points × 3 methods are 768 paths: the cache holds them all (a fixed 512 once emptied it on every
    store, so each redraw computed every path again)."""
    from gradviz.model import descent_state
    from gradviz.model.limits import MAX_STARTS

    scene = Scene()
    rng = np.random.default_rng(3)
    scene.descent.set_starts([(float(a), float(b)) for a, b in rng.uniform(-4, 4, (MAX_STARTS, 2))])
    runs = []
    real = descent_state.descend
    monkeypatch.setattr(descent_state, "descend", lambda *a, **k: runs.append(1) or real(*a, **k))
    first = scene.descent.trajectories()
    assert len(first) == MAX_STARTS * len(scene.descent.enabled_methods) > 512
    assert len(runs) == len(first)
    again = scene.descent.trajectories()
    assert len(runs) == len(first)  # nothing computed twice
    assert all(a[2] is b[2] for a, b in zip(first, again, strict=True))


def test_paths_past_the_budget_show_their_start_point_computed_together_then_whole(queued, monkeypatch):
    """Once the frame's budget is spent, a path shows its start point alone: f and ∇f there for every such path in
    one vectorised call, no descent run on the GUI thread (a 12-term f's one-step previews cost 77 ms for 768
    paths). The job then brings every path whole."""
    from gradviz.model import descent_state
    from gradviz.model.limits import MAX_STARTS

    scene, jobs = queued
    d = scene.descent
    scene.set_expression("sin(x)*cos(y) + 0.1*(x^2 + y^2)")
    run(scene, jobs)
    d.inline_seconds = 0.0
    rng = np.random.default_rng(5)
    calls = []
    real = descent_state.descend
    monkeypatch.setattr(descent_state, "descend", lambda *a, **k: calls.append(1) or real(*a, **k))
    d.set_starts([(float(a), float(b)) for a, b in rng.uniform(-4, 4, (MAX_STARTS, 2))])
    shown = d.trajectories()
    assert len(shown) == MAX_STARTS * len(d.enabled_methods) and calls == []
    for p, method, traj in shown:
        assert traj.method == method and traj.stop_step == 0 and traj.points.tolist() == [[p.x, p.y]]
        assert traj.values[0] == pytest.approx(np.sin(p.x) * np.cos(p.y) + 0.1 * (p.x**2 + p.y**2), rel=1e-12)
        assert traj.grads[0] == pytest.approx([np.cos(p.x) * np.cos(p.y) + 0.2 * p.x,
                                               -np.sin(p.x) * np.sin(p.y) + 0.2 * p.y], rel=1e-12, abs=1e-15)
        assert traj.lr == d.methods[method].lr
    assert [j.kind for j in jobs] == ["paths"]
    run(scene, jobs)
    for p, method, traj in d.trajectories():
        whole = real(scene.function, (p.x, p.y), method, lr=d.methods[method].lr, steps=d.steps, tol=d.tol,
                     bound=d._bound, **d.methods[method].hyper_dict)
        np.testing.assert_array_equal(traj.points, whole.points)
