"""One entry per primitive: everything derived from the registry agrees with it, and the
simplification mode is a context, never leaking nodes from one mode into the other."""

import math

import numpy as np
import pytest

from gradviz.autodiff import numpy as anp
from gradviz.autodiff.graph import literal_mode, literal_simplification, make, var
from gradviz.autodiff.primitives import PRIMITIVES, Primitive, define
from gradviz.expr import codegen
from gradviz.expr.backprop import build_graph
from gradviz.expr.kernels import GridKernel, PointKernel
from gradviz.expr.language import FUNCTIONS, SYNTAX_HELP
from gradviz.expr.parser import parse_graph

ELEMENTWISE = sorted(n for n, p in PRIMITIVES.items() if p.elementwise)
POINTS = np.array([0.3, 0.7, 1.6, 2.5])  # inside every unary primitive's domain but arcsin/arccos's
SMALL = np.array([-0.6, -0.1, 0.2, 0.8])


def _inputs(prim):
    if prim.name in ("arcsin", "arccos", "sign", "abs", "neg"):
        return [SMALL]
    if prim.arity == 2:
        return [POINTS, POINTS[::-1] - 0.2]
    return [POINTS]


@pytest.mark.parametrize("op", ELEMENTWISE)
def test_every_elementwise_primitive_has_all_its_facts(op):
    prim = PRIMITIVES[op]
    assert len(prim.vjp) == prim.arity
    assert prim.numpy_code and prim.scalar_code and prim.label


@pytest.mark.parametrize("op", ELEMENTWISE)
def test_generated_grid_and_point_code_equal_the_primitive_evaluated_by_numpy(op):
    prim = PRIMITIVES[op]
    u, v = var("u"), var("v")
    args = _inputs(prim)
    node = make(op, *([u, v][: prim.arity]))
    expected = prim.evaluate(*args)
    grid = GridKernel([node], [u, v])
    y = args[1] if prim.arity == 2 else np.zeros_like(args[0])
    (got,) = grid(args[0], y)
    np.testing.assert_allclose(got, expected, rtol=1e-15)
    point = PointKernel([node], [u, v])
    for i in range(len(args[0])):
        (value,) = point(float(args[0][i]), float(y[i]))
        assert value == pytest.approx(float(expected[i]), rel=1e-14)


def test_anp_language_and_help_are_generated_from_the_registry():
    for prim in PRIMITIVES.values():
        if prim.elementwise and prim.ufunc is not None:
            args = [np.float64(0.5), np.float64(1.5)][: prim.arity]
            assert getattr(anp, prim.ufunc.__name__)(*args) == prim.evaluate(*args)
    for name, op in FUNCTIONS.items():
        assert name in SYNTAX_HELP
        args = ", ".join(["0.5*x + 0.1", "y"][: PRIMITIVES[op].arity])
        parse_graph(f"{name}({args}) + y")


def test_the_graph_labels_and_the_listing_use_the_registry_names():
    parsed = parse_graph("asin(x/4) + ln(y + 3)")
    graph = build_graph(parsed.output, list(parsed.inputs.values()), {})
    labels = {g.label for g in graph.nodes}
    assert {"asin", "log"} <= labels


def test_a_name_cannot_be_registered_twice():
    with pytest.raises(ValueError, match="defined twice"):
        define(Primitive("sin", 1, np.sin, lambda a: a, (lambda g, ans, x: g,)))
    with pytest.raises(ValueError, match="already belong"):
        define(Primitive("sine2", 1, np.sin, lambda a: a, (lambda g, ans, x: g,), text=("sin",)))
    assert "sine2" not in PRIMITIVES


def test_literal_mode_is_part_of_the_intern_key():
    x = var("x")
    with literal_simplification():
        assert literal_mode()
        kept = make("mul", x, 0.0)  # user text: x*0 stays (it is nan where x is inf)
        assert kept.op == "mul"
    assert not literal_mode()
    folded = make("mul", x, 0.0)  # derivative graphs: x*0 is 0
    assert folded.is_const(0.0)
    with literal_simplification():
        assert make("mul", x, 0.0) is kept  # found again only under its own mode
    assert make("mul", x, 0.0) is not kept


def test_the_mode_is_restored_after_an_error():
    with pytest.raises(RuntimeError), literal_simplification():
        raise RuntimeError
    assert not literal_mode()


def test_template_names_resolve():
    for name, fn in codegen.SCALAR_GLOBALS.items():
        assert callable(fn) or isinstance(fn, float), name
    assert codegen.SCALAR_GLOBALS["_asin"] is math.asin
