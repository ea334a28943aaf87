"""Sampling f on the view's grid, and a robust height range for drawing it.

A window samples twice: a coarse grid at once (`COARSE_GRID` per side; a loss on data over a fixed sample of its
rows), then the full one off the GUI thread (`sample` with a `report` callback, in chunks it can be cancelled
between)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from gradviz.expr.two_variables import TwoVariableFunction
from gradviz.geometry.arrows import ArrowField, arrow_field
from gradviz.geometry.isolines import isolines
from gradviz.model.color_scale import ColorScale, color_scale

COARSE_GRID = 48  # samples per side of the preview shown within a frame of a change
SLIDE_GRID = 100  # samples per side at most while a parameter's slider moves (the full grid once it stops): at 200²,
# a tick then costs 0.34-0.48x an expression change, not 0.59-0.84x as drawn in full (bench_ui)
PREVIEW_ROWS = 1_000  # a loss on data previews over this many of its rows (a fixed random sample)
CHUNK_POINTS = 16_384  # grid points per chunk of the full sample (progress is reported between chunks)
MIN_COARSE_GRID = 8  # the smallest preview side
PREVIEW_WORK = 7e7  # an f that says how much work a point costs per row (`work_per_row`: a network slice's weights)
# gets a preview side of at most √(PREVIEW_WORK / (work_per_row · rows)): measured, a slice of 1,185 weights took
# 0.5 ms per point (value and gradient) over 1,000 rows, so a 48² preview took over a second; this keeps it near 30 ms


@dataclass(frozen=True)
class Sample:
    """f and ∇f on the grid xs × ys; arrays shaped (len(xs), len(ys)), x along axis 0."""

    xs: np.ndarray
    ys: np.ndarray
    f: np.ndarray
    fx: np.ndarray
    fy: np.ndarray
    coarse: bool = False  # a preview (a coarser grid, or a loss over a sample of its rows); the full one follows
    source: Any = None  # what was evaluated: f, or f over the preview's rows (`OnRows`); arrows use it too
    _scales: dict = field(default_factory=dict, compare=False, repr=False)
    _isolines: dict = field(default_factory=dict, compare=False, repr=False)
    _arrows: dict = field(default_factory=dict, compare=False, repr=False)

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

    def isolines(self, levels: np.ndarray) -> list[np.ndarray]:
        """`geometry.isolines` of f at these levels, once per sample and levels."""
        key = tuple(float(v) for v in levels)
        if key not in self._isolines:
            self._isolines[key] = isolines(self.xs, self.ys, self.f, levels)
        return self._isolines[key]

    def arrows(self, density: int, sign: int) -> ArrowField:
        """`geometry.arrow_field` of the sampled f over the sample's domain, once per sample, density and sign."""
        key = (density, sign)
        if key not in self._arrows:
            domain = (float(self.xs[0]), float(self.xs[-1]), float(self.ys[0]), float(self.ys[-1]))
            self._arrows[key] = arrow_field(self.source, domain, density, sign)
        return self._arrows[key]

    def prime(self, spacing: str, count: int, density: int | None = None, sign: int = -1) -> Sample:
        """Compute now what the views draw at the robust height range (its colour scale, `count` isolines and, with
        a density, the arrows), so that the thread that applies the sample only draws; returns self."""
        scale = self.color_scale(spacing)
        self.isolines(scale.levels(count))
        if density is not None:
            self.arrows(density, sign)
        return self


class OnRows:
    """A loss on data over some of its rows only, with the `grid` of a TwoVariableFunction (for previews)."""

    def __init__(self, fn: Any, rows: np.ndarray) -> None:
        self.fn, self.rows = fn, rows

    def grid(self, xs: np.ndarray, ys: np.ndarray, order: int = 0) -> tuple[np.ndarray, ...]:
        px, py = np.meshgrid(xs, ys, indexing="ij")
        values = self.fn.value_and_grad(px, py, rows=self.rows)
        return values if order else values[:1]


def sample(fn: TwoVariableFunction, domain: tuple[float, float, float, float], resolution: int,
           report: Callable[[float], None] | None = None) -> Sample:
    """f and ∇f on a resolution × resolution grid over domain (xmin, xmax, ymin, ymax); with `report`, in chunks
    of x-rows, calling report(fraction done) after each (it may raise to stop the work)."""
    xmin, xmax, ymin, ymax = domain
    xs = np.linspace(xmin, xmax, resolution)
    ys = np.linspace(ymin, ymax, resolution)
    if report is None:
        f, fx, fy = fn.grid(xs, ys, order=1)
        return Sample(xs, ys, f, fx, fy, source=fn)
    rows = getattr(fn, "rows", 1)
    step = max(1, CHUNK_POINTS // max(1, resolution * min(rows, 64)))
    parts = []
    for start in range(0, resolution, step):
        parts.append(fn.grid(xs[start:start + step], ys, order=1))
        report(min(1.0, (start + step) / resolution))
    f, fx, fy = (np.concatenate([p[k] for p in parts]) for k in range(3))
    return Sample(xs, ys, f, fx, fy, source=fn)


def preview_side(fn: TwoVariableFunction, rows: int | None) -> int:
    """COARSE_GRID, or fewer points a side for an f whose points cost much (see PREVIEW_WORK)."""
    work = getattr(fn, "work_per_row", None)
    if not work:
        return COARSE_GRID
    side = int((PREVIEW_WORK / (work * min(rows or 1, PREVIEW_ROWS))) ** 0.5)
    return max(MIN_COARSE_GRID, min(COARSE_GRID, side))


def coarse_sample(fn: TwoVariableFunction, domain: tuple[float, float, float, float], resolution: int,
                  side: int | None = None) -> Sample:
    """The preview of `sample`: at most `side` (default COARSE_GRID) per side, fewer for costly points (see
    `preview_side`), and an f over rows of data (a loss on data, a network's slice) over PREVIEW_ROWS of its rows (the
    same rows every time, so that previews of one loss agree)."""
    rows = getattr(fn, "rows", None)
    cheap = not getattr(fn, "work_per_row", None) and (rows or 0) <= PREVIEW_ROWS
    n = min(resolution, side if side is not None and cheap else preview_side(fn, rows))
    if rows is None or rows <= PREVIEW_ROWS:
        s = sample(fn, domain, n)
        return Sample(s.xs, s.ys, s.f, s.fx, s.fy, coarse=n < resolution, source=fn)
    xmin, xmax, ymin, ymax = domain
    xs, ys = np.linspace(xmin, xmax, n), np.linspace(ymin, ymax, n)
    source = OnRows(fn, np.sort(np.random.default_rng(0).choice(rows, PREVIEW_ROWS, replace=False)))
    f, fx, fy = source.grid(xs, ys, order=1)
    return Sample(xs, ys, f, fx, fy, coarse=True, source=source)



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
