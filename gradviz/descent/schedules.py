"""Learning-rate schedules, one entry each, with `torch.optim.lr_scheduler`'s formulas and parameter
names: η_k is the rate of step k + 1 (k = 0, 1, …), as torch's scheduler gives it after k calls of
`scheduler.step()`."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Schedule:
    """One schedule: torch's class (`label`), its parameters with their defaults, η_k as a function of k
    (`factor(k, lr, **params)`), which parameters must be positive, and `fit(steps)`: the lengths that fit a run
    of that many steps (the Loss on data window's run uses them)."""

    name: str
    label: str  # torch's class
    params: dict[str, float] = field(default_factory=dict)  # defaults (torch's where it has one)
    factor: Callable[..., np.ndarray] = lambda k, lr: np.ones_like(k, dtype=float)  # η_k as a function of k
    positive: tuple[str, ...] = ()  # parameters that must be > 0 (lengths)
    fit: Callable[[int], dict[str, float]] = lambda steps: {}

    def validated(self, given: Mapping[str, Any]) -> dict[str, float]:
        """The parameters with `given` applied; ValueError naming an unknown one or a bad value."""
        unknown = [p for p in given if p not in self.params]
        if unknown:
            takes = ", ".join(self.params) or "nothing"
            raise ValueError(f"schedule {self.name!r} has no parameter {unknown[0]!r} (it takes: {takes})")
        params = {**self.params, **{p: float(v) for p, v in given.items()}}
        for p, v in params.items():
            if not math.isfinite(v) or (p in self.positive and v <= 0):
                kind = "a positive number" if p in self.positive else "a finite number"
                raise ValueError(f"schedule {self.name!r}: {p} must be {kind}, not {v!r}")
        return params


def _cosine(k: np.ndarray, lr: float, T_max: float, eta_min: float) -> np.ndarray:  # noqa: N803 (torch's name)
    return eta_min + (lr - eta_min) * (1.0 + np.cos(math.pi * k / T_max)) / 2.0


def _linear(k: np.ndarray, lr: float, warmup_steps: float, start_factor: float) -> np.ndarray:
    total = max(1.0, warmup_steps)
    return lr * (start_factor + (1.0 - start_factor) * np.minimum(k, total) / total)


SCHEDULES: dict[str, Schedule] = {s.name: s for s in [
    Schedule("constant", "constant", {}, lambda k, lr: np.full(k.shape, lr, dtype=float)),
    Schedule("step", "StepLR", {"step_size": 100.0, "gamma": 0.1},
             lambda k, lr, step_size, gamma: lr * gamma ** np.floor(k / step_size), ("step_size",),
             lambda steps: {"step_size": max(1, steps // 4)}),  # decays 4 times over the run
    Schedule("exponential", "ExponentialLR", {"gamma": 0.99}, lambda k, lr, gamma: lr * gamma ** k),
    Schedule("cosine", "CosineAnnealingLR", {"T_max": 500.0, "eta_min": 0.0}, _cosine, ("T_max",),
             lambda steps: {"T_max": steps}),  # anneals over the whole run
    Schedule("linear_warmup", "LinearLR (warm-up)", {"warmup_steps": 5.0, "start_factor": 1.0 / 3.0}, _linear,
             ("warmup_steps",), lambda steps: {"warmup_steps": max(1, steps // 10)}),  # a tenth of the run
]}


def learning_rates(schedule: Mapping[str, Any] | str | None, lr: float, steps: int) -> np.ndarray:
    """η_0 … η_{steps−1} for `schedule` ({"name": ..., params} or a name; None: constant).

    Raises ValueError naming the schedules, or the parameters a schedule takes."""
    spec = {"name": schedule} if isinstance(schedule, str) else dict(schedule or {"name": "constant"})
    name = spec.pop("name", "constant")
    if name not in SCHEDULES:
        raise ValueError(f"unknown schedule {name!r}; choose one of {', '.join(SCHEDULES)}")
    entry = SCHEDULES[name]
    params = entry.validated(spec)
    k = np.arange(int(steps), dtype=float)
    return np.asarray(entry.factor(k, float(lr), **params), dtype=float)
