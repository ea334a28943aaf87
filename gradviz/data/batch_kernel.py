"""Straight-line code for a loss on data over a batch of rows: the inner graphs, the reductions and the
outer graph in one generated function, so that a descent step pays only its NumPy calls.

Generated from the validated graphs (one line per node, calling the primitive's own NumPy function);
user text never reaches the code. The same calls in the same order as `Walk`, so the values are the same
to the bit.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

import numpy as np

from gradviz.autodiff.graph import Node, const_value, toposort
from gradviz.autodiff.primitives import PRIMITIVES
from gradviz.expr.reductions import Reduction


def reduce_rows(kind: str, v: np.ndarray, n: int) -> Any:
    """mean or sum over the last axis (the n rows) of v; a v the same for every row (last axis 1, or 0-d)
    is not spread out: its mean is itself and its sum n times it. The same arithmetic for a point and a block."""
    if v.ndim and v.shape[-1] == n:
        total = np.add.reduce(v, axis=-1)
        return total / n if kind == "mean" else total
    same = v[..., 0] if v.ndim else v
    return same if kind == "mean" else same * n


def _full(v: Any, like: np.ndarray) -> np.ndarray:
    """v (the same for every point) spread to the points' shape."""
    return np.full(np.shape(like), v, dtype=np.float64)


class BatchKernel:
    """`kernel(x, y, params, columns, rows)` -> the outputs over the rows `rows` (None: every row).

    x and y are the points (0-d, or 1-D arrays of the same shape: one entry per path); `params` and
    `columns` are sequences in the order given at construction. Each output has the points' shape.
    """

    def __init__(self, outputs: Sequence[Node], head: Sequence[Node], columns: Sequence[Node],
                 reductions: Sequence[Reduction]) -> None:
        x_node, y_node, *params = head
        names: dict[int, str] = {id(x_node): "x", id(y_node): "y"}
        names.update({id(p): f"p{k}" for k, p in enumerate(params)})
        scope: dict[str, Any] = {"_reduce": reduce_rows, "_add_reduce": np.add.reduce, "_full": _full}
        lines = [f"{', '.join(names[id(p)] for p in params)}, = P" if params else "",
                 f"{', '.join(f'c{k}' for k in range(len(columns)))}, = C" if columns else "",
                 "if rows is not None:",
                 *(f"    c{k} = c{k}[rows]" for k in range(len(columns))),
                 "n = len(c0)" if columns else "n = 1"]
        row_names = {**names, id(x_node): "xr", id(y_node): "yr"}
        row_names.update({id(c): f"c{k}" for k, c in enumerate(columns)})
        lines += ["xr = x[..., None]", "yr = y[..., None]"]
        column_ids = {id(c) for c in columns}
        shaped_ids = {id(x_node), id(y_node)}  # what has the points' shape: x, y and what depends on them
        shaped_ids.update(id(r.node) for r in reductions if any(id(n) in shaped_ids for n in toposort([r.inner])))
        for k, r in enumerate(reductions):
            inner = self._lines(r.inner, row_names, scope, f"i{k}_")
            lines += inner
            by_rows = any(id(n) in column_ids for n in toposort([r.inner]))
            value = row_names[id(r.inner)]
            if by_rows:
                total = f"_add_reduce({value}, -1)"
                lines.append(f"r{k} = {total} / n" if r.kind == "mean" else f"r{k} = {total}")
            else:
                lines.append(f"r{k} = _reduce({r.kind!r}, {value}, n)")
            names[id(r.node)] = f"r{k}"
        results = []
        for o in outputs:
            lines += self._lines(o, names, scope, "o_")
            shaped = any(id(n) in shaped_ids for n in toposort([o]))
            results.append(names[id(o)] if shaped else f"_full({names[id(o)]}, x)")
        lines.append(f"return ({', '.join(results)},)")
        body = "\n    ".join(line for line in lines if line)
        self.source = f"def kernel(x, y, P, C, rows):\n    {body}\n"
        exec(compile(self.source, "<gradviz batch kernel>", "exec"), scope)  # noqa: S102 (from the validated graph)
        self._fn = scope["kernel"]

    @staticmethod
    def _lines(output: Node, names: dict[int, str], scope: dict[str, Any], prefix: str) -> list[str]:
        """Assignments computing `output` from nodes already named in `names` (which they extend)."""
        lines = []
        for node in toposort([output]):
            if id(node) in names:
                continue
            name = f"{prefix}{len(scope)}"
            if node.op == "const":
                scope[name] = np.array(const_value(node), dtype=np.float64)
            elif node.op == "var":
                raise ValueError(f"no value given for input {node.name!r}")
            else:
                fn = PRIMITIVES[node.op].evaluate
                scope[f"_{name}"] = partial(fn, **dict(node.params)) if node.params else fn
                lines.append(f"{name} = _{name}({', '.join(names[id(a)] for a in node.args)})")
            names[id(node)] = name
        return lines

    def __call__(self, x: Any, y: Any, params: Sequence[Any], columns: Sequence[np.ndarray],
                 rows: np.ndarray | None) -> tuple[Any, ...]:
        return self._fn(x, y, params, columns, rows)
