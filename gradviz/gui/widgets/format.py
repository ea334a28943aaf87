"""Numbers as people read them: a few significant digits, no negative zero."""

from __future__ import annotations

import math


def num(value: float, digits: int = 5) -> str:
    """`value` with `digits` significant digits; "nan", "∞" and "−∞" spelled out."""
    v = float(value)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    if v == 0.0:
        v = 0.0  # no "-0"
    text = f"{v:.{digits}g}"
    if "e" in text:
        mant, exp = text.split("e")
        text = f"{mant}e{int(exp)}"
    return text.replace("-", "−")


def vec(values: tuple[float, ...] | list[float], digits: int = 5) -> str:
    return "(" + ", ".join(num(v, digits) for v in values) + ")"
