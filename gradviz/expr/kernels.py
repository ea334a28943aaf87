"""Compiled evaluators for a set of output nodes over two variables and any parameters.

A `GridKernel` runs vectorised NumPy code on arrays that broadcast (a whole grid in one
pass); a `PointKernel` runs `math` code at one point, falling back to NumPy semantics
(nan/inf, no exception) where `math` would raise. Parameters are arguments of every call,
never baked into the code: changing one recompiles nothing.
"""

from __future__ import annotations

import math
import sys
import threading
from collections.abc import Iterator, Sequence
from functools import cached_property
from typing import Any

import numpy as np

from gradviz.autodiff.evaluate import evaluate
from gradviz.autodiff.graph import Node, toposort
from gradviz.expr import codegen

_MATH_ERRORS = (ValueError, ArithmeticError)
BLOCK_SIZE = 16384  # elements per block (128 KiB a temporary). Swept 4096-65536 here (2 cores, 1 MiB of L2 each):
# f+grad and f+grad+H at 256² and 512² were 3-9% faster than with 8192, whose blocks cost more Python per point than
# the cache saves; 32768 was faster still alone, but in bench.py one kernel or another then ran 3x slower at 256²


RECYCLE_BYTES = 4 << 20  # results up to this size (a 724² grid) are recycled once the caller lets them go


def _compile(source: str, name: str, namespace: dict) -> object:
    scope = dict(namespace)
    exec(compile(source, f"<gradviz {name}>", "exec"), scope)  # noqa: S102 (generated from a validated graph)
    return scope[name]


def _broadcast(a: tuple, b: tuple) -> tuple:
    """np.broadcast_shapes for two shapes, without its cost in the common equal-shape case."""
    return a if a == b else tuple(np.broadcast_shapes(a, b))


class GridKernel:
    """Evaluate `outputs` on broadcasting float64 arrays x and y (the two variables) with the
    parameters' values as floats; results have the broadcast shape of x and y."""

    def __init__(self, outputs: Sequence[Node], inputs: Sequence[Node], params: Sequence[Node] = ()) -> None:
        self.outputs = list(outputs)
        self.inputs = list(inputs)
        self.params = list(params)
        self.code = codegen.numpy_kernel(self.outputs, self.inputs, self.params)
        self._fn = _compile(self.code.source, "kernel", {**codegen.NUMPY_GLOBALS, **self.code.constants})
        self._buffers: dict[tuple, list[np.ndarray]] = {}
        self._returned: dict[tuple, np.ndarray] = {}  # the results of the last call, reused once they are let go
        self._lock = threading.Lock()

    def __call__(self, x: np.ndarray, y: np.ndarray, params: Sequence[float] = ()) -> list[np.ndarray]:
        shape = _broadcast(x.shape, y.shape)
        by_mask = {0: (), 1: x.shape, 2: y.shape, 3: shape}
        locked = self._lock.acquire(blocking=False)
        try:
            out = [self._array(("out", k), by_mask[m], locked) if c else None
                   for k, (m, c) in enumerate(zip(self.code.output_masks, self.code.computed, strict=True))]
            with np.errstate(all="ignore"):
                for xb, yb, ob in self._blocks(x, y, out):
                    self._fn(xb, yb, *params, self._temporaries(xb, yb, locked), ob)
            results = []
            for k, (node, arr, computed) in enumerate(zip(self.outputs, out, self.code.computed, strict=True)):
                if computed and arr.shape == shape:
                    results.append(arr)
                    continue
                full = self._array(("full", k), shape, locked)
                np.copyto(full, arr if computed else self._passed_through(node, x, y, params))  # broadcast
                results.append(full)
        finally:
            if locked:
                self._lock.release()
        return results

    def _array(self, key: tuple, shape: tuple, reuse: bool) -> np.ndarray:
        """An array for a result: the one this kernel returned last time under `key` if nobody holds it any more
        (its memory is warm: a fresh one may cost a page fault every 4 KiB), else a new one, remembered for next
        time. Only arrays of at most RECYCLE_BYTES are remembered."""
        if not reuse:
            return np.empty(shape)
        pool = self._returned
        arr = pool.get(key)
        if arr is not None and arr.shape == shape and sys.getrefcount(arr) == 3:  # the pool, `arr`, the argument
            return arr
        arr = np.empty(shape)
        if arr.nbytes <= RECYCLE_BYTES:
            pool[key] = arr
        else:
            pool.pop(key, None)
        return arr

    def _passed_through(self, node: Node, x: np.ndarray, y: np.ndarray, params: Sequence[float]) -> object:
        """The value of an output the kernel does not compute: an input, or a constant."""
        if node is self.inputs[0]:
            return x
        if node is self.inputs[1]:
            return y
        for p, value in zip(self.params, params, strict=False):
            if node is p:
                return value
        return node.value

    def _blocks(self, x: np.ndarray, y: np.ndarray, out: list) -> Iterator[tuple]:
        """Row blocks small enough to keep every temporary in cache (same results, less memory traffic)."""
        shape = _broadcast(x.shape, y.shape)
        if len(shape) == 0 or math.prod(shape) <= 2 * BLOCK_SIZE:  # splitting small grids costs more than it saves
            yield x, y, out
            return
        rows = max(1, BLOCK_SIZE // max(1, math.prod(shape[1:])))
        nd = len(shape)

        def cut(a: np.ndarray | None, i0: int, i1: int) -> np.ndarray | None:
            if a is None or a.ndim < nd or a.shape[a.ndim - nd] == 1:
                return a
            return a[i0:i1]

        for i0 in range(0, shape[0], rows):
            i1 = min(i0 + rows, shape[0])
            yield cut(x, i0, i1), cut(y, i0, i1), [cut(o, i0, i1) for o in out]

    def _temporaries(self, x: np.ndarray, y: np.ndarray, reuse: bool) -> list[np.ndarray]:
        """Scratch arrays for one block, kept between calls (fresh ones when another thread holds them)."""
        shape = _broadcast(x.shape, y.shape)
        by_mask = {0: (), 1: x.shape, 2: y.shape, 3: shape}
        key = (x.shape, y.shape)
        buffers = self._buffers.get(key) if reuse else None
        if buffers is None:
            buffers = [np.empty(by_mask[m]) for m in self.code.slots]
            if reuse:
                if len(self._buffers) >= 4:
                    self._buffers.clear()
                self._buffers[key] = buffers
        return buffers


class PointKernel:
    """Evaluate `outputs` at one point as Python floats, by generated `math` code:
    `kernel(x, y, *parameter_values)`.

    The first INTERPRETED_CALLS calls run the same expressions node by node (the same floats, bit for bit), and the
    straight-line code is compiled for the calls after them: an edit's first readout skips Python's compiler, which
    takes more than the derivation of a short f (0.07-0.1 ms of 0.23-0.42 ms for F1-F5, `scripts/bench.py`)."""

    INTERPRETED_CALLS = 1

    def __init__(self, outputs: Sequence[Node], inputs: Sequence[Node], params: Sequence[Node] = (),
                 name: str = "point") -> None:
        self.outputs = list(outputs)
        self.inputs = [*inputs, *params]
        self.name = name
        self._names = codegen.input_names(inputs, params)
        self._plan, self._results = self._interpreter()  # NotImplementedError for a node without scalar code
        self._calls = 0
        self._fn: Any = None

    def _interpreter(self) -> tuple[list[tuple[Any, tuple[int, ...], int]], list[int]]:
        """(the steps (operation, argument slots, result slot) in topological order, the outputs' slots); slots
        0..len(inputs)-1 hold the inputs, constants are filled in `self._values`."""
        slot = {id(n): k for k, n in enumerate(self.inputs)}
        values: list[float] = [0.0] * len(self.inputs)
        plan = []
        for node in toposort(self.outputs):
            if id(node) in slot:
                continue
            if node.op == "const":
                slot[id(node)] = len(values)
                values.append(float(node.value))
                continue
            if node.op == "var":
                raise ValueError(f"the input {node.name!r} of a point kernel's outputs is not among its inputs")
            slot[id(node)] = len(values)
            values.append(0.0)
            plan.append((codegen.scalar_function(node), tuple(slot[id(a)] for a in node.args), slot[id(node)]))
        self._values = values
        return plan, [slot[id(o)] for o in self.outputs]

    @cached_property
    def lines(self) -> list[str]:
        return self._generated[0]

    @cached_property
    def source(self) -> str:
        return self._generated[1]

    @cached_property
    def _generated(self) -> tuple[list[str], str]:
        names = self._names
        lines, results = codegen.scalar_lines(self.outputs, self.inputs, names)
        params = ", ".join(names[id(n)] for n in self.inputs)
        body = "\n        ".join(lines + [f"return ({', '.join(results)},)"])
        source = (f"def {self.name}({params}):\n    try:\n        {body}\n"
                  f"    except _MATH_ERRORS:\n        return _fallback({params})\n")
        return lines, source

    def compile(self) -> Any:
        """Compile the straight-line code now (every later call runs it); returns it."""
        if self._fn is None:
            namespace = dict(codegen.SCALAR_GLOBALS, _MATH_ERRORS=_MATH_ERRORS, _fallback=self._numpy)
            self._fn = _compile(self.source, self.name, namespace)
        return self._fn

    def _numpy(self, *args: float) -> tuple[float, ...]:
        values = evaluate(self.outputs, dict(zip(self.inputs, args, strict=True)))
        return tuple(float(v) for v in values)

    def _interpret(self, args: tuple[float, ...]) -> tuple[float, ...]:
        values = list(self._values)
        values[:len(args)] = args
        try:
            for op, slots, k in self._plan:
                values[k] = op(*[values[i] for i in slots])
        except _MATH_ERRORS:
            return self._numpy(*args)
        return tuple([values[k] for k in self._results])

    def __call__(self, *args: float) -> tuple[float, ...]:
        fn = self._fn
        if fn is not None:
            return fn(*args)
        if len(args) != len(self.inputs):
            raise TypeError(f"{self.name}() takes {len(self.inputs)} arguments ({len(args)} given)")
        self._calls += 1
        if self._calls > self.INTERPRETED_CALLS:
            return self.compile()(*args)
        return self._interpret(args)
