"""Isolines f = c by contourpy (the library matplotlib uses), as joined polylines.

contourpy traces every level of a grid in C++ and joins the segments into polylines; measured
against gradviz's own vectorised marching squares it gives the same curves 2.6–3.8× faster with
half the vertices (`scripts/bench_ui.py` measures both on the same data).
"""

from __future__ import annotations

from collections.abc import Sequence

import contourpy
import numpy as np


def isolines(xs: np.ndarray, ys: np.ndarray, z: np.ndarray, levels: Sequence[float]) -> list[np.ndarray]:
    """For each level, the curves z = level as one (M, 2) array of (x, y) points, the separate
    polylines split by rows of nan (empty when the level is not crossed).

    z has shape (len(xs), len(ys)) (x along axis 0). Cells with a nan or infinite corner are
    left out, so isolines stop at the edge of f's domain.
    """
    if len(levels) == 0:
        return []
    zt = np.ascontiguousarray(z.T, dtype=np.float64)
    finite = np.isfinite(zt)
    mask = None if finite.all() else ~finite
    data = zt if mask is None else np.ma.array(np.where(finite, zt, 0.0), mask=mask)
    gen = contourpy.contour_generator(xs, ys, data, line_type=contourpy.LineType.ChunkCombinedNan)
    out = []
    for chunks in gen.multi_lines(np.asarray(levels, dtype=np.float64)):
        parts = [c for c in chunks[0] if c is not None]
        out.append(np.concatenate(parts) if parts else np.empty((0, 2)))
    return out


def label_anchor(points: np.ndarray, centre: tuple[float, float], taken: list[tuple[float, float]],
                 min_distance: float, markers: list[tuple[float, float]] = (),
                 marker_distance: float = 0.0) -> tuple[float, float] | None:
    """Where an isoline's label reads well: the point of the polyline(s) `points` (nan rows ignored)
    nearest `centre` that is at least `min_distance` from every point in `taken` (other labels)
    and `marker_distance` from every marker. None if there is none."""
    pts = points[np.isfinite(points[:, 0])] if len(points) else points
    if len(pts) == 0:
        return None
    d = np.hypot(pts[:, 0] - centre[0], pts[:, 1] - centre[1])
    ok = np.ones(len(pts), dtype=bool)
    for tx, ty in taken:
        ok &= np.hypot(pts[:, 0] - tx, pts[:, 1] - ty) >= min_distance
    for mx, my in markers:
        ok &= np.hypot(pts[:, 0] - mx, pts[:, 1] - my) >= marker_distance
    if not ok.any():
        return None
    k = int(np.argmin(np.where(ok, d, np.inf)))
    return float(pts[k, 0]), float(pts[k, 1])
