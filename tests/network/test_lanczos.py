"""Top Hessian eigenvalues by Lanczos on exact Hessian-vector products, against numpy.linalg.eigvalsh; Adam's
preconditioned sharpness against the eigenvalues of P⁻¹H; Hutchinson's trace against the trace."""

import numpy as np
import pytest

import gradviz
from gradviz.network import parse_model
from gradviz.network.lanczos import hutchinson_trace, lanczos_top

RNG = np.random.default_rng(5)
X = RNG.normal(size=(60, 2))
T01 = (X[:, 0] ** 2 + X[:, 1] > 0.5).astype(float)


@pytest.fixture(scope="module")
def net():
    return parse_model(gradviz.mlp([2, 8, 8, 1], "tanh", "logistic"), {"X": X, "t": T01})


@pytest.mark.parametrize("k", [1, 3])
def test_top_eigenvalues_match_eigvalsh(net, k):
    theta = net.init(seed=0)
    exact = np.linalg.eigvalsh(net.hessian(theta))[::-1][:k]
    spectrum = net.hessian_spectrum(theta, k=k, seed=1)
    np.testing.assert_allclose(spectrum.values, exact, rtol=1e-6)
    assert spectrum.converged
    assert np.all(np.diff(spectrum.values) <= 0)  # decreasing
    np.testing.assert_array_equal(net.hessian_eigenvalues(theta, k=k, seed=1), spectrum.values)


def test_the_top_eigenvalue_needs_at_most_sixty_products(net):
    theta = net.init(seed=2)
    spectrum = net.hessian_spectrum(theta, k=1, seed=0)
    assert spectrum.values[0] == pytest.approx(np.linalg.eigvalsh(net.hessian(theta))[-1], rel=1e-6)
    assert spectrum.products <= 60


def test_preconditioned_sharpness_is_the_top_eigenvalue_of_p_inverse_h(net):
    theta = net.init(seed=3)
    p = np.random.default_rng(1).uniform(0.01, 1.0, net.size)
    expected = np.max(np.linalg.eigvals(np.diag(1 / p) @ net.hessian(theta)).real)
    got = net.hessian_eigenvalues(theta, preconditioner=p)[0]
    assert got == pytest.approx(expected, rel=1e-6)


def test_lanczos_on_a_known_spectrum_with_a_negative_end():
    rng = np.random.default_rng(0)
    q, _ = np.linalg.qr(rng.normal(size=(50, 50)))
    lam = np.concatenate([[9.0, 7.5, 7.0], np.linspace(-20.0, 3.0, 47)])  # the largest magnitude is negative
    a = q @ np.diag(lam) @ q.T
    result = lanczos_top(lambda v: a @ v, 50, k=3)
    np.testing.assert_allclose(result.values, [9.0, 7.5, 7.0], rtol=1e-8)
    for value, vector in zip(result.values, result.vectors, strict=True):
        np.testing.assert_allclose(a @ vector, value * vector, atol=1e-5)


def test_hutchinson_trace_is_within_its_standard_error(net):
    theta = net.init(seed=4)
    exact = np.trace(net.hessian(theta))
    estimate, error = net.hessian_trace(theta, samples=300, seed=0)
    assert abs(estimate - exact) < 4 * error
    assert error < abs(exact)
    diag = np.diag(np.arange(1.0, 6.0))
    assert hutchinson_trace(lambda v: diag @ v, 5, samples=10)[0] == pytest.approx(15.0)  # diagonal: exact
