"""The descent part of the scene: start points, which optimizers run with which settings,
the trajectories (cached per start point and method) and the playback step."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from gradviz.descent.optimizers import OPTIMIZERS, hyperparameters
from gradviz.descent.trajectory import Trajectory, descend
from gradviz.expr.function import Function
from gradviz.model import limits
from gradviz.model.signal import Signal

METHODS = tuple(OPTIMIZERS)
DEFAULT_LR = {name: opt.default_lr for name, opt in OPTIMIZERS.items()}
MAX_STEPS = limits.MAX_STEPS


@dataclass(frozen=True)
class StartPoint:
    x: float
    y: float
    key: int  # stable identity (and colour) while the point is dragged


@dataclass(frozen=True)
class MethodSettings:
    enabled: bool
    lr: float
    hyper: tuple[tuple[str, float], ...]  # the method's torch hyperparameters

    @property
    def hyper_dict(self) -> dict[str, float]:
        return dict(self.hyper)


SCALE_FREE = {name for name, opt in OPTIMIZERS.items() if opt.scale_free}  # lr needs no rescaling per f


def default_methods(lr_scale: float = 1.0) -> dict[str, MethodSettings]:
    """Gradient descent, momentum and Adam on; learning rates scaled for the function's steepness."""
    on = {"gd", "momentum", "adam"}
    return {m: MethodSettings(m in on, DEFAULT_LR[m] * (1.0 if m in SCALE_FREE else lr_scale),
                              tuple(OPTIMIZERS[m].hyper.items())) for m in METHODS}


@dataclass
class DescentState:
    """Start points, optimizer settings and the trajectories they give on a function."""

    starts: list[StartPoint] = field(default_factory=list)
    methods: dict[str, MethodSettings] = field(default_factory=default_methods)
    steps: int = limits.DEFAULT_STEPS
    tol: float = limits.DEFAULT_TOL
    playback: int | None = None  # the step shown by playback, None for the whole paths

    def __post_init__(self) -> None:
        self.starts_changed = Signal("starts")  # ()
        self.settings_changed = Signal("descent settings")  # (method or None)
        self.trajectories_changed = Signal("trajectories")  # ()
        self.playback_changed = Signal("playback")  # (step or None)
        self._cache: dict[tuple, Trajectory] = {}
        self._next_key = 0
        self._function: Function | None = None
        self._bound = 1e8

    # ----- start points -----
    def add_start(self, x: float, y: float) -> StartPoint:
        if not (math.isfinite(x) and math.isfinite(y)):
            raise ValueError("a start point needs finite coordinates")
        point = StartPoint(float(x), float(y), self._next_key)
        self._next_key += 1
        self.starts.append(point)
        self._changed_starts()
        return point

    def move_start(self, key: int, x: float, y: float) -> None:
        for i, p in enumerate(self.starts):
            if p.key == key:
                if (p.x, p.y) == (x, y) or not (math.isfinite(x) and math.isfinite(y)):
                    return
                self.starts[i] = replace(p, x=float(x), y=float(y))
                self._changed_starts()
                return
        raise KeyError(f"no start point {key}")

    def remove_start(self, key: int) -> None:
        before = len(self.starts)
        self.starts = [p for p in self.starts if p.key != key]
        if len(self.starts) != before:
            self._changed_starts()

    def set_starts(self, points: list[tuple[float, float]]) -> None:
        """Replace every start point (their colours start again from the first)."""
        self.starts = []
        self._next_key = 0
        for x, y in points:
            self.starts.append(StartPoint(float(x), float(y), self._next_key))
            self._next_key += 1
        self._changed_starts()

    def _changed_starts(self) -> None:
        self.starts_changed.emit()
        self.trajectories_changed.emit()

    # ----- optimizer settings -----
    def set_method(self, method: str, enabled: bool | None = None, lr: float | None = None,
                   **hyper: float) -> None:
        """Change one optimizer: on/off, learning rate, hyperparameters (validated by name)."""
        current = self.methods[method]
        values = hyperparameters(method, {**current.hyper_dict, **hyper})
        if lr is not None and not (lr > 0 and math.isfinite(lr)):
            raise ValueError("the learning rate must be a positive number")
        for name, v in values.items():
            if not math.isfinite(v) or v < 0:
                raise ValueError(f"{name} must be a finite number ≥ 0")
        new = MethodSettings(current.enabled if enabled is None else bool(enabled),
                             current.lr if lr is None else float(lr), tuple(values.items()))
        if new == current:
            return
        self.methods[method] = new
        self.settings_changed.emit(method)
        self.trajectories_changed.emit()

    def set_run(self, steps: int | None = None, tol: float | None = None) -> None:
        """Steps per run (1 … 100 000) and the stopping tolerance on |∇f| (0: run every step)."""
        steps = self.steps if steps is None else int(steps)
        tol = self.tol if tol is None else float(tol)
        if not 1 <= steps <= MAX_STEPS:
            raise ValueError(f"steps must be between 1 and {MAX_STEPS}")
        if not (tol >= 0 and math.isfinite(tol)):
            raise ValueError("the tolerance must be a number ≥ 0")
        if (steps, tol) == (self.steps, self.tol):
            return
        self.steps, self.tol = steps, tol
        if self.playback is not None and self.playback > steps:
            self.set_playback(steps)
        self.settings_changed.emit(None)
        self.trajectories_changed.emit()

    def reset_methods(self, lr_scale: float = 1.0) -> None:
        self.methods = default_methods(lr_scale)
        self.settings_changed.emit(None)
        self.trajectories_changed.emit()

    @property
    def enabled_methods(self) -> list[str]:
        return [m for m in METHODS if self.methods[m].enabled]

    # ----- trajectories -----
    def use_function(self, fn: Function, domain: tuple[float, float, float, float], announce: bool = True) -> None:
        """The function and domain that trajectories run on (diverged: 100 domain-widths away).

        With announce=False the caller emits trajectories_changed itself (after the views have
        the new function, so that nothing draws new paths over an old surface)."""
        xmin, xmax, ymin, ymax = domain
        span = max(xmax - xmin, ymax - ymin)
        self._bound = max(abs(xmin), abs(xmax), abs(ymin), abs(ymax)) + 100.0 * span
        if fn is not self._function:
            self._function = fn
            self._cache.clear()
        if announce:
            self.trajectories_changed.emit()

    def trajectory(self, start: StartPoint, method: str) -> Trajectory:
        s = self.methods[method]
        key = (id(self._function), start.x, start.y, method, s.lr, s.hyper, self.steps, self.tol, self._bound)
        traj = self._cache.get(key)
        if traj is None:
            traj = descend(self._function, (start.x, start.y), method, lr=s.lr, steps=self.steps, tol=self.tol,
                           bound=self._bound, **s.hyper_dict)
            if len(self._cache) > 512:
                self._cache.clear()
            self._cache[key] = traj
        return traj

    def trajectories(self) -> list[tuple[StartPoint, str, Trajectory]]:
        """Every enabled method from every start point (cached: only what changed is recomputed)."""
        if self._function is None:
            return []
        return [(p, m, self.trajectory(p, m)) for m in self.enabled_methods for p in self.starts]

    # ----- playback -----
    def set_playback(self, step: int | None) -> None:
        step = None if step is None else max(0, min(int(step), self.steps))
        if step == self.playback:
            return
        self.playback = step
        self.playback_changed.emit(step)
