"""Sampling f on the view's grid, and a robust height range for drawing it."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from gradviz.expr.function import Function
from gradviz.model.color_scale import ColorScale, color_scale


@dataclass(frozen=True)
class Sample:
    """f and ∇f on the grid xs × ys; arrays shaped (len(xs), len(ys)), x along axis 0."""

    xs: np.ndarray
    ys: np.ndarray
    f: np.ndarray
    fx: np.ndarray
    fy: np.ndarray
    _scales: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def grad_norm(self) -> np.ndarray:
        return np.hypot(self.fx, self.fy)

    @cached_property
    def height_range(self) -> tuple[float, float]:
        """robust_range(f), computed once and shared by the 3D and contour views."""
        return robust_range(self.f)

    def color_scale(self, spacing: str, lo: float | None = None, hi: float | None = None) -> ColorScale:
        """The colour and contour scale for `spacing` ("auto" chooses from f) on [lo, hi] (default: the
        robust height range), once per sample."""
        if lo is None or hi is None:
            lo, hi = self.height_range
        key = (spacing, lo, hi)
        if key not in self._scales:
            self._scales[key] = color_scale(self.f, lo, hi, spacing)
        return self._scales[key]


def sample(fn: Function, domain: tuple[float, float, float, float], resolution: int) -> Sample:
    """f and ∇f on a resolution × resolution grid over domain (xmin, xmax, ymin, ymax)."""
    xmin, xmax, ymin, ymax = domain
    xs = np.linspace(xmin, xmax, resolution)
    ys = np.linspace(ymin, ymax, resolution)
    f, fx, fy = fn.grid(xs, ys, order=1)
    return Sample(xs, ys, f, fx, fy)


def robust_range(values: np.ndarray, low: float = 1.0, high: float = 99.0) -> tuple[float, float]:
    """A height range that ignores nan/inf and spikes: the [low, high] percentiles, widened to
    the true min/max when those are not far out; (−1, 1) when nothing is finite."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return -1.0, 1.0
    vmin, vmax = float(finite.min()), float(finite.max())
    lo, hi = (float(v) for v in np.percentile(finite, [low, high]))
    spread = max(hi - lo, 1e-12 * max(1.0, abs(hi)))
    if vmin >= lo - spread:
        lo = vmin
    if vmax <= hi + spread:
        hi = vmax
    if hi - lo <= 1e-12 * max(1.0, abs(hi)):
        lo, hi = lo - 0.5, hi + 0.5
    return lo, hi
