"""Algebraic identities `make` applies while building a graph (x+0, x*1, x*0, x**1, --x ...).

Kept apart from the graph so that the rules read as a list; `graph.make` passes its own constructors in.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gradviz.autodiff.graph import Node

Shape = tuple[int, ...]


def _scalar_const(node: Node) -> bool:
    return node.op == "const" and node.value.ndim == 0


def _exact_reciprocal(c: float) -> bool:
    """True when 1/c is exact in binary floating point (c a power of two), so x/c == x*(1/c)."""
    if c == 0.0 or not math.isfinite(c):
        return False
    mantissa, _ = math.frexp(c)
    return abs(mantissa) == 0.5


def literal_sensitive(op: str, args: tuple[Node, ...]) -> bool:
    """Whether `simplify` may answer differently in literal mode for `op(*args)` (x*0, c*(c*x), 0/x)."""
    if op == "mul":
        a, b = args
        return (a.is_const(0.0) or b.is_const(0.0)
                or (_scalar_const(a) and b.op == "mul" and _scalar_const(b.args[0])))
    if op == "div":
        return args[0].is_const(0.0) and args[1].op != "const"
    return False


def simplify(op: str, args: tuple[Node, ...], shape: Shape, params: dict, literal: bool,
             make: Callable[..., Node], const: Callable[..., Node]) -> Node | None:
    """An equal, simpler node for a few identities (x+0, x*1, x*0, x**1, --x ...), or None.

    Identities that would change a result's shape are skipped. In derivative graphs x*0
    is 0 even where x is inf or nan, as symbolic differentiation does (d/dx of x**0 is 0
    at 0), and constant factors are merged. With `literal` (while user text is parsed) only
    identities that keep every value, nan and inf included, apply.
    `make` and `const` are the graph's constructors (passed in by `graph.make`, which calls this).
    """

    def keep(node: Node) -> Node | None:
        return node if node.shape == shape else None

    if op in ("add", "sub"):
        a, b = args
        if b.is_const(0.0):
            return keep(a)
        if a.is_const(0.0):
            return keep(b) if op == "add" else (make("neg", b) if b.shape == shape else None)
        if op == "add" and b.op == "neg":
            return keep(make("sub", a, b.args[0]))
        if op == "add" and a.op == "neg":
            return keep(make("sub", b, a.args[0]))
        if op == "sub" and b.op == "neg":
            return keep(make("add", a, b.args[0]))
    elif op == "mul":
        a, b = args
        for p, q in ((a, b), (b, a)):
            if p.is_const(0.0) and not literal:
                return const(0.0, shape)
            if p.is_const(1.0):
                return keep(q)
            if p.is_const(-1.0):
                return keep(make("neg", q))
        if _scalar_const(a) and b.op == "mul" and _scalar_const(b.args[0]) and not literal:
            return keep(make("mul", const(float(a.value) * float(b.args[0].value)), b.args[1]))
        if _scalar_const(a) and b.op == "neg":
            return keep(make("mul", const(-float(a.value)), b.args[0]))
        if a.op == "neg" and b.op == "neg":
            return keep(make("mul", a.args[0], b.args[0]))
        if a.op == "neg" and b.op != "const":
            return keep(make("neg", make("mul", a.args[0], b)))
        if b.op == "neg" and a.op != "const":
            return keep(make("neg", make("mul", a, b.args[0])))
    elif op == "div":
        a, b = args
        if b.is_const(1.0):
            return keep(a)
        if _scalar_const(b) and _exact_reciprocal(float(b.value)):
            return keep(make("mul", const(1.0 / float(b.value)), a))
        if a.is_const(0.0) and b.op != "const" and not literal:
            return const(0.0, shape)
    elif op == "pow":
        a, b = args
        if b.is_const(1.0):
            return keep(a)
        if b.is_const(0.0):
            return const(1.0, shape)
    elif op == "neg":
        (a,) = args
        if a.op == "neg":
            return a.args[0]
        if a.op == "mul" and _scalar_const(a.args[0]):
            return make("mul", const(-float(a.args[0].value)), a.args[1])
        if a.op == "sub":
            return keep(make("sub", a.args[1], a.args[0]))
    elif op in ("reshape", "broadcast_to"):
        (a,) = args
        if tuple(params["shape"]) == a.shape:
            return a
    elif op == "transpose":
        (a,) = args
        if tuple(params["axes"]) == tuple(range(a.ndim)):
            return a
    elif op == "sum":
        (a,) = args
        if params["axis"] == () and params.get("keepdims", False) is False:
            return a
    return None
