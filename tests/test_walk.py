"""A fixed evaluation order gives what walking the graph each time gives."""

import numpy as np
import pytest

import gradviz
from gradviz.autodiff.evaluate import evaluate
from gradviz.autodiff.walk import Walk


@pytest.mark.parametrize("text", ["k = 2; f(w, b) = k*sin(w*b) + log(1 + w^2) / (b^2 + 1)",
                                  "softplus(x - y) + max(x, y)^2 * relu(x)"])
def test_walk_equals_evaluate_on_derivative_graphs(text):
    fn = gradviz.parse(text)
    outputs = [fn.output, *fn.gradient_nodes, *fn.hessian_nodes]
    inputs = [*fn.inputs, *fn.parameter_nodes]
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(5, 1)), rng.normal(size=(1, 4))
    params = [np.float64(v) for v in fn.parameter_values]
    want = evaluate(outputs, dict(zip(inputs, [x, y, *params], strict=True)))
    got = Walk(outputs, inputs)(x, y, *params)
    for a, b in zip(want, got, strict=True):
        assert np.array_equal(np.broadcast_to(a, (5, 4)), np.broadcast_to(b, (5, 4)))


def test_a_walk_refuses_a_graph_that_needs_an_input_not_given():
    fn = gradviz.parse("x*y")
    with pytest.raises(ValueError, match="no value given"):
        Walk([fn.output], [fn.x_node])
