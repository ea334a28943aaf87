"""A gradient field drawn as arrows of equal length: shafts and heads as line segments."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gradviz.expr.function import Function


@dataclass(frozen=True)
class ArrowField:
    """Arrow segments, shape (M, 2, 2) (shaft, then two head strokes per arrow, 3 per arrow),
    and the gradient magnitude of each arrow, shape (M // 3,)."""

    segments: np.ndarray
    magnitude: np.ndarray


def arrow_field(fn: Function, domain: tuple[float, float, float, float], density: int,
                sign: int = -1) -> ArrowField:
    """Arrows of sign·∇f/|∇f| on a density × density grid inside `domain`, each 80 % of a cell long."""
    xmin, xmax, ymin, ymax = domain
    dx, dy = (xmax - xmin) / density, (ymax - ymin) / density
    xs = xmin + dx * (np.arange(density) + 0.5)
    ys = ymin + dy * (np.arange(density) + 0.5)
    f, gx, gy = fn.grid(xs, ys, order=1)
    px, py = np.meshgrid(xs, ys, indexing="ij")
    mag = np.hypot(gx, gy)
    ok = np.isfinite(mag) & (mag > 0) & np.isfinite(f)  # no arrows where f itself does not exist
    px, py, gx, gy, mag = px[ok], py[ok], gx[ok], gy[ok], mag[ok]
    # directions in screen-proportional units, so arrows look equally long on a non-square domain
    ux, uy = sign * gx / mag / dx, sign * gy / mag / dy
    un = np.hypot(ux, uy)
    ux, uy = ux / un * dx, uy / un * dy
    half = 0.4
    tail = np.stack([px - half * ux, py - half * uy], axis=-1)
    tip = np.stack([px + half * ux, py + half * uy], axis=-1)
    back = 0.3
    wing = 0.18
    left = np.stack([tip[:, 0] - back * ux - wing * (-uy) * dx / dy, tip[:, 1] - back * uy - wing * ux * dy / dx], -1)
    right = np.stack([tip[:, 0] - back * ux + wing * (-uy) * dx / dy, tip[:, 1] - back * uy + wing * ux * dy / dx], -1)
    segs = np.stack([np.stack([tail, tip], 1), np.stack([tip, left], 1), np.stack([tip, right], 1)], 1)
    return ArrowField(segs.reshape(-1, 2, 2), mag)
