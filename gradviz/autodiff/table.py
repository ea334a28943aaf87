"""The primitive table: one entry per primitive, each with everything known about it.

Read an entry as: its name in the text, how NumPy computes it, its derivative rule (one
vector-Jacobian product per argument, written with differentiable operations so the result
can be differentiated again), and the code the kernels generate for it. Broadcasting is
undone by `unbroadcast`. Adding a primitive means adding one entry here and nothing else.
"""

from __future__ import annotations

import math

import numpy as np

from gradviz.autodiff.graph import Node, make
from gradviz.autodiff.primitives import (
    Primitive,
    broadcast_shape,
    broadcast_to_shape,
    define,
    getitem_shape,
    getitem_value,
    matmul_shape,
    safe_log,
    sum_shape,
    transpose_shape,
    untake_value,
)

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


def _same_shape(a: tuple) -> tuple:
    return a


def unary(name: str, ufunc: np.ufunc, vjp, scalar: str | None = None, text: tuple[str, ...] | None = None,
          **extra) -> Primitive:
    """An elementwise NumPy ufunc of one argument. `scalar` defaults to `_<name>({0})` (the math module's)."""
    return define(Primitive(
        name, 1, ufunc, _same_shape, (vjp,), ufunc=ufunc, numpy_code=f"_{ufunc.__name__}({{0}}, {{out}})",
        scalar_code=scalar or f"_{name}({{0}})", text=(name,) if text is None else text, **extra))


def binary(name: str, ufunc: np.ufunc, vjp_x, vjp_y, infix: str | None = None, scalar: str | None = None,
           commutative: bool = False, text: tuple[str, ...] = (), helpers: tuple = ()) -> Primitive:
    """An elementwise, broadcasting NumPy ufunc of two arguments (an operator, or a function of the text
    when `text` names it)."""
    out = "out={out}" if ufunc in (np.maximum, np.minimum) else "{out}"  # NumPy 2.4 deprecates their positional out
    return define(Primitive(
        name, 2, ufunc, broadcast_shape, (vjp_x, vjp_y), commutative=commutative, ufunc=ufunc,
        numpy_code=f"_{ufunc.__name__}({{0}}, {{1}}, {out})", scalar_code=scalar or f"{{0}} {infix} {{1}}",
        infix=infix, display=infix, text=text, helpers=helpers))


def _max2(a: float, b: float) -> float:
    """max for the scalar code, with NumPy's nan: nan if either is nan."""
    if a != a or b != b:
        return a + b
    return a if a >= b else b


def _min2(a: float, b: float) -> float:
    if a != a or b != b:
        return a + b
    return a if a <= b else b


def structural(name: str, arity: int, evaluate, shape_of, *vjp) -> Primitive:
    """A primitive on whole arrays (reductions, shapes, products): no elementwise code."""
    return define(Primitive(name, arity, evaluate, shape_of, tuple(vjp)))


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


def _logsumexp(a: np.ndarray) -> np.ndarray:
    """log Σ exp over the last axis, shifted by the row's largest entry so nothing overflows."""
    top = np.max(a, axis=-1, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    return np.log(np.sum(np.exp(a - top), axis=-1)) + top[..., 0]


def _logsumexp_vjp(g: Node, ans: Node, x: Node) -> Node:
    """g times the softmax of each row: exp(x − logsumexp(x))."""
    keep = ans.shape + (1,)
    return make("reshape", g, shape=keep) * make("exp", x - make("reshape", ans, shape=keep))


def _onehot(t: np.ndarray, classes: int) -> np.ndarray:
    return (t[..., None] == np.arange(classes)).astype(np.float64)


def _inverse(axes: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(sorted(range(len(axes)), key=axes.__getitem__))


def _sqrt_one_minus_square(x: Node) -> Node:
    return make("sqrt", 1.0 - x * x)


# fmt: off
# ----- arithmetic (broadcasting) -----
binary("add", np.add, lambda g, ans, x, y: unbroadcast(g, x),
       lambda g, ans, x, y: unbroadcast(g, y), infix="+", commutative=True)
binary("sub", np.subtract, lambda g, ans, x, y: unbroadcast(g, x),
       lambda g, ans, x, y: unbroadcast(-g, y), infix="-")
binary("mul", np.multiply, lambda g, ans, x, y: unbroadcast(g * y, x),
       lambda g, ans, x, y: unbroadcast(g * x, y), infix="*", commutative=True)
binary("div", np.divide, lambda g, ans, x, y: unbroadcast(g / y, x),
       lambda g, ans, x, y: unbroadcast(-(g * ans) / y, y), infix="/")
binary("pow", np.power, lambda g, ans, x, y: unbroadcast(g * y * x ** (y - 1.0), x),
       lambda g, ans, x, y: unbroadcast(g * ans * make("safe_log", x), y), scalar="_pow({0}, {1})")
unary("neg", np.negative, lambda g, ans, x: -g, scalar="-{0}", text=(), display="−")
# ----- exponentials and logarithms -----
unary("exp",   np.exp,   lambda g, ans, x: g * ans)
unary("log",   np.log,   lambda g, ans, x: g / x, text=("log", "ln"))
unary("log2",  np.log2,  lambda g, ans, x: g / (x * LN2))
unary("log10", np.log10, lambda g, ans, x: g / (x * LN10))
unary("sqrt",  np.sqrt,  lambda g, ans, x: g * 0.5 / ans)
define(Primitive(  # log x with log 0 taken as 0: the factor of d/dy x**y that vanishes with x**y
    "safe_log", 1, safe_log, _same_shape, (lambda g, ans, x: g / x,),
    numpy_code="_log(_np.where({0} == 0.0, 1.0, {0}), {out})", scalar_code="(_log({0}) if {0} != 0.0 else 0.0)",
    display="log"))
# ----- trigonometric and hyperbolic -----
unary("sin",    np.sin,    lambda g, ans, x: g * make("cos", x))
unary("cos",    np.cos,    lambda g, ans, x: -(g * make("sin", x)))
unary("tan",    np.tan,    lambda g, ans, x: g * (1.0 + ans * ans))
unary("sinh",   np.sinh,   lambda g, ans, x: g * make("cosh", x))
unary("cosh",   np.cosh,   lambda g, ans, x: g * make("sinh", x))
unary("tanh",   np.tanh,   lambda g, ans, x: g * (1.0 - ans * ans))
unary("arcsin", np.arcsin, lambda g, ans, x: g / _sqrt_one_minus_square(x), scalar="_asin({0})",
      text=("asin", "arcsin"))
unary("arccos", np.arccos, lambda g, ans, x: -g / _sqrt_one_minus_square(x), scalar="_acos({0})",
      text=("acos", "arccos"))
unary("arctan", np.arctan, lambda g, ans, x: g / (1.0 + x * x), scalar="_atan({0})", text=("atan", "arctan"))
# ----- piecewise (derivative 0 at the kink, as autograd) -----
unary("abs",  np.absolute, lambda g, ans, x: g * make("sign", x), scalar="abs({0})")
unary("sign", np.sign, lambda g, ans, x: g * 0.0, scalar="(1.0 if {0} > 0.0 else -1.0 if {0} < 0.0 else 0.0 * {0})",
      text=())
# ----- for losses: stable where the textbook formula overflows; kinks take abs's conventions -----
unary("log1p", np.log1p, lambda g, ans, x: g / (1.0 + x))
unary("expm1", np.expm1, lambda g, ans, x: g * (ans + 1.0))
define(Primitive(  # 1/(1 + e^−x) as ½ tanh(x/2) + ½: no overflow anywhere
    "sigmoid", 1, lambda a: 0.5 * np.tanh(0.5 * a) + 0.5, _same_shape, (lambda g, ans, x: g * ans * (1.0 - ans),),
    numpy_code="_multiply({0}, 0.5, {out}); _tanh({out}, {out}); _multiply({out}, 0.5, {out}); _add({out}, 0.5, {out})",
    scalar_code="(0.5 * _tanh(0.5 * {0}) + 0.5)", text=("sigmoid",)))
define(Primitive(  # log(1 + eˣ) as logaddexp(0, x): no overflow for large x, no loss for very negative x
    "softplus", 1, lambda a: np.logaddexp(0.0, a), _same_shape, (lambda g, ans, x: g * make("sigmoid", x),),
    numpy_code="_logaddexp(0.0, {0}, {out})", scalar_code="(max({0}, 0.0) + _log1p(_exp(-abs({0}))))",
    text=("softplus",)))
define(Primitive(  # max(x, 0); its derivative is 0 at the kink (the minimum-norm subgradient, as d|x|/dx)
    "relu", 1, lambda a: np.maximum(a, 0.0), _same_shape,
    (lambda g, ans, x: g * (0.5 * (make("sign", x) + make("abs", make("sign", x)))),),
    numpy_code="_maximum({0}, 0.0, out={out})", scalar_code="({0} if {0} > 0.0 else 0.0 * {0})", text=("relu",)))
binary("maximum", np.maximum, lambda g, ans, x, y: unbroadcast(g * (0.5 + 0.5 * make("sign", x - y)), x),
       lambda g, ans, x, y: unbroadcast(g * (0.5 - 0.5 * make("sign", x - y)), y),
       scalar="_max2({0}, {1})", commutative=True, text=("max",), helpers=(("_max2", _max2),))
binary("minimum", np.minimum, lambda g, ans, x, y: unbroadcast(g * (0.5 - 0.5 * make("sign", x - y)), x),
       lambda g, ans, x, y: unbroadcast(g * (0.5 + 0.5 * make("sign", x - y)), y),
       scalar="_min2({0}, {1})", commutative=True, text=("min",), helpers=(("_min2", _min2),))
# ----- reductions, shapes and products -----
structural("sum", 1, lambda a, axis, keepdims: np.sum(a, axis=axis, keepdims=keepdims), sum_shape, _sum_vjp)
structural("reshape", 1, lambda a, shape: np.reshape(a, shape), lambda a, shape: tuple(shape),
           lambda g, ans, x, shape: make("reshape", g, shape=x.shape))
structural("transpose", 1, lambda a, axes: np.transpose(a, axes), transpose_shape,
           lambda g, ans, x, axes: make("transpose", g, axes=_inverse(axes)))
structural("broadcast_to", 1, lambda a, shape: np.broadcast_to(a, shape), broadcast_to_shape,
           lambda g, ans, x, shape: unbroadcast(g, x))
define(Primitive("matmul", 2, np.matmul, matmul_shape, (_matmul_vjp_a, _matmul_vjp_b), ufunc=np.matmul))
structural("getitem", 1, getitem_value, getitem_shape,
           lambda g, ans, x, index: make("untake", g, index=index, shape=x.shape))
structural("untake", 1, untake_value, lambda g, index, shape: tuple(shape),
           lambda g, ans, x, index, shape: make("getitem", g, index=index))
structural("logsumexp", 1, _logsumexp, lambda a: a[:-1], _logsumexp_vjp)
structural("onehot", 1, _onehot, lambda t, classes: t + (int(classes),),  # of data: piecewise constant
           lambda g, ans, t, classes: make("mul", make("sum", g, axis=(g.ndim - 1,), keepdims=False), 0.0))
# fmt: on
