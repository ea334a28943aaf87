"""Picking on the 3D surface: where a ray from the camera first meets the height field."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def pick_height_field(origin: np.ndarray, direction: np.ndarray, box: tuple[float, ...],
                      height: Callable[[np.ndarray, np.ndarray], np.ndarray],
                      samples: int = 400) -> tuple[float, float] | None:
    """(x, y) of the first point where the ray origin + t·direction (t > 0) goes below the
    surface z = height(x, y) inside box (xmin, xmax, ymin, ymax, zmin, zmax); None if it misses."""
    o = np.asarray(origin, float)
    d = np.asarray(direction, float)
    lo = np.array(box[0::2], float)
    hi = np.array(box[1::2], float)
    with np.errstate(divide="ignore", invalid="ignore"):
        t1, t2 = (lo - o) / d, (hi - o) / d
    tmin = np.nanmax(np.minimum(t1, t2))
    tmax = np.nanmin(np.maximum(t1, t2))
    tmin = max(tmin, 0.0)
    if not (np.isfinite(tmin) and np.isfinite(tmax)) or tmax <= tmin:
        return None
    t = np.linspace(tmin, tmax, samples)
    p = o[None, :] + t[:, None] * d[None, :]
    below = p[:, 2] <= height(p[:, 0], p[:, 1])
    hits = np.nonzero(below)[0]
    if hits.size == 0:
        return None
    k = int(hits[0])
    if k == 0:
        return float(p[0, 0]), float(p[0, 1])
    a, b = t[k - 1], t[k]
    for _ in range(30):
        m = 0.5 * (a + b)
        q = o + m * d
        if q[2] <= float(height(np.array([q[0]]), np.array([q[1]]))[0]):
            b = m
        else:
            a = m
    q = o + b * d
    return float(q[0]), float(q[1])
