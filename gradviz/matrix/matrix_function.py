"""`MatrixFunction`: a scalar f of declared vectors and matrices, its gradients and the checker."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import Any

import numpy as np

from gradviz.autodiff.backward import vjp
from gradviz.autodiff.evaluate import evaluate
from gradviz.autodiff.graph import Node
from gradviz.expr.errors import ExpressionError
from gradviz.matrix.check import CheckResult, compare
from gradviz.matrix.parser import parse_expression, parse_program


class MatrixFunction:
    """f(U, V, ...) from text like "U: 6x3; V: 3x4; X: 6x4; sum((X - U@V)^2)".

    `shapes` maps each declared name to its shape, in the order declared. Inputs are dicts
    name -> array of that shape; gradients have the variable's own shape.
    """

    def __init__(self, text: str) -> None:
        program = parse_program(text)
        self.text = text
        self.inputs: dict[str, Node] = program.inputs
        self.output = program.output
        self.expression = text[program.body_start:].strip()
        self._gradients: dict[str, Node] = {}

    @property
    def shapes(self) -> dict[str, tuple[int, ...]]:
        return {name: node.shape for name, node in self.inputs.items()}

    def random_inputs(self, seed: int = 0) -> dict[str, np.ndarray]:
        """Standard normal values of every declared shape, reproducible from `seed`."""
        rng = np.random.default_rng(seed)
        return {name: rng.standard_normal(shape) for name, shape in self.shapes.items()}

    def _values(self, values: Mapping[str, Any]) -> dict[Node, np.ndarray]:
        out = {}
        for name, node in self.inputs.items():
            if name not in values:
                raise ValueError(f"no value for {name} (shape {node.shape})")
            v = np.asarray(values[name], dtype=np.float64)
            if v.shape != node.shape:
                raise ValueError(f"{name} must have shape {node.shape}, got {v.shape}")
            out[node] = v
        return out

    def value(self, values: Mapping[str, Any]) -> float:
        """f at `values` (name -> array)."""
        (result,) = evaluate([self.output], self._values(values))
        return float(result)

    def gradient_node(self, name: str) -> Node:
        """The graph of ∂f/∂name, derived once."""
        if name not in self.inputs:
            raise ValueError(f"no variable {name!r}; declared: {', '.join(self.inputs)}")
        if name not in self._gradients:
            (self._gradients[name],) = vjp(self.output, [self.inputs[name]])
        return self._gradients[name]

    def grad(self, name: str, values: Mapping[str, Any]) -> np.ndarray:
        """∂f/∂name at `values`: an array of name's own shape."""
        node = self.gradient_node(name)
        (result,) = evaluate([node], self._values(values))
        return np.array(np.broadcast_to(result, self.inputs[name].shape))

    def candidate(self, text: str) -> Node:
        """A closed form typed by the student, over the same declarations (ExpressionError if refused)."""
        return parse_expression(text, self.inputs)

    def check(self, name: str, candidate: str, trials: int = 5, seed: int = 0) -> CheckResult:
        """Compare the closed form `candidate` to ∂f/∂name at `trials` seeded random inputs."""
        if name not in self.inputs:
            raise ValueError(f"no variable {name!r}; declared: {', '.join(self.inputs)}")
        node = self.candidate(candidate)
        gradients, candidates = [], []
        for k in range(trials):
            values = self.random_inputs(seed + k)
            gradients.append(self.grad(name, values))
            (c,) = evaluate([node], self._values(values))
            candidates.append(np.asarray(c, dtype=np.float64))
        return compare(name, gradients, candidates)

    @cached_property
    def variables(self) -> list[str]:
        return list(self.inputs)

    def __repr__(self) -> str:
        return f"gradviz.parse_matrix({self.text!r})"


def parse_matrix(text: str) -> MatrixFunction:
    """Parse declarations and a scalar expression of vectors and matrices; ExpressionError (with a
    column) for anything refused, including shapes that do not fit."""
    return MatrixFunction(text)


__all__ = ["ExpressionError", "MatrixFunction", "parse_matrix"]
