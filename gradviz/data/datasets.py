"""Built-in datasets, generated with a fixed seed: each one entry (how it is made, what it shows).

`make_dataset(name, rows, seed)` returns columns for `gradviz.parse(text, data=...)`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Columns = dict[str, np.ndarray]


@dataclass(frozen=True)
class Dataset:
    """A generator of columns: `make(rng, rows)`; `label` for menus, `shows` what it teaches."""

    name: str
    label: str
    shows: str
    make: Callable[[np.random.Generator, int], Columns]
    rows: int = 100


def _linear(rng: np.random.Generator, rows: int) -> Columns:
    x = rng.normal(0.0, 1.0, rows)
    return {"x": x, "y": 2.0 * x + 4.2 + rng.normal(0.0, 0.5, rows)}


def _blobs(rng: np.random.Generator, rows: int) -> Columns:
    t = (np.arange(rows) % 2).astype(float)
    return {"x": np.where(t == 1.0, 1.0, -1.0) + rng.normal(0.0, 1.0, rows), "t": t}


def _sine(rng: np.random.Generator, rows: int) -> Columns:
    x = rng.uniform(-3.0, 3.0, rows)
    return {"x": x, "y": np.sin(x) + rng.normal(0.0, 0.1, rows)}


def _outliers(rng: np.random.Generator, rows: int) -> Columns:
    cols = _linear(rng, rows)
    bad = rng.choice(rows, size=max(1, rows // 10), replace=False)
    cols["y"][bad] += rng.choice([-1.0, 1.0], size=len(bad)) * rng.uniform(8.0, 15.0, len(bad))
    return cols


DATASETS: dict[str, Dataset] = {d.name: d for d in (
    Dataset("linear", "Linear: y = 2x + 4.2 + noise", "least squares: a convex bowl whose bottom is the fit",
            _linear),
    Dataset("blobs", "Two blobs with labels 0/1", "logistic regression: a loss with no bowl bottom when the "
            "classes separate", _blobs),
    Dataset("sine", "Noisy sine", "a non-convex fit: one tanh neuron has saddles and several valleys", _sine),
    Dataset("outliers", "Linear with 10% outliers", "why robust losses exist: squared error is pulled by the "
            "outliers, Huber and absolute error are not", _outliers),
)}


def make_dataset(name: str, rows: int | None = None, seed: int = 0) -> Columns:
    """The columns of built-in dataset `name` (see DATASETS); ValueError naming the choices."""
    if name not in DATASETS:
        raise ValueError(f"no dataset {name!r}; choose one of {', '.join(DATASETS)}")
    entry = DATASETS[name]
    return entry.make(np.random.default_rng(seed), int(rows or entry.rows))
