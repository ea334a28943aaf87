"""The traced graph: immutable nodes, interned so equal subexpressions are one node.

A `Node` is one operation with its argument nodes, hashable parameters and a static
shape. Nodes are built only through `make`, which folds constants, applies a few
algebraic identities and returns an existing node when the same operation on the same
arguments was built before (hash-consing). That is what keeps derivative graphs small
and lets the code generator share work between f, its gradient and its Hessian.
"""

from __future__ import annotations

import contextlib
import contextvars
import itertools
import weakref
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from gradviz.autodiff import primitives
from gradviz.autodiff.simplify import literal_sensitive, simplify

Shape = tuple[int, ...]

_serial = itertools.count()
# key -> weak reference to the node. A plain dict of weakrefs is ~3x faster than a
# WeakValueDictionary here; dead entries are harmless (a live node keeps its arguments, and
# so the ids in its key, alive) and are purged when the table doubles.
_interned: dict[tuple, weakref.ref] = {}
_purge_at = [100_000]
# True while user text is parsed: `make` then applies only identities that keep every value.
# The few nodes whose simplification depends on it (see simplify.literal_sensitive) are interned
# under a key of their own in literal mode, so a node built under one mode is never handed back
# under the other, while every other node is shared (forward and derivative graphs share work).
_literal: contextvars.ContextVar[bool] = contextvars.ContextVar("gradviz_literal_simplification", default=False)


def _lookup(key: tuple) -> Node | None:
    ref = _interned.get(key)
    return None if ref is None else ref()


def _store(key: tuple, node: Node) -> None:
    _interned[key] = weakref.ref(node)
    if len(_interned) > _purge_at[0]:
        for k in [k for k, r in _interned.items() if r() is None]:
            del _interned[k]
        _purge_at[0] = max(100_000, 2 * len(_interned))


class TraceError(TypeError):
    """A traced value was used in a way that needs a concrete number."""


class Node:
    """One operation in a traced graph.

    `op` names a primitive (see `primitives.PRIMITIVES`), or is "const" (with `value`)
    or "var" (an input, with `name`). `shape` is the static NumPy shape of the result.
    """

    __slots__ = ("op", "args", "params", "shape", "value", "name", "serial", "__weakref__")
    __array_priority__ = 1000.0

    op: str
    args: tuple[Node, ...]
    params: tuple
    shape: Shape
    value: np.ndarray | None
    name: str | None
    serial: int

    def __init__(self, op: str, args: tuple[Node, ...], params: tuple, shape: Shape,
                 value: np.ndarray | None = None, name: str | None = None) -> None:
        self.op = op
        self.args = args
        self.params = params
        self.shape = shape
        self.value = value
        self.name = name
        self.serial = next(_serial)

    # ----- introspection -------------------------------------------------------------
    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    def is_const(self, number: float | None = None) -> bool:
        """True for a constant; with `number`, only for a constant equal to it everywhere."""
        if self.op != "const":
            return False
        if number is None:
            return True
        v = self.value
        return v.ndim == 0 and float(v) == number

    def __repr__(self) -> str:
        if self.op == "const":
            return f"Node(const {self.value!r}, shape={self.shape})"
        if self.op == "var":
            return f"Node(var {self.name!r}, shape={self.shape})"
        return f"Node({self.op}, shape={self.shape}, #{self.serial})"

    def __bool__(self) -> bool:
        raise TraceError(
            "a traced value has no truth value: Python `if`/`while` on it cannot be "
            "differentiated. Write the function without branching on its input, "
            "e.g. use anp.abs or arithmetic instead of comparisons.")

    def _compare(self, other: Any) -> bool:
        raise TraceError(
            "traced values cannot be compared: Python branching on the input cannot be "
            "differentiated. Write the function without branching on its input, e.g. use "
            "anp.abs or arithmetic instead of comparisons.")

    __lt__ = __le__ = __gt__ = __ge__ = _compare

    def __float__(self) -> float:
        raise TraceError(
            "a traced value cannot be converted to float while differentiating; "
            "keep it as an array and use gradviz.autodiff.numpy operations on it.")

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError("len() of a 0-d traced value")
        return self.shape[0]

    # ----- operators (NumPy semantics, broadcasting) ---------------------------------
    def __add__(self, other: Any) -> Node: return make("add", self, other)
    def __radd__(self, other: Any) -> Node: return make("add", other, self)
    def __sub__(self, other: Any) -> Node: return make("sub", self, other)
    def __rsub__(self, other: Any) -> Node: return make("sub", other, self)
    def __mul__(self, other: Any) -> Node: return make("mul", self, other)
    def __rmul__(self, other: Any) -> Node: return make("mul", other, self)
    def __truediv__(self, other: Any) -> Node: return make("div", self, other)
    def __rtruediv__(self, other: Any) -> Node: return make("div", other, self)
    def __pow__(self, other: Any) -> Node: return make("pow", self, other)
    def __rpow__(self, other: Any) -> Node: return make("pow", other, self)
    def __neg__(self) -> Node: return make("neg", self)
    def __pos__(self) -> Node: return self
    def __abs__(self) -> Node: return make("abs", self)
    def __matmul__(self, other: Any) -> Node: return make("matmul", self, other)
    def __rmatmul__(self, other: Any) -> Node: return make("matmul", other, self)

    @property
    def T(self) -> Node:  # noqa: N802 (NumPy's name)
        return make("transpose", self, axes=tuple(reversed(range(self.ndim))))

    def reshape(self, *shape: Any) -> Node:
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return make("reshape", self, shape=primitives.resolve_reshape(self.shape, shape))

    def __getitem__(self, index: Any) -> Node:
        return make("getitem", self, index=primitives.freeze_index(index))

    def sum(self, axis: Any = None, keepdims: bool = False) -> Node:
        return make("sum", self, axis=primitives.normalize_axis(axis, self.ndim),
                    keepdims=keepdims)

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        """Let `np.sin(node)` and `array + node` build graph nodes too."""
        op = primitives.ufunc_to_op().get(ufunc)
        if method != "__call__" or op is None or kwargs:
            raise TraceError(
                f"numpy.{ufunc.__name__} is not differentiable in gradviz.autodiff; use the "
                "operations of `gradviz.autodiff.numpy` (from gradviz.autodiff import numpy as anp).")
        return make(op, *inputs)


def const(value: Any, shape: Shape | None = None) -> Node:
    """A constant node. A scalar `value` with a `shape` is that value broadcast to it."""
    arr = np.asarray(value, dtype=np.float64)
    if shape is None:
        shape = arr.shape
    if arr.ndim == 0:
        key = ("const", float(arr).hex(), shape)
        node = _lookup(key)
        if node is None:
            arr = arr.copy()
            arr.flags.writeable = False
            node = Node("const", (), (), tuple(shape), arr)
            _store(key, node)
        return node
    arr = np.array(np.broadcast_to(arr, shape), dtype=np.float64)
    arr.flags.writeable = False
    return Node("const", (), (), tuple(shape), arr)


def zeros(shape: Shape) -> Node:
    return const(0.0, shape)


def ones(shape: Shape) -> Node:
    return const(1.0, shape)


def var(name: str, shape: Shape = ()) -> Node:
    """A fresh input. Two calls give two different inputs, even with the same name."""
    return Node("var", (), (), tuple(shape), name=name)


def as_node(x: Any) -> Node:
    if isinstance(x, Node):
        return x
    try:
        return const(x)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"cannot use {type(x).__name__} as a number in a traced function") from exc


def const_value(node: Node) -> np.ndarray:
    """The broadcast value of a constant node (read-only)."""
    return np.broadcast_to(node.value, node.shape)


def make(op: str, *args: Any, **params: Any) -> Node:
    """Build (or find) the node `op(*args, **params)`, simplified.

    Raises ValueError when the shapes do not fit, naming the operation.
    """
    prim = primitives.PRIMITIVES[op]
    nodes = tuple([a if type(a) is Node else as_node(a) for a in args])
    if len(nodes) != prim.arity:
        raise TypeError(f"{op} takes {prim.arity} argument(s), got {len(nodes)}")
    if prim.commutative:
        a, b = nodes
        if (b.op == "const", b.serial) > (a.op == "const", a.serial):
            nodes = (b, a)  # canonical order: constants first, then by age
    frozen = tuple(sorted(params.items())) if params else ()
    literal = _literal.get()
    key = (op, *[id(n) for n in nodes], frozen)
    if literal and literal_sensitive(op, nodes):
        key += ("literal",)
    node = _lookup(key)
    if node is not None:
        return node
    shape = prim.shape_of(*[n.shape for n in nodes], **params)
    simpler = simplify(op, nodes, shape, params, literal, make, const)
    if simpler is not None:
        return simpler
    for n in nodes:
        if n.op != "const":
            break
    else:  # every argument a constant
        return _fold(prim, op, nodes, shape, frozen, params)
    node = Node(op, nodes, frozen, shape)
    _store(key, node)
    return node


_folded: dict[tuple, Node] = {}


def _fold(prim: primitives.Primitive, op: str, nodes: tuple[Node, ...], shape: Shape, frozen: tuple,
          params: dict) -> Node:
    """The constant `op(*nodes)`. Scalar results are remembered by value (folding is pure)."""
    scalar = all(n.value.ndim == 0 and n.shape == () for n in nodes)
    key = (op, *[float(n.value).hex() for n in nodes], frozen) if scalar else None
    if key is not None and key in _folded:
        return _folded[key]
    with np.errstate(all="ignore"):
        value = prim.evaluate(*[const_value(n) for n in nodes], **params)
    folded = const(value, shape)
    if key is not None:
        if len(_folded) > 10_000:
            _folded.clear()
        _folded[key] = folded
    return folded


@contextlib.contextmanager
def literal_simplification() -> Iterator[None]:
    """Within this block, `make` applies only identities that keep every value (for user text)."""
    token = _literal.set(True)
    try:
        yield
    finally:
        _literal.reset(token)


def literal_mode() -> bool:
    """Whether `make` is in literal mode (see `literal_simplification`)."""
    return _literal.get()


def params_of(node: Node) -> dict[str, Any]:
    return dict(node.params)


def toposort(outputs: Iterable[Node]) -> list[Node]:
    """Every node the outputs depend on, each after its arguments (iterative, any depth).

    A node is always created after its arguments, so creation order (`serial`) is a
    topological order: collect the reachable nodes, then sort them by serial.
    """
    seen: dict[int, Node] = {}
    stack = list(outputs)
    while stack:
        node = stack.pop()
        if id(node) not in seen:
            seen[id(node)] = node
            stack.extend(node.args)
    return sorted(seen.values(), key=_by_serial)


def _by_serial(node: Node) -> int:
    return node.serial


def depends_on(order: Sequence[Node], inputs: Iterable[Node]) -> set[int]:
    """ids of the nodes in `order` (topological) that depend on any of `inputs`."""
    dep = {id(n) for n in inputs}
    for node in order:
        for a in node.args:  # a loop, not any(generator): this runs for every node of every derivative
            if id(a) in dep:
                dep.add(id(node))
                break
    return dep
