"""A landscape slice shown in the Qt-free scene like any f: its sample, the probe's local model, descent paths and
critical points, each against the slice itself (and a hand-written gradient descent on the plane)."""

import numpy as np
import pytest

import gradviz
from gradviz.expr.two_variables import TwoVariableFunction
from gradviz.landscape.slice_function import SliceFunction
from gradviz.model.scene import Scene
from gradviz.network import network_dataset, parse_model


@pytest.fixture(scope="module")
def sl():
    net = parse_model(gradviz.mlp([2, 6, 1], "tanh", "logistic"), network_dataset("moons", rows=80))
    theta = gradviz.train(net, net.init(0), "adam", lr=0.02, steps=100).theta
    return gradviz.landscape(net, theta, directions="filter", seed=1)


def test_the_slice_is_a_two_variable_function_with_the_slices_derivatives(sl):
    f = SliceFunction(sl)
    assert isinstance(f, TwoVariableFunction) and f.variables == ("α", "β")
    a, b = np.array([0.1, -0.4, 0.7]), np.array([0.2, 0.0, -0.5])
    values = f.derivatives(a, b)
    for k in range(3):
        assert values[0][k] == pytest.approx(sl(a[k], b[k]), rel=1e-13)
        np.testing.assert_allclose([values[1][k], values[2][k]], sl.grad(a[k], b[k]), rtol=1e-11, atol=1e-14)
        h = sl.hessian(a[k], b[k])
        np.testing.assert_allclose([values[3][k], values[4][k], values[5][k]], [h[0, 0], h[0, 1], h[1, 1]],
                                   rtol=1e-10, atol=1e-13)
        np.testing.assert_allclose(f.point(a[k], b[k]), [v[k] for v in values], rtol=1e-11, atol=1e-14)
    grid = f.grid(np.linspace(-1, 1, 4), np.linspace(-1, 1, 3))[0]
    np.testing.assert_allclose(grid, sl.grid(np.linspace(-1, 1, 4), np.linspace(-1, 1, 3)), rtol=1e-13)


def test_the_scene_shows_a_slice_with_its_toolkit(sl):
    scene = Scene()
    scene.executor = None
    scene.show_function(sl, (-1.0, 1.0, -1.0, 1.0), [(0.5, 0.5)])  # the slice itself, like any f
    f = scene.function
    assert isinstance(f, SliceFunction) and f.landscape is sl and scene.text == f.text
    sample = scene.sample()
    np.testing.assert_allclose(sample.f, sl.grid(sample.xs, sample.ys), rtol=1e-12)
    local = scene.local()
    h = sl.hessian(*scene.probe)
    assert (local.fxx, local.fxy, local.fyy) == pytest.approx((h[0, 0], h[0, 1], h[1, 1]), rel=1e-10)
    paths = {m: t for _, m, t in scene.descent.trajectories()}
    gd = paths["gd"]
    w = np.array([0.5, 0.5])
    for point in gd.points[:20]:  # gradient descent on the plane, by hand
        np.testing.assert_allclose(point, w, rtol=1e-10, atol=1e-12)
        w = w - gd.lr * sl.grad(*w)
    for cp in scene.find_critical_points():
        np.testing.assert_allclose(sl.grad(cp.x, cp.y), 0.0, atol=1e-6)


def test_a_session_keeps_a_slice_on_screen(sl, tmp_path):
    import json

    from gradviz.session.schema import scene_from_dict, scene_to_dict

    scene = Scene()
    scene.executor = None
    scene.show_function(SliceFunction(sl), (-2.0, 2.0, -1.0, 1.0), [(0.3, 0.1)])
    saved = json.loads(json.dumps(scene_to_dict(scene)))
    again = Scene()
    again.executor = None
    scene_from_dict(again, saved)
    assert isinstance(again.function, SliceFunction) and again.domain == (-2.0, 2.0, -1.0, 1.0)
    assert again.function(0.3, -0.2) == sl(0.3, -0.2)  # the same plane, bit for bit
    saved["landscape"]["d1"] = saved["landscape"]["d1"][:-1]
    with pytest.raises(Exception, match="landscape.d1"):
        scene_from_dict(Scene(), saved)


def test_a_big_slice_is_previewed_over_a_sample_of_its_rows():
    """As a loss on data: the window's first picture of a slice over many rows uses PREVIEW_ROWS of them."""
    from gradviz.model.sampling import PREVIEW_ROWS, OnRows, coarse_sample

    net = parse_model(gradviz.mlp([2, 4, 1], "tanh", "logistic"), network_dataset("moons", rows=3 * PREVIEW_ROWS))
    big = gradviz.landscape(net, net.init(0), directions="layer", seed=0)
    preview = coarse_sample(SliceFunction(big), (-1.0, 1.0, -1.0, 1.0), 160)
    assert isinstance(preview.source, OnRows) and len(preview.source.rows) == PREVIEW_ROWS
    a, b = preview.xs[5], preview.ys[7]
    assert preview.f[5, 7] == pytest.approx(net.loss(big.point(a, b), preview.source.rows), rel=1e-12)


def test_a_costly_slice_gets_a_smaller_first_preview():
    """The first picture stays near the frame budget: fewer points a side as the weights and rows grow."""
    from gradviz.model.sampling import COARSE_GRID, MIN_COARSE_GRID, PREVIEW_ROWS, PREVIEW_WORK, coarse_sample

    rng = np.random.default_rng(0)
    x = rng.normal(size=(2000, 2))
    net = parse_model(gradviz.mlp([2, 32, 32, 1], "tanh", "mse"), {"X": x, "t": np.sin(x[:, 0])})
    big = SliceFunction(gradviz.landscape(net, net.init(0), directions="layer"))
    preview = coarse_sample(big, (-1.0, 1.0, -1.0, 1.0), 160)
    side = int((PREVIEW_WORK / (net.size * PREVIEW_ROWS)) ** 0.5)
    assert preview.f.shape == (max(MIN_COARSE_GRID, side),) * 2 and preview.f.shape[0] < COARSE_GRID
    assert coarse_sample(gradviz.parse("x^2 + y^2"), (-1.0, 1.0, -1.0, 1.0), 160).f.shape == (COARSE_GRID,) * 2
