"""The derivative table: one vector-Jacobian product rule per primitive.

`VJP[op][i](g, ans, *args, **params)` is the contribution to the adjoint of argument i,
given the adjoint `g` of the result `ans`. Rules are written with differentiable
operations, so their output is a graph too and can be differentiated again (Hessians,
higher orders). Broadcasting is undone by `unbroadcast`.
"""

from __future__ import annotations

import math

from gradviz.autodiff import numpy as anp
from gradviz.autodiff.graph import Node, make

LN2 = math.log(2.0)
LN10 = math.log(10.0)


def unbroadcast(g: Node, target: Node) -> Node:
    """Sum `g` down to `target.shape`, undoing NumPy broadcasting."""
    if g.shape == target.shape:
        return g
    lead = g.ndim - target.ndim
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(target.shape) if n == 1 and g.shape[lead + i] != 1)
    summed = make("sum", g, axis=axes, keepdims=False)
    return make("reshape", summed, shape=target.shape)


def _sum_vjp(g: Node, ans: Node, x: Node, axis: tuple[int, ...] | None, keepdims: bool) -> Node:
    if not keepdims:
        axes = range(x.ndim) if axis is None else axis
        kept = tuple(1 if i in axes else n for i, n in enumerate(x.shape))
        g = make("reshape", g, shape=kept)
    return make("broadcast_to", g, shape=x.shape)


def _as_matrix(n: Node, vector_as_row: bool) -> Node:
    if n.ndim == 2:
        return n
    return make("reshape", n, shape=(1, n.shape[0]) if vector_as_row else (n.shape[0], 1))


def _matmul_vjp_a(g: Node, ans: Node, a: Node, b: Node) -> Node:
    g2 = _as_matrix(g, vector_as_row=a.ndim == 1) if g.ndim else make("reshape", g, shape=(1, 1))
    b2 = _as_matrix(b, vector_as_row=False)
    return make("reshape", g2 @ b2.T, shape=a.shape)


def _matmul_vjp_b(g: Node, ans: Node, a: Node, b: Node) -> Node:
    g2 = _as_matrix(g, vector_as_row=a.ndim == 1) if g.ndim else make("reshape", g, shape=(1, 1))
    a2 = _as_matrix(a, vector_as_row=True)
    return make("reshape", a2.T @ g2, shape=b.shape)


def _inverse(axes: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(sorted(range(len(axes)), key=axes.__getitem__))


# fmt: off
VJP = {
    # ----- arithmetic (broadcasting) -----
    "add": (lambda g, ans, x, y: unbroadcast(g, x),
            lambda g, ans, x, y: unbroadcast(g, y)),
    "sub": (lambda g, ans, x, y: unbroadcast(g, x),
            lambda g, ans, x, y: unbroadcast(-g, y)),
    "mul": (lambda g, ans, x, y: unbroadcast(g * y, x),
            lambda g, ans, x, y: unbroadcast(g * x, y)),
    "div": (lambda g, ans, x, y: unbroadcast(g / y, x),
            lambda g, ans, x, y: unbroadcast(-(g * ans) / y, y)),
    "pow": (lambda g, ans, x, y: unbroadcast(g * y * x ** (y - 1.0), x),
            lambda g, ans, x, y: unbroadcast(g * ans * make("safe_log", x), y)),
    "neg": (lambda g, ans, x: -g,),
    # ----- exponentials and logarithms -----
    "exp":      (lambda g, ans, x: g * ans,),
    "log":      (lambda g, ans, x: g / x,),
    "log2":     (lambda g, ans, x: g / (x * LN2),),
    "log10":    (lambda g, ans, x: g / (x * LN10),),
    "safe_log": (lambda g, ans, x: g / x,),
    "sqrt":     (lambda g, ans, x: g * 0.5 / ans,),
    # ----- trigonometric and hyperbolic -----
    "sin":    (lambda g, ans, x: g * anp.cos(x),),
    "cos":    (lambda g, ans, x: -(g * anp.sin(x)),),
    "tan":    (lambda g, ans, x: g * (1.0 + ans * ans),),
    "sinh":   (lambda g, ans, x: g * anp.cosh(x),),
    "cosh":   (lambda g, ans, x: g * anp.sinh(x),),
    "tanh":   (lambda g, ans, x: g * (1.0 - ans * ans),),
    "arcsin": (lambda g, ans, x: g / anp.sqrt(1.0 - x * x),),
    "arccos": (lambda g, ans, x: -g / anp.sqrt(1.0 - x * x),),
    "arctan": (lambda g, ans, x: g / (1.0 + x * x),),
    # ----- piecewise (derivative 0 at the kink, as autograd) -----
    "abs":  (lambda g, ans, x: g * anp.sign(x),),
    "sign": (lambda g, ans, x: g * 0.0,),
    # ----- reductions and shapes -----
    "sum":          (_sum_vjp,),
    "reshape":      (lambda g, ans, x, shape: make("reshape", g, shape=x.shape),),
    "transpose":    (lambda g, ans, x, axes: make("transpose", g, axes=_inverse(axes)),),
    "broadcast_to": (lambda g, ans, x, shape: unbroadcast(g, x),),
    "matmul":       (_matmul_vjp_a, _matmul_vjp_b),
    "getitem":      (lambda g, ans, x, index: make("untake", g, index=index, shape=x.shape),),
    "untake":       (lambda g, ans, x, index, shape: make("getitem", g, index=index),),
}
# fmt: on
