"""Critical points: Newton's method on ∇f = 0 from a grid of starts, deduplicated and classified."""

from __future__ import annotations

import math
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


def find_critical_points(fn: Function, domain: tuple[float, float, float, float], starts: int = 14,
                         iterations: int = 60, margin: float = 1e-9) -> list[CriticalPoint]:
    """Critical points of `fn` inside `domain` (xmin, xmax, ymin, ymax), sorted by x then y.

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
    for px, py, a, b, c, fv in pts:
        if any(math.hypot(px - q.x, py - q.y) < 1e-5 * span for q in found):
            continue
        if use_x and use_y:
            eig = np.linalg.eigvalsh(np.array([[a, b], [b, c]]))
        else:
            eig = np.array([a, a]) if use_x else np.array([c, c])
        kind = classify(eig, 1e-9 * max(1.0, float(curvature)))
        found.append(CriticalPoint(float(px), float(py), float(fv), kind, (float(eig[0]), float(eig[1]))))
    return found
