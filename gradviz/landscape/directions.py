"""The directions of a landscape plane (Li et al. 2018, "Visualizing the Loss Landscape of Neural Nets"):
random Gaussian ones, normalised per neuron ("filter"), per weight array ("layer") or not at all ("none"); the
two principal components of a training trajectory ("pca"); the top two Hessian eigenvectors ("eigen"); or two
vectors given. Each is a flat vector the length of θ."""

from __future__ import annotations

from typing import Any

import numpy as np

from gradviz.network import Network

RANDOM_KINDS = ("filter", "layer", "none")
PARALLEL_COS = 1.0 - 1e-9  # |cos| above this: the two directions span no plane


def random_direction(net: Network, theta: np.ndarray, kind: str, rng: np.random.Generator,
                     biases: bool = False) -> np.ndarray:
    """A Gaussian direction, normalised as `kind` says. "filter": for a matrix W used as X@W, each neuron's block
    (a column: the weights feeding it) is rescaled to that column's norm in θ; "layer": each weight array is
    rescaled to its norm in θ; "none": left as drawn. Vectors (biases) are zeroed unless `biases`, then rescaled
    as a whole (filter and layer) to their norm in θ."""
    if kind not in RANDOM_KINDS:
        raise ValueError(f"unknown direction kind {kind!r}; choose one of {', '.join(RANDOM_KINDS)}, pca or eigen")
    parts = []
    for w in net.unflatten(theta).values():
        d = rng.standard_normal(w.shape)
        if w.ndim == 1 and not biases:
            d[:] = 0.0
        elif kind == "filter" and w.ndim == 2:
            d *= np.linalg.norm(w, axis=0) / np.maximum(np.linalg.norm(d, axis=0), 1e-300)
        elif kind in ("filter", "layer"):
            d *= np.linalg.norm(w) / max(float(np.linalg.norm(d)), 1e-300)
        parts.append(d.ravel())
    return np.concatenate(parts)


def pca_directions(thetas: np.ndarray, center: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(d1, d2, shares): the two principal directions of the trajectory's offsets θ_k − center (an SVD, without
    centring the offsets, as Li et al.), unit length, and the share of the offsets' squared length each explains."""
    offsets = np.asarray(thetas, dtype=np.float64) - center
    offsets = offsets[np.linalg.norm(offsets, axis=1) > 0]
    if len(offsets) < 2:
        raise ValueError("a PCA plane needs a trajectory with at least two points away from θ")
    _, s, vt = np.linalg.svd(offsets, full_matrices=False)
    total = float(np.sum(s * s))
    return vt[0], vt[1], np.array([s[0] ** 2, s[1] ** 2]) / total


def checked_pair(pair: Any, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Two flat directions of length `size`, nonzero and not parallel; ValueError naming which is wrong."""
    try:
        d1, d2 = (np.asarray(d, dtype=np.float64) for d in pair)
    except (TypeError, ValueError):
        raise ValueError("directions must be a kind (filter, layer, none, pca, eigen) or two flat vectors") from None
    for k, d in enumerate((d1, d2), start=1):
        if d.shape != (size,):
            raise ValueError(f"direction {k} has shape {d.shape}; it needs the {size} weights of θ")
        if not np.isfinite(d).all() or not np.any(d):
            raise ValueError(f"direction {k} is zero (or not finite): it spans nothing")
    cos = abs(float(d1 @ d2)) / (np.linalg.norm(d1) * np.linalg.norm(d2))
    if cos > PARALLEL_COS:
        raise ValueError("the two directions are parallel: they span a line, not a plane")
    return d1, d2
