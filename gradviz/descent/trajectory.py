"""`descend`: run an optimizer on f(x, y) from a start point and keep the whole path."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

import numpy as np

from gradviz.descent.loop import LoopFn, compile_loop
from gradviz.descent.optimizers import OPTIMIZERS, hyperparameters
from gradviz.expr.function import Derived, Function

DEFAULT_BOUND = 1e8

_loops: WeakKeyDictionary[Derived, dict[str, LoopFn]] = WeakKeyDictionary()  # one per text, any parameters


@dataclass(eq=False)
class Trajectory:
    """The iterates of one run.

    `points` has shape (k+1, 2) and starts at the start point; `values` (k+1,) and
    `grads` (k+1, 2) are f and ∇f there. `status` is "converged", "max_steps" or
    "diverged"; `stop_step` is k, the number of updates made.
    """

    method: str
    start: tuple[float, float]
    lr: float
    hyper: dict[str, float]
    points: np.ndarray
    values: np.ndarray
    grads: np.ndarray
    status: str
    stop_step: int
    tol: float = 0.0
    variables: tuple[str, str] = ("x", "y")  # f's variable names
    parameters: dict[str, float] = field(default_factory=dict)  # f's parameter values for this run

    @property
    def end(self) -> np.ndarray:
        return self.points[-1]

    @property
    def diverged(self) -> bool:
        return self.status == "diverged"

    def __len__(self) -> int:
        return len(self.points)


def loop_for(fn: Function, method: str) -> LoopFn:
    """The compiled descent loop of `fn` for `method`, built once per text and cached."""
    per_fn = _loops.setdefault(fn.derived, {})
    loop = per_fn.get(method)
    if loop is None:
        if method not in OPTIMIZERS:
            hyperparameters(method, {})  # raises the ValueError naming the methods
        loop = per_fn[method] = compile_loop(fn, method)
    return loop


def descend(fn: Function, start: Sequence[float], method: str = "gd", lr: float = 0.01,
            steps: int = 1000, tol: float = 0.0, bound: float = DEFAULT_BOUND,
            **hyper: Any) -> Trajectory:
    """Run `method` from `start` for at most `steps` updates; see `Trajectory`.

    With tol=0 every step runs unless the run diverges (non-finite gradient, or |x| or |y|
    beyond `bound`). Hyperparameters are torch's (momentum, betas/beta1/beta2, eps, alpha)
    and `damping` for Newton. Raises ValueError for an unknown method or hyperparameter.
    """
    values = hyperparameters(method, hyper)
    if steps < 0:
        raise ValueError(f"steps must be >= 0, got {steps}")
    loop = loop_for(fn, method)
    xs: list[float] = []
    ys: list[float] = []
    x0, y0 = float(start[0]), float(start[1])
    stop, status = loop(x0, y0, int(steps), float(tol) ** 2, float(bound), float(lr), xs, ys,
                        fn.parameter_values, *values.values())
    points = np.column_stack([xs, ys]) if xs else np.empty((0, 2))
    f, gx, gy = fn.value_and_grad(points[:, 0], points[:, 1])
    return Trajectory(method, (x0, y0), float(lr), values, points, f, np.column_stack([gx, gy]),
                      status, stop, float(tol), fn.variables, fn.parameters)


def descend_many(fn: Function, starts: Iterable[Sequence[float]], methods: Iterable[str],
                 settings: dict[str, dict[str, Any]] | None = None, **common: Any) -> list[Trajectory]:
    """Every method from every start: a list ordered by method, then start.

    `settings[method]` holds per-method keyword arguments (lr, hyperparameters);
    `common` applies to all (steps, tol, bound, lr).
    """
    settings = settings or {}
    starts = list(starts)
    return [descend(fn, s, m, **{**common, **settings.get(m, {})}) for m in methods for s in starts]
