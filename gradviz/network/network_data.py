"""A network's data: named arrays whose first axis is the rows (X: rows × inputs, t: rows), from arrays or a CSV."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from gradviz.data.columns import MAX_ROWS, DataError, numeric_array, read_csv


def network_data(data: Mapping[str, Any] | str | os.PathLike[str], x_columns: Sequence[str] | None = None,
                 target: str | None = None) -> dict[str, np.ndarray]:
    """{name: float64 array with rows first}, checked; DataError naming the array, row or column at fault.

    From a CSV path: X stacks `x_columns` (default: every column but the last) and t is `target` (default:
    the last column)."""
    if isinstance(data, (str, os.PathLike)):
        return _from_csv(data, x_columns, target)
    if x_columns is not None or target is not None:
        raise DataError("x_columns and target choose the columns of a CSV file; with arrays, name them in data")
    if not isinstance(data, Mapping) or not data:
        raise DataError("data must be a non-empty dict of arrays (rows first), or the path of a CSV file")
    out: dict[str, np.ndarray] = {}
    rows = None
    for name, values in data.items():
        array = numeric_array(name, values, "data", tables=True)
        if rows is not None and array.shape[0] != rows:
            raise DataError(f"data {name!r} has {array.shape[0]} rows, the others {rows}")
        rows = array.shape[0]
        out[name] = array
    if rows is None or rows < 2:
        raise DataError(f"a network needs at least 2 rows of data, got {rows or 0}")
    if rows > MAX_ROWS:
        raise DataError(f"data has more than {MAX_ROWS:,} rows, the limit (MAX_ROWS)")
    return out


def _from_csv(path: str | os.PathLike[str], x_columns: Sequence[str] | None,
              target: str | None) -> dict[str, np.ndarray]:
    columns = read_csv(path)  # DataError with the line and column of a bad cell
    names = list(columns)
    target = names[-1] if target is None else target
    chosen = [n for n in names if n != target] if x_columns is None else list(x_columns)
    for name in [*chosen, target]:
        if name not in columns:
            raise DataError(f"the file has no column {name!r} (it has {', '.join(names)})")
    if not chosen:
        raise DataError("no input columns: X needs at least one column besides the target")
    if target in chosen:
        raise DataError(f"column {target!r} is both an input (in X) and the target")
    return {"X": np.column_stack([columns[n] for n in chosen]), "t": columns[target]}


def split_rows(data: dict[str, np.ndarray], held_out: float, seed: int = 0) -> tuple[dict[str, np.ndarray],
                                                                                   dict[str, np.ndarray]]:
    """(training rows, held-out rows): a seeded random `held_out` fraction of the rows (at least 2 each side) kept
    apart; ValueError if the fraction or the data cannot give both."""
    rows = len(next(iter(data.values())))
    if not 0.0 < held_out < 1.0:
        raise ValueError(f"the held-out fraction must be between 0 and 1, got {held_out!r}")
    kept = int(round(held_out * rows))
    if kept < 2 or rows - kept < 2:
        raise ValueError(f"holding out {held_out:.0%} of {rows} rows leaves fewer than 2 rows on one side")
    held = held_indices(rows, held_out, seed)
    train = np.setdiff1d(np.arange(rows), held)
    return {k: v[train] for k, v in data.items()}, {k: v[held] for k, v in data.items()}


def held_indices(rows: int, held_out: float, seed: int = 0) -> np.ndarray:
    """The sorted indices of the rows `split_rows` holds out (a seeded permutation's first share)."""
    kept = int(round(held_out * rows))
    return np.sort(np.random.default_rng(seed).permutation(rows)[:kept])
