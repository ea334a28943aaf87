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


LABEL_CHUNK = 64  # points tried at once, nearest the centre first: 256 start points made each label cost 3.5 ms when
# every point of the isoline was measured against every marker


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
    order = np.argsort(d, kind="stable")  # nearest the centre first; ties in the polyline's order
    others = [(np.asarray(taken, dtype=np.float64).reshape(-1, 2), min_distance),
              (np.asarray(markers, dtype=np.float64).reshape(-1, 2), marker_distance)]
    for k0 in range(0, len(order), LABEL_CHUNK):  # the first chunks nearly always hold the answer
        near = pts[order[k0:k0 + LABEL_CHUNK]]
        ok = np.ones(len(near), dtype=bool)
        for away, distance in others:
            if len(away):
                gaps = np.hypot(near[:, None, 0] - away[None, :, 0], near[:, None, 1] - away[None, :, 1])
                ok &= (gaps >= distance).all(axis=1)
        if ok.any():
            x, y = near[int(np.argmax(ok))]
            return float(x), float(y)
    return None
