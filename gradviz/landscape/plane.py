"""`Landscape`: the loss on a plane through θ, f(α, β) = L(θ + α d₁ + β d₂), a function of two numbers with its
exact gradient and Hessian on the plane (projections of the full ones, from the network's autodiff)."""

from __future__ import annotations

from typing import Any

import numpy as np

from gradviz.landscape.grid_chunks import Progress, grid_losses, plane_points
from gradviz.network import Network


class Landscape:
    """A slice of a network's loss. `center` is θ, `directions` (d₁, d₂); `explained_variance` the two PCA
    components' shares of the trajectory's variance (None for other planes); `kind` how the plane was made."""

    def __init__(self, net: Network, center: np.ndarray, d1: np.ndarray, d2: np.ndarray, kind: str,
                 explained_variance: np.ndarray | None = None) -> None:
        self.net = net
        self.center = np.asarray(center, dtype=np.float64).copy()
        self.directions = (np.asarray(d1, dtype=np.float64).copy(), np.asarray(d2, dtype=np.float64).copy())
        self.kind = kind
        self.explained_variance = explained_variance

    def point(self, alpha: float, beta: float) -> np.ndarray:
        """θ + α d₁ + β d₂."""
        d1, d2 = self.directions
        return self.center + float(alpha) * d1 + float(beta) * d2

    def points(self, alphas: np.ndarray, betas: np.ndarray) -> np.ndarray:
        """θ + αd₁ + βd₂ for each pair of the vectors `alphas`, `betas`: (len(alphas), size)."""
        return plane_points(self.center, *self.directions, alphas, betas)

    def __call__(self, alpha: Any, beta: Any) -> Any:
        """f(α, β); arrays of α and β (broadcast together) give an array of losses, computed batched."""
        a, b = np.broadcast_arrays(np.asarray(alpha, dtype=np.float64), np.asarray(beta, dtype=np.float64))
        if a.ndim == 0:
            return self.net.loss(self.point(a, b))
        return self.net.losses(self.points(a.ravel(), b.ravel())).reshape(a.shape)

    def grad(self, alpha: float, beta: float) -> np.ndarray:
        """(∂f/∂α, ∂f/∂β) = (d₁·∇L, d₂·∇L) at the point."""
        g = self.net.grad(self.point(alpha, beta))
        return np.array([self.directions[0] @ g, self.directions[1] @ g])

    def hessian(self, alpha: float, beta: float) -> np.ndarray:
        """[[d₁ᵀHd₁, d₁ᵀHd₂], [d₂ᵀHd₁, d₂ᵀHd₂]] at the point, from two exact Hessian-vector products."""
        theta = self.point(alpha, beta)
        d1, d2 = self.directions
        h1, h2 = self.net.hvp(theta, d1), self.net.hvp(theta, d2)
        off = 0.5 * (d2 @ h1 + d1 @ h2)
        return np.array([[d1 @ h1, off], [off, d2 @ h2]])

    def grid(self, alphas: Any, betas: Any, client: Any = None, progress: Progress | None = None) -> np.ndarray:
        """Losses of shape (len(alphas), len(betas)), a grid row per chunk; `client` (a dask.distributed Client)
        runs the chunks on its cluster, giving the same numbers."""
        d1, d2 = self.directions
        return grid_losses(self.net, self.center, d1, d2, alphas, betas, client, progress)

    def project(self, thetas: Any) -> tuple[np.ndarray, np.ndarray]:
        """((k, 2) plane coordinates (α, β) of each θ_k: the least-squares fit of θ_k − θ by α d₁ + β d₂), and
        (k,) each one's distance off the plane."""
        thetas = np.atleast_2d(np.asarray(thetas, dtype=np.float64))
        if thetas.shape[1] != self.net.size:
            raise ValueError(f"thetas must have {self.net.size} columns (the weights), got shape {thetas.shape}")
        basis = np.column_stack(self.directions)
        offsets = (thetas - self.center).T
        coords, *_ = np.linalg.lstsq(basis, offsets, rcond=None)
        distances = np.linalg.norm(offsets - basis @ coords, axis=0)
        return coords.T, distances

    def __repr__(self) -> str:
        return f"<gradviz Landscape: {self.kind} plane through {self.net.size:,} weights>"
