"""gradviz's former isolines (vectorised marching squares), kept only as the "before" of bench_ui.py."""

from __future__ import annotations

import numpy as np

# For each of the 16 corner cases (bit 0: (i, j), 1: (i+1, j), 2: (i+1, j+1), 3: (i, j+1) above
# the level), up to two segments, each joining two cell edges: 0 bottom (y_j), 1 right (x_{i+1}),
# 2 top (y_{j+1}), 3 left (x_i). -1: no segment. Saddle cases 5 and 10 are resolved by the centre.
_SEGMENTS = np.array([
    [[-1, -1], [-1, -1]], [[3, 0], [-1, -1]], [[0, 1], [-1, -1]], [[3, 1], [-1, -1]],
    [[1, 2], [-1, -1]], [[3, 0], [1, 2]], [[0, 2], [-1, -1]], [[3, 2], [-1, -1]],
    [[2, 3], [-1, -1]], [[0, 2], [-1, -1]], [[0, 1], [2, 3]], [[1, 2], [-1, -1]],
    [[1, 3], [-1, -1]], [[0, 1], [-1, -1]], [[3, 0], [-1, -1]], [[-1, -1], [-1, -1]],
])
# the saddle cases with the other pairing, used when the cell centre is on the other side
_SADDLE_ALT = {5: [[0, 1], [2, 3]], 10: [[3, 0], [1, 2]]}


def isoline_segments(xs: np.ndarray, ys: np.ndarray, z: np.ndarray, level: float) -> np.ndarray:
    """Segments of the curve z = level, shape (M, 2, 2): M segments of two (x, y) points.

    z has shape (len(xs), len(ys)) (x along axis 0). Cells with a nan corner are skipped.
    """
    z00, z10, z11, z01 = z[:-1, :-1], z[1:, :-1], z[1:, 1:], z[:-1, 1:]
    with np.errstate(invalid="ignore"):
        case = ((z00 > level).astype(np.int8) | ((z10 > level) << 1) | ((z11 > level) << 2)
                | ((z01 > level) << 3))
    finite = np.isfinite(z00) & np.isfinite(z10) & np.isfinite(z11) & np.isfinite(z01)
    ci, cj = np.nonzero(finite & (case != 0) & (case != 15))
    if ci.size == 0:
        return np.empty((0, 2, 2))
    c = case[ci, cj]
    a, b, cc, d = z00[ci, cj], z10[ci, cj], z11[ci, cj], z01[ci, cj]
    x0, x1, y0, y1 = xs[ci], xs[ci + 1], ys[cj], ys[cj + 1]

    def cross(p: np.ndarray, q: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            t = (level - p) / (q - p)
        return np.clip(np.nan_to_num(t, nan=0.5), 0.0, 1.0)

    edges = np.empty((4, ci.size, 2))
    edges[0, :, 0], edges[0, :, 1] = x0 + cross(a, b) * (x1 - x0), y0
    edges[1, :, 0], edges[1, :, 1] = x1, y0 + cross(b, cc) * (y1 - y0)
    edges[2, :, 0], edges[2, :, 1] = x0 + cross(d, cc) * (x1 - x0), y1
    edges[3, :, 0], edges[3, :, 1] = x0, y0 + cross(a, d) * (y1 - y0)
    table = _SEGMENTS[c].copy()
    centre_above = 0.25 * (a + b + cc + d) > level
    for saddle, alt in _SADDLE_ALT.items():
        # the default pairing separates the corners that are above; flip it when the centre is above too
        flip = (c == saddle) & centre_above
        table[flip] = alt
    out = []
    rows = np.arange(ci.size)
    for k in range(2):
        e = table[:, k, :]
        has = e[:, 0] >= 0
        if has.any():
            r = rows[has]
            seg = np.stack([edges[e[has, 0], r], edges[e[has, 1], r]], axis=1)
            out.append(seg)
    return np.concatenate(out) if out else np.empty((0, 2, 2))
