"""The primitives ML losses need: values against closed forms, stability where the textbook formula
overflows, derivatives against closed forms and finite differences, and abs's conventions at kinks."""

import math

import numpy as np
import pytest

import gradviz
from gradviz.autodiff import grad
from gradviz.autodiff import numpy as anp

from .gradcheck import numerical_grad


def _sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


CASES = {  # text of f(x, 0), closed form, closed-form derivative, points away from kinks
    "sigmoid(x)": (_sigmoid, lambda x: _sigmoid(x) * (1 - _sigmoid(x)), [-3.0, -0.2, 0.4, 2.5]),
    "softplus(x)": (lambda x: math.log(1 + math.exp(x)), _sigmoid, [-3.0, -0.2, 0.4, 2.5]),
    "relu(x)": (lambda x: max(x, 0.0), lambda x: 1.0 if x > 0 else 0.0, [-1.5, -0.1, 0.3, 2.0]),
    "log1p(x)": (math.log1p, lambda x: 1 / (1 + x), [-0.5, 0.1, 3.0]),
    "expm1(x)": (math.expm1, math.exp, [-2.0, 0.1, 1.5]),
    "max(x, 0.25)": (lambda x: max(x, 0.25), lambda x: 1.0 if x > 0.25 else 0.0, [-1.0, 0.1, 0.5, 2.0]),
    "min(x, 0.25)": (lambda x: min(x, 0.25), lambda x: 1.0 if x < 0.25 else 0.0, [-1.0, 0.1, 0.5, 2.0]),
}


@pytest.mark.parametrize("text", sorted(CASES))
def test_values_and_derivatives(text):
    f, df, points = CASES[text]
    fn = gradviz.parse(text + " + 0*y")
    for x in points:
        assert fn(x, 0.0) == pytest.approx(f(x), rel=1e-14, abs=1e-15)
        gx = fn.grad(x, 0.0)[0]
        assert gx == pytest.approx(df(x), rel=1e-12, abs=1e-14)
        assert gx == pytest.approx(float(numerical_grad(lambda v: fn(float(v), 0.0), np.array(x))), rel=1e-6, abs=1e-8)
        fxx = fn.hessian(x, 0.0)[0]
        assert fxx == pytest.approx(float(numerical_grad(lambda v: fn.grad(float(v), 0.0)[0], np.array(x), 1e-5)),
                                    rel=1e-5, abs=1e-6)
    xs = np.array(points)
    np.testing.assert_allclose(fn(xs, 0.0), [f(x) for x in points], rtol=1e-14, atol=1e-15)  # grid code too


def test_stable_where_the_textbook_formula_overflows():
    fn = gradviz.parse("softplus(x) + sigmoid(y)")
    assert fn(1000.0, 1000.0) == 1001.0
    assert fn(-1000.0, -1000.0) == 0.0
    gx, gy = fn.grad(800.0, -800.0)
    assert gx == 1.0 and gy == 0.0
    grid = fn.grid(np.array([-800.0, 800.0]), np.array([-800.0, 800.0]), order=1)
    assert all(np.isfinite(g).all() for g in grid)


def test_kinks_take_abs_conventions():
    at = gradviz.parse("relu(x) + abs(y)").grad(0.0, 0.0)
    assert at == (0.0, 0.0)  # the minimum-norm subgradient
    assert gradviz.parse("max(x, y)").grad(0.5, 0.5) == (0.5, 0.5)
    assert gradviz.parse("min(x, y)").grad(0.5, 0.5) == (0.5, 0.5)
    assert np.isnan(gradviz.parse("max(x, y)")(float("nan"), 1.0))  # NumPy's nan, in the scalar code too
    assert np.isnan(gradviz.parse("min(x, y)")(1.0, float("nan")))


def test_anp_has_them():
    assert grad(lambda w: anp.sum(anp.maximum(w, 0.0)))(np.array([-1.0, 2.0])).tolist() == [0.0, 1.0]
    assert grad(lambda w: anp.log1p(w))(0.5) == pytest.approx(1 / 1.5)
