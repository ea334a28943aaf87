"""Compile a traced graph of whole-array operations into one straight-line Python function.

One line per node, each a call of the primitive's own NumPy evaluation (`t7 = _f7(t3, t5)`), generated from
the validated graph only: no dictionary of values, no walk of the graph at run time. The inputs (weights, data,
a direction v) are the function's arguments, so new values never mean new code. An elementwise ufunc writes into
an argument that nothing reads afterwards (`out=`), so the temporaries of a pass stay few and warm in the cache.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

import numpy as np

from gradviz.autodiff.graph import Node, const_value, toposort
from gradviz.autodiff.primitives import PRIMITIVES

Kernel = Callable[..., tuple[np.ndarray, ...]]


def _outer(node: Node) -> bool:
    a, b = node.args
    return a.ndim == 2 and b.ndim == 2 and a.shape[1] == 1 and b.shape[0] == 1


_VIEWS = ("reshape", "transpose", "broadcast_to", "getitem")  # results that share their argument's memory


def _reusable(order: Sequence[Node], outputs: Sequence[Node], inputs: set[int]) -> dict[int, Node]:
    """{position of an elementwise node: an argument it may overwrite}: a temporary of the node's own shape that
    owns its memory and that no later node (and no output, through any view of it) reads."""
    owner: dict[int, int | None] = {}
    for node in order:
        if id(node) in inputs or node.op in ("const", "var"):
            owner[id(node)] = None
        elif node.op in _VIEWS:
            owner[id(node)] = owner[id(node.args[0])]
        else:
            owner[id(node)] = id(node)
    last: dict[int, float] = {}
    for pos, node in enumerate(order):
        for a in node.args:
            if owner[id(a)] is not None:
                last[owner[id(a)]] = pos
    for o in outputs:
        if owner[id(o)] is not None:
            last[owner[id(o)]] = float("inf")
    reusable = {}
    for pos, node in enumerate(order):
        prim = PRIMITIVES.get(node.op)
        if prim is None or prim.ufunc is None or node.params or node.op == "matmul" or not node.shape:
            continue
        for a in node.args:
            if owner[id(a)] == id(a) and a.shape == node.shape and last[id(a)] == pos:
                reusable[pos] = a
                break
    return reusable


def straight_line(outputs: Sequence[Node], inputs: Sequence[Node], name: str = "kernel") -> Kernel:
    """`f(*input_values) -> tuple of output values` for `outputs` of the graph over `inputs` (arrays in, arrays
    out, shaped as the nodes). ValueError if an output depends on an input not listed."""
    slot = {id(n): f"a{k}" for k, n in enumerate(inputs)}
    scope: dict[str, object] = {}
    lines = []
    order = toposort(outputs)
    reusable = _reusable(order, outputs, {id(n) for n in inputs})
    for k, node in enumerate(order):
        if id(node) in slot:
            continue
        if node.op == "var":
            raise ValueError(f"the graph needs input {node.name!r}, which is not among the kernel's inputs")
        target = f"t{k}"
        slot[id(node)] = target
        if node.op == "const":
            scope[f"_c{k}"] = const_value(node)
            slot[id(node)] = f"_c{k}"
            continue
        prim = PRIMITIVES[node.op]
        fn = prim.ufunc if prim.ufunc is not None and not node.params else prim.evaluate
        if node.op == "matmul" and _outer(node):
            fn = np.multiply  # (n, 1) @ (1, m): the same products, without BLAS's cost for an inner size of 1
        if node.params:
            fn = functools.partial(prim.evaluate, **dict(node.params))
        scope[f"_f{k}"] = fn
        into = reusable.get(k)
        out = f", out={slot[id(into)]}" if into is not None and fn is prim.ufunc else ""
        lines.append(f"{target} = _f{k}({', '.join(slot[id(a)] for a in node.args)}{out})")
    result = ", ".join(slot[id(o)] for o in outputs)
    args = ", ".join(f"a{k}" for k in range(len(inputs)))
    source = f"def {name}({args}):\n    " + "\n    ".join([*lines, f"return ({result},)"]) + "\n"
    exec(compile(source, f"<gradviz {name}>", "exec"), scope)  # noqa: S102 (generated from the validated graph)
    return scope[name]  # type: ignore[return-value]
