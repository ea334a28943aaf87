"""`TwoVariableFunction`: what the scene, its views, descent and the exports need of an f of two variables.

`Function` (typed f(x, y)) and `DataFunction` (a loss over data rows) implement it; so does any new kind of f
(a slice of a network's loss). Values broadcast like NumPy and are float64; derivatives are with respect to the
two variables, with the parameters held at their values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol, runtime_checkable

import numpy as np

from gradviz.expr.parser import ParameterSpec


@runtime_checkable
class TwoVariableFunction(Protocol):
    """f(u, v) with exact derivatives on points and grids (see the module docstring)."""

    @property
    def text(self) -> str:
        """What the user reads as f (the text typed, or a description of the slice)."""

    @property
    def variables(self) -> tuple[str, str]:
        """The two variables' names."""

    @property
    def parameters(self) -> dict[str, float]:
        """Slider parameters and their values, in declared order."""

    @property
    def parameter_specs(self) -> dict[str, ParameterSpec]:
        """Each parameter's declaration: its value in the text and its slider range."""

    @property
    def data(self) -> Mapping[str, np.ndarray] | None:
        """The data columns f reduces over, or None when f is not a loss on data."""

    def with_parameters(self, **values: float) -> TwoVariableFunction:
        """This f with other parameter values; ValueError for an unknown name or a non-finite value."""

    def __call__(self, x: Any, y: Any) -> Any:
        """f, broadcast over x and y."""

    def value_and_grad(self, x: Any, y: Any) -> tuple[Any, Any, Any]:
        """(f, f_u, f_v)."""

    def derivatives(self, x: Any, y: Any) -> tuple[Any, ...]:
        """(f, f_u, f_v, f_uu, f_uv, f_vv)."""

    def grid(self, xs: Any, ys: Any, order: int = 0) -> tuple[np.ndarray, ...]:
        """f (order 0), with the gradient (1) and the Hessian (2), on xs × ys: arrays (len(xs), len(ys))."""

    def point(self, x: float, y: float) -> tuple[float, ...]:
        """(f, f_u, f_v, f_uu, f_uv, f_vv) at one point, as floats."""

    @property
    def point_grad(self) -> Callable[[float, float], tuple[float, ...]]:
        """(u, v) -> (f, f_u, f_v) as floats, at one point."""
