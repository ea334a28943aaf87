"""The loss at many weight vectors at once: the model's graph compiled with a leading batch axis on every value
that depends on the weights (JAX's vmap, for the primitives a model uses), so a whole row of a landscape grid is
one NumPy pass per operation instead of one pass per point.

A value that does not depend on the weights (the data, constants) keeps its shape and is shared by the batch.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from gradviz.autodiff.graph import Node, const_value, toposort
from gradviz.autodiff.primitives import PRIMITIVES

BatchedKernel = Callable[..., np.ndarray]


def _expand(x: np.ndarray, batched: bool, rank: int, out_rank: int) -> np.ndarray:
    """A batched value of rank `rank` made ready to broadcast against a batched result of rank `out_rank`: unit
    axes after the batch axis (an unbatched value broadcasts as it is)."""
    if not batched or rank == out_rank:
        return x
    return x.reshape(x.shape[:1] + (1,) * (out_rank - rank) + x.shape[1:])


def _matmul(a: np.ndarray, b: np.ndarray, a_rank: int, b_rank: int) -> np.ndarray:
    """NumPy's matmul of a batch: vectors become a row (first operand) or a column (second), so that a batch axis
    in front never mixes with a vector's own axis."""
    if a_rank == 1:
        a = a[..., None, :]
    if b_rank == 1:
        b = b[..., None]
    out = np.matmul(a, b)
    if b_rank == 1:
        out = out[..., 0]
    if a_rank == 1:
        out = out[..., 0, :] if b_rank != 1 else out[..., 0]
    return out


def _sum(x: np.ndarray, axis: tuple[int, ...] | None, keepdims: bool, rank: int) -> np.ndarray:
    axes = tuple(range(1, rank + 1)) if axis is None else tuple(a + 1 for a in axis)
    return np.sum(x, axis=axes, keepdims=keepdims)


def _line(node: Node, args: list[str], batched: list[bool], scope: dict[str, Any], k: int) -> str:
    """The generated line computing `node` with a batch axis (some argument is batched)."""
    op, params = node.op, dict(node.params)
    prim = PRIMITIVES[op]
    ranks = [a.ndim for a in node.args]
    if prim.elementwise:
        scope[f"_f{k}"] = prim.ufunc if prim.ufunc is not None else prim.evaluate
        expanded = [f"_expand({a}, {b}, {r}, {node.ndim})" for a, b, r in zip(args, batched, ranks, strict=True)]
        return f"_f{k}({', '.join(expanded)})"
    x = args[0]
    if op == "sum":
        return f"_sum({x}, {params['axis']!r}, {params['keepdims']!r}, {ranks[0]})"
    if op == "reshape":
        return f"{x}.reshape({x}.shape[:1] + {tuple(params['shape'])!r})"
    if op == "transpose":
        return f"_np.transpose({x}, (0,) + {tuple(a + 1 for a in params['axes'])!r})"
    if op == "broadcast_to":
        shape = tuple(params["shape"])
        return f"_np.broadcast_to(_expand({x}, True, {ranks[0]}, {node.ndim}), {x}.shape[:1] + {shape!r})"
    if op == "matmul":
        a, b = args
        return f"_matmul({a}, {b}, {ranks[0]}, {ranks[1]})"
    if op == "logsumexp":  # over the last axis, which the batch axis leaves where it was
        scope[f"_f{k}"] = prim.evaluate
        return f"_f{k}({x})"
    raise NotImplementedError(f"the {op!r} operation has no batched form yet")


def batched_kernel(outputs: Sequence[Node], weights: Sequence[Node], data: Sequence[Node]) -> BatchedKernel:
    """`f(*weights_batched, *shared) -> tuple of outputs`: each weight with a leading batch axis (P, *shape), the
    shared inputs (data, a direction v) as they are; each output with the batch axis in front, (P, *shape)."""
    scope: dict[str, Any] = {"_np": np, "_expand": _expand, "_matmul": _matmul, "_sum": _sum}
    slot = {id(n): f"w{k}" for k, n in enumerate(weights)}
    slot.update({id(n): f"d{k}" for k, n in enumerate(data)})
    is_batched = {id(n): True for n in weights}
    is_batched.update({id(n): False for n in data})
    lines = []
    for k, node in enumerate(toposort(outputs)):
        if id(node) in slot:
            continue
        if node.op == "var":
            raise ValueError(f"the graph needs input {node.name!r}, which is neither a weight nor data")
        if node.op == "const":
            scope[f"_c{k}"] = const_value(node)
            slot[id(node)], is_batched[id(node)] = f"_c{k}", False
            continue
        args = [slot[id(a)] for a in node.args]
        batched = [is_batched[id(a)] for a in node.args]
        target = f"t{k}"
        if any(batched):
            lines.append(f"{target} = {_line(node, args, batched, scope, k)}")
        else:
            prim = PRIMITIVES[node.op]
            scope[f"_f{k}"] = functools.partial(prim.evaluate, **dict(node.params)) if node.params else prim.evaluate
            lines.append(f"{target} = _f{k}({', '.join(args)})")
        slot[id(node)], is_batched[id(node)] = target, any(batched)
    names = ", ".join([f"w{k}" for k in range(len(weights))] + [f"d{k}" for k in range(len(data))])
    results = [slot[id(o)] if is_batched[id(o)] else f"_np.broadcast_to({slot[id(o)]}, w0.shape[:1] + {o.shape!r})"
               for o in outputs]
    source = f"def batched({names}):\n    " + "\n    ".join([*lines, f"return ({', '.join(results)},)"]) + "\n"
    exec(compile(source, "<gradviz batched loss>", "exec"), scope)  # noqa: S102 (generated from the validated graph)
    return scope["batched"]
