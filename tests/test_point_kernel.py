"""A point kernel's first call runs the derivative graph node by node, and later calls run the compiled straight-line
code: the two compute the same floats, bit for bit, for every primitive, for powers written out as products, for
constants of either sign and where `math` raises (NumPy's nan/inf then)."""

import math

import numpy as np
import pytest

from gradviz import parse
from gradviz.expr.function import Derived
from gradviz.expr.kernels import PointKernel
from tests.test_primitive_sweep import CASES

TEXTS = [text for text, _ in CASES.values()] + [
    "(x^2 + y - 11)^2 + (x + y^2 - 7)^2", "(1 - x)^2 + 100*(y - x^2)^2", "x^-3 + y^7 - 2.5*x^-1",
    "log(x - y) + sqrt(y - 2*x) + 1/(x - 0.3)", "k = -2.5 in [-5, 5]; exp(k*x)*(y - k)^3 - (-1.5)*x",
    "f(u, v) = atan(u/v) + u^0.5",
]
POINTS = [(0.3, 0.7), (-1.2, 0.4), (0.3, 0.3), (2.0, -0.5), (0.0, 0.0)]


def same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


def kernel_pair(text: str) -> tuple[PointKernel, PointKernel, tuple]:
    d = Derived(text)
    outputs = [d.output, *d.gradient_nodes, *d.hessian_nodes]
    values = tuple(s.value for s in d.specs.values())
    return PointKernel(outputs, d.inputs, d.parameter_nodes), PointKernel(outputs, d.inputs, d.parameter_nodes), values


def test_the_first_call_and_the_compiled_code_agree_bit_for_bit():
    for text in TEXTS:
        for x, y in POINTS:
            interpreted, compiled, values = kernel_pair(text)
            first = interpreted(x, y, *values)
            assert interpreted._fn is None  # nothing compiled yet
            again = compiled.compile()(x, y, *values)
            assert all(same(a, b) for a, b in zip(first, again, strict=True)), (text, (x, y), first, again)
            assert all(isinstance(v, float) for v in first)


def test_later_calls_run_compiled_code_with_the_same_results():
    interpreted, _, values = kernel_pair("(x^2 + y - 11)^2 + (x + y^2 - 7)^2")
    first = interpreted(0.3, -0.2)
    assert interpreted._fn is None
    second = interpreted(0.3, -0.2)
    assert interpreted._fn is not None and second == first

    # a third route: the Hessian of Himmelblau's function written out by hand
    x, y = 0.3, -0.2
    assert math.isclose(first[3], 12 * x**2 + 4 * y - 42, rel_tol=1e-14)
    assert math.isclose(first[4], 4 * (x + y), rel_tol=1e-14)
    assert math.isclose(first[5], 12 * y**2 + 4 * x - 26, rel_tol=1e-14)


def test_outside_the_domain_both_give_numpys_nan_and_inf():
    fn = parse("log(x) + 1/y")
    for x, y in ((-1.0, 2.0), (1.0, 0.0)):
        cold = parse("log(x) + 1/y").point(x, y)  # a new f: its first call is interpreted
        with np.errstate(all="ignore"):
            want = np.log(x) + np.divide(1.0, y)
        assert same(cold[0], float(want))
        fn.point(0.5, 0.5)
        warm = fn.point(x, y)  # compiled by now
        assert all(same(a, b) for a, b in zip(cold, warm, strict=True))


def test_a_wrong_number_of_arguments_is_a_type_error_either_way():
    kernel, _, _ = kernel_pair("x*y")
    with pytest.raises(TypeError):
        kernel(1.0)
    kernel(1.0, 2.0)
    kernel(1.0, 2.0)
    with pytest.raises(TypeError):
        kernel(1.0)


def test_a_prepared_function_has_its_point_code_compiled():
    fn = parse("sin(x)*y + x^3").prepare(everything=True)
    for name in ("point", "point_f", "point_grad"):
        assert getattr(fn.derived, name)._fn is not None, name
