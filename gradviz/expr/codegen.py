"""Generate straight-line Python from a traced graph of elementwise operations.

Two targets, from the same graph and one line per node:
- `numpy_kernel`: vectorised, every temporary written with `out=` into buffers that are
  reused by liveness (no page faults from fresh multi-MB arrays), small integer powers
  expanded into products;
- `scalar_source`: `math`-module code for single points, the backprop listing.
Only the validated graph is turned into code; user text never is.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gradviz.autodiff.graph import Node, toposort

_NP_UNARY = {
    "neg": "negative", "exp": "exp", "log": "log", "log2": "log2", "log10": "log10",
    "sqrt": "sqrt", "sin": "sin", "cos": "cos", "tan": "tan", "sinh": "sinh", "cosh": "cosh",
    "tanh": "tanh", "arcsin": "arcsin", "arccos": "arccos", "arctan": "arctan",
    "abs": "absolute", "sign": "sign",
}
_NP_BINARY = {"add": "add", "sub": "subtract", "mul": "multiply", "div": "divide", "pow": "power"}
_MATH_UNARY = {
    "exp": "exp", "log": "log", "log2": "log2", "log10": "log10", "sqrt": "sqrt",
    "sin": "sin", "cos": "cos", "tan": "tan", "sinh": "sinh", "cosh": "cosh", "tanh": "tanh",
    "arcsin": "asin", "arccos": "acos", "arctan": "atan",
}
INFIX = {"add": "+", "sub": "-", "mul": "*", "div": "/"}
MAX_EXPANDED_POWER = 8


def literal(value: float) -> str:
    """Python source for a float constant (inf and nan by name)."""
    if math.isnan(value):
        return "_nan"
    if math.isinf(value):
        return "_inf" if value > 0 else "(-_inf)"
    return repr(float(value))


def small_int_exponent(node: Node) -> int | None:
    """n when `node` is `a ** n` with a constant integer |n| <= MAX_EXPANDED_POWER."""
    if node.op != "pow" or not node.args[1].is_const() or node.args[1].value.ndim:
        return None
    n = float(node.args[1].value)
    if n == int(n) and 0 < abs(n) <= MAX_EXPANDED_POWER:
        return int(n)
    return None


@dataclass(frozen=True)
class KernelSource:
    """Generated source: `slots[i]` is the input mask (1 x, 2 y, 3 both) of buffer i,
    `output_masks[k]` that of output k (0 for a constant or an input passed through)."""

    source: str
    slots: tuple[int, ...]
    output_masks: tuple[int, ...]


def dependency_masks(order: Sequence[Node], inputs: Sequence[Node]) -> dict[int, int]:
    masks: dict[int, int] = {id(n): 1 << k for k, n in enumerate(inputs)}
    for node in order:
        if id(node) not in masks:
            m = 0
            for a in node.args:
                m |= masks.get(id(a), 0)
            masks[id(node)] = m
    return masks


def numpy_kernel(outputs: Sequence[Node], inputs: Sequence[Node], name: str = "kernel") -> KernelSource:
    """Source of `def name(x, y, B, O)`: B are temporaries, O the output buffers (None where
    an output is a constant or an input, which the caller fills)."""
    everything = toposort(outputs)
    order = [n for n in everything if n.op not in ("const", "var")]
    masks = dependency_masks(everything, inputs)
    position = {id(n): k for k, n in enumerate(order)}
    last_use: dict[int, int] = {}
    for k, node in enumerate(order):
        for a in node.args:
            last_use[id(a)] = k
    out_index: dict[int, int] = {}
    for k, o in enumerate(outputs):
        if id(o) in position:
            out_index.setdefault(id(o), k)
    names: dict[int, str] = {id(n): n.name for n in inputs}
    slots: list[int] = []
    free: dict[int, list[str]] = {}
    lines: list[str] = []

    def ref(n: Node) -> str:
        if n.op == "const":
            return literal(float(n.value))
        return names[id(n)]

    def release(n: Node, k: int) -> None:
        if id(n) in position and last_use.get(id(n)) == k and id(n) not in out_index:
            free.setdefault(masks[id(n)], []).append(names[id(n)])

    def allocate(node: Node) -> str:
        if id(node) in out_index:
            return f"o{out_index[id(node)]}"
        pool = free.get(masks[id(node)])
        if pool:
            return pool.pop()
        slots.append(masks[id(node)])
        return f"b{len(slots) - 1}"

    for k, node in enumerate(order):
        n_int = small_int_exponent(node)
        in_place_ok = n_int is None or n_int in (1, 2, -1)
        if in_place_ok:
            for a in set(node.args):
                release(a, k)
        buf = allocate(node)
        a = ref(node.args[0])
        if node.op in _NP_BINARY and n_int is None:
            b = ref(node.args[1])
            lines.append(f"_{_NP_BINARY[node.op]}({a}, {b}, {buf})")
        elif node.op in _NP_UNARY:
            lines.append(f"_{_NP_UNARY[node.op]}({a}, {buf})")
        elif n_int is not None:
            lines.extend(_power_lines(a, n_int, buf))
        elif node.op == "safe_log":
            lines.append(f"_log(_np.where({a} == 0.0, 1.0, {a}), {buf})")
        else:
            raise NotImplementedError(f"no vectorised code for {node.op!r} (not elementwise)")
        if not in_place_ok:
            for arg in set(node.args):
                release(arg, k)
        names[id(node)] = buf
    for k, o in enumerate(outputs):
        if id(o) in position and out_index[id(o)] != k:
            lines.append(f"_np.copyto(o{k}, o{out_index[id(o)]})")  # the same node twice, e.g. fxx == fyy
    unpack = []
    if slots:
        unpack.append(f"{', '.join(f'b{i}' for i in range(len(slots)))}, = B")
    if outputs:
        unpack.append(f"{', '.join(f'o{i}' for i in range(len(outputs)))}, = O")
    body = "\n    ".join(unpack + lines) if lines else "pass"
    params = ", ".join(n.name for n in inputs)
    source = f"def {name}({params}, B, O):\n    {body}\n"
    output_masks = tuple(masks[id(o)] if id(o) in position else 0 for o in outputs)
    return KernelSource(source, tuple(slots), output_masks)


def _power_lines(a: str, n: int, buf: str) -> list[str]:
    """a**n for a small integer n, by repeated multiplication (buf is not a's buffer)."""
    m = abs(n)
    if m == 1:
        lines = [f"_np.copyto({buf}, {a})"] if n > 0 else []
        first = a
    else:
        lines = [f"_multiply({a}, {a}, {buf})"]
        m_done = 2
        while m_done * 2 <= m:
            lines.append(f"_multiply({buf}, {buf}, {buf})")
            m_done *= 2
        for _ in range(m - m_done):
            lines.append(f"_multiply({buf}, {a}, {buf})")
        first = buf
    if n < 0:
        lines.append(f"_divide(1.0, {first}, {buf})")
    return lines


def scalar_lines(outputs: Sequence[Node], inputs: Sequence[Node],
                 names: dict[int, str] | None = None, prefix: str = "t") -> tuple[list[str], list[str]]:
    """Straight-line `math` code for the outputs: (lines, the expressions of the outputs).

    Raises ValueError/ZeroDivisionError/OverflowError at run time where NumPy would give
    nan/inf; callers fall back to NumPy then.
    """
    names = dict(names or {})
    for n in inputs:
        names.setdefault(id(n), n.name)
    lines: list[str] = []
    counter = 0

    def ref(n: Node) -> str:
        if n.op == "const":
            v = float(n.value)
            return literal(v) if v >= 0 or math.isnan(v) else f"({literal(v)})"
        return names[id(n)]

    for node in toposort(outputs):
        if node.op in ("const", "var") or id(node) in names:
            continue
        a = ref(node.args[0])
        n_int = small_int_exponent(node)
        if node.op in INFIX:
            expr = f"{a} {INFIX[node.op]} {ref(node.args[1])}"
        elif n_int is not None:
            expr = " * ".join([a] * abs(n_int))
            if n_int < 0:
                expr = f"1.0 / ({expr})"
        elif node.op == "pow":
            expr = f"_pow({a}, {ref(node.args[1])})"
        elif node.op == "neg":
            expr = f"-{a}"
        elif node.op == "abs":
            expr = f"abs({a})"
        elif node.op == "sign":
            expr = f"(1.0 if {a} > 0.0 else -1.0 if {a} < 0.0 else 0.0 * {a})"
        elif node.op == "safe_log":
            expr = f"(_log({a}) if {a} != 0.0 else 0.0)"
        elif node.op in _MATH_UNARY:
            expr = f"_{_MATH_UNARY[node.op]}({a})"
        else:
            raise NotImplementedError(f"no scalar code for {node.op!r} (not elementwise)")
        var_name = f"{prefix}{counter}"
        counter += 1
        names[id(node)] = var_name
        lines.append(f"{var_name} = {expr}")
    return lines, [ref(o) for o in outputs]


SCALAR_GLOBALS = {f"_{m}": getattr(math, m) for m in set(_MATH_UNARY.values())}
SCALAR_GLOBALS.update({"_pow": math.pow, "_inf": math.inf, "_nan": math.nan})
NUMPY_GLOBALS = {"_np": np, "_inf": math.inf, "_nan": math.nan}
NUMPY_GLOBALS.update({f"_{name}": getattr(np, name) for name in {*_NP_UNARY.values(), *_NP_BINARY.values(), "log"}})
