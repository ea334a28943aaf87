"""The network tab's landscape: a slice of the model's loss through the weights on screen, computed by a job (the
plane, a grid of the loss on it, and the training path projected onto it with its distance off the plane), and
shown in the main window as f(α, β) with the whole toolkit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from gradviz.landscape import Landscape, interpolation, landscape
from gradviz.landscape.slice_function import SliceFunction
from gradviz.model.jobs import Progress
from gradviz.network import Network

PLANES = {"filter": "random, filter-normalised", "layer": "random, layer-normalised", "none": "random, not normalised",
          "pca": "PCA of the path", "eigen": "top Hessian eigenvectors", "runs": "start, ends of runs A and B"}
SLICE_GRID = (3, 401)  # points a side of the tab's landscape grid
COARSE = 15  # points a side of the first grid shown while the full one is computed
FAR_OFF = 0.5  # a path whose distance off the plane exceeds this share of its length is "far from the plane"


@dataclass(frozen=True)
class LandscapeView:
    """A slice (`sl`) through the weights of step `step`, its loss on `axis` × `axis`, and the path's records
    projected onto it: `coords` (k, 2) and `distances` (k,), at `steps`."""

    sl: Landscape
    step: int
    span: float
    axis: np.ndarray
    losses: np.ndarray
    coords: np.ndarray
    distances: np.ndarray
    steps: np.ndarray
    ts: np.ndarray  # Goodfellow's interpolation from the run's start (t = 0) to θ (t = 1)
    line: np.ndarray
    coarse: bool = False  # a first, coarse grid: the full one is on its way
    other: RunA | None = None  # the kept run A, with its path projected (`other_coords`), on the "runs" plane
    other_coords: np.ndarray | None = None

    @property
    def function(self) -> SliceFunction:
        """The slice as an f of two variables, for the main window."""
        return SliceFunction(self.sl)

    @property
    def far(self) -> bool:
        """Whether the path strays far from the plane (off it by more than FAR_OFF of its extent on it): the
        picture then does not show where it went."""
        extent = float(np.ptp(self.coords, axis=0).max()) if len(self.coords) else 0.0
        return bool(len(self.distances) and self.distances.max() > FAR_OFF * max(extent, 1e-12))


@dataclass(frozen=True)
class RunA:
    """A run kept to compare with the next one on one slice: its label and its recorded weights."""

    label: str
    thetas: np.ndarray


def compute_landscape(net: Network, theta: np.ndarray, step: int, thetas: np.ndarray, steps: np.ndarray, kind: str,
                      span: float | None, resolution: int, seed: int, progress: Progress | None = None,
                      client: Any = None, coarse: bool = False, other: RunA | None = None) -> LandscapeView:
    """The view of `kind`'s plane through θ over ±`span` (None: wide enough for the projected path, at least 1);
    "runs" is the plane through this run's start, run A's end (α = 1) and θ (β = 1), centred at the start.
    ValueError for a bad kind, span or resolution."""
    if span is not None and not span > 0:
        raise ValueError(f"the span must be positive, got {span!r}")
    if not SLICE_GRID[0] <= resolution <= SLICE_GRID[1]:
        raise ValueError(f"the grid must have {SLICE_GRID[0]} to {SLICE_GRID[1]} points a side, got {resolution}")
    if kind == "runs":
        if other is None:
            raise ValueError("keep a run as A first (Keep as run A), then train run B")
        start = thetas[0]
        sl = landscape(net, start, directions=(other.thetas[-1] - start, theta - start))
        sl.kind = "runs"
    else:
        sl = landscape(net, theta, directions=kind, seed=seed, run=_Path(thetas) if kind == "pca" else None)
    coords, distances = sl.project(thetas)
    other_coords = sl.project(other.thetas)[0] if kind == "runs" and other is not None else None
    if span is None:
        reach = [np.abs(coords).max(initial=0.0)] + ([np.abs(other_coords).max(initial=0.0)]
                                                      if other_coords is not None else [])
        span = max(1.0, 1.15 * float(max(reach)))
    axis = np.linspace(-span, span, int(min(resolution, COARSE)) if coarse else int(resolution))
    losses = sl.grid(axis, axis, client=client, progress=None if progress is None else progress.report)
    ts, line = interpolation(net, thetas[0], theta)
    return LandscapeView(sl, int(step), float(span), axis, losses, coords, distances, np.asarray(steps), ts, line,
                         coarse and len(axis) < resolution, other if kind == "runs" else None, other_coords)


@dataclass(frozen=True)
class _Path:
    """What `landscape(..., run=)` reads of a run: its recorded weights."""

    thetas: np.ndarray
