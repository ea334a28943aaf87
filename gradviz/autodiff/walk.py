"""`Walk`: a graph's evaluation order fixed once, so that evaluating it again costs only the NumPy calls."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

import numpy as np

from gradviz.autodiff.graph import Node, const_value, toposort
from gradviz.autodiff.primitives import PRIMITIVES


class Walk:
    """`walk(*values)` -> the outputs' values (float64 arrays), given one value per input, in order.

    The same results as `evaluate`, without sorting the graph at every call. An input the outputs
    do not depend on is ignored; ValueError at construction if the outputs need an input not listed.
    """

    def __init__(self, outputs: Sequence[Node], inputs: Sequence[Node]) -> None:
        order = toposort(outputs)
        slot = {id(n): k for k, n in enumerate(order)}
        given = {id(n) for n in inputs}
        self.size = len(order)
        self.inputs = [slot.get(id(n), -1) for n in inputs]
        self.constants: list[tuple[int, np.ndarray]] = []
        self.steps: list[tuple[int, Any, tuple[int, ...]]] = []
        for k, node in enumerate(order):
            if id(node) in given:
                continue
            if node.op == "const":
                self.constants.append((k, np.array(const_value(node), dtype=np.float64)))
            elif node.op == "var":
                raise ValueError(f"no value given for input {node.name!r}")
            else:
                fn = PRIMITIVES[node.op].evaluate
                self.steps.append((k, partial(fn, **dict(node.params)) if node.params else fn,
                                   tuple(slot[id(a)] for a in node.args)))
        self.outputs = [slot[id(o)] for o in outputs]

    def __call__(self, *values: Any) -> list[np.ndarray]:
        v: list[Any] = [None] * self.size
        for k, value in zip(self.inputs, values, strict=True):
            if k >= 0:
                v[k] = value
        for k, c in self.constants:
            v[k] = c
        with np.errstate(all="ignore"):
            for k, fn, args in self.steps:
                v[k] = fn(*[v[a] for a in args])
        return [v[k] for k in self.outputs]
