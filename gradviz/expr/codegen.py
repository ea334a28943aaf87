"""Generate straight-line Python from a traced graph of elementwise operations.

Two targets, from the same graph and one line per node, each line taken from the primitive's
own entry (see `gradviz.autodiff.table`):
- `numpy_kernel`: vectorised, every temporary written with `out=` into buffers that are
  reused by liveness (no page faults from fresh multi-MB arrays), small integer powers
  expanded into products;
- `scalar_lines`: `math`-module code for single points, the descent loops and the listing.
Only the validated graph is turned into code; user text never is. Inputs are named by
position in the generated code (v0, v1 for the variables, p0, p1, ... for parameters), so
no name a user picks can clash with the code's own names.
"""

from __future__ import annotations

import builtins
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from gradviz.autodiff.graph import Node, toposort
from gradviz.autodiff.primitives import PRIMITIVES

MAX_EXPANDED_POWER = 8
PARAM_BIT = 4  # dependency-mask bit of a node that depends on a parameter (a kernel input of shape ())


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


def input_names(variables: Sequence[Node], params: Sequence[Node] = ()) -> dict[int, str]:
    """The generated code's names of the inputs: x, y for the two variables (whatever the user
    called them), then p0, p1, ... for the parameters."""
    names = {id(n): name for n, name in zip(variables, ("x", "y"), strict=False)}
    names.update({id(n): f"p{k}" for k, n in enumerate(params)})
    return names


@dataclass(frozen=True)
class KernelSource:
    """Generated source. `slots[i]` is the shape mask (1 x, 2 y, 3 both, 0 a scalar) of buffer i,
    `output_masks[k]` that of output k, and `computed[k]` whether the kernel writes output k
    (False for a constant or an input passed through, which the caller fills)."""

    source: str
    slots: tuple[int, ...]
    output_masks: tuple[int, ...]
    computed: tuple[bool, ...]
    constants: dict[str, np.ndarray]  # name in the source -> a 0-d float64 array (a ufunc converts a float each call)


def dependency_masks(order: Sequence[Node], inputs: Sequence[Node], params: Sequence[Node] = ()) -> dict[int, int]:
    masks: dict[int, int] = {id(n): 1 << k for k, n in enumerate(inputs)}
    masks.update({id(p): PARAM_BIT for p in params})
    for node in order:
        if id(node) not in masks:
            m = 0
            for a in node.args:
                m |= masks.get(id(a), 0)
            masks[id(node)] = m
    return masks


def numpy_kernel(outputs: Sequence[Node], inputs: Sequence[Node], params: Sequence[Node] = (),
                 name: str = "kernel") -> KernelSource:
    """Source of `def name(v0, v1, p0, ..., B, O)`: B are temporaries, O the output buffers (None
    where an output is a constant or an input, which the caller fills)."""
    everything = toposort(outputs)
    order = [n for n in everything if n.op not in ("const", "var")]
    masks = {k: m & 3 for k, m in dependency_masks(everything, inputs, params).items()}  # shape masks
    position = {id(n): k for k, n in enumerate(order)}
    last_use: dict[int, int] = {}
    for k, node in enumerate(order):
        for a in node.args:
            last_use[id(a)] = k
    out_index: dict[int, int] = {}
    for k, o in enumerate(outputs):
        if id(o) in position:
            out_index.setdefault(id(o), k)
    names = input_names(inputs, params)
    slots: list[int] = []
    free: dict[int, list[str]] = {}
    lines: list[str] = []
    constants: dict[str, np.ndarray] = {}
    constant_names: dict[str, str] = {}

    def ref(n: Node) -> str:
        if n.op == "const":
            value = float(n.value)
            name = constant_names.get(repr(value))  # by repr: -0.0 is not 0.0
            if name is None:
                name = constant_names[repr(value)] = f"_k{len(constants)}"
                constants[name] = np.array(value)
            return name
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
        fast = _NUMPY_CALL.get(node.op)
        if n_int is not None:
            lines.extend(_power_lines(ref(node.args[0]), n_int, buf))
        elif fast is not None:  # the common template `_ufunc(args..., out)`, without str.format
            lines.append(f"{fast}({', '.join([ref(a) for a in node.args])}, {buf})")
        elif PRIMITIVES[node.op].numpy_code is not None:
            lines.append(PRIMITIVES[node.op].numpy_code.format(*[ref(a) for a in node.args], out=buf))
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
    signature = ", ".join([names[id(n)] for n in (*inputs, *params)] + ["B", "O"])
    source = f"def {name}({signature}):\n    {body}\n"
    output_masks = tuple(masks[id(o)] if id(o) in position else 0 for o in outputs)
    computed = tuple(id(o) in position for o in outputs)
    return KernelSource(source, tuple(slots), output_masks, computed, constants)


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


def scalar_expression(node: Node, args: Sequence[str], plain: bool = False) -> str:
    """One node's `math` expression on its arguments' expressions (names or literals); `plain`
    writes `math`'s names without the leading `_` (for code shown to a person)."""
    n_int = small_int_exponent(node)
    if n_int is not None:
        expr = " * ".join([args[0]] * abs(n_int))
        return f"1.0 / ({expr})" if n_int < 0 else expr
    code = PRIMITIVES[node.op].scalar_code
    if code is None:
        raise NotImplementedError(f"no scalar code for {node.op!r} (not elementwise)")
    return (_TEMPLATE_NAME.sub(r"\1(", code) if plain else code).format(*args)


def scalar_lines(outputs: Sequence[Node], inputs: Sequence[Node], names: dict[int, str] | None = None,
                 prefix: str = "t") -> tuple[list[str], list[str]]:
    """Straight-line `math` code for the outputs: (lines, the expressions of the outputs).

    `names` maps id(node) to the code's name for every input (default: the nodes' own names).
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
        op = node.op
        if op == "const" or op == "var" or id(node) in names:
            continue
        expr = node_expression(node, [ref(a) for a in node.args])
        var_name = f"{prefix}{counter}"
        counter += 1
        names[id(node)] = var_name
        lines.append(f"{var_name} = {expr}")
    return lines, [ref(o) for o in outputs]


def node_expression(node: Node, args: Sequence[str]) -> str:
    """The `math` expression of one node on its arguments' expressions, as `scalar_lines` writes it."""
    infix = _INFIX.get(node.op)
    if infix is not None:
        return f"{args[0]} {infix} {args[1]}"
    if node.op in _SCALAR_CALL:
        return f"{_SCALAR_CALL[node.op]}({args[0]})"
    return scalar_expression(node, args)


_SCALAR_FUNCTIONS: dict[str, Callable[..., float]] = {}


def scalar_function(node: Node) -> Callable[..., float]:
    """The node's operation as a function of its arguments' values, computing exactly what its line in
    `scalar_lines` computes (the same expression, compiled once per distinct expression, not per graph)."""
    names = [f"a{k}" for k in range(len(node.args))]
    expr = node_expression(node, names)
    fn = _SCALAR_FUNCTIONS.get(expr)
    if fn is None:
        scope = dict(SCALAR_GLOBALS)
        exec(compile(f"def op({', '.join(names)}):\n    return {expr}\n", "<gradviz op>", "exec"),  # noqa: S102
             scope)  # generated from the primitive table, never from user text
        fn = _SCALAR_FUNCTIONS[expr] = scope["op"]  # type: ignore[assignment]
    return fn


_TEMPLATE_NAME = re.compile(r"\b_([A-Za-z]\w*)\(")
_SIMPLE_NUMPY = re.compile(r"^(_\w+)\(\{0\}(?:, \{1\})?, \{out\}\)$")
_SIMPLE_SCALAR = re.compile(r"^(_\w+)\(\{0\}\)$")
# shortcuts for the commonest templates (the generators run on every edit of f): same text, faster
_NUMPY_CALL = {name: m.group(1) for name, p in PRIMITIVES.items()
               if p.numpy_code and (m := _SIMPLE_NUMPY.match(p.numpy_code))}
_SCALAR_CALL = {name: m.group(1) for name, p in PRIMITIVES.items()
                if p.scalar_code and (m := _SIMPLE_SCALAR.match(p.scalar_code))}
_INFIX = {name: p.infix for name, p in PRIMITIVES.items()
          if p.infix and p.scalar_code == f"{{0}} {p.infix} {{1}}"}


def _template_globals(kind: str) -> dict[str, object]:
    """`_name` -> the function every template of `kind` ("numpy" or "scalar") calls by that name."""
    out: dict[str, object] = {}
    for prim in PRIMITIVES.values():
        out.update(dict(prim.helpers))
        code = prim.numpy_code if kind == "numpy" else prim.scalar_code
        for name in _TEMPLATE_NAME.findall(code or ""):
            if f"_{name}" in out:
                continue
            module = np if kind == "numpy" else math
            if name == "np":
                continue
            fn = getattr(module, name, None) or getattr(builtins, name)
            out[f"_{name}"] = fn
    return out


SCALAR_GLOBALS: dict[str, object] = {**_template_globals("scalar"), "_inf": math.inf, "_nan": math.nan}
NUMPY_GLOBALS: dict[str, object] = {**_template_globals("numpy"), "_np": np, "_inf": math.inf, "_nan": math.nan,
                                    "_multiply": np.multiply, "_divide": np.divide}
