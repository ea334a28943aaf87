"""Critical points: Newton's method on ∇f = 0 from a grid of starts, deduplicated and classified."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from gradviz.calculus.local import classify
from gradviz.expr.function import Function


@dataclass(frozen=True)
class CriticalPoint:
    x: float
    y: float
    f: float
    kind: str  # "minimum", "maximum", "saddle" or "degenerate"
    eigenvalues: tuple[float, float]


def _newton(fn: Function, x: np.ndarray, y: np.ndarray, use_x: bool, use_y: bool,
            iterations: int) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised Newton (Levenberg-damped where H is near singular) on all starts at once; starts
    that overflow or leave f's domain become nan, silently."""
    with np.errstate(all="ignore"):
        return _newton_steps(fn, x, y, use_x, use_y, iterations)


def _newton_steps(fn: Function, x: np.ndarray, y: np.ndarray, use_x: bool, use_y: bool,
                  iterations: int) -> tuple[np.ndarray, np.ndarray]:
    for _ in range(iterations):
        _, gx, gy, hxx, hxy, hyy = fn.derivatives(x, y)
        if not use_y:
            gy, hxy, hyy = np.zeros_like(gx), np.zeros_like(gx), np.ones_like(gx)
        if not use_x:
            gx, hxy, hxx = np.zeros_like(gy), np.zeros_like(gy), np.ones_like(gy)
        # solve (HᵀH + μI) d = Hᵀg, which is H d = g where H is well conditioned
        scale = np.abs(hxx) + np.abs(hyy) + 2 * np.abs(hxy)
        mu = 1e-24 * scale * scale + 1e-300
        a11 = hxx * hxx + hxy * hxy + mu
        a12 = hxx * hxy + hxy * hyy
        a22 = hxy * hxy + hyy * hyy + mu
        b1 = hxx * gx + hxy * gy
        b2 = hxy * gx + hyy * gy
        det = a11 * a22 - a12 * a12
        with np.errstate(all="ignore"):
            dx = (a22 * b1 - a12 * b2) / det
            dy = (a11 * b2 - a12 * b1) / det
        ok = np.isfinite(dx) & np.isfinite(dy)
        x = np.where(ok, x - dx, np.nan)
        y = np.where(ok, y - dy, np.nan)
    return x, y


SEARCH_CELLS = 160  # cells per side of the grid on which sign changes of ∇f's components are looked for
MAX_CANDIDATES = 20_000
MISSING_NOTE = "some may be missing: refine the grid (zoom into the domain, or search a smaller one)"


@dataclass(frozen=True)
class CriticalSearch:
    """The result of a search: the points found, and how many grid cells ∇f winds around (so a critical point
    must be inside) with no point found there (`missed`: the search is then incomplete). `note` says so."""

    points: list[CriticalPoint]
    cells: int
    missed: int

    @property
    def complete(self) -> bool:
        return self.missed == 0

    @property
    def note(self) -> str:
        return "" if self.complete else f"{self.missed} cell(s) unexplained: {MISSING_NOTE}"


def _candidate_cells(fn: Function, domain: tuple[float, float, float, float], cells: int
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, float]:
    """On a cells × cells grid: the centres (x, y) of the cells where both fx and fy change sign between the
    corners (where a critical point may be), whether ∇f winds around each such cell (its degree is not 0: a
    critical point must be inside), and the cell sizes."""
    xmin, xmax, ymin, ymax = domain
    xs, ys = np.linspace(xmin, xmax, cells + 1), np.linspace(ymin, ymax, cells + 1)
    _, fx, fy = fn.grid(xs, ys, order=1)

    def corners(g: np.ndarray) -> np.ndarray:  # counter-clockwise: (0, 0), (1, 0), (1, 1), (0, 1)
        return np.stack([g[:-1, :-1], g[1:, :-1], g[1:, 1:], g[:-1, 1:]])

    cx, cy = corners(fx), corners(fy)
    with np.errstate(invalid="ignore"):
        finite = (np.isfinite(cx) & np.isfinite(cy)).all(axis=0)
        changes = ((cx.min(axis=0) <= 0.0) & (cx.max(axis=0) >= 0.0) & (cy.min(axis=0) <= 0.0)
                   & (cy.max(axis=0) >= 0.0) & finite)
    i, j = np.nonzero(changes)
    angles = np.arctan2(cy[:, i, j], cx[:, i, j])
    turns = np.diff(np.concatenate([angles, angles[:1]]), axis=0)
    turns = (turns + np.pi) % (2.0 * np.pi) - np.pi
    winds = np.abs(np.round(turns.sum(axis=0) / (2.0 * np.pi))) > 0
    dx, dy = (xmax - xmin) / cells, (ymax - ymin) / cells
    x0, y0 = xs[i], ys[j]
    if winds.any():  # the corners alone misjudge a field that turns fast: walk the flagged cells' edges finely
        k = np.flatnonzero(winds)
        winds[k] = _winds(fn, x0[k], y0[k], dx, dy)
    return x0 + 0.5 * dx, y0 + 0.5 * dy, winds, dx, dy


def _winds(fn: Function, x0: np.ndarray, y0: np.ndarray, dx: float, dy: float, per_edge: int = 16) -> np.ndarray:
    """Whether ∇f turns a non-zero number of times around each cell [x0, x0 + dx] × [y0, y0 + dy], sampled
    `per_edge` times along each edge (counter-clockwise)."""
    s = np.linspace(0.0, 1.0, per_edge, endpoint=False)
    u = np.concatenate([s, np.ones_like(s), 1.0 - s, np.zeros_like(s)])
    v = np.concatenate([np.zeros_like(s), s, np.ones_like(s), 1.0 - s])
    _, gx, gy = fn.value_and_grad(x0[:, None] + dx * u[None, :], y0[:, None] + dy * v[None, :])
    with np.errstate(invalid="ignore"):
        angles = np.arctan2(gy, gx)
        turns = np.diff(np.concatenate([angles, angles[:, :1]], axis=1), axis=1)
        turns = (turns + np.pi) % (2.0 * np.pi) - np.pi
        total = np.round(turns.sum(axis=1) / (2.0 * np.pi))
    return np.isfinite(total) & (np.abs(total) > 0)


def search_critical_points(fn: Function, domain: tuple[float, float, float, float], starts: int = 14,
                           iterations: int = 60, margin: float = 1e-9, cells: int = SEARCH_CELLS,
                           report: Callable[[float], None] | None = None) -> CriticalSearch:
    """Critical points of `fn` inside `domain`, found by Newton's method from a grid of starts and from every
    cell of a cells × cells grid where both components of ∇f change sign; see `CriticalSearch`. `report(fraction)`
    is called as the search goes (it may raise to stop it)."""
    report = report or (lambda fraction: None)
    report(0.0)
    xmin, xmax, ymin, ymax = (float(v) for v in domain)
    use_x, use_y = fn.uses_x, fn.uses_y
    extra_x = extra_y = np.empty(0)
    if use_x and use_y and cells > 0:
        extra_x, extra_y, winds, dx, dy = _candidate_cells(fn, (xmin, xmax, ymin, ymax), cells)
        extra_x, extra_y, winds = extra_x[:MAX_CANDIDATES], extra_y[:MAX_CANDIDATES], winds[:MAX_CANDIDATES]
    report(0.3)
    points = find_critical_points(fn, domain, starts, iterations, margin, (extra_x, extra_y))
    report(0.9)
    missed = 0
    if len(extra_x):
        found = np.array([(p.x, p.y) for p in points]).reshape(-1, 2)
        for cx, cy in zip(extra_x[winds], extra_y[winds], strict=True):  # ∇f winds round it, and no point is near
            if not len(found) or not np.any((np.abs(found[:, 0] - cx) <= dx) & (np.abs(found[:, 1] - cy) <= dy)):
                missed += 1
    report(1.0)
    return CriticalSearch(points, cells, missed)


def find_critical_points(fn: Function, domain: tuple[float, float, float, float], starts: int = 14,
                         iterations: int = 60, margin: float = 1e-9,
                         extra_starts: tuple[np.ndarray, np.ndarray] | None = None) -> list[CriticalPoint]:
    """Critical points of `fn` inside `domain` (xmin, xmax, ymin, ymax), sorted by x then y, by Newton's method
    from a starts × starts grid (and `extra_starts`, arrays of x and y). `search_critical_points` adds a start in
    every cell where ∇f's components change sign, and says when it cannot be sure it found them all.

    A function of x alone has lines of critical points; they are reported once, at y = 0
    (or the domain's middle), and classified by f'' alone (likewise for y alone).
    """
    xmin, xmax, ymin, ymax = (float(v) for v in domain)
    use_x, use_y = fn.uses_x, fn.uses_y
    y_mid = 0.0 if ymin <= 0.0 <= ymax else 0.5 * (ymin + ymax)
    x_mid = 0.0 if xmin <= 0.0 <= xmax else 0.5 * (xmin + xmax)
    n = starts * 4 if not (use_x and use_y) else starts
    sx = np.linspace(xmin, xmax, n) if use_x else np.array([x_mid])
    sy = np.linspace(ymin, ymax, n) if use_y else np.array([y_mid])
    x0, y0 = (a.ravel() for a in np.meshgrid(sx, sy, indexing="ij"))
    if extra_starts is not None:
        x0, y0 = np.concatenate([x0, extra_starts[0]]), np.concatenate([y0, extra_starts[1]])
    x, y = _newton(fn, x0, y0, use_x, use_y, iterations)
    f, gx, gy, hxx, hxy, hyy = fn.derivatives(x, y)
    span = max(xmax - xmin, ymax - ymin)
    with np.errstate(invalid="ignore"):
        inside = ((x >= xmin - margin * span) & (x <= xmax + margin * span)
                  & (y >= ymin - margin * span) & (y <= ymax + margin * span))
    finite_f = np.abs(f[inside & np.isfinite(f)])
    grad_scale = 1e-7 * max(1.0, float(finite_f.max()) if finite_f.size else 1.0)
    with np.errstate(all="ignore"):
        good = inside & np.isfinite(f) & (np.hypot(gx, gy) <= grad_scale)
    found: list[CriticalPoint] = []
    order = np.lexsort((y[good], x[good]))
    pts = np.column_stack([x[good], y[good], hxx[good], hxy[good], hyy[good], f[good]])[order]
    curvature = np.abs(pts[:, 2:5]).max() if len(pts) else 1.0
    seen, degenerate = _Near(1e-5 * span), _Near(2 * span / SEARCH_CELLS)
    for px, py, a, b, c, fv in pts:
        if seen.hit(px, py):
            continue
        if use_x and use_y:
            eig = np.linalg.eigvalsh(np.array([[a, b], [b, c]]))
        else:
            eig = np.array([a, a]) if use_x else np.array([c, c])
        kind = classify(eig, 1e-9 * max(1.0, float(curvature)))
        # Newton crawls towards a degenerate point and stops wherever ∇f is small enough: one point, not a cluster
        if kind == "degenerate":
            if degenerate.hit(px, py):
                continue
            degenerate.add(px, py)
        seen.add(px, py)
        found.append(CriticalPoint(float(px), float(py), float(fv), kind, (float(eig[0]), float(eig[1]))))
    return found


class _Near:
    """Points kept in buckets of side `radius`: whether a point lies within `radius` of one kept, in constant time
    (a wavy f over a wide domain has thousands of critical points, each found from several starts)."""

    def __init__(self, radius: float) -> None:
        self.radius = radius
        self.buckets: dict[tuple[int, int], list[tuple[float, float]]] = {}

    def _key(self, x: float, y: float) -> tuple[int, int]:
        return math.floor(x / self.radius), math.floor(y / self.radius)

    def hit(self, x: float, y: float) -> bool:
        kx, ky = self._key(x, y)
        return any(math.hypot(x - qx, y - qy) < self.radius
                   for dx in (-1, 0, 1) for dy in (-1, 0, 1) for qx, qy in self.buckets.get((kx + dx, ky + dy), ()))

    def add(self, x: float, y: float) -> None:
        self.buckets.setdefault(self._key(x, y), []).append((x, y))
