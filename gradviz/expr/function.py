"""`Function`: a parsed f(x, y) with its exact gradient and Hessian, ready to evaluate."""

from __future__ import annotations

from functools import cached_property
from typing import Any

import numpy as np

from gradviz.autodiff.backward import vjp
from gradviz.autodiff.graph import Node, toposort
from gradviz.expr.backprop import ComputationGraph, Trace, build_graph, listing, trace_graph
from gradviz.expr.kernels import GridKernel, PointKernel
from gradviz.expr.parser import parse_graph


class Function:
    """f(x, y) from text, with derivatives derived once from its graph.

    Calls broadcast x and y like NumPy and return float64 (a NumPy scalar for scalar
    inputs). Outside f's domain the results hold nan/inf, without warnings.
    """

    def __init__(self, text: str) -> None:
        parsed = parse_graph(text)
        self.text = text
        self.x_node = parsed.inputs["x"]
        self.y_node = parsed.inputs["y"]
        self.output = parsed.output
        self.definitions = parsed.definitions

    @cached_property
    def gradient_nodes(self) -> tuple[Node, Node]:
        """The graphs of (∂f/∂x, ∂f/∂y), built by the reverse pass on first use."""
        fx, fy = vjp(self.output, self.inputs)
        return fx, fy

    @cached_property
    def hessian_nodes(self) -> tuple[Node, Node, Node]:
        """The graphs of (fxx, fxy, fyy): the reverse pass applied to the gradient graphs."""
        fx, fy = self.gradient_nodes
        fxx, fxy = vjp(fx, self.inputs)
        (fyy,) = vjp(fy, [self.y_node])  # fyx would repeat fxy; leaving x out skips its adjoints
        return fxx, fxy, fyy

    # ----- kernels, built on first use (prepare() builds them all) -----
    @property
    def inputs(self) -> list[Node]:
        return [self.x_node, self.y_node]

    @cached_property
    def _grid_f(self) -> GridKernel:
        return GridKernel([self.output], self.inputs)

    @cached_property
    def _grid_grad(self) -> GridKernel:
        return GridKernel([self.output, *self.gradient_nodes], self.inputs)

    @cached_property
    def _grid_all(self) -> GridKernel:
        return GridKernel([self.output, *self.gradient_nodes, *self.hessian_nodes], self.inputs)

    @cached_property
    def point(self) -> PointKernel:
        """(x, y) -> (f, fx, fy, fxx, fxy, fyy) as floats, by straight-line scalar code."""
        return PointKernel([self.output, *self.gradient_nodes, *self.hessian_nodes], self.inputs)

    @cached_property
    def point_f(self) -> PointKernel:
        """(x, y) -> (f,) as a float, by straight-line scalar code."""
        return PointKernel([self.output], self.inputs)

    @cached_property
    def point_grad(self) -> PointKernel:
        """(x, y) -> (f, fx, fy) as floats, by straight-line scalar code."""
        return PointKernel([self.output, *self.gradient_nodes], self.inputs)

    def prepare(self, everything: bool = False) -> Function:
        """Make f, the gradient and the Hessian ready to evaluate now, on grids and at points.

        Otherwise each kernel is built on first use. `everything` also builds the
        leaner kernels for f alone and f with its gradient.
        """
        names = ["_grid_all", "point"]
        if everything:
            names += ["_grid_f", "_grid_grad", "point_f", "point_grad"]
        for name in names:
            getattr(self, name)
        return self

    # ----- evaluation -----
    @staticmethod
    def _arrays(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)

    def _evaluate(self, point: PointKernel, grid: GridKernel, x: Any, y: Any) -> tuple[Any, ...]:
        """Scalar inputs by the point kernel (NumPy float64 results), arrays by the grid kernel."""
        xa, ya = self._arrays(x, y)
        if xa.ndim == 0 and ya.ndim == 0:
            return tuple(np.float64(v) for v in point(float(xa), float(ya)))
        return tuple(grid(xa, ya))

    def __call__(self, x: Any, y: Any) -> Any:
        """f(x, y), broadcast, float64."""
        return self._evaluate(self.point_f, self._grid_f, x, y)[0]

    def value_and_grad(self, x: Any, y: Any) -> tuple[Any, Any, Any]:
        """(f, fx, fy), computed together."""
        return self._evaluate(self.point_grad, self._grid_grad, x, y)

    def grad(self, x: Any, y: Any) -> tuple[Any, Any]:
        """(∂f/∂x, ∂f/∂y)."""
        return self.value_and_grad(x, y)[1:]

    def derivatives(self, x: Any, y: Any) -> tuple[Any, ...]:
        """(f, fx, fy, fxx, fxy, fyy), computed together with shared subexpressions."""
        return self._evaluate(self.point, self._grid_all, x, y)

    def hessian(self, x: Any, y: Any) -> tuple[Any, Any, Any]:
        """(∂²f/∂x², ∂²f/∂x∂y, ∂²f/∂y²): exact to rounding, from the derivative graph."""
        return self.derivatives(x, y)[3:]

    def grid(self, xs: Any, ys: Any, order: int = 0) -> tuple[np.ndarray, ...]:
        """f (order 0), with the gradient (1) and Hessian (2), on the grid xs × ys.

        Results have shape (len(xs), len(ys)), indexing "ij" (x along axis 0), as
        pyqtgraph's GLSurfacePlotItem wants. Work that depends on x alone is done once per row.
        """
        xa = np.asarray(xs, dtype=np.float64).reshape(-1, 1)
        ya = np.asarray(ys, dtype=np.float64).reshape(1, -1)
        kernel = (self._grid_f, self._grid_grad, self._grid_all)[order]
        return tuple(kernel(xa, ya))

    # ----- backpropagation, shown -----
    @cached_property
    def _computation_graph(self) -> ComputationGraph:
        return build_graph(self.output, self.inputs, self.definitions)

    def graph(self) -> ComputationGraph:
        """The computation graph of f: variables and operations, inputs first, f last."""
        return self._computation_graph

    def trace_at(self, x: float, y: float) -> Trace:
        """Forward values, adjoints ∂f/∂node and edge partials at (x, y)."""
        return trace_graph(self._computation_graph, x, y)

    def source(self, at: tuple[float, float] | None = None) -> str:
        """The straight-line forward and backward code for f, with the values at `at` as comments."""
        graph = self._computation_graph
        return listing(graph, trace_graph(graph, *at) if at is not None else None)

    # ----- description -----
    @cached_property
    def uses_x(self) -> bool:
        """Whether f depends on x at all."""
        return any(n is self.x_node for n in toposort([self.output]))

    @cached_property
    def uses_y(self) -> bool:
        """Whether f depends on y at all."""
        return any(n is self.y_node for n in toposort([self.output]))

    def __str__(self) -> str:
        body = " ".join(self.text.split())
        return f"f(x, y) = {body}"

    def __repr__(self) -> str:
        return f"gradviz.parse({self.text!r})"


def parse(text: str) -> Function:
    """Parse f(x, y) text; raises gradviz.ExpressionError (a ValueError) with a position."""
    return Function(text)
