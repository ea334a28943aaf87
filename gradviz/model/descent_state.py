"""The descent part of the scene: start points, which optimizers run with which settings,
the trajectories (cached per start point and method) and the playback step.

With a `hand_out` (the scene's, when a window runs its work), the paths that do not fit in INLINE_SECONDS are shown
by their first steps at once and computed whole off the GUI thread; `accept_paths` takes them back."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from gradviz.descent.optimizers import OPTIMIZERS, hyperparameters
from gradviz.descent.trajectory import Trajectory, descend, starts_only
from gradviz.expr.function import Function
from gradviz.model import limits
from gradviz.model.signal import Signal

METHODS = tuple(OPTIMIZERS)
DEFAULT_LR = {name: opt.default_lr for name, opt in OPTIMIZERS.items()}
MAX_STEPS = limits.MAX_STEPS
INLINE_SECONDS = 0.012  # paths computed at once, within a frame; the rest are previewed and handed out
TICK_SECONDS = 0.004  # the same for a parameter's tick: a dragged slider sends one a frame, and the views redraw too
PREVIEW_STEPS = 40  # the first steps of a path handed out (fewer on a loss over many rows)
PREVIEW_ROW_STEPS = 200_000  # a preview evaluates at most about this many rows, summed over its steps


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
        self._previews: dict[tuple, tuple[Trajectory, float]] = {}  # first steps, and the whole path's seconds
        self._handed: frozenset = frozenset()  # the keys of the paths job on its way
        self._next_key = 0
        self._function: Function | None = None
        self._bound = 1e8
        self.hand_out: Callable[[str, Callable[[Any], Any]], Any] | None = None  # set by the scene (see module)
        self.inline_seconds = INLINE_SECONDS
        self._budget = INLINE_SECONDS  # what is left of it for this change (every view asks for the paths)
        self._budget_held = False  # a tick's budget is set: the trajectories' signal that follows keeps it
        self.trajectories_changed.connect(self._new_change)  # first: before any view asks

    def _new_change(self) -> None:
        if not self._budget_held:
            self._budget = self.inline_seconds
        self._budget_held = False

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
    def use_function(self, fn: Function, domain: tuple[float, float, float, float], announce: bool = True,
                     tick: bool = False) -> None:
        """The function and domain that trajectories run on (diverged: 100 domain-widths away).

        With announce=False the caller emits trajectories_changed itself (after the views have
        the new function, so that nothing draws new paths over an old surface). `tick`: f is the same with other
        parameter values, and its paths get TICK_SECONDS at once (the rest are handed out)."""
        if tick:
            self._budget, self._budget_held = min(self.inline_seconds, TICK_SECONDS), True
        xmin, xmax, ymin, ymax = domain
        span = max(xmax - xmin, ymax - ymin)
        self._bound = max(abs(xmin), abs(xmax), abs(ymin), abs(ymax)) + 100.0 * span
        if fn is not self._function:
            self._function = fn
            self._cache.clear()
            self._previews.clear()
            self._handed = frozenset()
        if announce:
            self.trajectories_changed.emit()

    def _key(self, start: StartPoint, method: str) -> tuple:
        s = self.methods[method]
        return (id(self._function), start.x, start.y, method, s.lr, s.hyper, self.steps, self.tol, self._bound)

    def _run(self, start: StartPoint, method: str, steps: int) -> Trajectory:
        s = self.methods[method]
        return descend(self._function, (start.x, start.y), method, lr=s.lr, steps=steps, tol=self.tol,
                       bound=self._bound, **s.hyper_dict)

    def _store(self, key: tuple, traj: Trajectory) -> None:
        # room for the paths shown twice over (a fixed 512 once emptied the cache of 256 start points × 3 methods
        # on every store, so each redraw computed all 768 paths again)
        if len(self._cache) > max(512, 2 * len(self.starts) * len(self.enabled_methods)):
            self._cache.clear()
        self._cache[key] = traj

    def trajectory(self, start: StartPoint, method: str) -> Trajectory:
        """The whole path of `method` from `start`, computed now if it is not cached."""
        key = self._key(start, method)
        traj = self._cache.get(key)
        if traj is None:
            traj = self._run(start, method, self.steps)
            self._store(key, traj)
        return traj

    def trajectories(self) -> list[tuple[StartPoint, str, Trajectory]]:
        """Every enabled method from every start point (cached: only what changed is recomputed). With a
        `hand_out`, a path whose cost (its first steps, timed, times the steps) does not fit what is left of
        INLINE_SECONDS is its first steps until `accept_paths` brings it whole."""
        if self._function is None:
            return []
        budget = self._budget if self.hand_out is not None else math.inf
        out, missing, unstarted = [], [], []
        for m in self.enabled_methods:
            for p in self.starts:
                key = self._key(p, m)
                traj = self._cache.get(key)
                if traj is None and budget == math.inf:
                    traj = self._run(p, m, self.steps)
                    self._store(key, traj)
                elif traj is None and budget <= 0 and key not in self._previews and type(self._function) is Function:
                    unstarted.append((len(out), key, p, m))  # shown by its start point alone, with the others
                    missing.append((key, p, m))
                elif traj is None:
                    traj, budget = self._preview_or_whole(key, p, m, budget)
                    if key in self._previews:
                        missing.append((key, p, m))
                out.append((p, m, traj))
        if unstarted:
            firsts = starts_only(self._function, [((p.x, p.y), m, self.methods[m].lr, self.methods[m].hyper_dict)
                                                  for _, _, p, m in unstarted], self.tol, self._bound)
            for (k, key, p, m), first in zip(unstarted, firsts, strict=True):
                self._previews[key] = (first, math.inf)  # its cost unknown: computed whole off the GUI thread
                out[k] = (p, m, first)
        if budget != math.inf:
            self._budget = max(0.0, budget)
        if missing and not {key for key, _, _ in missing} <= self._handed:
            self._hand_out_paths(missing)
        return out

    def _preview_or_whole(self, key: tuple, p: StartPoint, m: str, budget: float) -> tuple[Trajectory, float]:
        """The whole path if its cost, estimated from its timed preview, fits `budget` seconds, else the preview;
        and the budget left."""
        if key not in self._previews:
            steps = self.preview_steps() if budget > 0 else 1  # the budget spent: its first step only, till it is back
            t = time.perf_counter()
            preview = self._run(p, m, steps)
            took = time.perf_counter() - t
            budget -= took
            if preview.status != "max_steps" or steps >= self.steps:
                self._store(key, preview)  # it stopped (converged, diverged) within its first steps: it is whole
                return preview, budget
            self._previews[key] = (preview, took * self.steps / steps)
        preview, estimate = self._previews[key]
        if estimate > budget:
            return preview, budget
        t = time.perf_counter()
        whole = self._run(p, m, self.steps)
        self._store(key, whole)
        del self._previews[key]
        return whole, budget - (time.perf_counter() - t)

    def preview_steps(self) -> int:
        rows = getattr(self._function, "rows", 1) if getattr(self._function, "data", None) is not None else 1
        return max(1, min(self.steps, PREVIEW_STEPS, PREVIEW_ROW_STEPS // max(1, rows)))

    def _hand_out_paths(self, missing: list[tuple[tuple, StartPoint, str]]) -> None:
        fn = self._function
        runs = [(key, p, m, self.methods[m]) for key, p, m in missing]
        steps, tol, bound = self.steps, self.tol, self._bound

        def compute(progress: Any) -> tuple[Any, dict[tuple, Trajectory]]:
            done = {}
            for k, (key, p, m, s) in enumerate(runs):
                done[key] = descend(fn, (p.x, p.y), m, lr=s.lr, steps=steps, tol=tol, bound=bound, **s.hyper_dict)
                progress.report((k + 1) / len(runs))
            return fn, done

        self._handed = frozenset(key for key, _, _ in missing)
        assert self.hand_out is not None
        self.hand_out("paths", compute)

    def share_paths(self, other: DescentState) -> None:
        """Use `other`'s f and its whole paths (the same f: see `Scene.share_results`)."""
        self._function = other._function
        self._cache = dict(other._cache)
        self._previews.clear()

    def accept_paths(self, result: tuple[Any, dict[tuple, Trajectory]] | Exception) -> None:
        """The whole paths a job computed (dropped unless they are of the f shown; an exception leaves the
        previews); the views are told."""
        self._handed = frozenset()
        if isinstance(result, Exception):
            return
        fn, done = result
        if fn is not self._function:
            return
        for key, traj in done.items():
            self._store(key, traj)
            self._previews.pop(key, None)
        self.trajectories_changed.emit()

    # ----- playback -----
    def set_playback(self, step: int | None) -> None:
        step = None if step is None else max(0, min(int(step), self.steps))
        if step == self.playback:
            return
        self.playback = step
        self.playback_changed.emit(step)
