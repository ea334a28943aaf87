"""The primitive operations: how each computes its value and its static shape.

Derivatives live apart, in `rules.py`. Elementwise primitives broadcast like NumPy.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from gradviz.autodiff.graph import Node

Shape = tuple[int, ...]


@dataclass(frozen=True)
class Primitive:
    name: str
    arity: int
    evaluate: Callable[..., np.ndarray]
    shape_of: Callable[..., Shape]
    commutative: bool = False


def _broadcast(*shapes: Shape) -> Shape:
    first = shapes[0]
    if all(s == first for s in shapes):
        return first
    try:
        return tuple(np.broadcast_shapes(*shapes))
    except ValueError:
        raise ValueError(f"shapes {' and '.join(map(str, shapes))} do not broadcast") from None


def normalize_axis(axis: Any, ndim: int) -> tuple[int, ...] | None:
    """None, or a sorted tuple of non-negative axes; raises ValueError when out of range."""
    if axis is None:
        return None
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    out = []
    for a in axes:
        a = int(a)
        if not -ndim <= a < ndim:
            raise ValueError(f"axis {a} is out of range for an array of {ndim} dimension(s)")
        out.append(a % ndim)
    return tuple(sorted(set(out)))


def resolve_reshape(old: Shape, new: Any) -> Shape:
    """The concrete target shape of a reshape (one -1 allowed); ValueError if sizes differ."""
    new = tuple(int(n) for n in new)
    size = math.prod(old)
    if new.count(-1) == 1:
        known = math.prod(n for n in new if n != -1)
        if known == 0 or size % known:
            raise ValueError(f"cannot reshape an array of shape {old} into {new}")
        new = tuple(size // known if n == -1 else n for n in new)
    if math.prod(new) != size:
        raise ValueError(f"cannot reshape an array of shape {old} into {new}")
    return new


def _sum_shape(shape: Shape, axis: tuple[int, ...] | None, keepdims: bool) -> Shape:
    axes = range(len(shape)) if axis is None else axis
    if keepdims:
        return tuple(1 if i in axes else n for i, n in enumerate(shape))
    return tuple(n for i, n in enumerate(shape) if i not in axes)


def _matmul_shape(a: Shape, b: Shape) -> Shape:
    if not a or not b or len(a) > 2 or len(b) > 2:
        raise ValueError(f"matmul needs 1-D or 2-D operands, got shapes {a} and {b}")
    if a[-1] != b[0]:
        raise ValueError(f"matmul: shapes {a} and {b} are not aligned ({a[-1]} != {b[0]})")
    return a[:-1] + b[1:]


def _transpose_shape(a: Shape, axes: tuple[int, ...]) -> Shape:
    if sorted(axes) != list(range(len(a))):
        raise ValueError(f"transpose axes {axes} do not fit shape {a}")
    return tuple(a[i] for i in axes)


def _broadcast_to_shape(a: Shape, shape: Shape) -> Shape:
    if _broadcast(a, shape) != tuple(shape):
        raise ValueError(f"cannot broadcast shape {a} to {shape}")
    return tuple(shape)


def freeze_index(index: Any) -> tuple:
    """A hashable form of a basic NumPy index (ints and slices); TypeError for anything else."""
    items = index if isinstance(index, tuple) else (index,)
    frozen = []
    for item in items:
        if isinstance(item, (int, np.integer)) and not isinstance(item, bool):
            frozen.append(int(item))
        elif isinstance(item, slice):
            frozen.append(("slice", item.start, item.stop, item.step))
        else:
            raise TypeError(f"only integer and slice indexing is differentiable, not {item!r}")
    return tuple(frozen)


def thaw_index(frozen: tuple) -> tuple:
    return tuple(slice(*item[1:]) if isinstance(item, tuple) else item for item in frozen)


def _getitem(a: np.ndarray, index: tuple) -> np.ndarray:
    return a[thaw_index(index)]


def _untake(g: np.ndarray, index: tuple, shape: Shape) -> np.ndarray:
    out = np.zeros(shape)
    out[thaw_index(index)] = g
    return out


def _getitem_shape(a: Shape, index: tuple) -> Shape:
    try:
        return np.empty(a)[thaw_index(index)].shape
    except IndexError as exc:
        raise ValueError(f"index {thaw_index(index)} does not fit shape {a}: {exc}") from None


def _safe_log(x: np.ndarray) -> np.ndarray:
    """log(x), with log(0) taken as 0: the factor in d/dy x**y that vanishes with x**y."""
    return np.log(np.where(x == 0, 1.0, x))


def _unary(name: str, fn: Callable[[np.ndarray], np.ndarray]) -> Primitive:
    return Primitive(name, 1, fn, lambda a: a)


def _binary(name: str, fn: Callable[..., np.ndarray], commutative: bool = False) -> Primitive:
    return Primitive(name, 2, fn, _broadcast, commutative)


PRIMITIVES: dict[str, Primitive] = {p.name: p for p in [
    _binary("add", np.add, commutative=True),
    _binary("sub", np.subtract),
    _binary("mul", np.multiply, commutative=True),
    _binary("div", np.divide),
    _binary("pow", np.power),
    _unary("neg", np.negative),
    _unary("exp", np.exp),
    _unary("log", np.log),
    _unary("log2", np.log2),
    _unary("log10", np.log10),
    _unary("sqrt", np.sqrt),
    _unary("sin", np.sin),
    _unary("cos", np.cos),
    _unary("tan", np.tan),
    _unary("sinh", np.sinh),
    _unary("cosh", np.cosh),
    _unary("tanh", np.tanh),
    _unary("arcsin", np.arcsin),
    _unary("arccos", np.arccos),
    _unary("arctan", np.arctan),
    _unary("abs", np.abs),
    _unary("sign", np.sign),
    _unary("safe_log", _safe_log),
    Primitive("sum", 1, lambda a, axis, keepdims: np.sum(a, axis=axis, keepdims=keepdims),
              _sum_shape),
    Primitive("reshape", 1, lambda a, shape: np.reshape(a, shape), lambda a, shape: tuple(shape)),
    Primitive("transpose", 1, lambda a, axes: np.transpose(a, axes), _transpose_shape),
    Primitive("broadcast_to", 1, lambda a, shape: np.broadcast_to(a, shape),
              _broadcast_to_shape),
    Primitive("matmul", 2, np.matmul, _matmul_shape),
    Primitive("getitem", 1, _getitem, _getitem_shape),
    Primitive("untake", 1, _untake, lambda g, index, shape: tuple(shape)),
]}

UFUNC_TO_OP: dict[np.ufunc, str] = {
    np.add: "add", np.subtract: "sub", np.multiply: "mul", np.divide: "div",
    np.power: "pow", np.negative: "neg", np.exp: "exp", np.log: "log", np.log2: "log2",
    np.log10: "log10", np.sqrt: "sqrt", np.sin: "sin", np.cos: "cos", np.tan: "tan",
    np.sinh: "sinh", np.cosh: "cosh", np.tanh: "tanh", np.arcsin: "arcsin",
    np.arccos: "arccos", np.arctan: "arctan", np.absolute: "abs", np.sign: "sign",
    np.matmul: "matmul",
}


class _Mode:
    """`literal` is True while user text is parsed: then only value-preserving identities apply."""

    literal = False


MODE = _Mode()


def _scalar_const(node: Node) -> bool:
    return node.op == "const" and node.value.ndim == 0


def _exact_reciprocal(c: float) -> bool:
    """True when 1/c is exact in binary floating point (c a power of two), so x/c == x*(1/c)."""
    if c == 0.0 or not math.isfinite(c):
        return False
    mantissa, _ = math.frexp(c)
    return abs(mantissa) == 0.5


def simplify(op: str, args: tuple[Node, ...], shape: Shape, params: dict) -> Node | None:
    """An equal, simpler node for a few identities (x+0, x*1, x*0, x**1, --x ...), or None.

    Identities that would change a result's shape are skipped. In derivative graphs x*0
    is 0 even where x is inf or nan, as symbolic differentiation does (d/dx of x**0 is 0
    at 0), and constant factors are merged. While user text is parsed (MODE.literal) only
    identities that keep every value, nan and inf included, apply.
    """
    literal = MODE.literal
    from gradviz.autodiff.graph import const, make

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
