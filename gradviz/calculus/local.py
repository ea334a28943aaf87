"""The local picture at a point: value, gradient, Hessian, its eigen-directions, and the
first- and second-order Taylor models L(w + d) ≈ L(w) + ∇L·d (+ ½ dᵀHd)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from gradviz.expr.function import Function


def classify(eigenvalues: np.ndarray, tol: float = 1e-9) -> str:
    """The second-derivative test from the Hessian's eigenvalues: "minimum", "maximum",
    "saddle", or "degenerate" when an eigenvalue is within `tol` of 0 (the test says nothing)."""
    lo, hi = float(np.min(eigenvalues)), float(np.max(eigenvalues))
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return "degenerate"
    if lo > tol:
        return "minimum"
    if hi < -tol:
        return "maximum"
    if lo < -tol and hi > tol:
        return "saddle"
    return "degenerate"


@dataclass(frozen=True)
class LocalModel:
    """f and its first two derivatives at (x, y), exact to rounding."""

    x: float
    y: float
    f: float
    fx: float
    fy: float
    fxx: float
    fxy: float
    fyy: float

    @property
    def grad(self) -> np.ndarray:
        return np.array([self.fx, self.fy])

    @property
    def grad_norm(self) -> float:
        return math.hypot(self.fx, self.fy)

    @property
    def hessian(self) -> np.ndarray:
        return np.array([[self.fxx, self.fxy], [self.fxy, self.fyy]])

    @property
    def finite(self) -> bool:
        return all(math.isfinite(v) for v in (self.f, self.fx, self.fy, self.fxx, self.fxy, self.fyy))

    def eigen(self) -> tuple[np.ndarray, np.ndarray]:
        """(eigenvalues ascending, eigenvectors as columns) of the Hessian; nan when not finite."""
        if not self.finite:
            return np.full(2, np.nan), np.full((2, 2), np.nan)
        return np.linalg.eigh(self.hessian)

    def kind(self, grad_tol: float = 1e-8, curvature_tol: float = 1e-9) -> str:
        """The point's classification: a critical point's kind, or "regular" where ∇f ≠ 0."""
        if not self.finite:
            return "undefined"
        if self.grad_norm > grad_tol * max(1.0, abs(self.f)):
            return "regular"
        return classify(self.eigen()[0], curvature_tol)

    def curvature_shape(self) -> str:
        """What the quadratic model looks like here: bowl, dome, saddle or flat in some direction."""
        if not self.finite:
            return "undefined"
        return {"minimum": "bowl (H positive definite)", "maximum": "dome (H negative definite)",
                "saddle": "saddle (H indefinite)", "degenerate": "flat in some direction (H singular)"}[
            classify(self.eigen()[0])]

    def directional_derivative(self, direction: Any) -> float:
        """v·∇f for the unit vector along `direction`; nan for a zero direction."""
        v = np.asarray(direction, dtype=float)
        n = float(np.hypot(*v))
        with np.errstate(all="ignore"):  # ∇f may be infinite at the edge of f's domain: inf·0 is nan
            return float(v @ self.grad / n) if n > 0 else math.nan

    def curvature_along(self, direction: Any) -> float:
        """vᵀHv for the unit vector along `direction`."""
        v = np.asarray(direction, dtype=float)
        n = float(np.hypot(*v))
        with np.errstate(all="ignore"):
            return float(v @ self.hessian @ v / (n * n)) if n > 0 else math.nan

    def tangent_plane(self, x: Any, y: Any) -> np.ndarray:
        """f(p) + ∇f(p)·(q − p) at points q = (x, y) (broadcast)."""
        dx, dy = np.asarray(x, float) - self.x, np.asarray(y, float) - self.y
        return self.f + self.fx * dx + self.fy * dy

    def quadratic_model(self, x: Any, y: Any) -> np.ndarray:
        """f(p) + ∇f·d + ½ dᵀHd with d = q − p (broadcast)."""
        dx, dy = np.asarray(x, float) - self.x, np.asarray(y, float) - self.y
        return (self.f + self.fx * dx + self.fy * dy
                + 0.5 * (self.fxx * dx * dx + 2.0 * self.fxy * dx * dy + self.fyy * dy * dy))

    def stable_learning_rate(self) -> float:
        """2/λ_max: plain gradient descent on this quadratic model diverges for larger rates."""
        lam = float(np.max(self.eigen()[0]))
        return 2.0 / lam if lam > 0 else math.inf


def local_model(fn: Function, x: float, y: float) -> LocalModel:
    """The LocalModel of `fn` at (x, y), from its generated point code."""
    f, fx, fy, fxx, fxy, fyy = fn.point(float(x), float(y))
    return LocalModel(float(x), float(y), f, fx, fy, fxx, fxy, fyy)
