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
    if len(shapes) == 2 and shapes[1] == first or all(s == first for s in shapes):  # the usual case, first
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
