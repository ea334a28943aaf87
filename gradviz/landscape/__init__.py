"""Loss-landscape slices of a network: L(θ + α d₁ + β d₂) on filter-normalised, layer-normalised, plain random,
PCA and Hessian-eigenvector planes, or the plane of two given directions; gridded in chunks in-process or on a
Dask cluster."""

from __future__ import annotations

from typing import Any

import numpy as np

from gradviz.landscape.directions import RANDOM_KINDS, checked_pair, pca_directions, random_direction
from gradviz.landscape.grid_chunks import MAX_GRID, grid_losses
from gradviz.landscape.plane import Landscape
from gradviz.network import Network, Run


def landscape(net: Network, theta: Any, directions: Any = "filter", seed: int = 0, run: Run | None = None,
              biases: bool = False) -> Landscape:
    """The slice through θ along `directions`: "filter" | "layer" | "none" (seeded Gaussian, normalised per
    neuron, per array or not), "pca" (the training trajectory `run`'s two principal components about θ), "eigen"
    (the top two Hessian eigenvectors at θ), or two flat vectors. ValueError naming what is wrong."""
    theta = net._theta(theta).copy()
    shares = None
    if isinstance(directions, str):
        kind = directions
        if kind in RANDOM_KINDS:
            rng = np.random.default_rng(seed)
            d1 = random_direction(net, theta, kind, rng, biases)
            d2 = random_direction(net, theta, kind, rng, biases)
        elif kind == "pca":
            if run is None:
                raise ValueError('directions="pca" needs the training run: landscape(..., run=gradviz.train(...))')
            d1, d2, shares = pca_directions(run.thetas, theta)
        elif kind == "eigen":
            if net.size < 2:
                raise ValueError("an eigen plane needs at least two weights")
            vectors = net.hessian_spectrum(theta, k=2, seed=seed).vectors
            d1, d2 = (v / np.linalg.norm(v) for v in vectors)
        else:
            raise ValueError(f"unknown directions {kind!r}; choose filter, layer, none, pca or eigen, or give two "
                             "flat vectors")
        pair = (d1, d2)
    else:
        kind, pair = "given", directions
    d1, d2 = checked_pair(pair, net.size)
    return Landscape(net, theta, d1, d2, kind, shares)


def interpolation(net: Network, theta_a: Any, theta_b: Any, points: int = 51, extend: float = 0.25
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Goodfellow et al.'s 1-D interpolation: (ts, losses) of L((1 − t)θ_a + tθ_b) for t from −extend to
    1 + extend, computed batched."""
    a, b = net._theta(theta_a), net._theta(theta_b)
    if not 2 <= points <= MAX_GRID:
        raise ValueError(f"points must be from 2 to {MAX_GRID}, got {points}")
    ts = np.linspace(-extend, 1.0 + extend, int(points))
    return ts, net.losses((1.0 - ts)[:, None] * a + ts[:, None] * b)


__all__ = ["MAX_GRID", "Landscape", "grid_losses", "interpolation", "landscape"]
