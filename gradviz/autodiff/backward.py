"""The reverse pass: from a traced output, build the graphs of its adjoints.

This is the backpropagation of the seed chapter: visit the graph from the output back
to the inputs and, at each node, add each argument's chain-rule term. The adjoints are
themselves graph nodes, so they can be differentiated again.
"""

from __future__ import annotations

from collections.abc import Sequence

from gradviz.autodiff.graph import Node, depends_on, make, ones, params_of, toposort, zeros
from gradviz.autodiff.primitives import PRIMITIVES


def vjp(output: Node, wrt: Sequence[Node], seed: Node | None = None) -> list[Node]:
    """Adjoints d(seed · output)/d(w) for each w in `wrt`, as nodes shaped like w.

    `seed` defaults to ones (so a scalar output gives its gradient). An input the output
    does not depend on gets zeros of its shape.
    """
    if seed is None:
        seed = ones(output.shape)
    if seed.shape != output.shape:
        raise ValueError(f"seed shape {seed.shape} does not match output shape {output.shape}")
    order = toposort([output])
    live = depends_on(order, wrt)
    adjoint: dict[int, Node] = {id(output): seed}
    stop = {id(w) for w in wrt}
    for node in reversed(order):
        g = adjoint.get(id(node))
        if g is None or id(node) in stop or id(node) not in live:
            continue
        prim = PRIMITIVES.get(node.op)
        if prim is None:
            raise NotImplementedError(f"no derivative rule for {node.op!r} (an input without a value?)")
        rules = prim.vjp
        params = params_of(node) if node.params else {}
        for rule, arg in zip(rules, node.args, strict=True):
            if id(arg) not in live:
                continue
            term = rule(g, node, *node.args, **params)
            previous = adjoint.get(id(arg))
            adjoint[id(arg)] = term if previous is None else make("add", previous, term)
    return [adjoint.get(id(w), zeros(w.shape)) for w in wrt]
