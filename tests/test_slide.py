"""A moving slider shows f on a coarser grid (at most SLIDE_GRID a side) and hands out no full sample; let go or
resting (`settle`), the full grid follows: at once without an executor, off the thread with one."""

import numpy as np

from gradviz.model.sampling import SLIDE_GRID, sample
from gradviz.model.scene import Scene

BUMPS = "k = 1 in [0.5, 3]; k*sin(x)*cos(y) + 0.1*(x^2 + y^2)"


def by_hand(k, xs, ys):
    """The same f, written out in NumPy: a second route to the sampled values."""
    return k * np.sin(xs)[:, None] * np.cos(ys)[None, :] + 0.1 * (xs[:, None] ** 2 + ys[None, :] ** 2)


def test_a_sliding_tick_shows_the_new_f_on_a_coarser_grid_and_settle_brings_the_full_one():
    scene = Scene()
    scene.set_expression(BUMPS)
    scene.set_resolution(200)
    seen = []
    scene.sample_changed.connect(lambda: seen.append(scene.sample()))
    scene.set_parameter("k", 2.0, sliding=True)
    s = scene.sample()
    assert s.coarse and s.f.shape == (SLIDE_GRID, SLIDE_GRID) and scene.sliding
    np.testing.assert_allclose(s.f, by_hand(2.0, s.xs, s.ys), rtol=1e-12, atol=1e-12)  # the new k, not the old
    assert (s.xs[0], s.xs[-1], s.ys[0], s.ys[-1]) == scene.domain  # the same domain, fewer points
    np.testing.assert_allclose(s.fx, 2.0 * np.cos(s.xs)[:, None] * np.cos(s.ys)[None, :] + 0.2 * s.xs[:, None],
                               rtol=1e-12, atol=1e-12)
    scene.settle()
    full = scene.sample()
    assert not scene.sliding and not full.coarse and full.f.shape == (200, 200) and seen == [full]
    np.testing.assert_array_equal(full.f, sample(scene.function, scene.domain, 200).f)
    scene.settle()  # nothing left to refine: no second announcement
    assert seen == [full]


def test_a_value_set_without_sliding_ends_the_slide_at_full_detail():
    scene = Scene()
    scene.set_expression(BUMPS)
    scene.set_resolution(200)
    for k in (1.2, 1.4, 1.6):
        scene.set_parameter("k", k, sliding=True)
        assert scene.sample().f.shape == (SLIDE_GRID,) * 2
    scene.set_parameter("k", 1.8)  # typed in the spin box
    assert not scene.sliding and scene.sample().f.shape == (200, 200)
    scene.set_parameter("k", 2.0, sliding=True)
    scene.set_parameter("k", 2.0)  # let go where it was: the same value, at full detail
    assert not scene.sliding and scene.sample().f.shape == (200, 200)
    np.testing.assert_allclose(scene.sample().f, by_hand(2.0, scene.sample().xs, scene.sample().ys), rtol=1e-12)


def test_a_grid_no_finer_than_the_slide_grid_is_never_coarse():
    scene = Scene()
    scene.set_expression(BUMPS)
    scene.set_resolution(SLIDE_GRID - 20)
    scene.set_parameter("k", 2.5, sliding=True)
    assert not scene.sample().coarse and scene.sample().f.shape == (SLIDE_GRID - 20,) * 2


def test_with_an_executor_a_slide_hands_out_no_sample_until_it_settles(queued):
    scene, jobs = queued
    scene.set_expression(BUMPS)
    scene.set_resolution(200)
    jobs.clear()
    for value in np.linspace(0.5, 3.0, 15):
        scene.set_parameter("k", float(value), sliding=True)
        assert scene.sample().f.shape == (SLIDE_GRID,) * 2
    assert [job.kind for job in jobs if job.kind == "sample"] == []
    scene.settle()
    sample_jobs = [job for job in jobs if job.kind == "sample"]
    assert len(sample_jobs) == 1
    job = sample_jobs[0]
    scene.accept(job, job.compute())
    full = scene.sample()
    assert not full.coarse and full.f.shape == (200, 200)
    np.testing.assert_allclose(full.f, by_hand(3.0, full.xs, full.ys), rtol=1e-12, atol=1e-12)


def test_a_slide_settled_after_a_new_f_keeps_the_new_f():
    """A stale settle (the slider let go after f was replaced) changes nothing that is shown."""
    scene = Scene()
    scene.set_expression(BUMPS)
    scene.set_resolution(200)
    scene.set_parameter("k", 2.0, sliding=True)
    scene.set_expression("x^2 - y^2")
    shown = scene.sample()
    assert not shown.coarse and shown.f.shape == (200, 200)  # a new f is shown whole
    scene.settle()
    assert scene.sample() is shown and scene.function.text == "x^2 - y^2"
    np.testing.assert_allclose(shown.f, shown.xs[:, None] ** 2 - shown.ys[None, :] ** 2, rtol=1e-12, atol=1e-12)


def test_a_new_slider_range_during_a_slide_shows_the_full_grid():
    """Typing a range while the slider is held (the value stays inside it) ends the slide at full detail."""
    scene = Scene()
    scene.set_expression(BUMPS)
    scene.set_resolution(200)
    scene.set_parameter("k", 2.0, sliding=True)
    assert scene.sample().coarse
    scene.set_parameter_range("k", 0.5, 4.0)
    assert not scene.sliding and scene.sample().f.shape == (200, 200)
    np.testing.assert_allclose(scene.sample().f, by_hand(2.0, scene.sample().xs, scene.sample().ys), rtol=1e-12)
