"""A height-field mesh of f for the 3D view: vertices, faces with holes at nan, exact normals."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np


@lru_cache(maxsize=4)
def grid_faces(nx: int, ny: int) -> np.ndarray:
    """Triangle indices (2 (nx−1)(ny−1), 3) of an nx × ny grid of vertices in C order."""
    i, j = np.meshgrid(np.arange(nx - 1), np.arange(ny - 1), indexing="ij")
    v00 = (i * ny + j).ravel()
    v10, v01, v11 = v00 + ny, v00 + 1, v00 + ny + 1
    faces = np.empty((2 * v00.size, 3), dtype=np.uint32)
    faces[0::2] = np.column_stack([v00, v10, v11])
    faces[1::2] = np.column_stack([v00, v11, v01])
    faces.flags.writeable = False
    return faces


@dataclass(frozen=True)
class HeightScale:
    """Maps heights f in [lo, hi] to display z in [0, height] (and back)."""

    lo: float
    hi: float
    height: float

    @property
    def factor(self) -> float:
        return self.height / (self.hi - self.lo)

    def to_display(self, f: np.ndarray | float) -> np.ndarray:
        return (np.asarray(f, dtype=float) - self.lo) * self.factor

    def to_height(self, z: np.ndarray | float) -> np.ndarray:
        return np.asarray(z, dtype=float) / self.factor + self.lo


@dataclass(frozen=True)
class SurfaceMesh:
    vertices: np.ndarray  # (nx*ny, 3) float32
    faces: np.ndarray  # (F, 3) uint32, faces touching a nan vertex removed
    normals: np.ndarray  # (nx*ny, 3) float32, unit
    levels: np.ndarray  # (nx*ny,) f clipped to [lo, hi] and scaled to [0, 1] (nan stays nan)

    # Heights are not clamped to [0, height]: the surface shader discards what lies outside, so the
    # surface is cut along the level f = lo or hi instead of drawing a plateau and walls.
    FAR = 50.0  # display heights are limited to FAR heights beyond the range (keeps ±∞ drawable)


def surface_mesh(xs: np.ndarray, ys: np.ndarray, f: np.ndarray, fx: np.ndarray, fy: np.ndarray,
                 scale: HeightScale) -> SurfaceMesh:
    """The mesh of z = f(x, y) at its true heights (the 3D view cuts it at the scale's range, see
    `SurfaceMesh`); normals come from the exact gradient (n ∝ (−f_x·s, −f_y·s, 1) with s the height
    factor), not from neighbouring faces."""
    nx, ny = f.shape
    clipped = np.clip(f, scale.lo, scale.hi)  # ±inf are clipped too; nan stays nan
    span = scale.hi - scale.lo
    far = SurfaceMesh.FAR * span
    z = (np.clip(f, scale.lo - far, scale.hi + far) - scale.lo) * scale.factor
    verts = np.empty((nx * ny, 3), dtype=np.float32)
    verts[:, 0] = np.repeat(xs, ny)
    verts[:, 1] = np.tile(ys, nx)
    verts[:, 2] = z.ravel()
    s = scale.factor
    inside = (f >= scale.lo) & (f <= scale.hi)
    nxv = np.where(inside, -fx * s, 0.0).ravel()
    nyv = np.where(inside, -fy * s, 0.0).ravel()
    norm = np.sqrt(nxv * nxv + nyv * nyv + 1.0)
    normals = np.empty((nx * ny, 3), dtype=np.float32)
    with np.errstate(invalid="ignore"):
        normals[:, 0] = nxv / norm
        normals[:, 1] = nyv / norm
        normals[:, 2] = 1.0 / norm
    normals[~np.isfinite(normals).all(axis=1)] = (0.0, 0.0, 1.0)
    faces = grid_faces(nx, ny)
    bad = np.isnan(verts[:, 2])
    if bad.any():
        faces = faces[~bad[faces].any(axis=1)]
    levels = ((clipped - scale.lo) / (scale.hi - scale.lo)).ravel()
    return SurfaceMesh(verts, faces, normals, levels)
