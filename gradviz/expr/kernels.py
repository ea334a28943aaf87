"""Compiled evaluators for a set of output nodes over the inputs x and y.

A `GridKernel` runs vectorised NumPy code on arrays that broadcast (a whole grid in one
pass); a `PointKernel` runs `math` code at one point, falling back to NumPy semantics
(nan/inf, no exception) where `math` would raise.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from gradviz.autodiff.evaluate import evaluate
from gradviz.autodiff.graph import Node
from gradviz.expr import codegen

_MATH_ERRORS = (ValueError, ArithmeticError)


def _compile(source: str, name: str, namespace: dict) -> object:
    scope = dict(namespace)
    exec(compile(source, f"<gradviz {name}>", "exec"), scope)  # noqa: S102 (generated from a validated graph)
    return scope[name]


class GridKernel:
    """Evaluate `outputs` on broadcasting float64 arrays x and y; results have their broadcast shape."""

    def __init__(self, outputs: Sequence[Node], inputs: Sequence[Node]) -> None:
        self.outputs = list(outputs)
        self.inputs = list(inputs)
        self.code = codegen.numpy_kernel(self.outputs, self.inputs)
        self._fn = _compile(self.code.source, "kernel", codegen.NUMPY_GLOBALS)
        self._buffers: dict[tuple, list[np.ndarray]] = {}
        self._lock = threading.Lock()

    def __call__(self, x: np.ndarray, y: np.ndarray) -> list[np.ndarray]:
        shape = np.broadcast_shapes(x.shape, y.shape)
        by_mask = {1: x.shape, 2: y.shape, 3: shape}
        out = [np.empty(by_mask[m]) if m else None for m in self.code.output_masks]
        key = (x.shape, y.shape)
        locked = self._lock.acquire(blocking=False)
        try:
            buffers = self._buffers.get(key) if locked else None
            if buffers is None:
                buffers = [np.empty(by_mask[m]) for m in self.code.slots]
                if locked:
                    if len(self._buffers) >= 2:
                        self._buffers.clear()
                    self._buffers[key] = buffers
            with np.errstate(all="ignore"):
                self._fn(x, y, buffers, out)
        finally:
            if locked:
                self._lock.release()
        results = []
        for node, arr, mask in zip(self.outputs, out, self.code.output_masks, strict=True):
            if mask == 0:
                source = x if node is self.inputs[0] else y if node is self.inputs[1] else node.value
                results.append(np.array(np.broadcast_to(source, shape), dtype=np.float64))
            elif arr.shape != shape:
                results.append(np.array(np.broadcast_to(arr, shape)))
            else:
                results.append(arr)
        return results


class PointKernel:
    """Evaluate `outputs` at one point (x, y) as Python floats, by generated `math` code."""

    def __init__(self, outputs: Sequence[Node], inputs: Sequence[Node], name: str = "point") -> None:
        self.outputs = list(outputs)
        self.inputs = list(inputs)
        lines, results = codegen.scalar_lines(self.outputs, self.inputs)
        self.lines = lines
        params = ", ".join(n.name for n in inputs)
        body = "\n        ".join(lines + [f"return ({', '.join(results)},)"])
        self.source = (f"def {name}({params}):\n    try:\n        {body}\n"
                       f"    except _MATH_ERRORS:\n        return _fallback({params})\n")
        namespace = dict(codegen.SCALAR_GLOBALS, _MATH_ERRORS=_MATH_ERRORS, _fallback=self._numpy)
        self._fn = _compile(self.source, name, namespace)

    def _numpy(self, *args: float) -> tuple[float, ...]:
        values = evaluate(self.outputs, dict(zip(self.inputs, args, strict=True)))
        return tuple(float(v) for v in values)

    def __call__(self, *args: float) -> tuple[float, ...]:
        return self._fn(*args)
