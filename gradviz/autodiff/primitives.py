"""What a primitive is, the registry that holds one entry per primitive, and their shapes.

Every fact about a primitive lives on its one `Primitive` entry: its name in the expression
language, how NumPy evaluates it, its static shape, its derivative rule, the code the kernels
generate for it and the name the backprop graph shows. The entries themselves are in
`table.py`; everything else (the parser's function names, `anp`, the code generators, the
graph labels) is derived from them.
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
    """One primitive operation.

    `vjp[i](g, ans, *args, **params)` is argument i's share of the adjoint, given the result's
    adjoint g. Elementwise primitives also carry `numpy_code` (a template on `{0}`, `{1}` and the
    output buffer `{out}`) and `scalar_code` (a `math` expression on `{0}`, `{1}`); names in
    templates start with `_` and resolve to `math`/NumPy functions of the same name (or to
    `helpers`). `text` are its names in the expression language, `display` its label in graphs.
    """

    name: str
    arity: int
    evaluate: Callable[..., np.ndarray]
    shape_of: Callable[..., Shape]
    vjp: tuple[Callable[..., Node], ...]
    commutative: bool = False
    ufunc: np.ufunc | None = None
    numpy_code: str | None = None
    scalar_code: str | None = None
    text: tuple[str, ...] = ()
    display: str | None = None
    infix: str | None = None
    helpers: tuple[tuple[str, Any], ...] = ()

    @property
    def elementwise(self) -> bool:
        return self.numpy_code is not None

    @property
    def label(self) -> str:
        """The name a person reads in the backprop graph."""
        return self.display or (self.text[0] if self.text else self.name)


PRIMITIVES: dict[str, Primitive] = {}


def define(prim: Primitive) -> Primitive:
    """Register `prim`; ValueError if its name, a text name or its ufunc is taken already."""
    if prim.name in PRIMITIVES:
        raise ValueError(f"primitive {prim.name!r} is defined twice")
    taken = {t for p in PRIMITIVES.values() for t in p.text}
    if taken & set(prim.text):
        raise ValueError(f"text name(s) {sorted(taken & set(prim.text))} already belong to another primitive")
    if prim.ufunc is not None and any(p.ufunc is prim.ufunc for p in PRIMITIVES.values()):
        raise ValueError(f"numpy.{prim.ufunc.__name__} already belongs to another primitive")
    PRIMITIVES[prim.name] = prim
    return prim


def text_functions() -> dict[str, str]:
    """Function names of the expression language -> primitive name."""
    return {t: p.name for p in PRIMITIVES.values() for t in p.text}


def ufunc_to_op() -> dict[np.ufunc, str]:
    return {p.ufunc: p.name for p in PRIMITIVES.values() if p.ufunc is not None}


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


def sum_shape(shape: Shape, axis: tuple[int, ...] | None, keepdims: bool) -> Shape:
    axes = range(len(shape)) if axis is None else axis
    if keepdims:
        return tuple(1 if i in axes else n for i, n in enumerate(shape))
    return tuple(n for i, n in enumerate(shape) if i not in axes)


def matmul_shape(a: Shape, b: Shape) -> Shape:
    if not a or not b or len(a) > 2 or len(b) > 2:
        raise ValueError(f"matmul needs 1-D or 2-D operands, got shapes {a} and {b}")
    if a[-1] != b[0]:
        raise ValueError(f"matmul: shapes {a} and {b} are not aligned ({a[-1]} != {b[0]})")
    return a[:-1] + b[1:]


def transpose_shape(a: Shape, axes: tuple[int, ...]) -> Shape:
    if sorted(axes) != list(range(len(a))):
        raise ValueError(f"transpose axes {axes} do not fit shape {a}")
    return tuple(a[i] for i in axes)


def broadcast_to_shape(a: Shape, shape: Shape) -> Shape:
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


def getitem_value(a: np.ndarray, index: tuple) -> np.ndarray:
    return a[thaw_index(index)]


def untake_value(g: np.ndarray, index: tuple, shape: Shape) -> np.ndarray:
    out = np.zeros(shape)
    out[thaw_index(index)] = g
    return out


def getitem_shape(a: Shape, index: tuple) -> Shape:
    try:
        return np.empty(a)[thaw_index(index)].shape
    except IndexError as exc:
        raise ValueError(f"index {thaw_index(index)} does not fit shape {a}: {exc}") from None


def safe_log(x: np.ndarray) -> np.ndarray:
    """log(x), with log(0) taken as 0: the factor in d/dy x**y that vanishes with x**y."""
    return np.log(np.where(x == 0, 1.0, x))


def broadcast_shape(*shapes: Shape) -> Shape:
    return _broadcast(*shapes)


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


def simplify(op: str, args: tuple[Node, ...], shape: Shape, params: dict, literal: bool) -> Node | None:
    """An equal, simpler node for a few identities (x+0, x*1, x*0, x**1, --x ...), or None.

    Identities that would change a result's shape are skipped. In derivative graphs x*0
    is 0 even where x is inf or nan, as symbolic differentiation does (d/dx of x**0 is 0
    at 0), and constant factors are merged. With `literal` (while user text is parsed) only
    identities that keep every value, nan and inf included, apply.
    """
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
