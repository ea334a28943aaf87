"""The loss-on-data window's state, Qt-free: the model (data and loss), the probe (w, b), a descent run
(full batch or mini-batch) and the landscape on a grid. Setters validate, keep the last good state on bad
input (`error` says why), and announce every change on `changed` (the window only draws)."""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from gradviz.data.columns import DataError, load_data
from gradviz.data.datasets import make_dataset
from gradviz.data.function import DataFunction
from gradviz.data.models import MODELS, Model, check_labels
from gradviz.descent.optimizers import OPTIMIZERS
from gradviz.descent.schedules import SCHEDULES
from gradviz.descent.trajectory import Trajectory, descend
from gradviz.expr.errors import ExpressionError
from gradviz.model.signal import Signal

GRID = 90  # landscape samples per side


class DataState:
    """See the module docstring. `changed` is emitted with no arguments after every change."""

    def __init__(self, model: str = "linear_mse") -> None:
        self.changed = Signal("data")
        self.error = ""
        self.model: Model = MODELS[model]
        self.function: DataFunction = _model_function(self.model, None)
        self.source = f"built-in: {self.model.dataset}"
        self.domain = self.model.domain
        self.probe = (0.0, 0.0)
        self.method = "gd"
        self.lr = 0.05
        self.steps = 200
        self.batch_size: int | None = 16
        self.seed = 0
        self.schedule = "constant"
        self.start = (-1.0, 0.0)
        self.trajectory: Trajectory | None = None
        self._landscape: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self.run()

    # ----- what is shown -----
    def landscape(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(ws, bs, loss) on the domain, loss shaped (len(ws), len(bs)); computed once per model."""
        if self._landscape is None:
            (w0, w1), (b0, b1) = self.domain
            ws, bs = np.linspace(w0, w1, GRID), np.linspace(b0, b1, GRID)
            self._landscape = (ws, bs, self.function.grid(ws, bs)[0])
        return self._landscape

    @property
    def text(self) -> str:
        """The loss being shown: the preset's, or one the user typed."""
        return self.function.text

    @property
    def custom(self) -> bool:
        """Whether the loss is the user's own rather than the preset's (the model curve is then unknown)."""
        return self.function.text != self.model.text

    def fit(self, xs: np.ndarray) -> np.ndarray | None:
        """The model's prediction at the probe for inputs xs; None for a typed loss (its model is unknown)."""
        if self.custom:
            return None
        return self.model.predict(*self.probe, np.asarray(xs, dtype=np.float64))

    # ----- setters -----
    def load_model(self, name: str) -> None:
        """A preset: its dataset, loss and domain; the probe and start move into its domain."""
        if name not in MODELS:
            raise ValueError(f"no model {name!r}; choose one of {', '.join(MODELS)}")
        self.model = MODELS[name]
        self._set_function(_model_function(self.model, None), f"built-in: {self.model.dataset}")

    @property
    def needed_columns(self) -> tuple[str, ...]:
        """The columns the preset's loss and data view use (x and y, or x and t)."""
        return tuple(make_dataset(self.model.dataset, rows=2))

    def load_csv(self, path: str | os.PathLike[str], columns: dict[str, str] | None = None) -> bool:
        """Data from a CSV file for the current model's loss; `columns` picks the file's column for each
        needed name ({"x": "height", "y": "weight"}), otherwise the header must use the needed names. On bad
        data, a missing column or a loss that does not fit, the last good data stays and `error` says why."""
        try:
            data = load_data(path)
            if columns:
                missing = [src for src in columns.values() if src not in data]
                if missing:
                    raise DataError(f"the file has no column {missing[0]!r} (it has {', '.join(data)})")
                data = {name: data[src] for name, src in columns.items()}
            fn = _model_function(self.model, data)
        except (DataError, ExpressionError) as exc:
            self.error = f"{os.path.basename(os.fspath(path))}: {exc}"
            self.changed.emit()
            return False
        self._set_function(fn, os.path.basename(os.fspath(path)))
        return True

    def set_loss(self, text: str) -> bool:
        """A loss typed by the user over the current data; on an error (named with its column in the text)
        the last good loss stays and `error` says why."""
        try:
            fn = DataFunction(text, self.function.data)
        except ExpressionError as exc:
            self.error = f"loss: {exc}"
            self.changed.emit()
            return False
        self.function, self.error, self._landscape = fn, "", None
        self.run()
        return True

    def _set_function(self, fn: DataFunction, source: str) -> None:
        self.function, self.source, self.error = fn, source, ""
        self.domain = self.model.domain
        (w0, w1), (b0, b1) = self.domain
        self.probe = (0.5 * (w0 + w1), 0.5 * (b0 + b1))
        self.start = (w0 + 0.1 * (w1 - w0), b0 + 0.1 * (b1 - b0))
        self._landscape = None
        self.run()

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
        """The schedule with its lengths fitted to the run: cosine anneals over all steps (T_max = steps),
        StepLR decays 4 times (step_size = steps / 4), the warm-up takes a tenth of the steps."""
        spec: dict[str, Any] = {"name": self.schedule}
        fitted = {"cosine": ("T_max", self.steps), "step": ("step_size", max(1, self.steps // 4)),
                  "linear_warmup": ("warmup_steps", max(1, self.steps // 10))}
        if self.schedule in fitted:
            name, value = fitted[self.schedule]
            spec[name] = value
        return spec

    def run(self) -> None:
        """Descend from the start with the run settings; the probe follows the end of the path."""
        batch = None if self.batch_size is None or self.batch_size >= self.function.rows else self.batch_size
        self.trajectory = descend(self.function, self.start, self.method, lr=self.lr, steps=self.steps,
                                  batch_size=batch, seed=self.seed, schedule=self.schedule_spec())
        self.probe = tuple(float(v) for v in self.trajectory.end)  # type: ignore[assignment]
        self.changed.emit()


def _model_function(model: Model, data: dict[str, np.ndarray] | None) -> DataFunction:
    fn = DataFunction(model.text, make_dataset(model.dataset) if data is None else data)
    if model.labels01:
        check_labels(fn.data, model.labels01)
    return fn
