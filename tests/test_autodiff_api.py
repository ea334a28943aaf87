"""The array API: matrix calculus, shapes, Hessians, jacobians and error messages."""

import numpy as np
import pytest

from gradviz.autodiff import TraceError, elementwise_grad, grad, hessian, jacobian, value_and_grad
from gradviz.autodiff import numpy as anp

from .gradcheck import assert_grad_matches, numerical_grad

rng = np.random.default_rng(7)


def test_grad_of_beta_x_is_beta_transpose():
    beta = rng.normal(size=(1, 4))
    x = rng.normal(size=(4, 1))
    g = grad(lambda v: anp.sum(beta @ v))(x)
    np.testing.assert_allclose(g, beta.T, rtol=1e-14)


def test_grad_of_quadratic_form_is_a_plus_a_transpose_x():
    a = rng.normal(size=(5, 5))
    x = rng.normal(size=5)
    g = grad(lambda v: v @ a @ v)(x)
    np.testing.assert_allclose(g, (a + a.T) @ x, rtol=1e-12)
    np.testing.assert_allclose(hessian(lambda v: v @ a @ v)(x), a + a.T, rtol=1e-12)


def test_grad_of_frobenius_factorisation_loss_has_minus_sign():
    u = rng.normal(size=(6, 3))
    v = rng.normal(size=(3, 4))
    x = rng.normal(size=(6, 4))
    loss = lambda vv: anp.sum((x - u @ vv) ** 2)  # noqa: E731
    g = grad(loss)(v)
    np.testing.assert_allclose(g, -2 * u.T @ (x - u @ v), rtol=1e-12)
    assert_grad_matches(loss, grad(loss), v, rtol=1e-6)
    assert not np.allclose(g, 2 * u.T @ (x - u @ v))  # the chapter's sign is wrong


def test_hessian_is_symmetric_and_matches_differences_of_the_gradient():
    w = rng.normal(size=4)
    f = lambda v: anp.sum(anp.tanh(v) ** 2 * anp.exp(v[0] * v)) + anp.log(1 + anp.sum(v * v))  # noqa: E731
    h = hessian(f)(w)
    assert h.shape == (4, 4)
    np.testing.assert_allclose(h, h.T, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(h, numerical_grad(lambda z: grad(f)(z), w, h=1e-5), rtol=1e-6, atol=1e-7)


def test_jacobian_shape_and_values():
    a = rng.normal(size=(3, 2))
    x = rng.normal(size=2)
    j = jacobian(lambda v: anp.sin(a @ v))(x)
    assert j.shape == (3, 2)
    np.testing.assert_allclose(j, np.cos(a @ x)[:, None] * a, rtol=1e-12)
    j2 = jacobian(lambda m: m * 2.0)(np.ones((2, 2)))
    assert j2.shape == (2, 2, 2, 2)
    np.testing.assert_allclose(j2.reshape(4, 4), 2 * np.eye(4))


def test_value_and_grad_and_argnum():
    f = lambda a, b: anp.sum(a * b**2)  # noqa: E731
    a, b = np.array([1.0, 2.0]), np.array([3.0, -1.0])
    value, g = value_and_grad(f, argnum=1)(a, b)
    assert value == pytest.approx(11.0)
    np.testing.assert_allclose(g, 2 * a * b)
    with pytest.raises(IndexError, match="argnum=2"):
        grad(f, argnum=2)(a, b)


def test_elementwise_grad_gives_a_whole_grid_in_one_pass():
    x = np.linspace(-2, 2, 101)[:, None] + np.zeros((1, 7))
    g = elementwise_grad(lambda v: v * anp.exp(-v * v))(x)
    assert g.shape == x.shape
    np.testing.assert_allclose(g, (1 - 2 * x**2) * np.exp(-x**2), rtol=1e-12, atol=1e-15)


def test_numpy_ufuncs_on_traced_values_are_differentiated():
    g = grad(lambda v: anp.sum(np.sin(v) * np.ones(3)))(np.zeros(3))
    np.testing.assert_allclose(g, np.ones(3))


def test_errors_suggest_the_fix():
    with pytest.raises(TypeError, match="jacobian") as err:
        grad(lambda v: v * 2)(np.ones(3))
    assert "elementwise_grad" in str(err.value)
    with pytest.raises(TraceError, match="branching"):  # noqa: B017
        grad(lambda v: v if v > 0 else -v)(1.0)
    with pytest.raises(TraceError, match="gradviz.autodiff.numpy"):
        grad(lambda v: np.sum(np.floor(v)))(np.ones(2))
    with pytest.raises(ValueError, match="not aligned"):
        grad(lambda v: anp.sum(v @ np.ones((4, 2))))(np.ones(3))
    with pytest.raises(ValueError, match="do not broadcast"):
        grad(lambda v: anp.sum(v + np.ones(4)))(np.ones(3))


def test_indexing_is_differentiable():
    v = np.array([1.0, 2.0, 3.0])
    f = lambda w: (1 - w[0]) ** 2 + 100 * (w[1] - w[0] ** 2) ** 2 + w[1:].sum()  # noqa: E731
    assert_grad_matches(f, grad(f), v, rtol=1e-7)
    h = hessian(f)(v)
    np.testing.assert_allclose(h[:2, :2], [[1200 * 1 - 400 * 2 + 2, -400], [-400, 200]], rtol=1e-12)
