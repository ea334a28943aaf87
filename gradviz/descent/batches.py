"""Mini-batches for stochastic descent: which rows each step sees, and the gradient over them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np


def batch_rows(rows: int, batch_size: int | None, seed: int = 0) -> Iterator[np.ndarray | None]:
    """Row indices of successive mini-batches, forever.

    Each epoch is a new permutation from `numpy.random.default_rng(seed)`, cut into batches of
    `batch_size` (the last one smaller when the rows do not divide evenly, as torch's DataLoader with
    shuffle=True, drop_last=False). None (every row, in order) when `batch_size` is None or ≥ `rows`,
    so that such a run is exactly full-batch descent.
    """
    if batch_size is None or batch_size >= rows:
        while True:
            yield None
    rng = np.random.default_rng(seed)
    while True:
        order = rng.permutation(rows)
        for start in range(0, rows, batch_size):
            yield order[start: start + batch_size]


class BatchGradient:
    """(w, b) -> the mini-batch gradient (and Hessian for Newton), one batch per call, in order.

    `losses` collects each batch's loss, `epochs` the epoch (fraction of passes over the data) of each call.
    """

    def __init__(self, fn: Any, batch_size: int | None, seed: int, hessian: bool) -> None:
        if batch_size is not None and (int(batch_size) != batch_size or batch_size < 1):
            raise ValueError(f"batch_size must be a whole number >= 1 (or None for full batch), got {batch_size!r}")
        self.fn = fn
        self.order = 2 if hessian else 1
        self.batches = batch_rows(fn.rows, None if batch_size is None else int(batch_size), int(seed))
        self._evaluate = fn.batch_evaluator(self.order)  # straight to the generated code: trusted rows
        self.losses: list[float] = []
        self.grads: list[tuple[float, float]] = []  # each call's gradient (full batch: ∇f at each iterate)
        self.full_batch = batch_size is None or batch_size >= fn.rows
        self.seen: list[int] = []
        self._count = 0

    def __call__(self, x: float, y: float) -> tuple[float, ...]:
        rows = next(self.batches)
        with np.errstate(all="ignore"):
            values = self._evaluate(np.float64(x), np.float64(y), rows)
        self.losses.append(float(values[0]))
        out = tuple(float(v) for v in values[1:])
        self.grads.append(out[:2])
        self._count += self.fn.rows if rows is None else len(rows)
        self.seen.append(self._count)
        return out

    def evaluated(self, count: int) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """In full batch, (f, fx, fy) at the first `count` iterates as the run computed them (the same values as
        evaluating f there again); None with mini-batches or when the run did not evaluate them all."""
        if not self.full_batch or len(self.losses) < count:
            return None
        g = np.array(self.grads[:count], dtype=np.float64).reshape(-1, 2)
        return np.array(self.losses[:count], dtype=np.float64), g[:, 0], g[:, 1]
