"""A NumPy-like namespace of differentiable operations: `from gradviz.autodiff import numpy as anp`.

On plain arrays each function is NumPy's own; on traced values it records a graph node,
so the same function can be evaluated and differentiated.
"""

from __future__ import annotations

from typing import Any

import numpy as _np

from gradviz.autodiff import primitives as _primitives
from gradviz.autodiff import table as _table  # noqa: F401 (registers the primitives)
from gradviz.autodiff.graph import Node, make

pi = _np.pi
e = _np.e
inf = _np.inf
nan = _np.nan
float64 = _np.float64
ndarray = _np.ndarray


def _is_traced(*args: Any) -> bool:
    return any(isinstance(a, Node) for a in args)


def _elementwise(op: str, np_fn: Any) -> Any:
    def fn(x: Any) -> Any:
        return make(op, x) if isinstance(x, Node) else np_fn(x)
    fn.__name__ = op
    fn.__doc__ = f"Elementwise {op}, differentiable (NumPy's {np_fn.__name__} on plain arrays)."
    return fn


# one function per elementwise primitive of one argument, under NumPy's name (and the primitive's)
for _p in list(_primitives.PRIMITIVES.values()):
    if _p.elementwise and _p.arity == 1 and _p.ufunc is not None:
        globals()[_p.ufunc.__name__] = globals()[_p.name] = _elementwise(_p.name, _p.ufunc)
del _p
abs = absolute  # noqa: A001, F821 (NumPy's name; defined by the loop above)


def _binary(op: str, np_fn: Any) -> Any:
    def fn(x: Any, y: Any) -> Any:
        return make(op, x, y) if _is_traced(x, y) else np_fn(x, y)
    fn.__name__ = op
    return fn


for _p in list(_primitives.PRIMITIVES.values()):
    if _p.arity == 2 and _p.ufunc is not None:
        globals()[_p.ufunc.__name__] = _binary(_p.name, _p.ufunc)
del _p
true_divide = divide  # noqa: F821 (defined by the loop above)


def dot(a: Any, b: Any) -> Any:
    """Matrix product for 1-D and 2-D operands (as `a @ b`)."""
    return make("matmul", a, b) if _is_traced(a, b) else _np.matmul(a, b)


def square(x: Any) -> Any:
    return x * x


def sum(x: Any, axis: Any = None, keepdims: bool = False) -> Any:  # noqa: A001
    """Sum over `axis` (None: all), as numpy.sum."""
    if isinstance(x, Node):
        return make("sum", x, axis=_primitives.normalize_axis(axis, x.ndim), keepdims=keepdims)
    return _np.sum(x, axis=axis, keepdims=keepdims)


def mean(x: Any, axis: Any = None, keepdims: bool = False) -> Any:
    """Mean over `axis` (None: all), as numpy.mean."""
    if not isinstance(x, Node):
        return _np.mean(x, axis=axis, keepdims=keepdims)
    axes = _primitives.normalize_axis(axis, x.ndim)
    count = x.size if axes is None else int(_np.prod([x.shape[a] for a in axes]))
    return sum(x, axis=axis, keepdims=keepdims) / float(count)


def reshape(x: Any, shape: Any) -> Any:
    if isinstance(x, Node):
        return x.reshape(shape)
    return _np.reshape(x, shape)


def transpose(x: Any, axes: Any = None) -> Any:
    if not isinstance(x, Node):
        return _np.transpose(x, axes)
    axes = tuple(reversed(range(x.ndim))) if axes is None else tuple(int(a) for a in axes)
    return make("transpose", x, axes=axes)


def broadcast_to(x: Any, shape: Any) -> Any:
    if isinstance(x, Node):
        return make("broadcast_to", x, shape=tuple(shape))
    return _np.broadcast_to(x, shape)


def outer(a: Any, b: Any) -> Any:
    """Outer product of two 1-D arrays."""
    return reshape(a, (-1, 1)) * reshape(b, (1, -1))


def array(x: Any) -> Any:
    return x if isinstance(x, Node) else _np.array(x, dtype=float)


asarray = array
