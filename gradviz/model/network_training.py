"""The network tab's state, Qt-free: the model text and its data, the run's settings, and the run itself,
advanced a chunk at a time by jobs (the window runs them on the job runner, off the GUI thread).

Setters validate and keep the last good state on bad input (`error` says why); every change is announced on
`changed`, and a change of what a session saves on `settings_changed`. The views draw `snapshot`, made by the job
that advanced the run (or by a scrub to an earlier record), so the GUI thread never computes.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from gradviz.data.columns import DataError
from gradviz.descent.optimizers import OPTIMIZERS
from gradviz.descent.schedules import SCHEDULES
from gradviz.expr.errors import ExpressionError
from gradviz.landscape.cluster import close, connect
from gradviz.model.jobs import CancelledError, Executor, Job, Progress
from gradviz.model.network_landscape import LandscapeView, RunA, compute_landscape
from gradviz.model.network_views import Snapshot, at_record, snapshot
from gradviz.model.signal import Signal
from gradviz.network import NETWORK_DATASETS, Network, Trainer, mlp, network_dataset, parse_model
from gradviz.network.network_data import held_indices, network_data, split_rows

CHUNK_STEPS = 25  # steps per job while playing at most: the views refresh after each (well under a frame of work)
CHUNK_SECONDS = 0.25  # fewer steps a job when steps are slow (Newton's dense Hessian): the views follow each quarter s
CURVATURE_EVERY = 10  # default: the top eigenvalue every this many steps
MAX_CURVATURE_EVERY = 10_000
RUN_SETTINGS = ("method", "lr", "batch_size", "steps", "seed", "curvature_every", "held_out", "schedule")
TOP_K = 3  # eigenvalues followed
TRACE_SAMPLES = 10  # Rademacher vectors of Hutchinson's trace at each measurement


class NetworkState:
    """See the module docstring. `net` trains on the training rows; `held` (or None) is the same model on the
    held-out rows: a `held_out` fraction of the data kept apart when asked for (drawn with the data's seed)."""

    def __init__(self, dataset: str = "moons") -> None:
        self.changed = Signal("network")
        self.settings_changed = Signal("network settings")  # the model, data or run settings (not the progress)
        self.error = ""
        self.executor: Executor | None = None
        self.dataset, self.rows, self.noise, self.data_seed = dataset, 200, NETWORK_DATASETS[dataset].noise, 0
        self.data: dict[str, np.ndarray] = network_dataset(dataset, self.rows, self.noise, self.data_seed)
        self.text = mlp([2, 16, 16, 1], "tanh", NETWORK_DATASETS[dataset].loss)
        self.method, self.lr, self.batch_size, self.steps, self.seed = "gd", 0.5, None, 2000, 0
        self.curvature_every = CURVATURE_EVERY
        self.held_out = 0.0
        self.schedule = "constant"  # a name of the schedule registry, its lengths fitted to the run
        self.hyper: dict[str, float] = {}
        self.held_rows: np.ndarray | None = None  # the data's rows kept out of training (None: none)
        self.csv: tuple[str, list[str] | None, str | None] | None = None  # the CSV shown: path, X columns, target
        self.playing = False
        self.running = False
        self._token = 0
        self.net, self.held = self._networks(self.text, self.data, self.held_out)
        self.trainer: Trainer
        self.snapshot: Snapshot | None = None  # None while the run's first snapshot is on its way
        self.landscape: LandscapeView | None = None
        self.landscape_progress: Progress | None = None  # while the full grid is computed
        self.train_progress: Progress | None = None  # while a chunk of training steps is computed
        self._step_seconds = 0.0  # how long a step of this run took in its last chunk (0: not measured yet)
        self._chunk_timing = [0.0]  # the seconds a step took, written by the chunk's job, read when it is taken
        self.scheduler = ""  # a Dask scheduler for landscape grids ("" in-process, "local", "tcp://HOST:PORT")
        self._dask: tuple[str, Any] | None = None
        self._landscape_job: Job | None = None
        self.run_a: RunA | None = None  # a run kept to compare with the next on one slice
        self.landscape_settings: dict[str, Any] = {"kind": "filter", "span": None, "resolution": 41}
        self._restart()

    # ----- setters (each restarts the run from its seed, but η) -----
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
            rows = self.rows if rows is None else rows
            noise = NETWORK_DATASETS[name].noise if noise is None and name in NETWORK_DATASETS else noise
            seed = self.data_seed if seed is None else int(seed)
            data = network_dataset(name, rows, noise, seed)
        except ValueError as exc:
            return self._refuse(str(exc))
        if not self._rebuild(self.text, data, source=(name, None, noise, seed)):
            return False
        return True

    def set_csv(self, path: str, x_columns: list[str] | None = None, target: str | None = None) -> bool:
        """Data from a CSV file: X stacks `x_columns` (default: all but the target), t is `target` (default: the
        last column). False (and `error`, naming the line and column) if refused; the last good data stays."""
        try:
            data = network_data(path, x_columns, target)
        except (DataError, ValueError) as exc:
            return self._refuse(str(exc))
        return self._rebuild(self.text, data, source=(f"csv:{path}", (path, x_columns, target), None, None))

    def set_run(self, **settings: Any) -> bool:
        """method, lr, batch_size (None: full batch), steps, seed, curvature_every, held_out (a fraction, 0 for
        none), schedule (a name: its lengths fit the run); refused values keep the run."""
        unknown = [k for k in settings if k not in RUN_SETTINGS]
        if unknown:
            raise TypeError(f"unknown run setting {unknown[0]!r}")
        old = {k: getattr(self, k) for k in RUN_SETTINGS}
        for key, value in settings.items():
            setattr(self, key, value)
        try:
            if self.held_out != old["held_out"]:
                self.net, self.held = self._networks(self.text, self.data, self.held_out)
            self._restart()
        except ValueError as exc:
            for key, value in old.items():
                setattr(self, key, value)
            return self._refuse(str(exc))
        return True

    def set_lr(self, lr: float) -> bool:
        """η, live: a run under way goes on with the new η from its next step (the rest restarts the run)."""
        if self.trainer.t == 0 or self.trainer.status != "running":
            return self.set_run(lr=lr)
        try:
            self.trainer.set_lr(lr)
        except ValueError as exc:
            return self._refuse(str(exc))
        self.lr = float(lr)
        self.error = ""
        self.changed.emit()
        self.settings_changed.emit()
        return True

    def restore(self, text: str, data: dict[str, np.ndarray], source: tuple, settings: dict[str, Any],
                landscape: dict[str, Any] | None = None) -> None:
        """A saved state at once (validated by `gradviz.session.network.read_section`): the run starts again from
        its seed, so it reproduces the saved one bit for bit; `landscape` sets the landscape controls."""
        if landscape is not None:
            self.scheduler = landscape["scheduler"]
            self.landscape_settings = {k: landscape[k] for k in ("kind", "span", "resolution")}
        old = {k: getattr(self, k) for k in RUN_SETTINGS}
        for key, value in settings.items():
            setattr(self, key, value)
        if not self._rebuild(text, data, source):
            for key, value in old.items():
                setattr(self, key, value)

    def _networks(self, text: str, data: dict[str, np.ndarray], held_out: float,
                  split_seed: int | None = None) -> tuple[Network, Network | None]:
        """The model on the training rows, and on the held-out rows (drawn with the data's seed) or None."""
        if not held_out:
            self.held_rows = None
            return parse_model(text, data), None
        seed = self.data_seed if split_seed is None else split_seed
        train_rows, held_rows = split_rows(data, held_out, seed)
        self.held_rows = held_indices(len(next(iter(data.values()))), held_out, seed)
        return parse_model(text, train_rows), parse_model(text, held_rows)

    def _rebuild(self, text: str, data: dict[str, np.ndarray], source: tuple | None = None) -> bool:
        try:
            parse_model(text, data)  # the whole data first: its errors name the rows the user sees
            net, held = self._networks(text, data, self.held_out, source[3] if source is not None else None)
        except (ExpressionError, DataError, ValueError) as exc:
            return self._refuse(str(exc))
        self.text, self.data, self.net, self.held = text, data, net, held
        if source is not None:
            self.dataset, self.csv, noise, seed = source
            self.rows = len(data["t"]) if "t" in data else len(next(iter(data.values())))
            self.noise = self.noise if noise is None else float(noise)
            self.data_seed = self.data_seed if seed is None else int(seed)
        self._restart()
        return True

    def _refuse(self, message: str) -> bool:
        self.error = message
        self.changed.emit()
        return False

    def _restart(self) -> None:
        if self.schedule not in SCHEDULES:
            raise ValueError(f"unknown schedule {self.schedule!r}; choose one of {', '.join(SCHEDULES)}")
        schedule = {"name": self.schedule, **SCHEDULES[self.schedule].fit(int(self.steps))}
        self.trainer = Trainer(self.net, self.net.init(self.seed), self.method, self.lr, self.steps,
                               self.batch_size, self.seed, schedule, record_every=1,
                               curvature_every=self.curvature_every, top_k=min(TOP_K, self.net.size),
                               trace_samples=TRACE_SAMPLES, held_out=self.held, **self.hyper)
        self.error = ""
        self._token += 1
        self.running = False
        if self.train_progress is not None:  # the chunk of the old run stops (its result is dropped)
            self.train_progress.cancel()
            self.train_progress = None
        self._step_seconds = 0.0
        self.landscape = None
        self.cancel_landscape()
        self._landscape_job = None
        self.snapshot = None  # until the start's snapshot (its loss, output and curvature) comes back
        trainer = self.trainer

        def start() -> Snapshot:
            trainer.start()
            return snapshot(trainer)

        self.changed.emit()
        self.settings_changed.emit()
        self._hand_out(Job("train", self._token, start))

    # ----- training -----
    @property
    def limit_label(self) -> str:
        """The stability limit's formula and what it bounds, from the registry ("" where there is none)."""
        opt = OPTIMIZERS[self.method]
        entry = opt.preconditioned_limit or opt.limit
        return f"{entry.of} < {entry.formula}" if entry else ""

    def advance(self, n: int | None = None) -> None:
        """Train n more steps (None: CHUNK_STEPS, fewer when the last steps took long, so that a job takes about
        CHUNK_SECONDS): a job for the executor (at once without one); ignored while one is on its way."""
        if self.running or self.trainer.status != "running":
            return
        if n is None:
            n = max(1, min(CHUNK_STEPS, int(CHUNK_SECONDS / self._step_seconds))) if self._step_seconds else CHUNK_STEPS
        trainer, timing = self.trainer, [0.0]
        self._chunk_timing = timing
        progress = self.train_progress = Progress()

        def compute() -> Snapshot:
            started = time.perf_counter()
            taken = trainer.advance(n, progress)  # a cancelled chunk keeps the steps it took
            if taken:
                timing[0] = (time.perf_counter() - started) / taken
            return snapshot(trainer)

        self._hand_out(Job("train", self._token, compute, progress))

    def cancel_training(self) -> None:
        """Stop the chunk of steps on its way after the step in hand (within a Newton step's dense Hessian, before
        it), keeping every step taken; training pauses."""
        self.playing = False
        if self.train_progress is not None:
            self.train_progress.cancel()
        self.changed.emit()

    def scrub(self, record: int) -> None:
        """Show the model at record `record` (its output, weights and gradient norms); training pauses."""
        self.play(False)
        if self.running or self.snapshot is None:
            return  # the chunk on its way comes back first; the slider then asks again
        latest, net = self.snapshot, self.net
        record = int(np.clip(record, 0, len(latest.steps) - 1))
        theta, step = self.trainer.thetas[record].copy(), int(latest.steps[record])
        self._hand_out(Job("scrub", self._token, lambda: at_record(latest, net, theta, step)))

    def make_landscape(self, kind: str = "filter", span: float | None = None, resolution: int = 41) -> None:
        """A slice through the weights shown over ±`span` (None: wide enough for the path): jobs computing the
        plane, a coarse grid and then the full one (on the Dask `scheduler` when one is set), the path projected;
        `landscape` holds the latest, `error` says why not. Training pauses; `cancel_landscape` stops it."""
        self.play(False)
        if self.running or self.snapshot is None:
            return
        net, snap = self.net, self.snapshot
        record = int(np.searchsorted(snap.steps, snap.shown_step))
        thetas = np.array(self.trainer.thetas[: len(snap.steps)])
        args = (net, thetas[record].copy(), int(snap.shown_step), thetas, snap.steps.copy(), kind, span,
                int(resolution), self.seed)
        other = self.run_a
        self.landscape_settings = {"kind": kind, "span": span, "resolution": int(resolution)}
        self.landscape_progress = Progress()
        scheduler, progress = self.scheduler, self.landscape_progress

        def coarse() -> LandscapeView:
            return compute_landscape(*args, coarse=True, other=other)

        def full() -> LandscapeView:
            client = self._client(scheduler) if scheduler else None
            return compute_landscape(*args, progress, client, other=other)

        self._landscape_job = Job("landscape", self._token, full, progress)  # handed out once the coarse one is back
        self._hand_out(Job("landscape", self._token, coarse))

    def keep_run_as_a(self) -> None:
        """Keep this run (its recorded weights) to compare with the next on the "runs" plane: its start, its end and
        the next run's end."""
        snap = self.snapshot
        if snap is None:
            return
        self.run_a = RunA(f"{OPTIMIZERS[self.method].label}, η = {self.lr:g}, {snap.step} steps",
                          np.array(self.trainer.thetas[: len(snap.steps)]))
        self.changed.emit()

    def cancel_landscape(self) -> None:
        if self.landscape_progress is not None:
            self.landscape_progress.cancel()

    def close_cluster(self) -> None:
        """Let go of the Dask client (and stop the LocalCluster it started)."""
        if self._dask is not None:
            close(self._dask[1])
            self._dask = None

    def _client(self, scheduler: str) -> Any:
        """The Dask client of `scheduler`, connected once (on the job's thread: "local" starts processes)."""
        if self._dask is None or self._dask[0] != scheduler:
            self._dask = (scheduler, connect(scheduler))
        return self._dask[1]

    def _hand_out(self, job: Job) -> None:
        if self.executor is None:  # at once, here; an error reaches `accept` as the runner hands it over
            try:
                result = job.compute()
            except Exception as exc:  # noqa: BLE001 (shown as the state's error)
                result = exc
            self.accept(job, result)
            return
        self.running = True
        self.executor(job)

    def play(self, on: bool) -> None:
        was = self.playing
        self.playing = bool(on) and self.trainer.status == "running"
        if self.playing:
            self.advance()
        if was != self.playing:
            self.changed.emit()

    def is_stale(self, job: Job) -> bool:
        return job.token != self._token

    def accept(self, job: Job, result: Any) -> None:
        """A job's result, on the GUI thread: a new snapshot (or the error it raised)."""
        if job.token != self._token:
            return
        self.running = False
        if job.kind == "train":
            self.train_progress = None
            self._step_seconds = self._chunk_timing[0] or self._step_seconds
        if isinstance(result, Exception):
            self.playing = False
            if job.kind == "landscape":
                self._landscape_job, self.landscape_progress = None, None
                cancelled = isinstance(result, CancelledError)
                self.error = "" if cancelled else f"the landscape could not be made: {result}"
            else:
                self.error = f"training failed: {result}"
        elif job.kind == "landscape":
            self.landscape = result
            if result.coarse and self._landscape_job is not None:  # the full grid next
                job, self._landscape_job = self._landscape_job, None
                self.changed.emit()
                self._hand_out(job)
                return
            self.landscape_progress = None
        else:
            self.snapshot = result
            if result.status != "running":
                self.playing = False
        self.changed.emit()
        if self.playing:
            self.advance()

    def run_rows(self) -> list[dict[str, float]]:
        """One row per recorded step: step, full-batch loss, mini-batch loss, held-out loss, η, and the top
        eigenvalue, Adam's preconditioned sharpness and the stability limit where they were measured (nan
        elsewhere)."""
        snap = self.snapshot
        if snap is None:
            return []
        c = snap.curvature
        at = {int(s): k for k, s in enumerate(c["steps"])}
        lrs = self.trainer.lrs
        rows = []
        for k, step in enumerate(snap.steps):
            j = at.get(int(step))
            rows.append({"step": int(step), "loss": float(snap.losses[k]),
                         "batch_loss": float(snap.batch_losses[step]) if step < len(snap.batch_losses) else np.nan,
                         "held_out_loss": float(snap.held_out_losses[k]) if k < len(snap.held_out_losses) else np.nan,
                         "lr": float(lrs[step]) if step < len(lrs) else np.nan,
                         "lambda_max": float(c["eigenvalues"][j, 0]) if j is not None else np.nan,
                         "trace": float(c["trace"][j]) if j is not None else np.nan,
                         "preconditioned": float(c["preconditioned"][j]) if j is not None else np.nan,
                         "limit": float(c["limit"][j]) if j is not None else np.nan})
        return rows
