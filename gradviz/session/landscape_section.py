"""A landscape slice on screen, in a session: the network (its text and data), the plane's centre and two
directions as stored vectors, its kind and the PCA shares. Read back, the main window shows the same f(α, β)."""

from __future__ import annotations

from typing import Any

import numpy as np

from gradviz.data.columns import DataError
from gradviz.expr.errors import ExpressionError
from gradviz.expr.lexer import MAX_LENGTH
from gradviz.landscape.plane import Landscape
from gradviz.landscape.slice_function import SliceFunction
from gradviz.network import parse_model
from gradviz.session import fields
from gradviz.session.fields import SessionError

SECTION = "landscape"
MAX_VALUES = 10_000_000  # numbers in one stored array


def to_dict(fn: Any) -> dict[str, Any] | None:
    """The section for the scene's f when it is a slice, else None."""
    if not isinstance(fn, SliceFunction):
        return None
    sl = fn.landscape
    shares = sl.explained_variance
    return {"model": sl.net.text, "data": {k: v.tolist() for k, v in sl.net.data.items()}, "kind": sl.kind,
            "center": sl.center.tolist(), "d1": sl.directions[0].tolist(), "d2": sl.directions[1].tolist(),
            "explained_variance": None if shares is None else shares.tolist()}


def _array(value: Any, where: str) -> np.ndarray:
    fields.array(value, where, MAX_VALUES)
    try:
        array = np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise SessionError(f"{where} must hold numbers") from None
    if not np.isfinite(array).all():
        raise SessionError(f"{where} must hold finite numbers")
    return array


def read(raw: Any, where: str = SECTION) -> SliceFunction:
    """The slice of a section; SessionError naming the field when anything is wrong."""
    raw = fields.obj(raw, where)
    text = fields.text(raw.get("model"), f"{where}.model", MAX_LENGTH)
    data = {fields.text(k, f"{where}.data", 200): _array(v, f"{where}.data.{k}")
            for k, v in fields.obj(raw.get("data"), f"{where}.data").items()}
    try:
        net = parse_model(text, data)
    except (ExpressionError, DataError, ValueError) as exc:
        raise SessionError(f"{where}.model: {exc}") from None
    vectors = [_array(raw.get(k), f"{where}.{k}") for k in ("center", "d1", "d2")]
    for name, v in zip(("center", "d1", "d2"), vectors, strict=True):
        if v.shape != (net.size,):
            raise SessionError(f"{where}.{name} must have the model's {net.size} weights, got shape {v.shape}")
    shares = raw.get("explained_variance")
    kind = fields.text(raw.get("kind", "given"), f"{where}.kind", 50)
    return SliceFunction(Landscape(net, *vectors, kind, None if shares is None else _array(shares,
                                                                                            f"{where}.explained_variance")))
