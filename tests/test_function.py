"""`Function`: values, exact derivatives on grids and at points, and the seed chapter's examples."""

import math
import re
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradviz import parse

from .gradcheck import numerical_grad

CORPUS = {
    "log(exp(x) + exp(y))": (-1.0, 1.0),
    "x*exp(-x^2-y^2)": (-2.0, 2.0),
    "(1-x)^2 + 100*(y-x^2)^2": (-2.0, 2.0),
    "(x^2+y-11)^2 + (x+y^2-7)^2": (-4.0, 4.0),
    "sin(x)*cos(y) + 0.1*(x^2+y^2)": (-3.0, 3.0),
    "x^2*y + x*y^2": (-1.0, 1.0),
    "tanh(x*y) + sqrt(x^2 + y^2 + 1) / (1 + x^4) - atan(y - x)^3": (-2.0, 2.0),
    "x^y": (0.5, 2.0),
    "abs(x - 0.3) * sinh(y) + cosh(x) * log2(1 + y^2) - log10(2 + x)": (-1.0, 1.0),
}


def _fd(fn, x, y, h=1e-6):
    return numerical_grad(lambda v: float(fn(v[0], v[1])), np.array([x, y]), h)


@pytest.mark.parametrize("text", sorted(CORPUS))
def test_gradient_and_hessian_against_finite_differences(text):
    fn = parse(text)
    lo, hi = CORPUS[text]
    rng = np.random.default_rng(3)
    for x, y in rng.uniform(lo, hi, size=(5, 2)):
        fx, fy = fn.grad(x, y)
        np.testing.assert_allclose([fx, fy], _fd(fn, x, y), rtol=1e-6, atol=1e-6)
        fxx, fxy, fyy = fn.hessian(x, y)
        jac = numerical_grad(lambda v: np.array(fn.grad(v[0], v[1])), np.array([x, y]), 1e-5)
        np.testing.assert_allclose([[fxx, fxy], [fxy, fyy]], jac, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(jac, jac.T, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("text", sorted(CORPUS))
def test_grid_and_point_code_agree(text):
    fn = parse(text)
    lo, hi = CORPUS[text]
    xs = np.linspace(lo, hi, 7)
    ys = np.linspace(lo, hi, 5)
    grids = fn.grid(xs, ys, order=2)
    assert all(g.shape == (7, 5) and g.dtype == np.float64 for g in grids)
    for i, x in enumerate(xs):
        for j, y in enumerate(ys):
            np.testing.assert_allclose([g[i, j] for g in grids], fn.derivatives(x, y),
                                       rtol=1e-13, atol=1e-13)
    full = fn.derivatives(*np.meshgrid(xs, ys, indexing="ij"))
    for a, b in zip(full, grids, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-14, atol=1e-14)


def test_broadcasting_and_dtype():
    fn = parse("x + 2*y")
    out = fn(np.arange(3), np.arange(4)[:, None])
    assert out.shape == (4, 3) and out.dtype == np.float64
    assert isinstance(fn(1, 2), np.float64) and fn(1, 2) == 5.0
    fx, fy = fn.grad(np.zeros((2, 3)), 1.0)
    assert fx.shape == fy.shape == (2, 3) and np.all(fx == 1.0) and np.all(fy == 2.0)


def test_function_of_x_alone_has_zero_y_derivatives():
    fn = parse("3*x^4 - 4*x^3 - 12*x^2")
    xs = np.linspace(-2, 3, 11)
    f, fx, fy, fxx, fxy, fyy = fn.grid(xs, np.linspace(-1, 1, 4), order=2)
    np.testing.assert_allclose(fx[:, 0], 12 * xs**3 - 12 * xs**2 - 24 * xs, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(fxx[:, 0], 36 * xs**2 - 24 * xs - 24, rtol=1e-12, atol=1e-12)
    assert not fy.any() and not fxy.any() and not fyy.any() and fy.shape == (11, 4)
    assert fn.grad(2.0, 5.0) == (0.0, 0.0)
    assert fn.hessian(0.0, 0.0)[0] == -24.0  # a maximum, not a "possible minimum"


def test_outside_the_domain_gives_nan_inf_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert math.isnan(parse("log(x)")(-1.0, 0.0))
        assert parse("1/x")(0.0, 0.0) == math.inf
        assert math.isnan(parse("sqrt(x)")(-4.0, 0.0))
        assert math.isnan(parse("sqrt(x)").grad(-4.0, 0.0)[0])
        vals = parse("log(x) + 1/y + sqrt(x)").grid([-1.0, 0.0, 1.0], [0.0, 1.0], order=2)
        assert np.isnan(vals[0][0, 0]) and np.isinf(vals[0][2, 0])
        assert parse("exp(x)")(1000.0, 0.0) == math.inf
        assert math.isnan(parse("sin(x)")(math.inf, 0.0))


# ----- the seed chapter's worked examples, with the true values where it errs -----

def test_seed_first_order_approximation_of_log_sum_exp():
    fn = parse("log(exp(x) + exp(y))")
    x0, y0 = 0.0, math.log(2)
    assert fn(x0, y0) == pytest.approx(math.log(3), rel=1e-15)
    np.testing.assert_allclose(fn.grad(x0, y0), [1 / 3, 2 / 3], rtol=1e-15)
    eps = np.array([0.01, -0.03])
    approx = fn(x0, y0) + eps @ np.array(fn.grad(x0, y0))
    assert approx == pytest.approx(fn(x0 + eps[0], y0 + eps[1]), abs=1e-3)


def test_seed_quadratic_model_of_x_exp_at_minus_one_zero():
    fn = parse("x*exp(-x^2-y^2)")
    f, fx, fy, fxx, fxy, fyy = fn.derivatives(-1.0, 0.0)
    assert (f, fx, fy) == pytest.approx((-math.exp(-1), -math.exp(-1), 0.0), abs=1e-16)
    np.testing.assert_allclose([fxx, fxy, fyy], [2 / math.e, 0.0, 2 / math.e], rtol=1e-15, atol=1e-16)
    # the true model is e^-1(-1 - (x+1) + (x+1)^2 + y^2), not the book's 2(x+1)^2 + 2y^2
    dx, dy = 0.1, -0.05
    model = f + fx * dx + fy * dy + 0.5 * (fxx * dx * dx + 2 * fxy * dx * dy + fyy * dy * dy)
    truth = math.exp(-1) * (-1 - dx + dx**2 + dy**2)
    assert model == pytest.approx(truth, rel=1e-14)


def test_seed_backprop_example_partials():
    # the chapter's four-variable chain, with y and x standing in for w, x and y, z fixed
    text = "a = (x + x + y + 1)^2; b = (x + x - y - 1)^2; u = (a + b)^2; v = (a - b)^2; (u + v)^2"
    fn = parse(text)
    # hand derivation of the same chain at two points
    for x, y in [(-0.5, -2.0), (0.3, 0.7)]:
        a = (2 * x + y + 1) ** 2
        b = (2 * x - y - 1) ** 2
        u, v = (a + b) ** 2, (a - b) ** 2
        df_du = df_dv = 2 * (u + v)
        df_da = df_du * 2 * (a + b) + df_dv * 2 * (a - b)
        df_db = df_du * 2 * (a + b) - df_dv * 2 * (a - b)
        da_dx, db_dx = 2 * 2 * (2 * x + y + 1), 2 * 2 * (2 * x - y - 1)
        da_dy, db_dy = 2 * (2 * x + y + 1), -2 * (2 * x - y - 1)
        expected = (df_da * da_dx + df_db * db_dx, df_da * da_dy + df_db * db_dy)
        np.testing.assert_allclose(fn.grad(x, y), expected, rtol=1e-13)


def test_seed_exercise_x2y_plus_xy2_has_zero_hessian_at_origin():
    fn = parse("x^2*y + x*y^2")
    assert fn.grad(0.0, 0.0) == (0.0, 0.0)
    assert fn.hessian(0.0, 0.0) == (0.0, 0.0, 0.0)
    assert fn(0.1, 0.1) > 0 > fn(-0.1, -0.1)


# ----- random expression trees against an independent evaluation -----

_LEAVES = st.sampled_from(["x", "y", "2", "0.5", "3", "pi"])
_UNARY = ["sin", "cos", "exp", "tanh", "atan", "sqrt", "log", "abs"]


def _trees():
    return st.recursive(_LEAVES, lambda inner: st.one_of(
        st.tuples(st.sampled_from(["+", "-", "*", "/"]), inner, inner).map(lambda t: f"({t[1]} {t[0]} {t[2]})"),
        st.tuples(st.sampled_from(_UNARY), inner).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(inner, st.sampled_from(["2", "3", "-1", "0.5"])).map(lambda t: f"({t[0]})^{t[1]}"),
    ), max_leaves=8)


def _reference(text, x, y):
    """Independent evaluation: Python's own arithmetic on the same text (test-only, trusted input)."""
    env = {"x": x, "y": y, "pi": math.pi, "sin": np.sin, "cos": np.cos, "exp": np.exp, "tanh": np.tanh,
           "atan": np.arctan, "sqrt": np.sqrt, "log": np.log, "abs": np.abs}
    source = re.sub(r"\d+\.?\d*", lambda m: f"_f({m.group()})", text.replace("^", "**"))
    env.update(x=np.array([x]), y=np.array([y]), _f=np.float64)  # NumPy array semantics
    with np.errstate(all="ignore"):
        return float(np.atleast_1d(eval(source, {"__builtins__": {}}, env))[0])  # noqa: S307


@settings(max_examples=150, deadline=None)
@given(_trees(), st.floats(-2, 2), st.floats(-2, 2))
def test_random_expression_trees_agree_with_independent_evaluation(text, x, y):
    x, y = np.float64(x), np.float64(y)
    value = float(parse(text)(x, y))
    expected = _reference(text, x, y)
    if math.isnan(expected):
        assert math.isnan(value)
    else:
        assert value == pytest.approx(expected, rel=1e-9, abs=1e-12)
