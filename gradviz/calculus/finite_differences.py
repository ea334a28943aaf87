"""Central differences, for the Check tab's comparison with autodiff only (never used to
compute derivatives elsewhere): they show why gradviz differentiates exactly instead."""

from __future__ import annotations

import numpy as np

from gradviz.expr.function import Function

STEPS = np.logspace(-1, -14, 40)


def gradient_errors(fn: Function, x: float, y: float, steps: np.ndarray = STEPS) -> tuple[np.ndarray, np.ndarray]:
    """|central difference − autodiff| for ∂f/∂x and ∂f/∂y at each step h (the V: truncation
    error ∝ h² on the right, rounding error ∝ ε/h on the left)."""
    fx, fy = (float(v) for v in fn.grad(x, y))
    h = np.asarray(steps, dtype=float)
    dx = (fn(x + h, y) - fn(x - h, y)) / (2 * h)
    dy = (fn(x, y + h) - fn(x, y - h)) / (2 * h)
    return np.abs(dx - fx), np.abs(dy - fy)


def hessian_by_differences(fn: Function, x: float, y: float, h: float = 1e-4) -> np.ndarray:
    """The 2×2 Hessian from second central differences of f with step h."""
    f = lambda a, b: float(fn(a, b))  # noqa: E731
    fxx = (f(x + h, y) - 2 * f(x, y) + f(x - h, y)) / (h * h)
    fyy = (f(x, y + h) - 2 * f(x, y) + f(x, y - h)) / (h * h)
    fxy = (f(x + h, y + h) - f(x + h, y - h) - f(x - h, y + h) + f(x - h, y - h)) / (4 * h * h)
    return np.array([[fxx, fxy], [fxy, fyy]])
