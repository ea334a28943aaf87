"""`Function`: a parsed f(x, y) with its exact gradient and Hessian, ready to evaluate.

The text is parsed and differentiated once, into a `Derived` that every `Function` of the
same text shares: `with_parameters` gives a new `Function` over the same graphs and compiled
kernels, with other parameter values passed at each call, so a slider tick re-derives and
recompiles nothing.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import numpy as np

from gradviz.autodiff.backward import vjp
from gradviz.autodiff.graph import Node, toposort
from gradviz.autodiff.products import share_products
from gradviz.expr.backprop import ComputationGraph, Trace, build_graph, listing, trace_graph
from gradviz.expr.derived_view import DerivedView, ParsedText
from gradviz.expr.kernels import GridKernel, PointKernel
from gradviz.expr.parser import parse_graph


class Derived(ParsedText):
    """Everything derived from one text: the graphs of f, ∇f and the Hessian with respect to the
    two variables, and the kernels compiled from them (each built on first use)."""

    def __init__(self, text: str) -> None:
        super().__init__(text, parse_graph(text))

    @cached_property
    def gradient_nodes(self) -> tuple[Node, Node]:
        fx, fy = vjp(self.output, self.inputs)
        return fx, fy

    @cached_property
    def hessian_nodes(self) -> tuple[Node, Node, Node]:
        fx, fy = self.gradient_nodes
        fxx, fxy = vjp(fx, self.inputs)
        (fyy,) = vjp(fy, [self.y_node])  # fyx would repeat fxy; leaving x out skips its adjoints
        return fxx, fxy, fyy

    def _grid(self, outputs: list[Node]) -> GridKernel:
        return GridKernel(share_products(outputs, keep=[self.output]), self.inputs, self.parameter_nodes)

    def _point(self, outputs: list[Node]) -> PointKernel:
        return PointKernel(outputs, self.inputs, self.parameter_nodes)

    @cached_property
    def grid_f(self) -> GridKernel:
        return self._grid([self.output])

    @cached_property
    def grid_grad(self) -> GridKernel:
        return self._grid([self.output, *self.gradient_nodes])

    @cached_property
    def grid_all(self) -> GridKernel:
        return self._grid([self.output, *self.gradient_nodes, *self.hessian_nodes])

    @cached_property
    def point(self) -> PointKernel:
        return self._point([self.output, *self.gradient_nodes, *self.hessian_nodes])

    @cached_property
    def point_f(self) -> PointKernel:
        return self._point([self.output])

    @cached_property
    def point_grad(self) -> PointKernel:
        return self._point([self.output, *self.gradient_nodes])

    @cached_property
    def computation_graph(self) -> ComputationGraph:
        return build_graph(self.output, self.inputs, self.definitions, self.parameter_nodes)

    @cached_property
    def reachable(self) -> set[int]:
        return {id(n) for n in toposort([self.output])}


class Function(DerivedView):
    """f(x, y) from text, with derivatives derived once from its graph.

    Calls broadcast x and y like NumPy and return float64 (a NumPy scalar for scalar
    inputs). Outside f's domain the results hold nan/inf, without warnings. Derivatives are
    with respect to the two variables (`variables`); parameters (`parameters`) are held at
    their values.
    """

    def __init__(self, text: str) -> None:
        self._derived = Derived(text)
        self._values: tuple[float, ...] = tuple(s.value for s in self._derived.specs.values())

    # ----- point kernels bound to the parameter values -----
    def _bind(self, kernel: PointKernel) -> Any:
        if not self._values:
            return kernel
        values = self._values
        return lambda x, y: kernel(x, y, *values)

    @cached_property
    def point(self) -> Any:
        """(x, y) -> (f, fx, fy, fxx, fxy, fyy) as floats, by straight-line scalar code."""
        return self._bind(self._derived.point)

    @cached_property
    def point_f(self) -> Any:
        """(x, y) -> (f,) as a float, by straight-line scalar code."""
        return self._bind(self._derived.point_f)

    @cached_property
    def point_grad(self) -> Any:
        """(x, y) -> (f, fx, fy) as floats, by straight-line scalar code."""
        return self._bind(self._derived.point_grad)

    def prepare(self, everything: bool = False) -> Function:
        """Make f, the gradient and the Hessian ready to evaluate now, on grids and at points.

        Otherwise each kernel is built on first use. `everything` also builds the
        leaner kernels for f alone and f with its gradient.
        """
        names = ["grid_all", "point"]
        if everything:
            names += ["grid_f", "grid_grad", "point_f", "point_grad"]
        for name in names:
            kernel = getattr(self._derived, name)
            if isinstance(kernel, PointKernel):
                kernel.compile()  # ready means compiled: its first call would otherwise be interpreted
        return self

    # ----- evaluation -----
    @staticmethod
    def _arrays(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)

    def _evaluate(self, point: str, grid: str, x: Any, y: Any) -> tuple[Any, ...]:
        """Scalar inputs by the point kernel named `point` (NumPy float64 results), arrays by the grid kernel
        named `grid`; only the one used is built."""
        xa, ya = self._arrays(x, y)
        if xa.ndim == 0 and ya.ndim == 0:
            kernel: PointKernel = getattr(self._derived, point)
            return tuple(np.float64(v) for v in kernel(float(xa), float(ya), *self._values))
        return tuple(getattr(self._derived, grid)(xa, ya, self._values))

    def __call__(self, x: Any, y: Any) -> Any:
        """f(x, y), broadcast, float64."""
        return self._evaluate("point_f", "grid_f", x, y)[0]

    def value_and_grad(self, x: Any, y: Any) -> tuple[Any, Any, Any]:
        """(f, fx, fy), computed together."""
        return self._evaluate("point_grad", "grid_grad", x, y)

    def grad(self, x: Any, y: Any) -> tuple[Any, Any]:
        """(∂f/∂x, ∂f/∂y)."""
        return self.value_and_grad(x, y)[1:]

    def derivatives(self, x: Any, y: Any) -> tuple[Any, ...]:
        """(f, fx, fy, fxx, fxy, fyy), computed together with shared subexpressions."""
        return self._evaluate("point", "grid_all", x, y)

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
        d = self._derived
        kernel = (d.grid_f, d.grid_grad, d.grid_all)[order]
        return tuple(kernel(xa, ya, self._values))

    # ----- backpropagation, shown -----
    def graph(self) -> ComputationGraph:
        """The computation graph of f: variables, then parameters, then operations; f last."""
        return self._derived.computation_graph

    def trace_at(self, x: float, y: float) -> Trace:
        """Forward values, adjoints ∂f/∂node and edge partials at (x, y), at the parameters' values."""
        return trace_graph(self._derived.computation_graph, x, y, self._values)

    def source(self, at: tuple[float, float] | None = None) -> str:
        """The straight-line forward and backward code for f, with the values at `at` as comments."""
        graph = self._derived.computation_graph
        trace = trace_graph(graph, *at, self._values) if at is not None else None
        return listing(graph, trace, self.parameters)

    # ----- description -----
    @property
    def data(self) -> None:
        """None: f(x, y) typed as text reduces over no data (see `TwoVariableFunction.data`)."""
        return None

    @property
    def uses_x(self) -> bool:
        """Whether f depends on its first variable at all."""
        return id(self.x_node) in self._derived.reachable

    @property
    def uses_y(self) -> bool:
        """Whether f depends on its second variable at all."""
        return id(self.y_node) in self._derived.reachable

    def __str__(self) -> str:
        body = " ".join(self.text.split())
        last = body.replace("\n", ";").split(";")[-1].lstrip()
        if last.startswith("f(") or last.startswith("f ") or last.startswith("f="):
            return body
        u, v = self.variables
        return f"f({u}, {v}) = {body}"

    def __repr__(self) -> str:
        base = f"gradviz.parse({self.text!r})"
        specs = self._derived.specs
        changed = {n: v for (n, s), v in zip(specs.items(), self._values, strict=True) if v != s.value}
        if changed:
            base += ".with_parameters(" + ", ".join(f"{n}={v!r}" for n, v in changed.items()) + ")"
        return base


def parse(text: str) -> Function:
    """Parse f(x, y) text into a `Function`; raises gradviz.ExpressionError (a ValueError) with a position.

    `parse("k = 2 in [0, 10]; f(w, b) = (w - 1)^2 + k*b^2")` has variables ("w", "b") and parameters
    {"k": 2.0}. A loss on data is `gradviz.parse(text, data=...)` (`gradviz.data.parsing.parse`).
    """
    return Function(text)
