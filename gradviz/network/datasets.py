"""Built-in datasets for networks, seeded: 2-D classification sets (X: rows × 2, t: class 0/1 or index) and a
1-D regression set. One entry each; `network_dataset(name, rows, noise, seed)` makes one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from gradviz.data.columns import MAX_ROWS

ROWS = (2, MAX_ROWS)  # a built-in dataset's size
NOISE = (0.0, 10.0)  # its noise

Arrays = dict[str, np.ndarray]


@dataclass(frozen=True)
class NetworkDataset:
    """`make(rng, rows, noise)` gives {"X", "t"}; `task` is "classification" or "regression", `classes` the number
    of classes (0 for regression), `noise` the default noise, `loss` the loss that fits it."""

    name: str
    label: str
    task: str
    make: Callable[[np.random.Generator, int, float], Arrays]
    classes: int = 2
    rows: int = 200
    noise: float = 0.1
    loss: str = "logistic"


def _moons(rng: np.random.Generator, rows: int, noise: float) -> Arrays:
    t = np.arange(rows) % 2
    angle = rng.uniform(0.0, np.pi, rows)
    x = np.where(t == 0, np.cos(angle), 1.0 - np.cos(angle))
    y = np.where(t == 0, np.sin(angle), 0.5 - np.sin(angle))
    return {"X": np.column_stack([x, y]) + rng.normal(0.0, noise, (rows, 2)), "t": t.astype(float)}


def _circles(rng: np.random.Generator, rows: int, noise: float) -> Arrays:
    t = np.arange(rows) % 2
    angle = rng.uniform(0.0, 2 * np.pi, rows)
    radius = np.where(t == 0, 1.0, 0.5)
    xy = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    return {"X": xy + rng.normal(0.0, noise, (rows, 2)), "t": t.astype(float)}


def _spirals(rng: np.random.Generator, rows: int, noise: float) -> Arrays:
    t = np.arange(rows) % 2
    r = rng.uniform(0.1, 1.0, rows)
    angle = 3.0 * np.pi * r + np.pi * t
    xy = np.column_stack([r * np.cos(angle), r * np.sin(angle)])
    return {"X": xy + rng.normal(0.0, noise, (rows, 2)), "t": t.astype(float)}


def _xor(rng: np.random.Generator, rows: int, noise: float) -> Arrays:
    xy = rng.uniform(-1.0, 1.0, (rows, 2))
    t = (xy[:, 0] * xy[:, 1] > 0).astype(float)
    return {"X": xy + rng.normal(0.0, noise, (rows, 2)), "t": t}


def _blobs(rng: np.random.Generator, rows: int, noise: float) -> Arrays:
    t = np.arange(rows) % 3
    centres = np.array([[-1.0, -0.6], [1.0, -0.6], [0.0, 1.0]])
    return {"X": centres[t] + rng.normal(0.0, 0.3 + noise, (rows, 2)), "t": t.astype(float)}


def _sine(rng: np.random.Generator, rows: int, noise: float) -> Arrays:
    x = rng.uniform(-3.0, 3.0, rows)
    return {"X": x[:, None], "t": np.sin(x) + rng.normal(0.0, noise, rows)}


NETWORK_DATASETS: dict[str, NetworkDataset] = {d.name: d for d in (
    NetworkDataset("moons", "Two moons", "classification", _moons),
    NetworkDataset("circles", "Circles", "classification", _circles),
    NetworkDataset("spirals", "Two spirals", "classification", _spirals, noise=0.03),
    NetworkDataset("xor", "XOR", "classification", _xor, noise=0.05),
    NetworkDataset("blobs", "Three blobs", "classification", _blobs, classes=3, loss="cross_entropy"),
    NetworkDataset("sine", "Noisy sine (regression)", "regression", _sine, classes=0, loss="mse"),
)}


def network_dataset(name: str, rows: int | None = None, noise: float | None = None, seed: int = 0) -> Arrays:
    """{"X": rows × inputs, "t": rows} of dataset `name`, the same for the same arguments; ValueError naming the
    choices or a bad size or noise."""
    if name not in NETWORK_DATASETS:
        raise ValueError(f"no dataset {name!r}; choose one of {', '.join(NETWORK_DATASETS)}")
    entry = NETWORK_DATASETS[name]
    rows = entry.rows if rows is None else int(rows)
    noise = entry.noise if noise is None else float(noise)
    if not ROWS[0] <= rows <= ROWS[1]:
        raise ValueError(f"rows must be from {ROWS[0]} to {ROWS[1]:,}, got {rows}")
    if not NOISE[0] <= noise <= NOISE[1]:
        raise ValueError(f"noise must be from {NOISE[0]:g} to {NOISE[1]:g}, got {noise}")
    return entry.make(np.random.default_rng(seed), rows, noise)
