"""The window under edits faster than its jobs: what it shows in the end (surface, contours, paths, readout) is all
of the last f, the full grid replaced the preview, and the views drew that sample."""

import numpy as np

from gradviz import parse
from gradviz.calculus import local_model
from gradviz.descent.trajectory import descend
from gradviz.model.sampling import COARSE_GRID

from .conftest import settle

TEXTS = [f"sin({k}*x)*cos(y) + 0.{k}*(x^2 + y^2)" for k in range(1, 10)]


def test_fast_edits_end_on_the_last_f(qtbot, window):
    scene = window.scene
    scene.set_resolution(300)
    scene.descent.set_starts([(1.0, 1.0), (-2.0, 0.5), (0.5, -3.0)])
    for text in TEXTS:
        scene.set_expression(text)
        qtbot.wait(3)  # less than a job takes: most are cancelled or dropped
    assert scene.sample().coarse or not scene.busy
    settle(qtbot, window)
    last = parse(TEXTS[-1])
    s = scene.sample()
    assert s.f.shape == (300, 300)
    np.testing.assert_allclose(s.f, last.grid(s.xs, s.ys)[0], rtol=1e-12, atol=1e-12)
    assert window.surface._built_sample is s and window.contour._built_sample is s
    assert window.contour.image.image.shape == (300, 300)
    d = scene.descent
    for start, method, traj in d.trajectories():
        m = d.methods[method]
        again = descend(last, (start.x, start.y), method, lr=m.lr, steps=d.steps, tol=d.tol, bound=d._bound,
                        **m.hyper_dict)
        np.testing.assert_array_equal(traj.points, again.points)
    expected = local_model(last, *scene.probe)
    assert scene.local().f == expected.f and np.array_equal(scene.local().hessian, expected.hessian)


def test_a_new_f_is_drawn_coarse_within_the_change_then_fine(qtbot, window):
    """Right after the change the views hold the 48² preview; the full grid follows without any further input."""
    scene = window.scene
    scene.set_resolution(400)
    scene.set_expression("x*exp(-(x^2 + y^2)/4)")
    assert window.contour.image.image.shape == (COARSE_GRID, COARSE_GRID)
    settle(qtbot, window)
    assert window.contour.image.image.shape == (400, 400)
    assert window.surface.mesh.vertices.shape[0] >= 400 * 400


def test_once_the_window_is_up_a_full_collection_scans_only_what_was_made_since():
    import gc

    from gradviz.gui.background import settle_heap

    made_at_start = [[] for _ in range(100)]
    try:
        frozen = settle_heap()
        assert frozen >= len(made_at_start)
        made_later = []
        scanned = gc.get_objects()  # what a full collection goes through
        assert not any(o is made_at_start[0] for o in scanned) and any(o is made_later for o in scanned)
    finally:
        gc.unfreeze()  # the next tests' objects are collected as usual
