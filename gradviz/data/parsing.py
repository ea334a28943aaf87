"""`parse`: text to a function of two variables, on data or not (the library's `gradviz.parse`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gradviz.data.data_function import DataFunction
from gradviz.expr.function import Function


def parse(text: str, data: Mapping[str, Any] | str | None = None) -> Function | DataFunction:
    """Parse f(x, y) text; raises gradviz.ExpressionError (a ValueError) with a position.

    `gradviz.parse("k = 2 in [0, 10]; f(w, b) = (w - 1)^2 + k*b^2")` has variables ("w", "b")
    and parameters {"k": 2.0}. With `data` (a dict of equal-length 1-D columns, or a CSV path)
    the columns' names can be used inside mean(...) and sum(...), and the result is a
    `gradviz.data.DataFunction` (gradviz.data.DataError for bad data, naming column and row).
    """
    return Function(text) if data is None else DataFunction(text, data)
