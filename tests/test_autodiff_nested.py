"""Nested differentiation through closures, as autograd and JAX allow: every pattern checked
against a hand derivation and against finite differences."""

import math

import numpy as np
import pytest

from gradviz.autodiff import grad, hessian, jacobian, value_and_grad
from gradviz.autodiff import numpy as anp

from .gradcheck import numerical_grad


def _fd(f, x, h=1e-5):
    return float(numerical_grad(lambda v: float(f(float(v))), np.array(x), h))


def test_the_issue_example():
    # d/dx [x · d/dy (x y)] = d/dx [x · x] = 2x
    f = lambda x: x * grad(lambda y: x * y)(2.0)  # noqa: E731
    assert grad(f)(1.0) == 2.0
    assert grad(f)(-3.5) == -7.0
    assert grad(f)(1.3) == pytest.approx(_fd(f, 1.3), rel=1e-7)


def test_inner_value_used_by_the_outer_function():
    # g(x) = d/dy sin(x y) at y = 0.5 = x cos(x/2); g'(x) = cos(x/2) − (x/2) sin(x/2)
    g = lambda x: grad(lambda y: anp.sin(x * y))(0.5)  # noqa: E731
    for x in (0.3, 1.7, -2.2):
        assert grad(g)(x) == pytest.approx(math.cos(x / 2) - x / 2 * math.sin(x / 2), rel=1e-13)
        assert grad(g)(x) == pytest.approx(_fd(g, x), rel=1e-6)


def test_several_arguments_one_of_them_traced_outside():
    # h(a) = ∂/∂x (x² b) at x = 2, b = a: 4a; dh/da = 4
    h = lambda a: grad(lambda x, b: x * x * b, argnum=0)(2.0, a)  # noqa: E731
    assert grad(h)(3.0) == 4.0
    # with respect to the argument that is traced outside: ∂/∂b (x² b) = x², independent of a
    k = lambda a: grad(lambda x, b: x * x * b * a, argnum=1)(3.0, a)  # noqa: E731  (= 9a)
    assert grad(k)(0.7) == pytest.approx(9.0)


def test_value_and_grad_inside_an_outer_grad():
    def f(x):
        value, slope = value_and_grad(lambda y: x * y * y)(3.0)  # x·9 and 6x
        return value * slope  # 54 x²
    assert grad(f)(0.5) == pytest.approx(54.0)
    assert grad(f)(0.5) == pytest.approx(_fd(f, 0.5), rel=1e-7)


def test_third_derivative_through_closures():
    # f(x) = x · d/dy (x y³)|_{y=1} = 3x²; f''' = 0, f'' = 6
    f = lambda x: x * grad(lambda y: x * y ** 3)(1.0)  # noqa: E731
    assert grad(grad(f))(0.4) == pytest.approx(6.0)
    assert grad(grad(grad(f)))(0.4) == pytest.approx(0.0, abs=1e-12)
    # e^{x·g(x)} with g(x) = d/dy (x y²) at y = 1 = 2x: F = e^{2x²}; F''' by hand
    big = lambda x: anp.exp(x * grad(lambda y: x * y * y)(1.0))  # noqa: E731
    x = 0.3
    third = math.exp(2 * x * x) * (64 * x**3 + 48 * x)
    assert grad(grad(grad(big)))(x) == pytest.approx(third, rel=1e-12)


def test_jacobian_and_hessian_of_closures():
    # H(w) = ∇² of f(w) = w·(∇_v (w·v)|_{v=c}) = w·w: 2I
    c = np.array([1.0, -2.0, 0.5])
    f = lambda w: anp.sum(w * grad(lambda v: anp.sum(w * v))(c))  # noqa: E731
    np.testing.assert_allclose(hessian(f)(np.array([0.3, 0.1, -0.4])), 2 * np.eye(3), atol=1e-14)
    # J of w ↦ ∇_v (sum(sin(w v))) at v = c: diag(cos(w c) - w c sin(w c))
    j = jacobian(lambda w: grad(lambda v: anp.sum(anp.sin(w * v)))(c))
    w = np.array([0.3, 0.1, -0.4])
    expected = np.diag(np.cos(w * c) - w * c * np.sin(w * c))
    np.testing.assert_allclose(j(w), expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(j(w), numerical_grad(lambda z: grad(lambda v: anp.sum(anp.sin(z * v)))(c), w),
                               rtol=1e-6, atol=1e-8)


def test_plain_calls_still_give_numbers():
    assert isinstance(grad(lambda y: 3.0 * y * y)(2.0), float | np.floating)
    assert grad(lambda y: 3.0 * y * y)(2.0) == 12.0
