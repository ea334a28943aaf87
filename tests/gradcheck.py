"""Finite-difference checks for tests: the independent route to every derivative."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def numerical_grad(f: Callable[[np.ndarray], object], x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Central differences of f at x: shape f(x).shape + x.shape (x.shape for scalar f)."""
    x = np.asarray(x, dtype=float)
    out_shape = np.shape(f(x))
    g = np.zeros(out_shape + x.shape)
    for idx in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[idx] = h
        g[(...,) + idx] = (np.asarray(f(x + e)) - np.asarray(f(x - e))) / (2 * h)
    return g


def assert_grad_matches(f: Callable, grad_f: Callable, x: np.ndarray, rtol: float = 1e-6,
                        atol: float = 1e-7, h: float = 1e-6) -> None:
    """Assert grad_f(x) equals central differences of f at x."""
    expected = numerical_grad(lambda z: float(f(z)), x, h)
    np.testing.assert_allclose(np.asarray(grad_f(x)), expected, rtol=rtol, atol=atol)
