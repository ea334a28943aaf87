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
from gradviz.autodiff.rules import VJP
from gradviz.expr import codegen

SYMBOL = {"add": "+", "sub": "−", "mul": "×", "div": "÷", "pow": "^", "neg": "−"}
FUNCTION_NAME = {"arcsin": "asin", "arccos": "acos", "arctan": "atan", "safe_log": "log"}


@dataclass
class GraphNode:
    """One variable or operation of f. `args` index the graph's nodes (constants left out)."""

    index: int
    op: str
    label: str
    args: list[int]
    name: str | None = None  # x, y, a definition's name, or "f"
    layer: int = 0
    node: Node | None = field(default=None, repr=False)

    @property
    def is_input(self) -> bool:
        return self.op == "var"


@dataclass
class ComputationGraph:
    """The graph of f: nodes in topological order (inputs first, f last) and edges (from, to)."""

    nodes: list[GraphNode]
    edges: list[tuple[int, int]]
    partials: dict[tuple[int, int], Node] = field(repr=False, default_factory=dict)

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
    return FUNCTION_NAME.get(op, op)


def build_graph(output: Node, inputs: list[Node], definitions: dict[str, Node]) -> ComputationGraph:
    """The ComputationGraph of `output`, with the inputs first (even unused ones) and the
    nodes named by definitions labelled with their names."""
    names = {id(n): name for name, n in definitions.items()}
    for n in inputs:
        names[id(n)] = n.name
    order = [n for n in toposort([output]) if n.op != "const" and n.op != "var"]
    nodes: list[GraphNode] = []
    index: dict[int, int] = {}
    for n in inputs:
        index[id(n)] = len(nodes)
        nodes.append(GraphNode(len(nodes), "var", n.name, [], n.name, 0, n))
    for n in order:
        args = [index[id(a)] for a in n.args if a.op != "const"]
        layer = 1 + max((nodes[a].layer for a in args), default=0)
        index[id(n)] = len(nodes)
        nodes.append(GraphNode(len(nodes), n.op, _label(n), args, names.get(id(n)), layer, n))
    if output.op in ("var", "const"):  # f = x, or a constant: still end with an f node
        nodes.append(GraphNode(len(nodes), "id", "f", [index[id(output)]] if output.op == "var" else [],
                               "f", 1, output))
    else:
        nodes[-1].name = nodes[-1].name or "f"
    edges = [(a, g.index) for g in nodes for a in dict.fromkeys(g.args)]
    partials = {}
    one = const(1.0)
    for g in nodes:
        if g.op in ("var", "id"):
            continue
        n = g.node
        params = params_of(n)
        for rule, arg in zip(VJP[n.op], n.args, strict=True):
            if arg.op == "const":
                continue
            key = (index[id(arg)], g.index)
            term = rule(one, n, *n.args, **params)
            partials[key] = term if key not in partials else partials[key] + term  # x*x: both arguments
    if nodes[-1].op == "id" and nodes[-1].args:
        partials[(nodes[-1].args[0], nodes[-1].index)] = one
    return ComputationGraph(nodes, edges, partials)


@dataclass
class Trace:
    """Forward values, adjoints ∂f/∂node and edge partials of a ComputationGraph at (x, y)."""

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


def trace_graph(graph: ComputationGraph, x: float, y: float) -> Trace:
    """Forward pass (values), then backward pass (adjoints) over the graph at (x, y)."""
    inputs = {graph.nodes[0].node: float(x), graph.nodes[1].node: float(y)}
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
    return f"{FUNCTION_NAME.get(node.op, node.op)}({parts[0]})"


def display_name(graph: ComputationGraph, i: int) -> str:
    """The name a person reads for node i: its definition's name, x, y, f, or t<i>."""
    return _py_name(graph.nodes[i])


# ----- the generated backprop listing -----

def _py_name(g: GraphNode) -> str:
    return g.name if g.name and g.name != "f" else ("f" if g.name == "f" else f"t{g.index}")


def _expr(node: Node, names: dict[int, str]) -> str:
    """A small derivative graph as one Python expression, stopping at named forward nodes."""
    if id(node) in names:
        return names[id(node)]
    if node.op == "const":
        return codegen.literal(float(node.value))
    args = [_expr(a, names) for a in node.args]
    if node.op in ("add", "sub", "mul", "div"):
        return f"({args[0]} {codegen.INFIX[node.op]} {args[1]})"
    if node.op == "pow":
        return f"({args[0]} ** {args[1]})"
    if node.op == "neg":
        return f"(-{args[0]})"
    if node.op == "abs":
        return f"abs({args[0]})"
    if node.op == "sign":
        return f"copysign(1.0, {args[0]})"
    return f"{FUNCTION_NAME.get(node.op, node.op)}({args[0]})"


def _strip(text: str) -> str:
    return text[1:-1] if text.startswith("(") and text.endswith(")") else text


def listing(graph: ComputationGraph, trace: Trace | None = None) -> str:
    """Straight-line Python: the forward pass, one line per node, then the backward pass, one
    adjoint per node (df_<name> = ∂f/∂<name>), with the values at `trace`'s point as comments."""
    names = {id(g.node): _py_name(g) for g in graph.nodes if g.op != "id"}
    lines = ["def f_and_grad(x, y):", "    # forward pass: each intermediate from the ones before it"]
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
    lines.append(f"    return {out_name}, (df_x, df_y)")
    used = sorted({w for w in ("sin", "cos", "tan", "exp", "log", "log2", "log10", "sqrt", "sinh", "cosh",
                               "tanh", "asin", "acos", "atan", "copysign") if any(f"{w}(" in ln for ln in lines)})
    header = [f"from math import {', '.join(used)}", "", ""] if used else []
    return "\n".join(header + lines) + "\n"
