"""The loss-on-data window's state, Qt-free: the model (data and loss), the probe (w, b), a descent run
(full batch or mini-batch) and the landscape on a grid. Setters validate, keep the last good state on bad
input (`error` says why), and announce every change on `changed` (the window only draws).

Work over many rows is handed to `executor` as a `Job` (the window runs it on a worker thread and gives the
result back with `accept`); meanwhile a coarse landscape over a sample of the rows is shown (`refining`), and
`running` says a run is on its way. Small work, or any work without an executor, is done at once."""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from gradviz.data.columns import DataError, read_columns
from gradviz.data.data_function import DataFunction
from gradviz.data.datasets import DATASETS, make_dataset
from gradviz.data.loss_presets import LOSS_PRESETS, LossPreset, fitted_domain, model_function
from gradviz.descent.batches import batch_rows
from gradviz.descent.optimizers import OPTIMIZERS
from gradviz.descent.schedules import SCHEDULES
from gradviz.descent.trajectory import Trajectory, descend
from gradviz.expr.errors import ExpressionError
from gradviz.model import limits
from gradviz.model.jobs import INLINE_WORK, PREVIEW_GRID, PREVIEW_ROWS, READ_INLINE_BYTES, Executor, Job, Progress
from gradviz.model.parameter_sliders import ParameterSliders
from gradviz.model.signal import Signal

GRID = 90  # landscape samples per side
PROGRESS_STEPS = 30  # the full landscape reports its progress this many times
SHOWN_ROWS = 5_000  # at most this many data points are drawn (a fixed sample of bigger data)


class DataState(ParameterSliders):
    """See the module docstring. `changed` is emitted with no arguments after every change;
    `parameters_changed` (with the names) when a parameter's value or range changes, or f's parameters do."""

    def __init__(self, model: str = "linear_mse") -> None:
        self.changed = Signal("data")
        self.parameters_changed = Signal("parameters")
        self.error = ""
        self.executor: Executor | None = None
        self.csv: tuple[str, dict[str, str]] | None = None  # the CSV file shown (absolute path, column choice)
        self.refining = False
        self.running = False
        self.loading = ""  # the CSV file being read by the executor
        self._tokens = {"landscape": 0, "run": 0, "csv": 0}
        self._progress: Progress | None = None
        self.preset: LossPreset = LOSS_PRESETS[model]
        self.function: DataFunction = model_function(self.preset.name)
        self.parameter_ranges = _ranges(self.function)
        self.source = f"built-in: {self.preset.dataset}"
        self.domain = self.preset.domain
        self.probe = (0.0, 0.0)
        run = limits.DATA_RUN
        self.method: str = run["method"]
        self.lr: float = run["lr"]
        self.steps: int = run["steps"]
        self.batch_size: int | None = run["batch_size"]
        self.seed: int = run["seed"]
        self.schedule: str = run["schedule"]
        self.start = (-1.0, 0.0)
        self.trajectory: Trajectory | None = None
        self.full_batch: Trajectory | None = None  # with mini-batches: the same run on every row, for comparison
        self._batches: tuple[Trajectory, list[np.ndarray]] | None = None
        self._shown: tuple[DataFunction, np.ndarray] | None = None
        self._landscape: tuple[np.ndarray, np.ndarray, np.ndarray]
        self._new_landscape_and_run()

    # ----- what is shown -----
    def landscape(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(ws, bs, loss) on the domain, loss shaped (len(ws), len(bs)): GRID² over every row, or while
        `refining` a PREVIEW_GRID² one over a sample of PREVIEW_ROWS rows."""
        return self._landscape

    @property
    def busy(self) -> bool:
        """Whether work handed to the executor has not come back yet."""
        return self.refining or self.running or bool(self.loading)

    @property
    def progress(self) -> float | None:
        """How far the full landscape has got (0 to 1) while it is computed; None when nothing says."""
        return self._progress.fraction if self.refining and self._progress is not None else None

    @property
    def landscape_note(self) -> str:
        """What the landscape is, when it is not yet the full one."""
        if not self.refining:
            return ""
        rows = self.function.rows
        return f"preview ({PREVIEW_GRID}², {min(rows, PREVIEW_ROWS):,} of {rows:,} rows), refining…"

    @property
    def text(self) -> str:
        """The loss being shown: the preset's, or one the user typed."""
        return self.function.text

    @property
    def custom(self) -> bool:
        """Whether the loss is the user's own rather than the preset's (the model curve is then unknown)."""
        return self.function.text != self.preset.text

    def fit(self, xs: np.ndarray) -> np.ndarray | None:
        """The model's prediction at the probe for inputs xs; None for a typed loss (its model is unknown)."""
        if self.custom:
            return None
        return self.preset.predict(*self.probe, np.asarray(xs, dtype=np.float64))

    def shown_rows(self) -> np.ndarray | None:
        """The rows the data view draws: None (all of them) up to SHOWN_ROWS, else a fixed sorted sample."""
        fn = self.function
        if fn.rows <= SHOWN_ROWS:
            return None
        if self._shown is None or self._shown[0] is not fn:
            rng = np.random.default_rng(0)
            self._shown = (fn, np.sort(rng.choice(fn.rows, SHOWN_ROWS, replace=False)))
        return self._shown[1]

    def batch_at(self, k: int) -> np.ndarray | None:
        """The rows of the mini-batch that the step from iterate k of the run uses (None in full batch)."""
        traj = self.trajectory
        if traj is None or not traj.batch_size or not 0 <= k < len(traj.points):
            return None
        if self._batches is None or self._batches[0] is not traj:
            batches = batch_rows(traj.function.rows, traj.batch_size, traj.seed)
            self._batches = (traj, [next(batches) for _ in range(len(traj.points))])  # type: ignore[misc]
        return self._batches[1][k]

    def batch_landscape(self, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """(ws, bs, loss over the rows of batch k only): the landscape the step from iterate k descends;
        None in full batch. On the grid of `landscape()`."""
        rows = self.batch_at(k)
        if rows is None:
            return None
        ws, bs, _ = self._landscape
        return ws, bs, self.function(ws[:, None], bs[None, :], rows=rows)

    # ----- setters -----
    def load_model(self, name: str) -> None:
        """A preset: its dataset, loss and domain; the probe and start move into its domain."""
        if name not in LOSS_PRESETS:
            raise ValueError(f"no model {name!r}; choose one of {', '.join(LOSS_PRESETS)}")
        self.preset = LOSS_PRESETS[name]
        self._set_function(model_function(self.preset.name), f"built-in: {self.preset.dataset}")

    def load_dataset(self, name: str) -> bool:
        """A built-in dataset (see DATASETS) for the current model's loss: the linear model on the outliers
        shows squared error pulled away. A dataset without the loss's columns is refused (`error` says why)."""
        if name not in DATASETS:
            raise ValueError(f"no dataset {name!r}; choose one of {', '.join(DATASETS)}")
        data = make_dataset(name)
        missing = [c for c in self.needed_columns if c not in data]
        if missing:
            self.error = (f"the {DATASETS[name].label.split(':')[0].lower()} data has columns {', '.join(data)}; "
                          f"this model's loss uses {', '.join(self.needed_columns)}")
            self.changed.emit()
            return False
        try:
            fn = model_function(self.preset.name, data)
        except (DataError, ExpressionError) as exc:
            self.error = f"{name}: {exc}"
            self.changed.emit()
            return False
        self._set_function(fn, f"built-in: {name}")
        return True

    @property
    def dataset(self) -> str | None:
        """The built-in dataset shown, or None for a CSV file."""
        prefix = "built-in: "
        return self.source[len(prefix):] if self.source.startswith(prefix) else None

    @property
    def needed_columns(self) -> tuple[str, ...]:
        """The columns the preset's loss and data view use (x and y, or x and t)."""
        return tuple(make_dataset(self.preset.dataset, rows=2))

    def load_csv(self, path: str | os.PathLike[str], columns: dict[str, str] | None = None) -> bool:
        """Data from a CSV file for the current model's loss; `columns` picks the file's column for each
        needed name ({"x": "height", "y": "weight"}), otherwise the header must use the needed names. On bad
        data, a missing column or a loss that does not fit, the last good data stays and `error` says why.
        A file over READ_INLINE_BYTES goes to the executor (`loading` names it; True: accepted)."""
        name = os.path.basename(os.fspath(path))
        model, chosen = self.preset, dict(columns or {})

        def read() -> Any:
            try:
                return model_function(model.name, read_columns(path, chosen)), name, (os.path.abspath(path), chosen)
            except (DataError, ExpressionError) as exc:
                return DataError(f"{name}: {exc}")

        try:
            small = os.path.getsize(path) <= READ_INLINE_BYTES
        except OSError:
            small = True  # read_columns names the problem
        if small or self.executor is None:
            self._tokens["csv"] += 1  # newer than a file still being read
            result = read()
            self._take_csv(result)
            return not isinstance(result, Exception)
        self.loading = name
        self._submit("csv", read, inline=False)
        self.changed.emit()
        return True

    def _take_csv(self, result: Any) -> None:
        self.loading = ""
        if isinstance(result, Exception):
            self.error = str(result)
            self.changed.emit()
        else:
            self._set_function(*result)

    def restore(self, model: str, fn: DataFunction, ranges: dict[str, tuple[float, float]], source: str,
                csv: tuple[str, dict[str, str]] | None, settings: dict[str, Any], start: tuple[float, float],
                probe: tuple[float, float]) -> None:
        """A saved state at once (its parts validated by `gradviz.session.loss_on_data.read_section`)."""
        self.preset = LOSS_PRESETS[model]
        for name, value in settings.items():
            setattr(self, name, value)
        self._set_function(fn, source, csv, start)
        self.parameter_ranges = dict(ranges)
        self.parameters_changed.emit(set(ranges))
        self.set_probe(*probe)

    def set_loss(self, text: str) -> bool:
        """A loss typed by the user over the current data; on an error (named with its column in the text)
        the last good loss stays and `error` says why."""
        try:
            fn = DataFunction(text, self.function.data)
        except ExpressionError as exc:
            self.error = f"loss: {exc}"
            self.changed.emit()
            return False
        self.function, self.error, self.trajectory, self.full_batch = fn, "", None, None
        self._new_parameters()
        self._new_landscape_and_run()
        return True

    def _new_parameters(self) -> None:
        self.parameter_ranges = _ranges(self.function)
        self.parameters_changed.emit(set(self.parameter_ranges))

    def _replace_values(self, fn: DataFunction, names: set[str]) -> None:
        """f with other parameter values (ridge's λ): the same derivation, a new landscape and run."""
        self.function = fn
        self.parameters_changed.emit(names)
        self._new_landscape_and_run()

    def _set_function(self, fn: DataFunction, source: str, csv: tuple[str, dict[str, str]] | None = None,
                      start: tuple[float, float] | None = None) -> None:
        self.function, self.source, self.error, self.csv = fn, source, "", csv
        self._new_parameters()
        own = source == f"built-in: {self.preset.dataset}"  # the preset's own data: its hand-set domain
        self.domain = self.preset.domain if own else fitted_domain(self.preset.name, dict(fn.data))
        (w0, w1), (b0, b1) = self.domain
        self.probe = (0.5 * (w0 + w1), 0.5 * (b0 + b1))
        self.start = start or (w0 + 0.1 * (w1 - w0), b0 + 0.1 * (b1 - b0))
        self.trajectory = self.full_batch = None
        self._new_landscape_and_run()

    def set_probe(self, w: float, b: float) -> None:
        self.probe = (float(w), float(b))
        self.changed.emit()

    def set_start(self, w: float, b: float) -> None:
        self.start = (float(w), float(b))
        self.run()

    def set_run(self, **settings: Any) -> None:
        """Change method, lr, steps, batch_size (None: full batch) or seed, and run again."""
        for name, value in settings.items():
            if name not in ("method", "lr", "steps", "batch_size", "seed", "schedule"):
                raise ValueError(f"no run setting {name!r}")
            if name == "method" and value not in OPTIMIZERS:
                raise ValueError(f"unknown method {value!r}")
            if name == "schedule" and value not in SCHEDULES:
                raise ValueError(f"unknown schedule {value!r}; choose one of {', '.join(SCHEDULES)}")
            setattr(self, name, value)
        self.run()

    def schedule_spec(self) -> dict[str, Any]:
        """The schedule with its lengths fitted to the run (each schedule's own `fit`: cosine anneals over all
        steps, StepLR decays 4 times, the warm-up takes a tenth of the steps)."""
        return {"name": self.schedule, **SCHEDULES[self.schedule].fit(self.steps)}

    def run(self) -> None:
        """Descend from the start with the run settings; the probe follows the end of the path."""
        fn, rows = self.function, self.function.rows
        batch = None if self.batch_size is None or self.batch_size >= rows else self.batch_size
        settings = dict(lr=self.lr, steps=self.steps, batch_size=batch, seed=self.seed, schedule=self.schedule_spec())
        start, method = self.start, self.method
        cost = self.steps * (rows + (batch or rows))  # each step's batch, and the full loss at each iterate
        if batch is not None:
            cost += 2 * self.steps * rows  # and the full-batch path beside it

        def both() -> tuple[Trajectory, Trajectory | None]:
            """The run, and with mini-batches the same run on every row (the path the noise departs from)."""
            full = None if batch is None else descend(fn, start, method, **{**settings, "batch_size": None})
            return descend(fn, start, method, **settings), full

        self._submit("run", both, cost <= INLINE_WORK)
        self.changed.emit()

    # ----- work that may be done elsewhere -----
    def _new_landscape_and_run(self) -> None:
        """The landscape of the current function and a run on it. With work to hand out: a preview now, and
        the run handed out before the full landscape (the path and the fit, the quicker, come first)."""
        fn = self.function
        (w0, w1), (b0, b1) = self.domain
        ws, bs = np.linspace(w0, w1, GRID), np.linspace(b0, b1, GRID)
        progress = Progress()

        def full() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
            """The landscape row block by row block, saying how far it has got."""
            rows = max(1, GRID // PROGRESS_STEPS)  # the same values as one call: each point reduces all rows
            parts = []
            for i in range(0, GRID, rows):
                parts.append(fn.grid(ws[i: i + rows], bs)[0])
                progress.fraction = min(1.0, (i + rows) / GRID)
            return ws, bs, np.concatenate(parts)

        if fn.rows * GRID * GRID <= INLINE_WORK or self.executor is None:
            self._submit("landscape", full, inline=True)
            self.run()
            return
        self._tokens["landscape"] += 1  # a landscape still on its way is of other data: stale from now
        pw, pb = np.linspace(w0, w1, PREVIEW_GRID), np.linspace(b0, b1, PREVIEW_GRID)
        sample = None if fn.rows <= PREVIEW_ROWS else np.sort(
            np.random.default_rng(0).choice(fn.rows, PREVIEW_ROWS, replace=False))
        self._landscape = (pw, pb, fn(pw[:, None], pb[None, :], rows=sample))
        self.refining = True
        self.run()
        self._submit("landscape", full, inline=False, progress=progress)

    def _submit(self, kind: str, compute: Any, inline: bool, progress: Progress | None = None) -> bool:
        """Do `compute` now if `inline` (small work) or there is no executor (True), else hand it to the
        executor (False). A newer job of the same kind makes older ones stale."""
        self._tokens[kind] += 1
        job = Job(kind, self._tokens[kind], compute, progress)
        if progress is not None:
            self._progress = progress
        if inline or self.executor is None:
            self._take(job, compute())
            return True
        if kind in _BUSY:
            setattr(self, _BUSY[kind], True)
        self.executor(job)
        return False

    def cancel_work(self) -> None:
        """Make every job on its way stale (its result is dropped) and stop the one that reports progress."""
        if self._progress is not None:
            self._progress.cancel()
        for kind in self._tokens:
            self._tokens[kind] += 1
        for flag in _BUSY.values():
            setattr(self, flag, False)
        self.loading = ""

    def is_stale(self, job: Job) -> bool:
        """Whether a newer job of the same kind has been handed out since (its result is not wanted)."""
        return job.token != self._tokens[job.kind]

    def accept(self, job: Job, result: Any) -> None:
        """A job's result (or the exception it raised), from the executor; a stale one is dropped."""
        if self._take(job, result):
            self.changed.emit()

    def _take(self, job: Job, result: Any) -> bool:
        if self.is_stale(job):
            return False
        if job.kind == "csv":
            self._take_csv(result)
            return False  # _take_csv announced it
        if isinstance(result, Exception):
            self.error = f"{job.kind}: {result}"
        elif job.kind == "landscape":
            self._landscape = result
        else:
            self.trajectory, self.full_batch = result
            self.probe = tuple(float(v) for v in self.trajectory.end)  # type: ignore[assignment, union-attr]
        setattr(self, _BUSY[job.kind], False)
        return True


_BUSY = {"landscape": "refining", "run": "running"}  # the flag that says each kind of job is on its way


def _ranges(fn: DataFunction) -> dict[str, tuple[float, float]]:
    return {name: (spec.lo, spec.hi) for name, spec in fn.parameter_specs.items()}

