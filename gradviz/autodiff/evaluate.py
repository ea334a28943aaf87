"""Evaluate traced graphs on concrete arrays by walking them once, in order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from gradviz.autodiff.graph import Node, const_value, toposort
from gradviz.autodiff.primitives import PRIMITIVES


def evaluate(outputs: Sequence[Node], inputs: Mapping[Node, np.ndarray]) -> list[np.ndarray]:
    """Values of `outputs` given values for their input nodes (float64 arrays).

    Domain errors give nan/inf, silently, as NumPy does with warnings off.
    """
    values: dict[int, np.ndarray] = {id(n): np.asarray(v, dtype=np.float64)
                                     for n, v in inputs.items()}
    with np.errstate(all="ignore"):
        for node in toposort(outputs):
            if id(node) in values:
                continue
            if node.op == "const":
                values[id(node)] = const_value(node)
            elif node.op == "var":
                raise ValueError(f"no value given for input {node.name!r}")
            else:
                prim = PRIMITIVES[node.op]
                args = [values[id(a)] for a in node.args]
                values[id(node)] = prim.evaluate(*args, **dict(node.params))
    return [np.array(values[id(o)], dtype=np.float64) for o in outputs]
