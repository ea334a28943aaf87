"""Backpropagation made visible: the computation graph of f, the forward values and adjoints
∂f/∂node at a point, the local partial on every edge, sums over paths, and the straight-line
forward/backward code, one line per node. NumPy only.

Constants are folded into the label of the operation that uses them ("^2", "×3"), so the
graph shows variables and operations only, as the seed chapter's figures do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from gradviz.autodiff.evaluate import evaluate
from gradviz.autodiff.graph import Node, const, params_of, toposort
from gradviz.autodiff.primitives import PRIMITIVES
from gradviz.expr import codegen

SYMBOL = {"add": "+", "sub": "−", "mul": "×", "div": "÷", "pow": "^", "neg": "−"}  # typeset operators


@dataclass
class GraphNode:
    """One variable or operation of f. `args` index the graph's nodes (constants left out)."""

    index: int
    op: str
    label: str
    args: list[int]
    name: str | None = None  # a variable's or parameter's name, a definition's name, or "f"
    layer: int = 0
    node: Node | None = field(default=None, repr=False)
    kind: str = "operation"  # "variable", "parameter", "operation" or "output"

    @property
    def is_input(self) -> bool:
        """A leaf: one of the two variables or a parameter."""
        return self.op == "var"

    @property
    def is_parameter(self) -> bool:
        return self.kind == "parameter"


@dataclass
class ComputationGraph:
    """The graph of f: nodes in topological order (inputs first, f last) and edges (from, to)."""

    nodes: list[GraphNode]
    edges: list[tuple[int, int]]
    partials: dict[tuple[int, int], Node] = field(repr=False, default_factory=dict)
    parameter_order: list[str] = field(default_factory=list)  # every declared parameter, used or not

    @property
    def output(self) -> int:
        return len(self.nodes) - 1

    def consumers(self, i: int) -> list[int]:
        return [b for a, b in self.edges if a == i]

    def paths_to_output(self, i: int, limit: int = 256) -> list[list[int]]:
        """Every path (as node indices) from node i to f; at most `limit` of them."""
        out, stack = [], [[i]]
        while stack and len(out) < limit:
            path = stack.pop()
            last = path[-1]
            if last == self.output:
                out.append(path)
                continue
            for c in self.consumers(last):
                stack.append(path + [c])
        return out


def _const_text(n: Node) -> str:
    v = float(n.value)
    if v == math.pi:
        return "π"
    if v == math.e:
        return "e"
    return f"{v:g}"


def _label(node: Node) -> str:
    op = node.op
    if op in SYMBOL:
        consts = [a for a in node.args if a.op == "const"]
        if len(node.args) == 2 and consts:
            c = _const_text(consts[0])
            left_const = node.args[0].op == "const"
            if op == "pow":
                return f"^{c}" if not left_const else f"{c}^"
            return f"{c} {SYMBOL[op]}" if left_const else f"{SYMBOL[op]} {c}"
        return SYMBOL[op]
    return PRIMITIVES[op].label


def build_graph(output: Node, inputs: list[Node], definitions: dict[str, Node],
                parameters: list[Node] | None = None) -> ComputationGraph:
    """The ComputationGraph of `output`: the two variables first (even unused ones), then the
    parameters f uses (leaves of their own kind), then the operations; nodes named by
    definitions are labelled with their names."""
    names = {id(n): name for name, n in definitions.items()}
    for n in inputs:
        names[id(n)] = n.name
    reachable = toposort([output])
    used = {id(n) for n in reachable}
    order = [n for n in reachable if n.op != "const" and n.op != "var"]
    nodes: list[GraphNode] = []
    index: dict[int, int] = {}
    for n in inputs:
        index[id(n)] = len(nodes)
        nodes.append(GraphNode(len(nodes), "var", n.name, [], n.name, 0, n, "variable"))
    for n in parameters or []:
        if id(n) in used:
            index[id(n)] = len(nodes)
            nodes.append(GraphNode(len(nodes), "var", n.name, [], n.name, 0, n, "parameter"))
    for n in order:
        args = [index[id(a)] for a in n.args if a.op != "const"]
        layer = 1 + max((nodes[a].layer for a in args), default=0)
        index[id(n)] = len(nodes)
        nodes.append(GraphNode(len(nodes), n.op, _label(n), args, names.get(id(n)), layer, n))
    if output.op in ("var", "const"):  # f = x, or a constant: still end with an f node
        nodes.append(GraphNode(len(nodes), "id", "f", [index[id(output)]] if output.op == "var" else [],
                               "f", 1, output, "output"))
    else:
        nodes[-1].name = nodes[-1].name or "f"
        nodes[-1].kind = "output"
    edges = [(a, g.index) for g in nodes for a in dict.fromkeys(g.args)]
    partials = {}
    one = const(1.0)
    for g in nodes:
        if g.op in ("var", "id"):
            continue
        n = g.node
        params = params_of(n)
        for rule, arg in zip(PRIMITIVES[n.op].vjp, n.args, strict=True):
            if arg.op == "const":
                continue
            key = (index[id(arg)], g.index)
            term = rule(one, n, *n.args, **params)
            partials[key] = term if key not in partials else partials[key] + term  # x*x: both arguments
    if nodes[-1].op == "id" and nodes[-1].args:
        partials[(nodes[-1].args[0], nodes[-1].index)] = one
    return ComputationGraph(nodes, edges, partials, [n.name for n in parameters or []])


@dataclass
class Trace:
    """Forward values, adjoints ∂f/∂node and edge partials of a ComputationGraph at (x, y)
    (and the parameters' values)."""

    graph: ComputationGraph
    point: tuple[float, float]
    values: list[float]
    adjoints: list[float]
    partials: dict[tuple[int, int], float]

    def path_products(self, i: int, limit: int = 256) -> list[tuple[list[int], float]]:
        """Each path from node i to f with the product of its edge partials (the chain rule)."""
        out = []
        for path in self.graph.paths_to_output(i, limit):
            prod = 1.0
            for a, b in zip(path, path[1:], strict=False):
                prod *= self.partials[(a, b)]
            out.append((path, prod))
        return out

    def sum_over_paths(self, i: int, limit: int = 256) -> float:
        """∂f/∂node as the seed's sum over paths of products of local partials."""
        return sum(p for _, p in self.path_products(i, limit))

    @property
    def gradient(self) -> tuple[float, float]:
        return self.adjoints[0], self.adjoints[1]


def trace_graph(graph: ComputationGraph, x: float, y: float, parameters: tuple[float, ...] = ()) -> Trace:
    """Forward pass (values), then backward pass (adjoints) over the graph at (x, y), with the
    parameters' values in the order they were declared (those f does not use are skipped)."""
    inputs = {graph.nodes[0].node: float(x), graph.nodes[1].node: float(y)}
    leaves = [g.node for g in graph.nodes if g.is_parameter]
    if leaves:
        declared = graph.parameter_order or [n.name for n in leaves]
        by_name = dict(zip(declared, parameters, strict=False))
        for n in leaves:
            if n.name not in by_name:
                raise ValueError(f"no value given for parameter {n.name!r}")
            inputs[n] = float(by_name[n.name])
    op_nodes = [g.node for g in graph.nodes if g.op != "id"]
    keys = list(graph.partials)
    results = evaluate(op_nodes + [graph.partials[k] for k in keys], inputs)
    values = [float(v) for v in results[: len(op_nodes)]]
    if graph.nodes[-1].op == "id":
        src = graph.nodes[-1].args
        values.append(values[src[0]] if src else float(graph.nodes[-1].node.value))
    partials = {k: float(v) for k, v in zip(keys, results[len(op_nodes):], strict=True)}
    adjoints = [0.0] * len(graph.nodes)
    adjoints[-1] = 1.0
    with np.errstate(all="ignore"):
        for g in reversed(graph.nodes):
            for a in dict.fromkeys(g.args):
                adjoints[a] += adjoints[g.index] * partials[(a, g.index)]
    return Trace(graph, (float(x), float(y)), values, adjoints, partials)


def formula(graph: ComputationGraph, i: int, arg_text: list[str] | None = None) -> str:
    """Node i's operation written out on its arguments, e.g. "t3 − 11" or "sin(a)"; `arg_text`
    replaces the arguments' names (for instance by their values)."""
    g = graph.nodes[i]
    node = g.node
    if g.op in ("var", "id"):
        return g.name or g.label
    texts = iter(arg_text if arg_text is not None else [_py_name(graph.nodes[a]) for a in g.args])
    parts = [_const_text(a) if a.op == "const" else next(texts) for a in node.args]
    if node.op == "pow":
        return f"{parts[0]}^{parts[1]}"
    if node.op in SYMBOL and len(parts) == 2:
        return f"{parts[0]} {SYMBOL[node.op]} {parts[1]}"
    if node.op == "neg":
        return f"−{parts[0]}"
    return f"{PRIMITIVES[node.op].label}({', '.join(parts)})"


def display_name(graph: ComputationGraph, i: int) -> str:
    """The name a person reads for node i: its definition's name, x, y, f, or t<i>."""
    return _py_name(graph.nodes[i])


# ----- the generated backprop listing -----

def _py_name(g: GraphNode) -> str:
    return g.name if g.name and g.name != "f" else ("f" if g.name == "f" else f"t{g.index}")


def _expr(node: Node, names: dict[int, str]) -> str:
    """A small derivative graph as one Python expression, stopping at named forward nodes.

    Each node is written with its primitive's scalar code, `math` names without the leading `_`."""
    if id(node) in names:
        return names[id(node)]
    if node.op == "const":
        return codegen.literal(float(node.value)).lstrip("_")
    args = [_expr(a, names) for a in node.args]
    return "(" + codegen.scalar_expression(node, args, plain=True) + ")"


def _strip(text: str) -> str:
    return text[1:-1] if text.startswith("(") and text.endswith(")") else text


def listing(graph: ComputationGraph, trace: Trace | None = None, parameters: dict[str, float] | None = None) -> str:
    """Straight-line Python: the forward pass, one line per node, then the backward pass, one
    adjoint per node (df_<name> = ∂f/∂<name>), with the values at `trace`'s point as comments.
    Parameters are keyword arguments with their values as defaults; derivatives are taken with
    respect to the two variables, but every parameter's adjoint is listed too."""
    names = {id(g.node): _py_name(g) for g in graph.nodes if g.op != "id"}
    u, v = graph.nodes[0].name, graph.nodes[1].name
    params = parameters or {}
    signature = ", ".join([u, v] + [f"{n}={val!r}" for n, val in params.items()])
    lines = [f"def f_and_grad({signature}):", "    # forward pass: each intermediate from the ones before it"]
    width = 44

    def emit(code: str, value: float | None) -> None:
        comment = f"  # = {value:.6g}" if value is not None else ""
        lines.append(f"    {code:<{width}}{comment}")

    for g in graph.nodes:
        if g.op == "var":
            continue
        target = _py_name(g)
        if g.op == "id":
            emit(f"f = {names[id(graph.nodes[g.args[0]].node)]}" if g.args else f"f = {g.node.value!r}",
                 trace.values[g.index] if trace else None)
            continue
        emit(f"{target} = {_strip(_expr(g.node, {k: v for k, v in names.items() if k != id(g.node)}))}",
             trace.values[g.index] if trace else None)
    lines.append("    # backward pass: df_v = sum over v's consumers w of df_w * dw/dv")
    out_name = _py_name(graph.nodes[-1])
    emit(f"df_{out_name} = 1.0", 1.0 if trace else None)
    for g in reversed(graph.nodes[:-1]):
        terms = []
        for c in dict.fromkeys(graph.consumers(g.index)):
            partial = _strip(_expr(graph.partials[(g.index, c)], names))
            terms.append(f"df_{_py_name(graph.nodes[c])} * ({partial})")
        emit(f"df_{_py_name(g)} = {' + '.join(terms) if terms else '0.0'}",
             trace.adjoints[g.index] if trace else None)
    lines.append(f"    return {out_name}, (df_{u}, df_{v})")
    used = sorted({w for w in _MATH_NAMES if any(f"{w}(" in ln for ln in lines)})
    if any("inf" in ln.split("#")[0] or "nan" in ln.split("#")[0] for ln in lines):
        used += [w for w in ("inf", "nan") if any(w in ln.split("#")[0] for ln in lines)]
    header = [f"from math import {', '.join(used)}", "", ""] if used else []
    return "\n".join(header + lines) + "\n"


_MATH_NAMES = sorted({name[1:] for name, fn in codegen.SCALAR_GLOBALS.items()
                      if callable(fn) and getattr(math, name[1:], None) is fn})
