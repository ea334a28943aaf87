"""The top eigenvalues of a symmetric operator known only by its products (Hessian-vector products), by Lanczos,
and its trace by Hutchinson's estimator: PyHessian's two methods, on any `matvec`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

MatVec = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Eigenvalues:
    """The k largest eigenvalues, decreasing (`values`), their Ritz vectors (`vectors`, shape (k, n)), the number
    of matrix-vector products used, and whether every residual fell below the tolerance."""

    values: np.ndarray
    vectors: np.ndarray
    products: int
    converged: bool


def lanczos_top(matvec: MatVec, n: int, k: int = 1, seed: int = 0, tol: float = 1e-7,
                max_products: int | None = None, start: np.ndarray | None = None) -> Eigenvalues:
    """The `k` algebraically largest eigenvalues of the symmetric n × n operator `matvec`.

    Lanczos with full reorthogonalisation from a seeded Gaussian start. It stops when each wanted Ritz pair's
    residual |β ŝ_m| is at most `tol` × |θ_max| (the eigenvalue's error is then about residual²/gap, far
    smaller), when the Krylov space is invariant, or after `max_products` (default min(n, 300)) products.
    `start` (e.g. the previous top eigenvector, when tracking it along training) replaces the random start."""
    if not 1 <= k <= n:
        raise ValueError(f"k must be between 1 and the size {n}, got {k}")
    limit = min(n, 300) if max_products is None else min(n, int(max_products))
    rng = np.random.default_rng(seed)
    q = rng.standard_normal(n) if start is None else np.asarray(start, dtype=np.float64) + 1e-3 * rng.standard_normal(n)
    basis = np.empty((limit, n))
    basis[0] = q / np.linalg.norm(q)
    alphas: list[float] = []
    betas: list[float] = []
    theta = s = None
    converged = False
    for j in range(limit):
        w = np.asarray(matvec(basis[j]), dtype=np.float64)
        alphas.append(float(w @ basis[j]))
        for _ in range(2):  # twice is enough (Kahan's "twice is enough")
            w -= basis[: j + 1].T @ (basis[: j + 1] @ w)
        beta = float(np.linalg.norm(w))
        tri = np.diag(alphas) + np.diag(betas, 1) + np.diag(betas, -1)
        theta, s = np.linalg.eigh(tri)
        if j + 1 >= k:
            top = np.abs(theta[-k:]).max()
            residual = np.abs(beta * s[-1, -k:])
            if np.all(residual <= tol * max(top, np.finfo(float).tiny)):
                converged = True
                break
        if beta <= 1e-12 * max(abs(theta[-1]), abs(theta[0]), 1e-300):
            converged = j + 1 >= k
            break
        if j + 1 < limit:
            betas.append(beta)
            basis[j + 1] = w / beta
    m = len(alphas)
    order = np.argsort(theta)[::-1][:k]
    vectors = (basis[:m].T @ s[:, order]).T
    return Eigenvalues(theta[order].copy(), vectors, m, converged)


def hutchinson_trace(matvec: MatVec, n: int, samples: int = 100, seed: int = 0) -> tuple[float, float]:
    """(estimate, standard error) of the trace: the mean of zᵀAz over `samples` seeded Rademacher vectors z."""
    if samples < 2:
        raise ValueError(f"Hutchinson's estimate needs at least 2 samples, got {samples}")
    rng = np.random.default_rng(seed)
    values = np.empty(samples)
    for i in range(samples):
        z = rng.choice((-1.0, 1.0), size=n)
        values[i] = z @ matvec(z)
    return float(values.mean()), float(values.std(ddof=1) / np.sqrt(samples))
