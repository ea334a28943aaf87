"""A landscape slice as an f of two variables (`TwoVariableFunction`), so the main window shows it with its whole
toolkit: surface and contours, the gradient field (d₁·∇L, d₂·∇L), the probe's Hessian on the plane and its
quadratic model, critical points and descent. Grids are computed batched, a pass per POINTS_PER_PASS points."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from gradviz.expr.parser import ParameterSpec
from gradviz.landscape.grid_chunks import POINTS_PER_PASS
from gradviz.landscape.plane import Landscape

VARIABLES = ("α", "β")


class SliceFunction:
    """f(α, β) = L(θ + α d₁ + β d₂) of `landscape`, broadcast like NumPy, with exact derivatives on the plane."""

    parameters: dict[str, float] = {}
    parameter_specs: dict[str, ParameterSpec] = {}
    parameter_values: tuple[float, ...] = ()
    data = None  # not a loss over columns the scene could reuse: the network's data stay with the network
    uses_x = uses_y = True  # f depends on both α and β (the critical-point search asks)

    def __init__(self, landscape: Landscape) -> None:
        self.landscape = landscape
        self.text = f"L(θ + α·d₁ + β·d₂) on the {landscape.kind} plane of {landscape.net.size:,} weights"
        self.variables = VARIABLES

    def with_parameters(self, **values: float) -> SliceFunction:
        if values:
            raise ValueError(f"f has no parameter {next(iter(values))!r} (its parameters: none)")
        return self

    def _points(self, x: Any, y: Any) -> tuple[np.ndarray, np.ndarray, tuple[int, ...]]:
        a, b = np.broadcast_arrays(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
        return a.ravel(), b.ravel(), a.shape

    @property
    def work_per_row(self) -> int:
        """A point's cost per data row, in weights: the window sizes its first preview by it."""
        return self.landscape.net.size

    @property
    def rows(self) -> int:
        """The network's data rows: the window previews a big slice over a sample of them, as a loss on data."""
        return self.landscape.net.rows

    def _chunks(self, x: Any, y: Any, compute: Callable[[np.ndarray], tuple[np.ndarray, ...]]) -> tuple[Any, ...]:
        a, b, shape = self._points(x, y)
        parts = [compute(self.landscape.points(a[k: k + POINTS_PER_PASS], b[k: k + POINTS_PER_PASS]))
                 for k in range(0, len(a), POINTS_PER_PASS)]
        outs = [np.concatenate([p[i] for p in parts]) if parts else np.empty(0) for i in range(len(parts[0]))]
        return tuple(o.reshape(shape)[()] if not shape else o.reshape(shape) for o in outs)

    def __call__(self, x: Any, y: Any) -> Any:
        (f,) = self._chunks(x, y, lambda th: (self.landscape.net.losses(th),))
        return f

    def value_and_grad(self, x: Any, y: Any, rows: Any = None) -> tuple[Any, Any, Any]:
        """(f, f_α, f_β), over all the rows or over the data rows `rows` only (a preview)."""
        d1, d2 = self.landscape.directions

        def compute(th: np.ndarray) -> tuple[np.ndarray, ...]:
            f, g = self.landscape.net.values_and_grads(th, rows)
            return f, g @ d1, g @ d2
        return self._chunks(x, y, compute)

    def derivatives(self, x: Any, y: Any) -> tuple[Any, ...]:
        d1, d2 = self.landscape.directions
        net = self.landscape.net

        def compute(th: np.ndarray) -> tuple[np.ndarray, ...]:
            f, g = net.values_and_grads(th)
            h1, h2 = net.hvps(th, d1), net.hvps(th, d2)
            return f, g @ d1, g @ d2, h1 @ d1, 0.5 * (h1 @ d2 + h2 @ d1), h2 @ d2
        return self._chunks(x, y, compute)

    def grid(self, xs: Any, ys: Any, order: int = 0) -> tuple[np.ndarray, ...]:
        gx, gy = np.meshgrid(np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64), indexing="ij")
        if order == 0:
            return (np.asarray(self(gx, gy)),)
        return tuple(np.asarray(v) for v in (self.value_and_grad(gx, gy) if order == 1 else self.derivatives(gx, gy)))

    def point(self, u: float, v: float) -> tuple[float, ...]:
        """(f, f_α, f_β, f_αα, f_αβ, f_ββ) at one point, as floats: a gradient and two Hessian-vector products."""
        d1, d2 = self.landscape.directions
        net = self.landscape.net
        theta = self.landscape.point(u, v)
        f, g = net.value_and_grad(theta)
        h1, h2 = net.hvp(theta, d1), net.hvp(theta, d2)
        return f, float(g @ d1), float(g @ d2), float(h1 @ d1), float(0.5 * (h1 @ d2 + h2 @ d1)), float(h2 @ d2)

    @property
    def point_grad(self) -> Callable[[float, float], tuple[float, ...]]:
        def at(u: float, v: float) -> tuple[float, ...]:
            d1, d2 = self.landscape.directions
            f, g = self.landscape.net.value_and_grad(self.landscape.point(u, v))
            return f, float(g @ d1), float(g @ d2)
        return at

    def __repr__(self) -> str:
        return f"<gradviz slice f(α, β): {self.text}>"
