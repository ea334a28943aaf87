"""Training a `Network` with any optimizer of the registry: `train` for a whole run, `Trainer` to advance a run
in pieces (the window trains off the GUI thread, a chunk at a time) and to follow its curvature as it learns."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gradviz.descent.batches import batch_rows
from gradviz.descent.optimizers import OPTIMIZERS, hyperparameters
from gradviz.descent.schedules import learning_rates
from gradviz.network.network import Network
from gradviz.network.vector_steps import vector_step

MAX_STEPS = 1_000_000
ADAM_LIKE = "v"  # the metric buffer whose √v̂ + ε preconditions the step (Adam, AdamW)


@dataclass
class Curvature:
    """The curvature recorded along a run, one row per record: the step, the k largest Hessian eigenvalues
    (full batch, exact Hessian-vector products and Lanczos), Hutchinson's trace (nan unless asked for), Adam's
    preconditioned sharpness λmax(P⁻¹H) (nan for other methods), and the optimizer's stability limit on the
    quantity it bounds at that step's η (nan where the registry has none)."""

    steps: list[int] = field(default_factory=list)
    eigenvalues: list[np.ndarray] = field(default_factory=list)
    trace: list[float] = field(default_factory=list)
    preconditioned: list[float] = field(default_factory=list)
    limit: list[float] = field(default_factory=list)

    def arrays(self) -> dict[str, np.ndarray]:
        k = max((len(e) for e in self.eigenvalues), default=0)
        eigenvalues = np.array(self.eigenvalues, dtype=np.float64).reshape(len(self.eigenvalues), k)  # (0, 0): none
        return {"steps": np.array(self.steps, dtype=int), "eigenvalues": eigenvalues,
                "trace": np.array(self.trace), "preconditioned": np.array(self.preconditioned),
                "limit": np.array(self.limit)}


@dataclass
class Run:
    """A training run. `thetas` (records × size; row 0 the start) at `steps`, with the full-batch loss `losses`
    there; `lrs` η of every step; `batch_losses` the loss each step's batch had (full batch: the loss before the
    step); `status` "max_steps", "running" (a Trainer not finished) or "non_finite" (the loss or gradient was not
    finite: the run stopped at `stopped_step` and its last record is the last good weights), with `message`."""

    method: str
    lr: float
    hyper: dict[str, float]
    batch_size: int | None
    seed: int
    schedule: Any
    record_every: int
    thetas: np.ndarray
    steps: np.ndarray
    losses: np.ndarray
    lrs: np.ndarray
    batch_losses: np.ndarray
    status: str
    message: str
    curvature: Curvature
    stopped_step: int | None = None
    held_out_losses: np.ndarray | None = None  # the held-out rows' loss at each record (when a split was given)

    @property
    def theta(self) -> np.ndarray:
        """The last recorded weights (the end of the run, or its last good weights)."""
        return self.thetas[-1]


class _StoppedError(Exception):
    """Raised inside a Newton step's dense Hessian once the chunk's progress is cancelled: the step is not taken."""


class Trainer:
    """A run that advances on request: `advance(n)` takes n more steps; `run()` is the Run so far.

    Batches, seeds and schedules are those of `gradviz.descend`: batches reshuffled each epoch from `seed`, the
    last one smaller, batch_size None (or ≥ rows) exactly full batch. `curvature_every` > 0 records the Hessian's
    `top_k` eigenvalues (and Adam's preconditioned sharpness, and with `trace_samples` Hutchinson's trace) every
    that many steps, on the full batch. The schedule is laid out for `steps` (the run's planned length). With
    `held_out` (the same model on rows kept out of training) its loss is recorded beside the training loss."""

    def __init__(self, net: Network, theta: Any, method: str = "gd", lr: float = 0.01, steps: int = 1000,
                 batch_size: int | None = None, seed: int = 0, schedule: Any = None, record_every: int = 1,
                 curvature_every: int = 0, top_k: int = 1, trace_samples: int = 0, held_out: Network | None = None,
                 **hyper: Any) -> None:
        if not (isinstance(steps, (int, np.integer)) and 0 <= steps <= MAX_STEPS):
            raise ValueError(f"steps must be a whole number from 0 to {MAX_STEPS:,}, got {steps!r}")
        if not (isinstance(record_every, (int, np.integer)) and record_every >= 1):
            raise ValueError(f"record_every must be a whole number >= 1, got {record_every!r}")
        if not (math.isfinite(float(lr)) and lr > 0):
            raise ValueError(f"lr must be a positive number, got {lr!r}")
        if batch_size is not None and (int(batch_size) != batch_size or batch_size < 1):
            raise ValueError(f"batch_size must be a whole number >= 1 (or None for full batch), got {batch_size!r}")
        self.net, self.method = net, method
        self.hyper = hyperparameters(method, hyper)
        self.opt = OPTIMIZERS[method]
        self._run = vector_step(method)
        self.planned = int(steps)
        self.lrs = learning_rates(schedule, float(lr), self.planned)
        self.lr, self.batch_size, self.seed, self.schedule = float(lr), batch_size, int(seed), schedule
        self.record_every = int(record_every)
        self.curvature_every, self.top_k, self.trace_samples = int(curvature_every), int(top_k), int(trace_samples)
        full = batch_size is None or batch_size >= net.rows
        self._batches = batch_rows(net.rows, None if full else int(batch_size), self.seed)
        self.full_batch = full
        self.x = net._theta(theta).astype(np.float64, copy=True)
        self.t = 0
        self._state: dict[str, Any] = {}
        self._good = self.x.copy()
        self._progress: Any = None  # the chunk's progress, while `advance` runs
        self._chunk = (0, 1)  # (the step it started after, its steps)
        self._pending_rows: Any = None  # the batch of a step stopped in its Hessian, for when it is taken
        self.thetas, self.steps, self.losses = [self.x.copy()], [0], [math.nan]
        self.batch_losses: list[float] = []
        self.held_out = held_out
        self.held_out_losses: list[float] = []
        self.curvature = Curvature()
        self._warm: np.ndarray | None = None
        self.status, self.message, self.stopped_step = "running", "", None

    # ----- the loop's callbacks -----
    def _grad(self, x: np.ndarray, t: int) -> Any:
        if self._progress is not None and self._progress.cancelled:
            return None  # stopped before step t: the loop keeps every step taken
        rows = self._pending_rows if self._pending_rows is not None else next(self._batches)
        self._pending_rows = None
        value, g = self.net.value_and_grad(x, rows)
        if not (math.isfinite(value) and np.isfinite(g).all()):
            self.status, self.stopped_step = "non_finite", t - 1
            self.message = (f"the loss became {value:g} after step {t - 1} (η = {self.lrs[t - 1]:g}); training "
                            f"stopped and keeps the weights of step {max(t - 2, 0)}")
            return None
        hessian = None
        if self.opt.uses_hessian:
            try:
                hessian = self.net.hessian(x, rows, self._within_step(t))
            except _StoppedError:
                self._pending_rows = rows  # step t, when training goes on, takes the same batch
                return None
        self._good = x.copy()
        if self.full_batch and self.steps[-1] == t - 1 and math.isnan(self.losses[-1]):
            self.losses[-1] = value  # the full-batch loss at a recorded iterate, already computed
        self.batch_losses.append(value)
        return g if hessian is None else (g, hessian)

    def _within_step(self, t: int) -> Callable[[float], None] | None:
        """The dense Hessian's report during step t: the chunk's fraction done, and a stop once it is cancelled."""
        progress = self._progress
        if progress is None:
            return None
        start, n = self._chunk

        def report(fraction: float) -> None:
            if progress.cancelled:
                raise _StoppedError
            progress.fraction = (t - 1 - start + fraction) / n

        return report

    def _observe(self, t: int, x: np.ndarray, buffers: tuple) -> str | None:
        self.x = x
        if t % self.record_every == 0 or t == self.planned:
            self.thetas.append(x.copy())
            self.steps.append(t)
            self.losses.append(math.nan)
        if self.curvature_every and t % self.curvature_every == 0:
            self._measure(t, buffers)
        if self._progress is not None:
            self._progress.fraction = (t - self._chunk[0]) / self._chunk[1]
        return None

    def _measure(self, t: int, buffers: tuple) -> None:
        """The curvature at the current weights (after step t), from exact Hessian-vector products."""
        spectrum = self.net.hessian_spectrum(self.x, k=min(self.top_k, self.net.size), seed=self.seed + t,
                                             start=self._warm)
        self._warm = spectrum.vectors[0]
        lr = float(self.lrs[min(t, len(self.lrs) - 1)]) if len(self.lrs) else self.lr
        preconditioned = math.nan
        limit_entry = self.opt.limit
        if self.opt.preconditioned_limit is not None:
            limit_entry = self.opt.preconditioned_limit
            names = [b for b in self.opt.state]
            v = buffers[names.index(ADAM_LIKE)] if ADAM_LIKE in names and buffers else None
            if v is not None and t > 0:
                p = np.sqrt(np.asarray(v) / (1.0 - self.hyper["beta2"] ** t)) + self.hyper["eps"]
                preconditioned = float(self.net.hessian_eigenvalues(self.x, 1, self.seed + t, preconditioner=p)[0])
        self.curvature.steps.append(t)
        self.curvature.eigenvalues.append(spectrum.values)
        self.curvature.preconditioned.append(preconditioned)
        self.curvature.limit.append(limit_entry.sharpness(lr, self.hyper) if limit_entry else math.nan)
        trace = math.nan
        if self.trace_samples:
            trace = self.net.hessian_trace(self.x, self.trace_samples, self.seed + t)[0]
        self.curvature.trace.append(trace)

    # ----- driving -----
    def start(self) -> None:
        """Measure the curvature at the start, once (the first `advance` does it when nobody asked before)."""
        if self.curvature_every and not self.curvature.steps:
            self._measure(0, ())

    def advance(self, n: int, progress: Any = None) -> int:
        """Take up to `n` more steps (fewer at the planned end or when the loss stops being finite); the steps
        taken. `progress` (with a `fraction` it writes and a `cancelled` it reads: a job's `Progress`) follows the
        steps, and the Hessian-vector products of a Newton step; once cancelled, the steps stop, the one in hand
        not taken, and every step taken is kept (`advance` again goes on from there)."""
        if self.status != "running":
            return 0
        self.start()
        n = min(int(n), self.planned - self.t)
        if n <= 0:
            self._finish()
            return 0
        start = self.t
        self._progress, self._chunk = progress, (start, n)
        try:
            self.t, _ = self._run(self.x, self._state, self.t, n, self.lrs, self._grad, self._observe,
                                  **self.hyper)
        finally:
            self._progress = None
        if self.status == "non_finite":
            self._keep_good()
        elif self.t >= self.planned:
            self._finish()
        return self.t - start

    def _keep_good(self) -> None:
        """After a non-finite loss: the records end with the last weights whose loss was finite."""
        good_step = max((self.stopped_step or 1) - 1, 0)
        while self.steps and self.steps[-1] > good_step:
            self.thetas.pop()
            self.steps.pop()
            self.losses.pop()
        if not self.steps or self.steps[-1] != good_step:
            self.thetas.append(self._good.copy())
            self.steps.append(good_step)
            self.losses.append(math.nan)
        self.fill_losses()

    def _finish(self) -> None:
        self.status = "max_steps"
        self.message = f"trained {self.t} steps"
        self.fill_losses()

    def fill_losses(self) -> None:
        """Compute the full-batch loss of every record that has none yet (and the held-out loss)."""
        for i in range(len(self.steps)):
            if math.isnan(self.losses[i]):
                self.losses[i] = self.net.loss(self.thetas[i])
        if self.held_out is not None:
            del self.held_out_losses[len(self.steps):]  # records dropped after a non-finite loss
            for i in range(len(self.held_out_losses), len(self.steps)):
                self.held_out_losses.append(self.held_out.loss(self.thetas[i]))

    def set_lr(self, lr: float) -> None:
        """A new η from the next step on (the schedule's shape kept, rescaled), without restarting the run."""
        if not (math.isfinite(float(lr)) and lr > 0):
            raise ValueError(f"lr must be a positive number, got {lr!r}")
        self.lr = float(lr)
        self.lrs[self.t:] = learning_rates(self.schedule, self.lr, self.planned)[self.t:]

    def run(self) -> Run:
        """The run so far (losses of records not yet measured are computed now)."""
        self.fill_losses()
        return Run(self.method, self.lr, dict(self.hyper), self.batch_size, self.seed, self.schedule,
                   self.record_every, np.array(self.thetas), np.array(self.steps, dtype=int), np.array(self.losses),
                   self.lrs[: max(self.t, 0)].copy(), np.array(self.batch_losses), self.status, self.message,
                   self.curvature, self.stopped_step,
                   None if self.held_out is None else np.array(self.held_out_losses))


def train(net: Network, theta: Any, method: str = "gd", lr: float = 0.01, steps: int = 500,
          batch_size: int | None = None, seed: int = 0, schedule: Any = None, record_every: int = 1,
          **hyper: Any) -> Run:
    """Train `net` from `theta` for `steps` steps of `method` (torch's formulas, on the weight vector) and return
    the Run. Hyperparameters take torch's names (momentum, betas, eps, weight_decay, ...); `curvature_every`,
    `top_k` and `trace_samples` follow the curvature (see `Trainer`). ValueError naming a bad argument."""
    trainer = Trainer(net, theta, method, lr, steps, batch_size, seed, schedule, record_every, **hyper)
    trainer.advance(steps)
    return trainer.run()
