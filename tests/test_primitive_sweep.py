"""Every primitive in the table, swept: its first and second derivatives against central differences, and its
scalar (`math`), NumPy and generated-code forms agreeing. A new entry without a test point fails here."""

import numpy as np
import pytest

from gradviz.autodiff.graph import make, var
from gradviz.autodiff.primitives import PRIMITIVES
from gradviz.expr.function import Function
from gradviz.expr.kernels import GridKernel, PointKernel
from gradviz.expr.language import FUNCTIONS

# each elementwise primitive, as f(x, y) text with points inside its domain (away from kinks)
CASES = {
    "add": ("x + y", [(0.3, 0.7)]), "sub": ("x - y", [(0.3, 0.7)]), "mul": ("x*y", [(0.3, 0.7)]),
    "div": ("x/y", [(0.3, 0.7)]), "pow": ("x^y", [(1.3, 0.7), (0.6, 2.5)]), "neg": ("-(x*y)", [(0.3, 0.7)]),
    "exp": ("exp(x*y)", [(0.3, 0.7)]), "log": ("log(x*y)", [(0.3, 0.7)]), "log2": ("log2(x + y)", [(0.3, 0.7)]),
    "log10": ("log10(x + y)", [(0.3, 0.7)]), "sqrt": ("sqrt(x + y)", [(0.3, 0.7)]),
    "safe_log": ("x^y", [(0.8, 1.7)]),  # inside d/dy x^y
    "sin": ("sin(x*y)", [(0.3, 0.7)]), "cos": ("cos(x*y)", [(0.3, 0.7)]), "tan": ("tan(x*y)", [(0.3, 0.7)]),
    "sinh": ("sinh(x*y)", [(0.3, 0.7)]), "cosh": ("cosh(x*y)", [(0.3, 0.7)]), "tanh": ("tanh(x*y)", [(0.3, 0.7)]),
    "arcsin": ("asin(x*y)", [(0.3, 0.7)]), "arccos": ("acos(x*y)", [(0.3, 0.7)]),
    "arctan": ("atan(x*y)", [(0.3, 0.7)]), "abs": ("abs(x - y)", [(0.3, 0.7), (0.9, 0.2)]),
    "sign": ("abs(x - y)*x^2", [(0.3, 0.7)]),  # no name in the text: inside d|u|/du
    "log1p": ("log1p(x*y)", [(0.3, 0.7)]),
    "expm1": ("expm1(x*y)", [(0.3, 0.7)]), "sigmoid": ("sigmoid(x*y - 1)", [(0.3, 0.7)]),
    "softplus": ("softplus(3*x - y)", [(0.3, 0.7), (-2.0, 0.5)]), "relu": ("relu(x - y)*y", [(0.9, 0.2)]),
    "maximum": ("max(x, y)*x", [(0.3, 0.7), (0.9, 0.2)]), "minimum": ("min(x, y)*y", [(0.3, 0.7), (0.9, 0.2)]),
}
# structural primitives: no text of their own; the autodiff tests exercise them through anp
STRUCTURAL = {n for n, p in PRIMITIVES.items() if not p.elementwise}


def test_every_primitive_has_a_case():
    """A primitive added to the table fails here until it has a test point."""
    assert set(CASES) | STRUCTURAL == set(PRIMITIVES)
    for name, (text, _) in CASES.items():
        prim = PRIMITIVES[name]
        assert all(t in text for t in prim.text[:1]), (name, text)


def _fd(fn, x, y, h=1e-5):
    """(fx, fy, fxx, fxy, fyy) of fn by central differences (second ones from the exact gradient: one rounding
    route independent of the Hessian graph)."""
    f = lambda a, b: float(fn(a, b))  # noqa: E731
    g = lambda a, b: np.array([float(v) for v in fn.grad(a, b)])  # noqa: E731
    fx = (f(x + h, y) - f(x - h, y)) / (2 * h)
    fy = (f(x, y + h) - f(x, y - h)) / (2 * h)
    gx = (g(x + h, y) - g(x - h, y)) / (2 * h)
    gy = (g(x, y + h) - g(x, y - h)) / (2 * h)
    return fx, fy, gx[0], 0.5 * (gx[1] + gy[0]), gy[1]


@pytest.mark.parametrize("name", sorted(CASES))
def test_first_and_second_derivatives_match_finite_differences(name):
    text, points = CASES[name]
    fn = Function(text)
    for x, y in points:
        _, fx, fy, fxx, fxy, fyy = (float(v) for v in fn.derivatives(x, y))
        np.testing.assert_allclose([fx, fy, fxx, fxy, fyy], _fd(fn, x, y), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("name", sorted(CASES))
def test_scalar_numpy_and_generated_code_agree(name):
    """The primitive's own NumPy evaluation, its generated grid code and its generated `math` code give the same
    numbers at the case's points."""
    prim = PRIMITIVES[name]
    u, v = var("u"), var("v")
    node = make(name, *([u, v][: prim.arity]))
    xs = np.array([p[0] for p in CASES[name][1]])
    ys = np.array([p[1] for p in CASES[name][1]])
    args = (xs, ys)[: prim.arity]
    expected = prim.evaluate(*args)
    (grid,) = GridKernel([node], [u, v])(xs, ys)
    np.testing.assert_allclose(grid, expected, rtol=1e-15)
    point = PointKernel([node], [u, v])
    for k in range(len(xs)):
        (value,) = point(float(xs[k]), float(ys[k]))
        assert value == pytest.approx(float(expected[k]), rel=1e-14)


def test_every_text_name_reaches_its_primitive():
    """Each function name of the language evaluates as its primitive does (not a restatement of the table: the
    parsed text is run)."""
    for text_name, op in FUNCTIONS.items():
        prim = PRIMITIVES[op]
        call = f"{text_name}(x)" if prim.arity == 1 else f"{text_name}(x, y)"
        got = float(Function(call)(0.3, 0.7))
        want = float(prim.evaluate(*(np.float64(0.3), np.float64(0.7))[: prim.arity]))
        assert got == pytest.approx(want, rel=1e-14), text_name
