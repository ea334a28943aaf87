"""Data columns: validated 1-D float64 arrays of one length, from a dict or a CSV file.

A CSV file is data, never code: each cell is read with `float()` and nothing else.
"""

from __future__ import annotations

import csv
import keyword
import math
import os
from collections.abc import Mapping
from typing import Any

import numpy as np

from gradviz.expr.language import CONSTANTS, FUNCTIONS
from gradviz.expr.reductions import REDUCTIONS

MAX_ROWS = 1_000_000  # more rows than this are refused (the grid of a loss evaluates every row)


class DataError(ValueError):
    """Data that cannot be used; the message names the column (and the row and line for files)."""


def check_name(name: Any) -> str:
    """A column name usable in f's text; DataError saying why not."""
    if not isinstance(name, str) or not name.isidentifier() or not name.isascii():
        raise DataError(f"column name {name!r} is not a name f can use (letters, digits and _, "
                        f"not starting with a digit)")
    for taken, what in ((FUNCTIONS, "a function"), (CONSTANTS, "a constant"), (REDUCTIONS, "a reduction")):
        if name in taken:
            raise DataError(f"column name {name!r} is {what} of the language: rename the column")
    if keyword.iskeyword(name) or name == "f":
        raise DataError(f"column name {name!r} is reserved: rename the column")
    return name


def load_data(data: Mapping[str, Any] | str | os.PathLike[str]) -> dict[str, np.ndarray]:
    """Columns from a dict of 1-D arrays (equal lengths) or from the path of a CSV file."""
    if isinstance(data, (str, os.PathLike)):
        return read_csv(data)
    if not isinstance(data, Mapping):
        raise DataError(f"data must be a dict of columns or a CSV path, not {type(data).__name__}")
    if not data:
        raise DataError("data has no columns")
    columns: dict[str, np.ndarray] = {}
    length = None
    for name, values in data.items():
        column = numeric_array(name, values)
        if length is not None and len(column) != length:
            raise DataError(f"column {name!r} has {len(column)} rows, the others {length}")
        length = len(column)
        columns[name] = column
    _check_rows(length or 0)
    return columns


def numeric_array(name: Any, values: Any, what: str = "column", tables: bool = False) -> np.ndarray:
    """`values` as float64, a usable name, a vector (or with `tables` a rows × columns table) of finite numbers;
    DataError naming the `what`, the row (and column) otherwise."""
    check_name(name)
    try:
        array = np.array(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise DataError(f"{what} {name!r} is not numeric: {exc}") from None
    if array.ndim != 1 and not (tables and array.ndim == 2):
        shape = "a vector (rows,) or a table (rows, columns)" if tables else "1-D"
        raise DataError(f"{what} {name!r} must be {shape}, got shape {array.shape}")
    bad = np.argwhere(~np.isfinite(array))
    if len(bad):
        where = f"row {bad[0][0]}" + (f", column {bad[0][1]}" if array.ndim == 2 else "")
        raise DataError(f"{what} {name!r} has a missing or non-finite value in {where}")
    return array


def _check_rows(rows: int) -> None:
    if rows < 2:
        raise DataError(f"data needs at least 2 rows, got {rows}")
    if rows > MAX_ROWS:
        raise DataError(f"data has more than {MAX_ROWS:,} rows, the limit (MAX_ROWS)")


def _open(path: str | os.PathLike[str]) -> Any:
    try:
        return open(path, newline="", encoding="utf-8-sig")  # noqa: SIM115 (the caller closes it)
    except OSError as exc:
        raise DataError(f"cannot read {os.fspath(path)!r}: {exc.strerror or exc}") from None


def _header(header: list[str] | None) -> list[str]:
    """The column names of a header row; DataError naming the column of a bad or repeated name."""
    if header is None:
        raise DataError("the file is empty")
    names = [h.strip() for h in header]
    seen: set[str] = set()
    for k, name in enumerate(names):
        try:
            check_name(name)
        except DataError as exc:
            raise DataError(f"line 1, column {k + 1}: {exc}") from None
        if name in seen:
            raise DataError(f"line 1, column {k + 1}: column name {name!r} appears twice")
        seen.add(name)
    return names


def read_header(path: str | os.PathLike[str]) -> list[str]:
    """The column names of a CSV file, reading its first line only; DataError as `read_csv`."""
    with _open(path) as handle:
        try:
            return _header(next(csv.reader(handle), None))
        except (csv.Error, UnicodeDecodeError):
            raise DataError("line 1: not valid UTF-8 CSV") from None


def read_csv(path: str | os.PathLike[str]) -> dict[str, np.ndarray]:
    """Numeric columns of a CSV file with a header row; DataError naming the line and column of a bad cell."""
    with _open(path) as handle:
        reader = csv.reader(handle)
        try:
            names = _header(next(reader, None))
            cells: list[list[float]] = [[] for _ in names]
            for row in reader:
                line = reader.line_num
                if not any(c.strip() for c in row):
                    continue
                if len(row) != len(names):
                    raise DataError(f"line {line}: {len(row)} cells, the header has {len(names)}")
                for k, cell in enumerate(row):
                    text = cell.strip()
                    if not text:
                        raise DataError(f"line {line}, column {names[k]!r}: the cell is empty")
                    try:
                        value = float(text)
                    except ValueError:
                        raise DataError(f"line {line}, column {names[k]!r}: {text[:20]!r} is not a number") from None
                    if not math.isfinite(value):
                        raise DataError(f"line {line}, column {names[k]!r}: {text!r} is not a finite number")
                    cells[k].append(value)
                if len(cells[0]) > MAX_ROWS:
                    raise DataError(f"the file has more than {MAX_ROWS:,} rows, the limit (MAX_ROWS)")
        except csv.Error as exc:
            raise DataError(f"line {reader.line_num}: not valid CSV ({exc})") from None
        except UnicodeDecodeError:
            raise DataError("the file is not UTF-8 text") from None
    _check_rows(len(cells[0]))
    return {name: np.array(col, dtype=np.float64) for name, col in zip(names, cells, strict=True)}


def read_columns(path: str | os.PathLike[str], columns: Mapping[str, str] | None = None) -> dict[str, np.ndarray]:
    """The columns of a CSV file; with `columns` ({name the loss uses: the file's column}) only those,
    renamed. DataError naming the line and column of a bad cell, or a column the file lacks."""
    data = load_data(path)
    if not columns:
        return data
    missing = [src for src in columns.values() if src not in data]
    if missing:
        raise DataError(f"the file has no column {missing[0]!r} (it has {', '.join(data)})")
    return {name: data[src] for name, src in columns.items()}

