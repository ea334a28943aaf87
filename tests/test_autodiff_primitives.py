"""Every primitive's first and second derivatives, against central differences and closed forms."""

import math

import numpy as np
import pytest

from gradviz.autodiff import elementwise_grad, grad, hessian
from gradviz.autodiff import numpy as anp

from .gradcheck import assert_grad_matches, numerical_grad

# name: (function, closed-form f', closed-form f'', points inside the domain)
UNARY = {
    "exp": (anp.exp, np.exp, np.exp, [-1.3, 0.2, 2.1]),
    "log": (anp.log, lambda x: 1 / x, lambda x: -1 / x**2, [0.3, 1.0, 4.2]),
    "log2": (anp.log2, lambda x: 1 / (x * math.log(2)), lambda x: -1 / (x**2 * math.log(2)), [0.4, 3.0]),
    "log10": (anp.log10, lambda x: 1 / (x * math.log(10)), lambda x: -1 / (x**2 * math.log(10)), [0.4, 3.0]),
    "sqrt": (anp.sqrt, lambda x: 0.5 / np.sqrt(x), lambda x: -0.25 * x**-1.5, [0.2, 1.0, 5.0]),
    "sin": (anp.sin, np.cos, lambda x: -np.sin(x), [-2.0, 0.1, 1.4]),
    "cos": (anp.cos, lambda x: -np.sin(x), lambda x: -np.cos(x), [-2.0, 0.1, 1.4]),
    "tan": (anp.tan, lambda x: 1 / np.cos(x) ** 2, lambda x: 2 * np.tan(x) / np.cos(x) ** 2, [-1.1, 0.3, 1.2]),
    "sinh": (anp.sinh, np.cosh, np.sinh, [-1.5, 0.4, 2.0]),
    "cosh": (anp.cosh, np.sinh, np.cosh, [-1.5, 0.4, 2.0]),
    "tanh": (anp.tanh, lambda x: 1 / np.cosh(x) ** 2, lambda x: -2 * np.tanh(x) / np.cosh(x) ** 2, [-1.5, 0.4, 2.0]),
    "arcsin": (anp.arcsin, lambda x: 1 / np.sqrt(1 - x**2), lambda x: x / (1 - x**2) ** 1.5, [-0.7, 0.1, 0.8]),
    "arccos": (anp.arccos, lambda x: -1 / np.sqrt(1 - x**2), lambda x: -x / (1 - x**2) ** 1.5, [-0.7, 0.1, 0.8]),
    "arctan": (anp.arctan, lambda x: 1 / (1 + x**2), lambda x: -2 * x / (1 + x**2) ** 2, [-3.0, 0.1, 2.0]),
    "abs": (anp.abs, np.sign, lambda x: 0 * x, [-2.0, -0.3, 0.7]),
}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_first_and_second_derivatives(name):
    f, d1, d2, points = UNARY[name]
    df = grad(f)
    d2f = grad(grad(f))
    for x in points:
        assert df(x) == pytest.approx(d1(x), rel=1e-12, abs=1e-14)
        assert d2f(x) == pytest.approx(d2(x), rel=1e-11, abs=1e-13)
        assert df(x) == pytest.approx(numerical_grad(lambda z: float(f(z)), np.array(x)), rel=1e-6)
        assert d2f(x) == pytest.approx(float(numerical_grad(lambda z: df(float(z)), np.array(x))),
                                       rel=1e-5, abs=1e-6)


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_elementwise_on_arrays(name):
    f, d1, _, points = UNARY[name]
    x = np.array(points)
    np.testing.assert_allclose(elementwise_grad(f)(x), d1(x), rtol=1e-12)


BINARY = {
    "add": (lambda a, b: a + b, lambda a, b: (1.0, 1.0)),
    "sub": (lambda a, b: a - b, lambda a, b: (1.0, -1.0)),
    "mul": (lambda a, b: a * b, lambda a, b: (b, a)),
    "div": (lambda a, b: a / b, lambda a, b: (1 / b, -a / b**2)),
    "pow": (lambda a, b: a**b, lambda a, b: (b * a ** (b - 1), np.log(a) * a**b)),
}


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_gradients_and_hessians(name):
    f, closed = BINARY[name]
    pair = lambda v: f(v[0], v[1])  # noqa: E731
    for a, b in [(1.3, 0.7), (0.4, 2.5), (2.2, -1.1)]:
        v = np.array([a, b])
        np.testing.assert_allclose(grad(pair)(v), closed(a, b), rtol=1e-12)
        h = hessian(pair)(v)
        np.testing.assert_allclose(h, h.T, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(h, _fd_hessian(pair, v), rtol=1e-5, atol=1e-6)


def _fd_hessian(f, v, h=1e-4):
    n = len(v)
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            ei, ej = np.eye(n)[i] * h, np.eye(n)[j] * h
            out[i, j] = (f(v + ei + ej) - f(v + ei - ej) - f(v - ei + ej) + f(v - ei - ej)) / (4 * h * h)
    return out


def test_powers_negative_fractional_and_negative_base():
    assert grad(lambda x: x**-2)(1.5) == pytest.approx(-2 * 1.5**-3, rel=1e-14)
    assert grad(lambda x: x**0.5)(2.0) == pytest.approx(0.5 / math.sqrt(2.0), rel=1e-14)
    assert grad(lambda x: x**3)(-2.0) == pytest.approx(12.0, rel=1e-14)
    assert grad(grad(lambda x: x**3))(-2.0) == pytest.approx(-12.0, rel=1e-14)
    assert grad(lambda x: x**-3)(-2.0) == pytest.approx(-3 * (-2.0) ** -4, rel=1e-14)
    assert math.isnan(grad(lambda x: x**0.5)(-1.0))


def test_conventions_where_calculus_is_silent():
    assert grad(anp.abs)(0.0) == 0.0
    assert grad(lambda x: x**0)(0.0) == 0.0
    assert grad(lambda y: 0.0**y)(2.0) == 0.0
    g = grad(lambda x: 3.0)(np.ones((2, 3)))
    assert isinstance(g, np.ndarray) and g.shape == (2, 3) and not g.any()


def test_third_and_fourth_order():
    f = lambda x: anp.sin(x) * x**3  # noqa: E731
    d3 = grad(grad(grad(f)))
    d4 = grad(d3)
    for x in (0.3, -1.2):
        exact3 = -x**3 * math.cos(x) - 9 * x**2 * math.sin(x) + 18 * x * math.cos(x) + 6 * math.sin(x)
        assert d3(x) == pytest.approx(exact3, rel=1e-12)
        assert d4(x) == pytest.approx(float(numerical_grad(lambda z: d3(float(z)), np.array(x))), rel=1e-6)


def test_sum_mean_reshape_transpose_gradients():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(3, 4))
    for f in [lambda a: anp.sum(anp.sin(a)), lambda a: anp.mean(a**2),
              lambda a: anp.sum(anp.sum(a, axis=0) ** 2), lambda a: anp.sum(anp.mean(a, axis=1) ** 3),
              lambda a: anp.sum(anp.sum(a, axis=1, keepdims=True) * a),
              lambda a: anp.sum(anp.reshape(a, (2, 6)) ** 2 * np.arange(12.0).reshape(2, 6)),
              lambda a: anp.sum(a.T @ a), lambda a: anp.sum(anp.transpose(a) * np.arange(12.0).reshape(4, 3))]:
        assert_grad_matches(f, grad(f), x, rtol=1e-6, atol=1e-6)


def test_broadcast_input_gradient_is_summed_back_to_its_shape():
    w = np.array([0.5, -1.0, 2.0])
    big = np.arange(12.0).reshape(4, 3)
    g = grad(lambda v: anp.sum(v * big))(w)
    assert g.shape == (3,)
    np.testing.assert_allclose(g, big.sum(axis=0))
    g = grad(lambda s: anp.sum(s * big))(2.0)
    assert np.ndim(g) == 0 and g == pytest.approx(big.sum())
    col = np.array([[1.0], [2.0], [3.0], [4.0]])
    g = grad(lambda c: anp.sum(anp.sin(c + big)))(col)
    assert g.shape == (4, 1)
    np.testing.assert_allclose(g, np.cos(col + big).sum(axis=1, keepdims=True))
