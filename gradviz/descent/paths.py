"""`descend_paths`: many start points of one loss on data advanced together, vectorised over the paths.

Each step evaluates the mini-batch gradient at every path's iterate in one NumPy pass, then applies the
optimizer's own update lines (its registry entry) to arrays. Every path sees the batches that `descend`
with the same seed would give it, so each result matches that path run alone (to rounding).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from gradviz.data.data_function import BLOCK, DataFunction
from gradviz.descent.batches import batch_rows
from gradviz.descent.optimizers import OPTIMIZERS, hyperparameters
from gradviz.descent.schedules import learning_rates
from gradviz.descent.trajectory import DEFAULT_BOUND, Trajectory, check_run, descend, finish

_compiled: dict[str, Any] = {}


def _runner(method: str) -> Any:
    """`run(x, y, steps, lr, LRS, grad, <hyperparameters>) -> (xs, ys)` for arrays x, y of the paths."""
    if method not in _compiled:
        opt = OPTIMIZERS[method]
        hyper = "".join(f", {h}" for h in opt.hyper)
        init = "\n    ".join(opt.init) or "pass"
        update = "\n        ".join(opt.update)
        source = f"""def run(x, y, steps, lr, LRS, grad{hyper}):
    {init}
    xs = [x.copy()]
    ys = [y.copy()]
    for t in range(1, steps + 1):
        gx, gy = grad(x, y)
        if LRS is not None:
            lr = LRS[t - 1]
        {update}
        xs.append(x.copy())
        ys.append(y.copy())
    return xs, ys
"""
        scope: dict[str, Any] = {"_sqrt": np.sqrt}
        exec(compile(source, f"<gradviz {method} paths>", "exec"), scope)  # noqa: S102 (generated from the registry)
        _compiled[method] = scope["run"]
    return _compiled[method]


def descend_paths(fn: DataFunction, starts: Iterable[Sequence[float]], method: str = "gd", lr: float = 0.01,
                  steps: int = 1000, batch_size: int | None = None, seed: int = 0,
                  schedule: dict[str, Any] | str | None = None, bound: float = DEFAULT_BOUND,
                  full_loss: bool = True, **hyper: Any) -> list[Trajectory]:
    """One Trajectory per start, as `descend(fn, start, method, ...)` gives with tol = 0, computed together.

    `full_loss=False` skips the full-batch loss and gradient at every iterate, whose cost grows with the
    rows: `values` and `grads` are then each step's mini-batch ones (those the step used).

    A path is cut at its first iterate beyond `bound` or with a non-finite gradient ("diverged"), or
    outside f's domain ("left_domain"). Newton (a 2×2 solve per path) runs path by path through `descend`.
    """
    starts = np.array([tuple(map(float, s)) for s in starts], dtype=float).reshape(-1, 2)
    if OPTIMIZERS.get(method) is not None and OPTIMIZERS[method].uses_hessian:
        return [descend(fn, s, method, lr=lr, steps=steps, batch_size=batch_size, seed=seed,
                        schedule=schedule, bound=bound, **hyper) for s in starts]
    values = hyperparameters(method, hyper)
    for start in starts:
        check_run(start, lr, steps)
    if not isinstance(fn, DataFunction):
        raise TypeError("descend_paths needs a loss on data (gradviz.parse(text, data=...)); use descend_many")
    if batch_size is not None and (int(batch_size) != batch_size or batch_size < 1):
        raise ValueError(f"batch_size must be a whole number >= 1 (or None for full batch), got {batch_size!r}")
    lrs = learning_rates(schedule, float(lr), int(steps)) if schedule is not None else None
    spec = None if schedule is None else ({"name": schedule} if isinstance(schedule, str) else dict(schedule))
    batches = batch_rows(fn.rows, None if batch_size is None else int(batch_size), int(seed))
    losses: list[np.ndarray] = []
    gxs: list[np.ndarray] = []
    gys: list[np.ndarray] = []

    evaluate = fn.batch_evaluator(1)
    small = len(starts) * min(fn.rows, batch_size or fn.rows) <= BLOCK  # else in blocks, memory bounded

    def grad(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        rows = next(batches)
        f, gx, gy = evaluate(x, y, rows) if small else fn._evaluate(1, x, y, rows, trusted=True)
        losses.append(f)
        gxs.append(gx)
        gys.append(gy)
        return gx, gy

    with np.errstate(all="ignore"):
        xs, ys = _runner(method)(starts[:, 0].copy(), starts[:, 1].copy(), int(steps), float(lr),
                                 None if lrs is None else list(lrs), grad, *values.values())
        grad(xs[-1], ys[-1])  # the last iterate's batch, as descend evaluates it to decide the stop
        xs_a, ys_a = np.array(xs), np.array(ys)  # (steps + 1, paths)
        batch_f, batch_gx, batch_gy = np.array(losses), np.array(gxs), np.array(gys)
        g2 = batch_gx * batch_gx + batch_gy * batch_gy
    trajectories = []
    for p, start in enumerate(starts):
        x, y = xs_a[:, p], ys_a[:, p]
        bad = ~(np.isfinite(x) & np.isfinite(y) & (np.abs(x) < bound) & (np.abs(y) < bound))
        bad |= ~np.isfinite(g2[:, p])
        first = int(np.argmax(bad)) if bad.any() else -1
        end = len(x) - 1 if first < 0 else first
        status = "max_steps" if first < 0 else "diverged"
        evaluated = None if full_loss else (batch_f[: end + 1, p], batch_gx[: end + 1, p], batch_gy[: end + 1, p])
        traj = finish(fn, method, (float(start[0]), float(start[1])), float(lr), values,
                      np.column_stack([x[: end + 1], y[: end + 1]]), status, end, 0.0, float(bound), spec,
                      batch_size, int(seed), lrs, evaluated)
        traj.batch_losses = batch_f[: len(traj.points), p].copy()
        trajectories.append(traj)
    return trajectories
