"""Products shared in canonical form (`share_products`): the grid kernels compute the same derivatives, checked
against the graph before rewriting and against hand derivations, with fewer NumPy calls; f itself keeps the value
of its text to the last bit."""

import numpy as np
import pytest

from gradviz import parse
from gradviz.autodiff.graph import const, literal_simplification, make, var
from gradviz.autodiff.products import share_products
from gradviz.expr.codegen import numpy_kernel
from gradviz.expr.kernels import GridKernel

TEXTS = [
    "log(exp(x) + exp(y))",
    "x*exp(-x^2 - y^2)",
    "(1 - x)^2 + 100*(y - x^2)^2",
    "(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
    "sin(x)*cos(y) + 0.1*(x^2 + y^2)",
    "x^3*y^4 - 2*x*y^3 + (x*y)^2/(1 + x^2)",
    "exp(x)/(exp(x) + exp(y) + 1) + 1/(1 + x^2 + y^2)",
    "a = 1.5 in [0, 3]; a*x^2*y - a^2*x*y^2 + 1/(a + x^2)",
]


def grid(n=37):
    xs = np.linspace(-1.7, 1.9, n)
    return np.meshgrid(xs, xs + 0.05, indexing="ij")


def calls(kernel: GridKernel) -> int:
    return sum(1 for line in kernel.code.source.splitlines() if line.strip().startswith("_"))


@pytest.mark.parametrize("text", TEXTS)
def test_shared_kernel_equals_the_graph_before_rewriting(text):
    fn = parse(text)
    d = fn.derived
    outputs = [d.output, *d.gradient_nodes, *d.hessian_nodes]
    plain = GridKernel(outputs, d.inputs, d.parameter_nodes)
    x, y = grid()
    want = plain(x, y, fn.parameter_values)
    got = fn.derivatives(x, y)
    np.testing.assert_array_equal(got[0], want[0])  # f is not rewritten: the same bits
    for g, w in zip(got[1:], want[1:], strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-12 * np.max(np.abs(w)))


def test_derivatives_match_a_hand_derivation():
    """x·exp(−x²−y²): fx = e(1−2x²), fy = −2xye, fxx = xe(4x²−6), fxy = −2ye(1−2x²), fyy = xe(4y²−2)."""
    x, y = grid()
    e = np.exp(-x**2 - y**2)
    want = (x * e, e * (1 - 2 * x**2), -2 * x * y * e, x * e * (4 * x**2 - 6), -2 * y * e * (1 - 2 * x**2),
            x * e * (4 * y**2 - 2))
    for g, w in zip(parse("x*exp(-x^2 - y^2)").derivatives(x, y), want, strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("text, fewer", [("x*exp(-x^2 - y^2)", 3), ("log(exp(x) + exp(y))", 1)])
def test_sharing_saves_numpy_calls(text, fewer):
    """(−2x)·e and −2·(x·e) are one product; a/s is a·(1/s) where 1/s is computed anyway."""
    d = parse(text).derived
    outputs = [d.output, *d.gradient_nodes, *d.hessian_nodes]
    plain = GridKernel(outputs, d.inputs, d.parameter_nodes)
    assert calls(d.grid_all) <= calls(plain) - fewer
    if "log" in text:
        assert d.grid_all.code.source.count("_divide") == 1 < plain.code.source.count("_divide")


def test_kept_nodes_are_returned_as_they_are():
    x, y = var("x"), var("y")
    f = make("mul", make("mul", const(2.0), x), y)
    g = make("mul", make("mul", const(3.0), y), make("mul", x, const(-1.0)))
    new_f, new_g = share_products([f, g], keep=[f])
    assert new_f is f
    assert new_g is not g
    xs, ys = np.array([0.3, -1.2]), np.array([2.0, 0.7])
    kernel = GridKernel([new_g], [x, y])
    np.testing.assert_allclose(kernel(xs, ys)[0], -3.0 * xs * ys, rtol=1e-15)


def test_zero_and_minus_zero_constants_stay_apart():
    """Constants become named 0-d arrays in the generated code; −0.0 and 0.0 must not share a name."""
    x = var("x")
    with literal_simplification():
        outputs = [make("div", const(1.0), make("mul", x, const(-0.0))),
                   make("div", const(1.0), make("mul", x, const(0.0)))]
    source = numpy_kernel(outputs, [x, var("y")])
    assert len(source.constants) == 3
    with np.errstate(divide="ignore"):
        neg, pos = GridKernel(outputs, [x, var("y")])(np.array([1.0]), np.array([0.0]))
    assert neg[0] == -np.inf and pos[0] == np.inf
