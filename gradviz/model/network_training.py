"""The network window's state, Qt-free: the model text and its data, the run's settings, and the run itself,
advanced a chunk at a time by jobs (the window runs them on the job runner, off the GUI thread).

Setters validate and keep the last good state on bad input (`error` says why); every change is announced on
`changed`. What the views draw is the latest `Snapshot`, made by the job that advanced the run, so the GUI
thread never computes: the loss curves, the curvature with the optimizer's limit, the output over the inputs,
each layer's weights and gradient norm.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from gradviz.data.columns import DataError
from gradviz.descent.optimizers import OPTIMIZERS
from gradviz.expr.errors import ExpressionError
from gradviz.model.jobs import Executor, Job
from gradviz.model.signal import Signal
from gradviz.network import NETWORK_DATASETS, Network, Trainer, mlp, network_dataset, parse_model
from gradviz.network.network_data import network_data

CHUNK_STEPS = 25  # steps per job while playing: the views refresh after each (well under a frame of work)
OUTPUT_GRID = 70  # samples per side of the model's output over the input plane
CURVATURE_EVERY = 10  # default: the top eigenvalue every this many steps


@dataclass(frozen=True)
class Snapshot:
    """What the views show at step `step`: the records so far (as arrays), the output over the inputs (`grid`:
    (xs, ys, values) for two inputs, (xs, values) for one), each weight and its gradient norm."""

    step: int
    steps: np.ndarray
    losses: np.ndarray
    batch_steps: np.ndarray
    batch_losses: np.ndarray
    curvature: dict[str, np.ndarray]
    grid: tuple[np.ndarray, ...]
    weights: dict[str, np.ndarray]
    grad_norms: dict[str, float]
    status: str
    message: str


class NetworkState:
    """See the module docstring. `snapshot` is None until the first one is made."""

    def __init__(self, dataset: str = "moons") -> None:
        self.changed = Signal("network")
        self.settings_changed = Signal("network settings")  # the model, data or run settings (not the run's progress)
        self.error = ""
        self.executor: Executor | None = None
        self.dataset, self.rows, self.noise, self.data_seed = dataset, 200, NETWORK_DATASETS[dataset].noise, 0
        self.data: dict[str, np.ndarray] = network_dataset(dataset, self.rows, self.noise, self.data_seed)
        entry = NETWORK_DATASETS[dataset]
        self.text = mlp([self.data["X"].shape[1], 16, 16, max(entry.classes, 2) if entry.classes > 2 else 1],
                        "tanh", entry.loss)
        self.method, self.lr, self.batch_size, self.steps, self.seed = "gd", 0.5, None, 2000, 0
        self.curvature_every = CURVATURE_EVERY
        self.hyper: dict[str, float] = {}
        self.csv: tuple[str, list[str] | None, str | None] | None = None  # the CSV shown: path, X columns, target
        self.playing = False
        self.running = False
        self._token = 0
        self.net: Network = parse_model(self.text, self.data)
        self.trainer: Trainer
        self.snapshot: Snapshot | None = None
        self._restart()

    # ----- setters (each restarts the run from the same seed) -----
    def set_text(self, text: str) -> bool:
        """A new model text; False (and `error`) if refused, keeping the last good model."""
        return self._rebuild(text, self.data)

    def use_preset(self, sizes: list[int], activation: str, loss: str) -> bool:
        try:
            text = mlp(sizes, activation, loss)
        except ValueError as exc:
            return self._refuse(str(exc))
        return self._rebuild(text, self.data)

    def set_dataset(self, name: str, rows: int | None = None, noise: float | None = None,
                    seed: int | None = None) -> bool:
        try:
            data = network_dataset(name, rows if rows is not None else self.rows,
                                   noise if noise is not None else self.noise, self.data_seed if seed is None else seed)
        except ValueError as exc:
            return self._refuse(str(exc))
        if not self._rebuild(self.text, data):
            return False
        self.csv = None
        self.dataset, self.rows = name, len(data["t"])
        self.noise = NETWORK_DATASETS[name].noise if noise is None else float(noise)
        self.data_seed = self.data_seed if seed is None else int(seed)
        return True

    def set_csv(self, path: str, x_columns: list[str] | None = None, target: str | None = None) -> bool:
        """Data from a CSV file: X stacks `x_columns` (default: all but the target), t is `target` (default: the
        last column). False (and `error`, naming the line and column) if refused; the last good data stays."""
        try:
            data = network_data(path, x_columns, target)
        except (DataError, ValueError) as exc:
            return self._refuse(str(exc))
        if not self._rebuild(self.text, data):
            return False
        self.dataset, self.rows = f"csv:{path}", len(data["t"])
        self.csv = (path, x_columns, target)
        return True

    def set_run(self, **settings: Any) -> bool:
        """method, lr, batch_size (None: full batch), steps, seed, curvature_every; refused values keep the run."""
        old = (self.method, self.lr, self.batch_size, self.steps, self.seed, self.curvature_every)
        for key, value in settings.items():
            if key not in ("method", "lr", "batch_size", "steps", "seed", "curvature_every"):
                raise TypeError(f"unknown run setting {key!r}")
            setattr(self, key, value)
        try:
            self._restart()
        except ValueError as exc:
            self.method, self.lr, self.batch_size, self.steps, self.seed, self.curvature_every = old
            return self._refuse(str(exc))
        return True

    def _rebuild(self, text: str, data: dict[str, np.ndarray]) -> bool:
        try:
            net = parse_model(text, data)
        except (ExpressionError, DataError, ValueError) as exc:
            return self._refuse(str(exc))
        self.text, self.data, self.net = text, data, net
        self._restart()
        return True

    def _refuse(self, message: str) -> bool:
        self.error = message
        self.changed.emit()
        return False

    def _restart(self) -> None:
        self.trainer = Trainer(self.net, self.net.init(self.seed), self.method, self.lr, self.steps,
                               self.batch_size, self.seed, record_every=1, curvature_every=self.curvature_every,
                               **self.hyper)
        self.error = ""
        self._token += 1
        self.running = False
        self.snapshot = snapshot(self.trainer)
        self.changed.emit()
        self.settings_changed.emit()

    # ----- training -----
    @property
    def limit_label(self) -> str:
        """The stability limit's formula and what it bounds, from the registry ("" where there is none)."""
        opt = OPTIMIZERS[self.method]
        entry = opt.preconditioned_limit or opt.limit
        return f"{entry.of} < {entry.formula}" if entry else ""

    def advance(self, n: int = CHUNK_STEPS) -> None:
        """Train n more steps: a job for the executor (at once without one); ignored while one is on its way."""
        if self.running or self.trainer.status != "running":
            return
        trainer, token = self.trainer, self._token

        def compute() -> Snapshot:
            trainer.advance(n)
            return snapshot(trainer)

        job = Job("train", token, compute)
        if self.executor is None:
            self.accept(job, compute())
            return
        self.running = True
        self.executor(job)

    def run_rows(self) -> list[dict[str, float]]:
        """One row per step of the snapshot: step, full-batch loss, mini-batch loss, η, and the top eigenvalue,
        Adam's preconditioned sharpness and the stability limit where they were measured (nan elsewhere)."""
        snap = self.snapshot
        if snap is None:
            return []
        c = snap.curvature
        at = {int(s): k for k, s in enumerate(c["steps"])}
        rows = []
        for k, step in enumerate(snap.steps):
            j = at.get(int(step))
            rows.append({"step": int(step), "loss": float(snap.losses[k]),
                         "batch_loss": float(snap.batch_losses[step]) if step < len(snap.batch_losses) else np.nan,
                         "lr": float(self.trainer.lrs[step]) if step < len(self.trainer.lrs) else np.nan,
                         "lambda_max": float(c["eigenvalues"][j, 0]) if j is not None else np.nan,
                         "preconditioned": float(c["preconditioned"][j]) if j is not None else np.nan,
                         "limit": float(c["limit"][j]) if j is not None else np.nan})
        return rows

    def play(self, on: bool) -> None:
        self.playing = bool(on)
        if on:
            self.advance()
        self.changed.emit()

    def is_stale(self, job: Job) -> bool:
        return job.token != self._token

    def accept(self, job: Job, result: Any) -> None:
        """A job's result, on the GUI thread: a new snapshot (or the error it raised)."""
        if job.token != self._token:
            return
        self.running = False
        if isinstance(result, Exception):
            self.playing = False
            self.error = f"training failed: {result}"
        else:
            self.snapshot = result
            if result.status != "running":
                self.playing = False
        self.changed.emit()
        if self.playing:
            self.advance()


def snapshot(trainer: Trainer) -> Snapshot:
    """The views' data at the trainer's current step (computed where the trainer runs, off the GUI thread)."""
    net = trainer.net
    theta = trainer.x.copy()
    trainer.fill_losses()  # with mini-batches, the full-batch loss of each record (one forward pass each)
    losses = np.array(trainer.losses, dtype=float)
    steps = np.array(trainer.steps, dtype=int)
    grads = net.unflatten(net.grad(theta))
    return Snapshot(trainer.t, steps, losses, np.arange(1, len(trainer.batch_losses) + 1),
                    np.array(trainer.batch_losses), trainer.curvature.arrays(), output_grid(net, theta),
                    {k: v.copy() for k, v in net.unflatten(theta).items()},
                    {k: float(np.linalg.norm(g)) for k, g in grads.items()}, trainer.status, trainer.message)


def output_grid(net: Network, theta: np.ndarray) -> tuple[np.ndarray, ...]:
    """The model's `score` over the data's input range: (xs, ys, values[len(xs), len(ys)]) for two inputs, with
    softmax's winning class for several outputs; (xs, values) for one input; () otherwise."""
    x = net.data.get("X")
    if x is None or "score" not in net.definitions or x.shape[1] not in (1, 2):
        return ()
    lo, hi = x.min(axis=0), x.max(axis=0)
    pad = 0.1 * (hi - lo) + 1e-9
    axes = [np.linspace(a - p, b + p, OUTPUT_GRID) for a, b, p in zip(lo, hi, pad, strict=True)]
    if x.shape[1] == 1:
        return axes[0], np.asarray(net.output("score", theta, {"X": axes[0][:, None]}))
    gx, gy = np.meshgrid(axes[0], axes[1], indexing="ij")
    values = np.asarray(net.output("score", theta, {"X": np.column_stack([gx.ravel(), gy.ravel()])}))
    if values.ndim == 2:
        values = np.argmax(values, axis=1).astype(float)
    return axes[0], axes[1], values.reshape(gx.shape)
