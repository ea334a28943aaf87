"""The computation graph, its forward values and adjoints, sums over paths and generated code."""

import math

import numpy as np
import pytest

from gradviz import ExpressionError, parse
from gradviz.geometry.graph_layout import crossings, layer_orders

CHAIN = "a = (x + y)^2; b = (x - y)^2; u = (a + b)^2; v = (a - b)^2; (u + v)^2"
CORPUS = [CHAIN, "(x^2 + y - 11)^2 + (x + y^2 - 7)^2", "x*exp(-x^2 - y^2)", "log(exp(x) + exp(y))",
          "s = sin(x*y); c = cos(x - y); s*c + s^2 - sqrt(1 + c^2)/x", "x*x*y", "3*x^4 - 4*x^3 - 12*x^2", "x"]


@pytest.mark.parametrize("text", CORPUS)
def test_adjoints_equal_the_gradient_and_sums_over_paths(text):
    fn = parse(text)
    for x, y in [(0.7, -0.4), (-1.3, 0.9)]:
        t = fn.trace_at(x, y)
        np.testing.assert_allclose(t.gradient, fn.grad(x, y), rtol=1e-12, atol=1e-14)
        assert t.values[-1] == pytest.approx(float(fn(x, y)), rel=1e-13)
        for node in fn.graph().nodes:
            assert t.sum_over_paths(node.index) == pytest.approx(t.adjoints[node.index], rel=1e-10, abs=1e-12)


def test_edge_partials_follow_the_hand_rules():
    fn = parse(CHAIN)
    g = fn.graph()
    t = fn.trace_at(0.3, -0.8)
    for a, c in g.edges:
        node = g.nodes[c]
        if node.op == "pow":  # every power in CHAIN is ^2: d(z²)/dz = 2z
            expected = 2.0 * t.values[a]
        elif node.op == "add":
            expected = float(node.args.count(a))
        else:  # sub
            expected = 1.0 if node.args[0] == a else -1.0
        assert t.partials[(a, c)] == pytest.approx(expected, rel=1e-14)


def test_the_seeds_chain_example_by_hand_at_two_points():
    fn = parse(CHAIN)
    g = fn.graph()
    index = {n.name: n.index for n in g.nodes if n.name}
    for x, y in [(1.0, 0.5), (-0.5, 0.25)]:
        a, b = (x + y) ** 2, (x - y) ** 2
        u, v = (a + b) ** 2, (a - b) ** 2
        f = (u + v) ** 2
        df_du = df_dv = 2 * (u + v)
        df_da = df_du * 2 * (a + b) + df_dv * 2 * (a - b)
        df_db = df_du * 2 * (a + b) - df_dv * 2 * (a - b)
        df_dx = df_da * 2 * (x + y) + df_db * 2 * (x - y)
        df_dy = df_da * 2 * (x + y) - df_db * 2 * (x - y)
        t = fn.trace_at(x, y)
        assert t.values[index["f"]] == pytest.approx(f, rel=1e-14)
        for name, expected in (("u", df_du), ("v", df_dv), ("a", df_da), ("b", df_db), ("x", df_dx), ("y", df_dy)):
            assert t.adjoints[index[name]] == pytest.approx(expected, rel=1e-13)
        assert len(t.path_products(index["a"])) == 2  # a → u → f and a → v → f


def test_named_intermediates_are_nodes_and_shared_subexpressions_are_drawn_once():
    g = parse(CHAIN).graph()
    names = [n.name for n in g.nodes if n.name]
    assert sorted(names) == sorted(["x", "y", "a", "b", "u", "v", "f"])
    assert len(g.nodes) == 12  # x, y, x+y, x−y, a, b, a+b, a−b, u, v, u+v, f: one node each
    g2 = parse("sin(x) + sin(x)*y").graph()
    assert sum(n.op == "sin" for n in g2.nodes) == 1
    assert g2.nodes[0].layer == g2.nodes[1].layer == 0 and g2.nodes[-1].layer == max(n.layer for n in g2.nodes)


@pytest.mark.parametrize("text,fragment,position", [
    ("a = x; a = y; a", "defined twice", 7), ("x = y; x", "it is a variable", 0), ("pi = 1; pi", "constant", 0),
    ("sin = x; sin", "function", 0), ("a = x; b", "unknown name 'b'", 7), ("a = x +; a", "ends too early", 7),
    ("x; y", "must be a definition", 0), ("x=1", "must be the expression", 0), ("a = x\nb = a +\nb", "ends", 13),
    ("f = x; f", "define it last", 0),
])
def test_bad_definitions_are_refused_at_their_column(text, fragment, position):
    with pytest.raises(ExpressionError) as err:
        parse(text)
    assert fragment in str(err.value) and err.value.position == position


def test_definitions_accept_f_equals_at_the_end_and_new_lines():
    assert parse("a = x + y\nf = a^2")(1.0, 2.0) == 9.0
    assert parse("a = x + y; b = a*a; b - a")(1.0, 1.0) == 2.0


@pytest.mark.parametrize("text", CORPUS)
def test_generated_code_reproduces_f_and_its_gradient(text):
    fn = parse(text)
    source = fn.source(at=(0.4, -0.6))
    scope: dict = {}
    exec(compile(source, "<listing>", "exec"), scope)  # noqa: S102 (our own generated listing)
    for x, y in [(0.4, -0.6), (-1.1, 0.35)]:
        f, grad = scope["f_and_grad"](x, y)
        assert f == pytest.approx(float(fn(x, y)), rel=1e-12)
        np.testing.assert_allclose(grad, fn.grad(x, y), rtol=1e-11, atol=1e-13)
    assert "# = " in source and "df_x" in source


def test_layout_reduces_crossings():
    fn = parse("(x*y + sin(y))*(exp(x) - y*y) + cos(x + y)*log(2 + x*x)")
    g = fn.graph()
    layers = [n.layer for n in g.nodes]
    naive = [[i for i, layer in enumerate(layers) if layer == c] for c in range(max(layers) + 1)]
    best = layer_orders(layers, g.edges)
    assert crossings(best, g.edges, layers) <= crossings(naive, g.edges, layers)
    assert sorted(i for col in best for i in col) == list(range(len(g.nodes)))
    assert math.isfinite(crossings(best, g.edges, layers))


def test_pull_right_keeps_edges_pointing_right_and_shortens_columns():
    from gradviz.geometry.graph_layout import pull_right

    fn = parse("sin(x) + cos(y) + exp(x*y) + tanh(x - y) + sqrt(1 + x^2)")
    g = fn.graph()
    layers = [n.layer for n in g.nodes]
    cols = pull_right(layers, g.edges, keep=[0, 1])
    assert all(cols[a] < cols[b] for a, b in g.edges)
    assert cols[0] == cols[1] == 0 and cols[-1] == max(layers)
    tallest = lambda c: max(c.count(k) for k in set(c))  # noqa: E731
    assert tallest(cols) < tallest(layers)
