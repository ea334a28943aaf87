"""Loss presets (the Loss on data window's choices of model): data, loss and domain together, each one entry.

`model_function(name)` gives the loss as a `DataFunction`; `model_output(name, w, b, x)` the model's
prediction (the line, the curve, the probability) for the data view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from gradviz.data.columns import DataError
from gradviz.data.data_function import DataFunction
from gradviz.data.datasets import make_dataset


@dataclass(frozen=True)
class LossPreset:
    """A loss on a dataset: `text` uses the dataset's columns; `domain` is (w range, b range)."""

    name: str
    label: str
    dataset: str
    text: str
    domain: tuple[tuple[float, float], tuple[float, float]]
    predict: Callable[[float, float, np.ndarray], np.ndarray]
    inverse: Callable[[np.ndarray], np.ndarray]  # w*x + b from a prediction (the inverse of the activation)
    labels01: str | None = None  # a column that must hold only 0 and 1
    boundary: bool = False  # a classifier: its decision boundary w*x + b = 0 is drawn


def _line(w: float, b: float, x: np.ndarray) -> np.ndarray:
    return w * x + b


def _probability(w: float, b: float, x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * (w * x + b)))


def _neuron(w: float, b: float, x: np.ndarray) -> np.ndarray:
    return np.tanh(w * x + b)


EDGE = 1e-6  # how close to 0 and 1 (or ±1) a dragged probability (or tanh) may come


def _same(p: np.ndarray) -> np.ndarray:
    return p


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, EDGE, 1.0 - EDGE)
    return np.log(p) - np.log1p(-p)


def _arctanh(p: np.ndarray) -> np.ndarray:
    return np.arctanh(np.clip(p, -1.0 + EDGE, 1.0 - EDGE))


LOSS_PRESETS: dict[str, LossPreset] = {m.name: m for m in (
    LossPreset("linear_mse", "Linear regression (MSE)", "linear", "f(w, b) = mean((w*x + b - y)^2)",
          ((-2.0, 6.0), (-1.0, 9.0)), _line, _same),
    LossPreset("ridge", "Ridge regression (slide λ)", "linear",
          "lam = 0.5 in [0, 5]; f(w, b) = mean((w*x + b - y)^2) + lam*(w^2 + b^2)",
          ((-2.0, 6.0), (-1.0, 9.0)), _line, _same),
    LossPreset("logistic", "Logistic regression (cross-entropy)", "blobs",
          "f(w, b) = mean(softplus(w*x + b) - t*(w*x + b))", ((-4.0, 8.0), (-6.0, 6.0)), _probability, _logit,
          labels01="t", boundary=True),
    LossPreset("tanh_neuron", "One tanh neuron on a sine (non-convex)", "sine",
          "f(w, b) = mean((tanh(w*x + b) - y)^2)", ((-4.0, 4.0), (-4.0, 4.0)), _neuron, _arctanh),
    LossPreset("huber", "Robust regression (Huber, slide δ)", "outliers",
          "delta = 1 in [0.1, 5]; r = w*x + b - y; m = min(abs(r), delta); "
          "f(w, b) = mean(0.5*m^2 + delta*(abs(r) - m))",
          ((-2.0, 6.0), (-1.0, 9.0)), _line, _same),
)}


def check_labels(columns: dict[str, np.ndarray], name: str) -> None:
    """DataError naming the first row whose label in column `name` is not 0 or 1."""
    bad = np.flatnonzero((columns[name] != 0.0) & (columns[name] != 1.0))
    if len(bad):
        raise DataError(f"column {name!r}, row {bad[0]}: labels must be 0 or 1, not {columns[name][bad[0]]:g}")


def model_function(name: str, data: dict[str, np.ndarray] | None = None, seed: int = 0) -> DataFunction:
    """The loss of model preset `name` on its dataset (or on `data`, with the same columns)."""
    if name not in LOSS_PRESETS:
        raise ValueError(f"no model {name!r}; choose one of {', '.join(LOSS_PRESETS)}")
    model = LOSS_PRESETS[name]
    columns = make_dataset(model.dataset, seed=seed) if data is None else data
    fn = DataFunction(model.text, columns)
    if model.labels01:
        check_labels(fn.data, model.labels01)
    return fn


def model_output(name: str, w: float, b: float, x: np.ndarray) -> np.ndarray:
    """The model's prediction at parameters (w, b) for inputs x."""
    return LOSS_PRESETS[name].predict(w, b, np.asarray(x, dtype=np.float64))


def through(name: str, first: tuple[float, float], second: tuple[float, float]) -> tuple[float, float]:
    """(w, b) of the model whose prediction passes through the points (x1, p1) and (x2, p2), x1 ≠ x2
    (a probability or tanh value is kept EDGE inside its range). Dragging the fit moves the probe with it."""
    (x1, p1), (x2, p2) = first, second
    if x1 == x2:
        raise ValueError("the two points need different x")
    z1, z2 = (float(v) for v in LOSS_PRESETS[name].inverse(np.array([p1, p2], dtype=np.float64)))
    w = (z2 - z1) / (x2 - x1)
    return w, z1 - w * x1


def decision_boundary(name: str, w: float, b: float) -> float | None:
    """The x where a classifier's w*x + b = 0 (probability ½); None for a regression model or w = 0."""
    if not LOSS_PRESETS[name].boundary or w == 0.0:
        return None
    return -b / w



def fitted_domain(name: str, columns: dict[str, np.ndarray]) -> tuple[tuple[float, float], tuple[float, float]]:
    """The preset's domain moved to centre on the least-squares fit of these data: w·x + b fitted to the targets
    through the preset's inverse activation (a regression's targets themselves). Its own size; for labels (0 or
    1, where no such fit exists) the preset's own domain."""
    preset = LOSS_PRESETS[name]
    (w0, w1), (b0, b1) = preset.domain
    target = "t" if "t" in columns else "y"
    if preset.labels01 or "x" not in columns or target not in columns:
        return preset.domain
    x = np.asarray(columns["x"], dtype=np.float64)
    z = preset.inverse(np.asarray(columns[target], dtype=np.float64))
    (w, b), *_ = np.linalg.lstsq(np.column_stack([x, np.ones_like(x)]), z, rcond=None)
    if not (np.isfinite(w) and np.isfinite(b)):
        return preset.domain
    hw, hb = 0.5 * (w1 - w0), 0.5 * (b1 - b0)
    return (float(w) - hw, float(w) + hw), (float(b) - hb, float(b) + hb)
