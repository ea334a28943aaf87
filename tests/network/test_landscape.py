"""Landscape slices: values against direct evaluation of L at θ + αd₁ + βd₂, filter normalisation's per-neuron
norms, PCA against an SVD of the trajectory, the slice's gradient and Hessian against the projected full ones,
projection of a path, and every refusal."""

import numpy as np
import pytest

import gradviz
from gradviz.network import network_dataset, parse_model

DATA = network_dataset("moons", rows=120, seed=1)


@pytest.fixture(scope="module")
def net():
    return parse_model(gradviz.mlp([2, 6, 5, 1], "tanh", "logistic"), DATA)


@pytest.fixture(scope="module")
def theta(net):
    return gradviz.train(net, net.init(0), "adam", lr=0.02, steps=60).theta


@pytest.mark.parametrize("kind", ["filter", "layer", "none", "eigen"])
def test_slice_values_are_the_loss_at_theta_plus_the_plane(net, theta, kind):
    sl = gradviz.landscape(net, theta, directions=kind, seed=3)
    d1, d2 = sl.directions
    alphas, betas = np.linspace(-1, 1, 5), np.linspace(-0.5, 0.8, 4)
    grid = sl.grid(alphas, betas)
    direct = np.array([[net.loss(theta + a * d1 + b * d2) for b in betas] for a in alphas])
    np.testing.assert_allclose(grid, direct, rtol=1e-13)
    assert sl(0.3, -0.2) == pytest.approx(net.loss(theta + 0.3 * d1 - 0.2 * d2), rel=1e-14)
    np.testing.assert_allclose(sl(alphas[:, None], betas[None, :]), direct, rtol=1e-13)
    np.testing.assert_array_equal(sl.center, theta)


def test_filter_normalisation_matches_each_neurons_norm(net, theta):
    sl = gradviz.landscape(net, theta, directions="filter", seed=0)
    w, d = net.unflatten(theta), net.unflatten(sl.directions[0])
    for name in w:
        if w[name].ndim == 2:  # a column of W (X@W): the weights feeding one neuron
            np.testing.assert_allclose(np.linalg.norm(d[name], axis=0), np.linalg.norm(w[name], axis=0), rtol=1e-12)
        else:
            assert not d[name].any()  # biases zeroed by default
    kept = gradviz.landscape(net, theta, directions="filter", seed=0, biases=True)
    b = net.unflatten(kept.directions[0])["b1"]
    assert np.linalg.norm(b) == pytest.approx(np.linalg.norm(w["b1"]), rel=1e-12)
    layer = net.unflatten(gradviz.landscape(net, theta, directions="layer", seed=0).directions[1])
    assert np.linalg.norm(layer["W2"]) == pytest.approx(np.linalg.norm(w["W2"]), rel=1e-12)


def test_pca_directions_are_the_svd_of_the_trajectory(net):
    run = gradviz.train(net, net.init(1), "momentum", lr=0.1, steps=40)
    sl = gradviz.landscape(net, run.theta, directions="pca", run=run)
    offsets = run.thetas - run.theta
    _, s, vt = np.linalg.svd(offsets, full_matrices=False)
    for got, want in zip(sl.directions, vt[:2], strict=True):
        assert abs(got @ want) == pytest.approx(1.0, abs=1e-10)  # the same axis (up to sign)
    np.testing.assert_allclose(sl.explained_variance, s[:2] ** 2 / np.sum(s ** 2), rtol=1e-10)
    coords, off = sl.project(run.thetas)
    np.testing.assert_allclose(np.linalg.norm(offsets, axis=1) ** 2, np.sum(coords ** 2, axis=1) + off ** 2,
                               rtol=1e-9)  # orthonormal directions: Pythagoras
    assert gradviz.landscape(net, run.theta, directions="filter").explained_variance is None


def test_slice_gradient_and_hessian_are_the_projected_full_ones(net, theta):
    sl = gradviz.landscape(net, theta, directions="filter", seed=2)
    d1, d2 = sl.directions
    point = sl.point(0.2, -0.1)
    g = net.grad(point)
    np.testing.assert_allclose(sl.grad(0.2, -0.1), [d1 @ g, d2 @ g], rtol=1e-12)
    h = net.hessian(point)
    np.testing.assert_allclose(sl.hessian(0.2, -0.1), [[d1 @ h @ d1, d1 @ h @ d2], [d2 @ h @ d1, d2 @ h @ d2]],
                               rtol=1e-9, atol=1e-12)
    eps = 1e-5  # and the slice's own central differences
    fd = [(sl(0.2 + eps, -0.1) - sl(0.2 - eps, -0.1)) / (2 * eps),
          (sl(0.2, -0.1 + eps) - sl(0.2, -0.1 - eps)) / (2 * eps)]
    np.testing.assert_allclose(sl.grad(0.2, -0.1), fd, rtol=1e-6)


def test_a_three_point_plane_and_projection(net):
    start = net.init(0)
    a = gradviz.train(net, start, "gd", lr=0.5, steps=30).theta
    b = gradviz.train(net, start, "adam", lr=0.02, steps=30).theta
    sl = gradviz.landscape(net, start, directions=(a - start, b - start))
    coords, off = sl.project([start, a, b])
    np.testing.assert_allclose(coords, [[0, 0], [1, 0], [0, 1]], atol=1e-10)
    np.testing.assert_allclose(off, 0, atol=1e-10)


@pytest.mark.parametrize("directions,match", [
    ((np.ones(3), np.ones(3)), "needs the"), ("pca", "needs the training run"), ("diagonal", "unknown directions"),
])
def test_bad_planes_are_named(net, theta, directions, match):
    with pytest.raises(ValueError, match=match):
        gradviz.landscape(net, theta, directions=directions)


def test_zero_and_parallel_directions_are_refused(net, theta):
    d = np.random.default_rng(0).normal(size=net.size)
    with pytest.raises(ValueError, match="zero"):
        gradviz.landscape(net, theta, directions=(d, np.zeros(net.size)))
    with pytest.raises(ValueError, match="parallel"):
        gradviz.landscape(net, theta, directions=(d, -2 * d))
    sl = gradviz.landscape(net, theta)
    with pytest.raises(ValueError, match="1 to 1001"):
        sl.grid(np.zeros(1002), np.zeros(3))
