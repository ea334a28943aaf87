"""`descend`: run an optimizer on f(x, y) from a start point and keep the whole path."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

import numpy as np

from gradviz.data.data_function import DataFunction
from gradviz.descent.batches import BatchGradient
from gradviz.descent.loop import LoopFn, compile_loop
from gradviz.descent.optimizers import OPTIMIZERS, hyperparameters
from gradviz.descent.schedules import learning_rates
from gradviz.expr.function import Derived, Function

DEFAULT_BOUND = 1e8

_loops: WeakKeyDictionary[Derived, dict[str, LoopFn]] = WeakKeyDictionary()  # one per text, any parameters
_callback_loops: dict[str, LoopFn] = {}  # gradients from a callable: one per method


@dataclass(eq=False)
class Trajectory:
    """The iterates of one run.

    `points` has shape (k+1, 2) and starts at the start point; `values` (k+1,) and
    `grads` (k+1, 2) are f and ∇f there. `status` is "converged", "max_steps", "diverged", or
    "left_domain" (the last iterate is where f is nan or ±∞: the run stopped there);
    `stop_step` is k, the number of updates made.

    Computed on first use (so runs that do not need them pay nothing): `state`, the optimizer's
    buffers after each step as arrays (k+1, 2), row 0 the initial state (momentum and Nesterov:
    "b", torch's momentum_buffer; AdaGrad and RMSProp: "s", torch's sum / square_avg; Adam and
    AdamW: "m" and "v", exp_avg and exp_avg_sq; {} for gd and newton); `sharpness`, λmax of the
    Hessian at each iterate (k+1,); `lrs`, the learning rate of each step (k,).
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
    function: Function | None = field(default=None, repr=False)
    bound: float = DEFAULT_BOUND
    schedule: dict[str, Any] | None = None  # the learning-rate schedule, {"name": ..., params}; None: constant
    batch_size: int | None = None  # mini-batch size (None: full batch)
    seed: int = 0  # the shuffling seed of mini-batch runs
    batch_losses: np.ndarray | None = field(default=None, repr=False)  # loss on each step's batch (data only)
    _lrs: np.ndarray | None = field(default=None, repr=False)
    _state: dict[str, np.ndarray] | None = field(default=None, repr=False)
    _sharpness: np.ndarray | None = field(default=None, repr=False)

    @property
    def state(self) -> dict[str, np.ndarray]:
        if self._state is None:
            self._state = _record_state(self)
        return self._state

    @property
    def sharpness(self) -> np.ndarray:
        """λmax(∇²f(w_k)) at every iterate: the curvature that decides gradient descent's stability."""
        if self._sharpness is None:
            if self.function is None or len(self.points) == 0:
                self._sharpness = np.full(len(self.points), np.nan)
            else:
                _, _, _, fxx, fxy, fyy = self.function.derivatives(self.points[:, 0], self.points[:, 1])
                mean, half = 0.5 * (fxx + fyy), 0.5 * (fxx - fyy)
                with np.errstate(all="ignore"):
                    self._sharpness = mean + np.sqrt(half * half + fxy * fxy)
        return self._sharpness

    @property
    def lrs(self) -> np.ndarray:
        """The learning rate of each of the k steps (constant without a schedule)."""
        if self._lrs is not None:
            return self._lrs[: self.stop_step]
        return np.full(self.stop_step, self.lr)

    @property
    def end(self) -> np.ndarray:
        return self.points[-1]

    @property
    def diverged(self) -> bool:
        return self.status == "diverged"

    def __len__(self) -> int:
        return len(self.points)


def loop_for(fn: Function | None, method: str, record: bool = False, scheduled: bool = False) -> LoopFn:
    """The compiled descent loop of `fn` for `method` (recording the state or not, with a learning-rate
    schedule or not), built once per text and cached. Without `fn`: the loop that takes its gradient from
    a callable (see `loop_source`)."""
    per_fn = _callback_loops if fn is None else _loops.setdefault(fn.derived, {})
    key = f"{method}{'+state' if record else ''}{'+schedule' if scheduled else ''}"
    loop = per_fn.get(key)
    if loop is None:
        if method not in OPTIMIZERS:
            hyperparameters(method, {})  # raises the ValueError naming the methods
        loop = per_fn[key] = compile_loop(fn, method, record, scheduled)
    return loop


def _record_state(traj: Trajectory) -> dict[str, np.ndarray]:
    """Run the same descent again with the recording loop: the optimizer's buffers after each step."""
    opt = OPTIMIZERS[traj.method]
    if not opt.state or traj.function is None:
        return {}
    scheduled = traj._lrs is not None
    params: Any = traj.function.parameter_values
    if isinstance(traj.function, DataFunction):
        loop = loop_for(None, traj.method, record=True, scheduled=scheduled)
        params = BatchGradient(traj.function, traj.batch_size, traj.seed, opt.uses_hessian)  # the same batches again
    else:
        loop = loop_for(traj.function, traj.method, record=True, scheduled=scheduled)
    xs: list[float] = []
    ys: list[float] = []
    rows: list[tuple] = []
    state_arg = (rows, list(traj._lrs)) if scheduled else rows
    loop(traj.start[0], traj.start[1], traj.stop_step, float(traj.tol) ** 2, float(traj.bound), traj.lr, xs, ys,
         params, state_arg, *traj.hyper.values())
    table = np.array(rows, dtype=float).reshape(len(rows), -1)
    return {name: table[:, 2 * k: 2 * k + 2] for k, name in enumerate(opt.state)}


def check_run(start: Sequence[float], lr: float, steps: int) -> None:
    """ValueError naming what is wrong with a run's start point, learning rate or number of steps."""
    try:
        point = [float(v) for v in start]
    except (TypeError, ValueError):
        raise ValueError(f"start must be a point (x, y) of two numbers, got {start!r}") from None
    if len(point) != 2 or not all(math.isfinite(v) for v in point):
        raise ValueError(f"start must be a point (x, y) of two finite numbers, got {tuple(start)!r}")
    try:
        rate = float(lr)
    except (TypeError, ValueError):
        rate = math.nan
    if not (math.isfinite(rate) and rate > 0):
        raise ValueError(f"lr must be a positive number (torch refuses lr ≤ 0: a negative one would climb), got {lr!r}")
    if steps < 0:
        raise ValueError(f"steps must be >= 0, got {steps}")


def point_derivatives(fn: Any, hessian: bool) -> Any:
    """(x, y) -> (f_x, f_y) (and f_xx, f_xy, f_yy with `hessian`) as floats, from any f of two variables."""
    if hessian:
        return lambda x, y: tuple(float(v) for v in fn.derivatives(x, y)[1:])
    point = fn.point_grad
    return lambda x, y: point(x, y)[1:]


def descend(fn: Function, start: Sequence[float], method: str = "gd", lr: float = 0.01,
            steps: int = 1000, tol: float = 0.0, bound: float = DEFAULT_BOUND,
            schedule: dict[str, Any] | str | None = None, batch_size: int | None = None, seed: int = 0,
            **hyper: Any) -> Trajectory:
    """Run `method` from `start` for at most `steps` updates; see `Trajectory`.

    With tol=0 every step runs unless the run diverges (non-finite gradient, or |x| or |y|
    beyond `bound`) or leaves f's domain: the first iterate where f is nan or ±∞ ends the run
    there, with status "left_domain". Hyperparameters are torch's (momentum, betas/beta1/beta2,
    eps, alpha, weight_decay) and `damping` for Newton. Raises ValueError for an unknown method or
    hyperparameter.

    For a loss on data (`gradviz.parse(text, data=...)`), `batch_size` rows are drawn per step,
    reshuffled each epoch from `seed` (see `batch_rows`): the same seed repeats a run bit for bit, and
    None (or every row) is full-batch descent. `traj.batch_losses` holds each step's batch loss;
    `traj.values` the full-batch loss at each iterate.
    """
    values = hyperparameters(method, hyper)
    check_run(start, lr, steps)
    lrs = None
    if schedule is not None:
        lrs = learning_rates(schedule, float(lr), int(steps))  # ValueError for a bad schedule
        schedule = {"name": schedule} if isinstance(schedule, str) else dict(schedule)
    batches = None
    params: Any = fn.parameter_values
    if isinstance(fn, DataFunction):
        batches = params = BatchGradient(fn, batch_size, seed, OPTIMIZERS[method].uses_hessian)
        loop = loop_for(None, method, scheduled=lrs is not None)
    elif batch_size is not None:
        raise ValueError("batch_size needs a loss on data: gradviz.parse(text, data=...)")
    elif not isinstance(fn, Function):  # another f of two variables (a landscape slice): its own derivatives
        params = point_derivatives(fn, OPTIMIZERS[method].uses_hessian)
        loop = loop_for(None, method, scheduled=lrs is not None)
    else:
        loop = loop_for(fn, method, scheduled=lrs is not None)
    xs: list[float] = []
    ys: list[float] = []
    x0, y0 = float(start[0]), float(start[1])
    stop, status = loop(x0, y0, int(steps), float(tol) ** 2, float(bound), float(lr), xs, ys,
                        params, (None, list(lrs)) if lrs is not None else None, *values.values())
    # full batch on data: f and ∇f at every iterate are what the run computed (no second pass over the rows)
    evaluated = batches.evaluated(len(xs)) if batches is not None else None
    traj = finish(fn, method, (x0, y0), float(lr), values, np.column_stack([xs, ys]) if xs else np.empty((0, 2)),
                  status, stop, float(tol), float(bound), schedule, batch_size, int(seed), lrs, evaluated)
    if batches is not None:
        traj.batch_losses = np.array(batches.losses[: len(traj.points)])
    return traj


POINT_BY_POINT = 8  # iterates up to this many are evaluated by the point kernel: a 12-term f's grid kernel spends
# 77 µs on NumPy's per-call overhead for two points, its point kernel 2 × 5 µs (a new f shows 75 one-step previews)


def finish(fn: Function, method: str, start: tuple[float, float], lr: float, hyper: dict[str, float],
           points: np.ndarray, status: str, stop: int, tol: float, bound: float, schedule: dict[str, Any] | None,
           batch_size: int | None, seed: int, lrs: np.ndarray | None,
           evaluated: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None) -> Trajectory:
    """The Trajectory of a run's iterates `points` (k+1, 2): f and ∇f at each (full batch, unless `evaluated`
    gives them), cut at the first iterate outside f's domain (status "left_domain")."""
    if evaluated is not None:
        f, gx, gy = evaluated
    elif isinstance(fn, Function) and len(points) <= POINT_BY_POINT:  # a path's first step: no NumPy call overhead
        point = fn.point_grad
        f, gx, gy = np.array([point(float(x), float(y)) for x, y in points], dtype=np.float64).reshape(-1, 3).T
    else:
        f, gx, gy = fn.value_and_grad(points[:, 0], points[:, 1])
    outside = np.flatnonzero(~np.isfinite(f))
    # nan anywhere, or ±∞ before the last iterate: the path left f's domain (∞ at the very end is divergence)
    if len(outside) and (outside[0] < len(f) - 1 or np.isnan(f[outside[0]]) or status != "diverged"):
        k = int(outside[0])  # the first iterate outside f's domain: the run ends there
        points, f, gx, gy = points[: k + 1], f[: k + 1], gx[: k + 1], gy[: k + 1]
        stop, status = k, "left_domain"
    return Trajectory(method, start, lr, hyper, points, f, np.column_stack([gx, gy]), status, stop, tol,
                      fn.variables, fn.parameters, fn, bound, schedule, batch_size, seed, None, lrs)


def starts_only(fn: Function, runs: Sequence[tuple[tuple[float, float], str, float, dict[str, float]]],
                tol: float = 0.0, bound: float = DEFAULT_BOUND) -> list[Trajectory]:
    """Each run (start, method, lr, hyperparameters) as its start point alone, no step taken, f and ∇f there
    evaluated for all runs in one vectorised call: what many paths show before they are computed (a 12-term f's
    one-step preview cost ~100 µs a path, 77 ms for 256 start points × 3 methods)."""
    if not runs:
        return []
    xy = np.array([start for start, _, _, _ in runs], dtype=np.float64).reshape(-1, 2)
    f, gx, gy = (np.asarray(v, dtype=np.float64) for v in fn.value_and_grad(xy[:, 0], xy[:, 1]))
    return [finish(fn, method, (float(xy[k, 0]), float(xy[k, 1])), float(lr), hyperparameters(method, hyper),
                   xy[k:k + 1], "max_steps", 0, float(tol), float(bound), None, None, 0, None,
                   (f[k:k + 1], gx[k:k + 1], gy[k:k + 1]))
            for k, (_, method, lr, hyper) in enumerate(runs)]


def descend_many(fn: Function, starts: Iterable[Sequence[float]], methods: Iterable[str],
                 settings: dict[str, dict[str, Any]] | None = None, **common: Any) -> list[Trajectory]:
    """Every method from every start: a list ordered by method, then start.

    `settings[method]` holds per-method keyword arguments (lr, hyperparameters);
    `common` applies to all (steps, tol, bound, lr).
    """
    settings = settings or {}
    starts = list(starts)
    return [descend(fn, s, m, **{**common, **settings.get(m, {})}) for m in methods for s in starts]
