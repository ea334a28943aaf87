"""`DataFunction`: a loss f(w, b) that reduces over the rows of data with mean(...) and sum(...).

Each `mean(h)` stands in f's graph as an input node; h is elementwise in the variables,
parameters and columns. Because the reductions are linear and the variables are scalars, a
derivative is the outer graph's derivative plus, for every reduction, its partial times the
reduction of h's derivative: ∂/∂w F(w, mean(h)) = F_w + F_r · mean(∂h/∂w). Derived once per text
(and shared by `with_parameters`); the data and the rows of a mini-batch are inputs of every call.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any

import numpy as np

from gradviz.autodiff.backward import vjp
from gradviz.autodiff.graph import Node, toposort, var
from gradviz.autodiff.walk import Walk
from gradviz.data.batch_kernel import BatchKernel, reduce_rows
from gradviz.data.columns import load_data
from gradviz.data.heap import keep_freed_blocks
from gradviz.expr.derived_view import DerivedView, ParsedText
from gradviz.expr.parser import parse_graph
from gradviz.expr.reductions import Reduction

# grid points × rows evaluated at once: bounds memory. Temporaries of 128 KB stay in cache: a 120² grid of
# loss and gradient over 1,000 rows took 58 ms in blocks of 2^14 against 107 ms in blocks of 2^17.
BLOCK = 1 << 14


class DataDerived(ParsedText):
    """The graphs of one text over given column names: f, ∇f and the Hessian, with their reductions."""

    def __init__(self, text: str, columns: tuple[str, ...]) -> None:
        parsed = parse_graph(text, columns)
        super().__init__(text, parsed)
        self.columns: dict[str, Node] = parsed.columns
        self.reductions: dict[int, Reduction] = {id(r.node): r for r in parsed.reductions}
        self._made: dict[tuple[str, int], Reduction] = {}
        self._plans: dict[int, tuple[list[Reduction], Walk, Walk]] = {}
        self._kernels: dict[int, BatchKernel] = {}
        used = {id(n) for r in parsed.reductions for n in toposort([r.inner])}
        self.unused_columns = [name for name, node in self.columns.items() if id(node) not in used]

    def _reduction(self, kind: str, inner: Node) -> Node:
        key = (kind, id(inner))
        if key not in self._made:
            r = Reduction(var(f"{kind}_{len(self.reductions)}"), kind, inner)
            self._made[key] = r
            self.reductions[id(r.node)] = r
        return self._made[key].node

    def derivative(self, node: Node, wrt: list[Node]) -> list[Node]:
        """d node / d w for each w in `wrt` (variables), reductions differentiated under the sum."""
        inside = [self.reductions[id(n)] for n in toposort([node]) if id(n) in self.reductions]
        partials = vjp(node, [*wrt, *(r.node for r in inside)])
        result = []
        for i, w in enumerate(wrt):
            total = partials[i]
            for r, outer in zip(inside, partials[len(wrt):], strict=True):
                if outer.is_const(0.0):
                    continue
                (inner,) = vjp(r.inner, [w])
                if not inner.is_const(0.0):
                    total = total + outer * self._reduction(r.kind, inner)
            result.append(total)
        return result

    @cached_property
    def gradient_nodes(self) -> tuple[Node, Node]:
        fx, fy = self.derivative(self.output, self.inputs)
        return fx, fy

    @cached_property
    def hessian_nodes(self) -> tuple[Node, Node, Node]:
        fx, fy = self.gradient_nodes
        fxx, fxy = self.derivative(fx, self.inputs)
        (fyy,) = self.derivative(fy, [self.y_node])
        return fxx, fxy, fyy

    def plan(self, order: int) -> tuple[list[Reduction], Walk, Walk]:
        """For derivatives up to `order`: the reductions needed, the walk of their insides (inputs: the
        variables, parameters, then columns) and the walk of f's outer graphs (variables, parameters, then
        those reductions). Built once per order."""
        if order not in self._plans:
            outputs = self.outputs(order)
            needed = [self.reductions[id(k)] for k in toposort(outputs) if id(k) in self.reductions]
            head = [self.x_node, self.y_node, *self.parameter_nodes]
            inner = Walk([r.inner for r in needed], [*head, *self.columns.values()])
            outer = Walk(outputs, [*head, *(r.node for r in needed)])
            self._plans[order] = (needed, inner, outer)
        return self._plans[order]

    def kernel(self, order: int) -> BatchKernel:
        """The generated code for f and its derivatives up to `order` over a batch of rows (built once)."""
        if order not in self._kernels:
            needed, _, _ = self.plan(order)
            self._kernels[order] = BatchKernel(self.outputs(order), [self.x_node, self.y_node, *self.parameter_nodes],
                                               list(self.columns.values()), needed)
        return self._kernels[order]

    def outputs(self, order: int) -> list[Node]:
        if order == 0:
            return [self.output]
        if order == 1:
            return [self.output, *self.gradient_nodes]
        return [self.output, *self.gradient_nodes, *self.hessian_nodes]


class DataFunction(DerivedView):
    """A loss f(w, b) over data columns: full-batch calls are exact; `rows=` gives a mini-batch's.

    Calls broadcast w and b like NumPy and return float64 arrays (NumPy scalars for scalars).
    `rows` is an index array into the data (a mini-batch); None means every row.
    """

    _SHARED = ("_derived", "_data")

    def __init__(self, text: str, data: Mapping[str, Any] | str) -> None:
        keep_freed_blocks()  # a step over many rows must not page-fault (see heap.py)
        self._data = load_data(data)
        self._derived = DataDerived(text, tuple(self._data))
        self._values: tuple[float, ...] = tuple(s.value for s in self._derived.specs.values())

    @property
    def rows(self) -> int:
        """The number of data rows."""
        return len(next(iter(self._data.values())))

    @property
    def data(self) -> dict[str, np.ndarray]:
        """The columns (read-only views)."""
        out = {}
        for name, column in self._data.items():
            view = column.view()
            view.flags.writeable = False
            out[name] = view
        return out

    # ----- evaluation -----
    def _evaluate(self, order: int, x: Any, y: Any, rows: Any = None, trusted: bool = False) -> tuple[Any, ...]:
        """f and its derivatives up to `order` over all rows or `rows` (`trusted`: valid indices, unchecked)."""
        d = self._derived
        xa, ya = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        shape = np.broadcast_shapes(xa.shape, ya.shape)
        if rows is not None and not trusted:
            rows = self._checked_rows(rows)
        if not shape:  # one point: the generated code, no blocks
            with np.errstate(all="ignore"):
                results = self.batch_evaluator(order)(xa, ya, rows)
            return tuple(np.float64(v) for v in results)
        params = [np.float64(v) for v in self._values]
        columns = self._data if rows is None else {name: c[rows] for name, c in self._data.items()}
        n = len(next(iter(columns.values())))
        needed, inner, outer = d.plan(order)
        reduced = []
        if needed:
            xf = xa.reshape(-1) if xa.shape == shape else np.broadcast_to(xa, shape).reshape(-1)
            yf = ya.reshape(-1) if ya.shape == shape else np.broadcast_to(ya, shape).reshape(-1)
            size = xf.size
            sums = np.empty((len(needed), size))
            step = max(1, BLOCK // max(n, 1))
            cols = [column[None, :] for column in columns.values()]
            for start in range(0, size, step):
                stop = min(size, start + step)
                values = inner(xf[start:stop, None], yf[start:stop, None], *params, *cols)
                for k, (r, v) in enumerate(zip(needed, values, strict=True)):
                    sums[k, start:stop] = reduce_rows(r.kind, v, n)
            reduced = [sums[k].reshape(shape) for k in range(len(needed))]
        results = outer(xa, ya, *params, *reduced)
        return tuple(v.copy() if v.shape == shape else np.broadcast_to(v, shape).copy() for v in results)

    def batch_evaluator(self, order: int) -> Callable[[Any, Any, np.ndarray | None], tuple[Any, ...]]:
        """`(x, y, rows) -> (f, ...)` up to `order` over the rows `rows` (valid indices, unchecked; None: all),
        by the generated kernel with this function's parameters and data bound: for descent loops. x and y are
        0-d, or 1-D of one shape (one entry per path); NumPy's warnings are the caller's to silence."""
        kernel = self._derived.kernel(order)
        params = [np.float64(v) for v in self._values]
        columns = list(self._data.values())
        return lambda x, y, rows: kernel(x, y, params, columns, rows)

    def _checked_rows(self, rows: Any) -> np.ndarray:
        """`rows` as an index array (or boolean mask) into the data; ValueError naming what is wrong."""
        idx = np.asarray(rows)
        if idx.dtype == bool:
            if idx.shape != (self.rows,):
                raise ValueError(f"a boolean rows mask needs {self.rows} entries, got shape {idx.shape}")
            count = int(idx.sum())
        elif idx.ndim != 1 or not np.issubdtype(idx.dtype, np.integer):
            raise ValueError("rows must be a 1-D array of row indices (or a boolean mask)")
        elif len(idx) and (idx.min() < -self.rows or idx.max() >= self.rows):
            raise ValueError(f"rows must index the {self.rows} data rows")
        else:
            count = len(idx)
        if count == 0:
            raise ValueError("rows selects no row: a mini-batch needs at least one")
        return idx

    def __call__(self, x: Any, y: Any, rows: Any = None) -> Any:
        """f(w, b) over all rows (or the rows `rows`), broadcast, float64."""
        return self._evaluate(0, x, y, rows)[0]

    def value_and_grad(self, x: Any, y: Any, rows: Any = None) -> tuple[Any, Any, Any]:
        """(f, ∂f/∂w, ∂f/∂b) over all rows, or over the rows `rows` only (a mini-batch)."""
        return self._evaluate(1, x, y, rows)  # type: ignore[return-value]

    def grad(self, x: Any, y: Any, rows: Any = None) -> tuple[Any, Any]:
        return self.value_and_grad(x, y, rows)[1:]

    def derivatives(self, x: Any, y: Any, rows: Any = None) -> tuple[Any, ...]:
        """(f, fx, fy, fxx, fxy, fyy)."""
        return self._evaluate(2, x, y, rows)

    def hessian(self, x: Any, y: Any, rows: Any = None) -> tuple[Any, Any, Any]:
        return self.derivatives(x, y, rows)[3:]  # type: ignore[return-value]

    def grid(self, xs: Any, ys: Any, order: int = 0) -> tuple[np.ndarray, ...]:
        """f (with ∇f for order 1, and the Hessian for 2) on xs × ys, shape (len(xs), len(ys)),
        computed in blocks so memory stays bounded however many rows the data has."""
        xa = np.asarray(xs, dtype=np.float64).reshape(-1, 1)
        ya = np.asarray(ys, dtype=np.float64).reshape(1, -1)
        return self._evaluate(order, xa, ya)

    @property
    def point(self) -> Any:
        return lambda x, y: tuple(float(v) for v in self.derivatives(x, y))

    @property
    def point_grad(self) -> Any:
        return lambda x, y: tuple(float(v) for v in self.value_and_grad(x, y))

    @property
    def point_f(self) -> Any:
        return lambda x, y: (float(self(x, y)),)

    def prepare(self, everything: bool = False) -> DataFunction:
        self._derived.hessian_nodes  # noqa: B018 (derives the graphs now)
        return self

    @property
    def uses_x(self) -> bool:
        return not self._derived.gradient_nodes[0].is_const(0.0)

    @property
    def uses_y(self) -> bool:
        return not self._derived.gradient_nodes[1].is_const(0.0)

    def __repr__(self) -> str:
        return f"<gradviz DataFunction {self.text!r} over {self.rows} rows of {', '.join(self._data)}>"

