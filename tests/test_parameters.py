"""Parameters and named variables: the language, `with_parameters`, and that a parameter change
re-derives and recompiles nothing."""

import math

import numpy as np
import pytest

import gradviz
from gradviz import ExpressionError, parse
from gradviz.autodiff import backward
from gradviz.expr import kernels
from gradviz.expr.language import default_range

from .gradcheck import numerical_grad


def test_the_issue_example():
    fn = gradviz.parse("a = 2; b = 0.5; a*x^2 + b*y^2")
    assert fn.variables == ("x", "y")
    assert fn.parameters == {"a": 2.0, "b": 0.5}
    assert list(fn.parameters) == ["a", "b"]
    g = fn.with_parameters(a=3.0)
    # a second route: the same f with the values written into the text
    literal = parse("3*x^2 + 0.5*y^2")
    for x, y in [(1.0, 2.0), (-0.3, 0.7)]:
        assert g(x, y) == pytest.approx(literal(x, y), rel=1e-15)
        np.testing.assert_allclose(g.grad(x, y), literal.grad(x, y), rtol=1e-15)
        np.testing.assert_allclose(g.hessian(x, y), literal.hessian(x, y), rtol=1e-15)
    assert g.parameters == {"a": 3.0, "b": 0.5}
    assert fn.parameters == {"a": 2.0, "b": 0.5}  # the original is unchanged
    with pytest.raises(ValueError, match=r"no parameter 'c'.*a, b"):
        fn.with_parameters(c=1.0)
    assert gradviz.parse("f(w, b) = (w - 1)^2 + 10*b^2").variables == ("w", "b")
    traj = gradviz.descend(g, (1.0, 1.0), "adam", lr=0.1)
    assert traj.values[-1] < traj.values[0]


@pytest.mark.parametrize("values", [{"k": 0.3}, {"k": 7.5, "c": -1.25}, {"c": 2.0}])
def test_with_parameters_matches_the_text_with_those_numbers(values):
    text = "k = 1 in [0, 10]; c = 0; sin(k*x)*cos(y - c) + k*x*y^2 + exp(c*x)"
    fn = parse(text).with_parameters(**values)
    k, c = {"k": 1.0, "c": 0.0, **values}.values()
    literal = parse(f"sin({k!r}*x)*cos(y - ({c!r})) + {k!r}*x*y^2 + exp(({c!r})*x)")
    xs, ys = np.linspace(-1, 1, 9), np.linspace(-2, 2, 7)
    for a, b in zip(fn.grid(xs, ys, order=2), literal.grid(xs, ys, order=2), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-13)
    for x, y in [(0.4, -0.3), (-0.9, 1.7)]:
        np.testing.assert_allclose(fn.derivatives(x, y), literal.derivatives(x, y), rtol=1e-13, atol=1e-13)
        np.testing.assert_allclose(fn.grad(x, y), numerical_grad(lambda v: fn(v[0], v[1]), np.array([x, y])),
                                   rtol=1e-6, atol=1e-7)


def test_a_parameter_change_derives_and_compiles_nothing(monkeypatch):
    fn = parse("k = 2 in [0, 10]; x^2 + k*y^2 + sin(k*x*y)")
    xs = ys = np.linspace(-1, 1, 50)
    fn.grid(xs, ys, order=2)
    fn.derivatives(0.3, 0.4)
    gradviz.descend(fn, (1.0, 1.0), "gd", lr=0.01, steps=10)
    gradviz.descend(fn, (1.0, 1.0), "newton", steps=10)
    counts = {"vjp": 0, "grid": 0, "point": 0}

    def counting(name, original):
        def wrapper(*args, **kwargs):
            counts[name] += 1
            return original(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(backward, "vjp", counting("vjp", backward.vjp))
    import gradviz.expr.function as function_module
    monkeypatch.setattr(function_module, "vjp", counting("vjp", function_module.vjp))
    monkeypatch.setattr(function_module, "GridKernel", counting("grid", kernels.GridKernel))
    monkeypatch.setattr(function_module, "PointKernel", counting("point", kernels.PointKernel))
    import gradviz.descent.trajectory as trajectory_module
    monkeypatch.setattr(trajectory_module, "compile_loop", counting("point", trajectory_module.compile_loop))
    for k in np.linspace(0.5, 9.5, 7):
        g = fn.with_parameters(k=k)
        f, fx, fy, fxx, fxy, fyy = g.grid(xs, ys, order=2)
        assert fyy[10, 10] != fn.grid(xs, ys, order=2)[5][10, 10] or k == 2
        g.derivatives(0.3, 0.4)
        g.trace_at(0.3, 0.4)
        gradviz.descend(g, (1.0, 1.0), "gd", lr=0.01, steps=10)
        gradviz.descend(g, (1.0, 1.0), "newton", steps=10)
    assert counts == {"vjp": 0, "grid": 0, "point": 0}


def test_descent_uses_the_parameter_values():
    fn = parse("k = 1 in [0.1, 100]; x^2 + k*y^2")
    for k in (1.0, 10.0, 50.0):
        g = fn.with_parameters(k=k)
        traj = gradviz.descend(g, (1.0, 1.0), "gd", lr=0.01, steps=3)
        # by hand: y_{t+1} = (1 - 2 k lr) y_t, x_{t+1} = (1 - 2 lr) x_t
        np.testing.assert_allclose(traj.points[-1], [(1 - 0.02) ** 3, (1 - 0.02 * k) ** 3], rtol=1e-14)
        newton = gradviz.descend(g, (1.0, 1.0), "newton", steps=1)
        np.testing.assert_allclose(newton.points[-1], [0.0, 0.0], atol=1e-14)


def test_named_variables_everywhere_in_the_library():
    fn = parse("f(w, b) = (w - 1)^2 + 10*b^2")
    assert fn(1.0, 0.0) == 0.0
    np.testing.assert_allclose(fn.grad(2.0, 1.0), [2.0, 20.0])
    assert str(fn) == "f(w, b) = (w - 1)^2 + 10*b^2"
    names = [g.name for g in fn.graph().nodes if g.is_input]
    assert names == ["w", "b"]
    assert "def f_and_grad(w, b):" in fn.source()
    assert "return f, (df_w, df_b)" in fn.source()
    assert str(parse("x*y")) == "f(x, y) = x*y"


def test_parameters_are_leaves_of_their_own_kind_in_the_graph_and_the_code():
    fn = parse("k = 3 in [0, 5]; unused = 1; f(u, v) = k*u^2 + v")
    graph = fn.graph()
    kinds = {g.name: g.kind for g in graph.nodes if g.is_input}
    assert kinds == {"u": "variable", "v": "variable", "k": "parameter"}
    trace = fn.with_parameters(k=4.0).trace_at(2.0, 1.0)
    assert trace.values[-1] == 4.0 * 4.0 + 1.0
    k_index = next(g.index for g in graph.nodes if g.name == "k")
    assert trace.adjoints[k_index] == pytest.approx(4.0)  # ∂f/∂k = u²
    assert trace.gradient == pytest.approx((16.0, 1.0))
    source = fn.with_parameters(k=4.0).source(at=(2.0, 1.0))
    assert "def f_and_grad(u, v, k=4.0, unused=1.0):" in source
    scope: dict = {}
    exec(source, scope)  # the listing is real code: it reproduces f and ∇f
    value, grad = scope["f_and_grad"](2.0, 1.0)
    assert value == 17.0 and grad == pytest.approx((16.0, 1.0))


def test_default_range():
    assert default_range(2.0) == (-10.0, 10.0)
    assert default_range(0.5) == (-1.0, 1.0)
    assert default_range(0.0) == (-1.0, 1.0)
    assert default_range(-30.0) == (-100.0, 100.0)
    for v in (0.01, 3.7, -8.0, 123.0):
        lo, hi = default_range(v)
        assert lo < v < hi


def test_ranges_in_the_text():
    fn = parse("a = 2 in [0, 5]; b = -1 in [-3, -0.5]; c = 4; a*x + b*y + c")
    specs = fn.parameter_specs
    assert (specs["a"].lo, specs["a"].hi) == (0.0, 5.0)
    assert (specs["b"].value, specs["b"].lo, specs["b"].hi) == (-1.0, -3.0, -0.5)
    assert (specs["c"].lo, specs["c"].hi) == default_range(4.0)
    assert parse("k = 2*pi; k*x + y").parameters == {}  # an expression, not a plain number: no slider


@pytest.mark.parametrize("text, message, column", [
    ("a in [0, 5]; a*x", "parameter 'a' needs a value", 3),
    ("a = ; a*x", "missing expression", 5),
    ("a = 2 in [5, 0]; a*x", "needs low < high", 11),
    ("a = 2 in [2, 2]; a*x", "needs low < high", 11),
    ("a = 7 in [0, 5]; a*x", "outside its range", 5),
    ("a = 2 in [0, x]; a*x", "needs a number for its high end", 14),
    ("a = 2 in [lo, 5]; a*x", "needs a number for its low end", 11),
    ("a = 2 in [0, 5; a*x", "missing ']'", 15),
    ("a = 2 in (0, 5); a*x", r"as in \[lo, hi\]", 10),
    ("x = 2; x*y", "it is a variable", 1),
    ("sin = 2; x*y", "it is a function", 1),
    ("pi = 2; x*y", "it is a constant", 1),
    ("a = 1; a = 2; a*x", "defined twice", 8),
    ("a = 1; f(a, b) = a*b", "variable of f", 1),
    ("f(x) = x^2", "exactly two variables", 4),
    ("f(x, y, z) = x", "exactly two variables", 9),
    ("f(x, x) = x^2", "different names", 6),
    ("f(sin, y) = y", "is a function", 3),
    ("f(pi, y) = y", "is a constant", 3),
    ("f(w, b) = w*x", "unknown name 'x'", 13),
    ("f(w, 2) = w", "expected a variable name", 6),
    ("x[0] + y", "subscripts are not allowed", 2),
    ("k = 2; f(w, b) = k*z", "unknown name 'z'", 20),
])
def test_bad_parameters_and_headers_are_refused_at_their_column(text, message, column):
    with pytest.raises(ExpressionError, match=message) as info:
        parse(text)
    assert info.value.column == column, str(info.value)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_values_are_refused(value):
    fn = parse("a = 1; a*x + y")
    with pytest.raises(ValueError, match="finite"):
        fn.with_parameters(a=value)


def test_a_header_can_come_after_definitions_that_use_its_variables():
    fn = parse("r2 = w^2 + b^2; lam = 0.1 in [0, 1]; f(w, b) = log(1 + r2) + lam*r2")
    assert fn.variables == ("w", "b")
    assert fn(1.0, 1.0) == pytest.approx(math.log(3.0) + 0.2)


def test_parameter_only_subexpressions_and_derivatives_that_are_parameters():
    # ∂f/∂x = a (a parameter passed straight through), fxx = 0, fyy = 2*a*b (parameters only)
    fn = parse("a = 2; b = 3; a*x + a*b*y^2")
    f, fx, fy, fxx, fxy, fyy = fn.with_parameters(a=5.0).grid(np.array([0.0, 1.0]), np.array([1.0, 2.0]), order=2)
    np.testing.assert_array_equal(fx, np.full((2, 2), 5.0))
    np.testing.assert_array_equal(fyy, np.full((2, 2), 30.0))
    np.testing.assert_array_equal(fxx, np.zeros((2, 2)))
    np.testing.assert_allclose(f, [[15.0, 60.0], [20.0, 65.0]])
