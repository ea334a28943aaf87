"""Typed readers for session fields: each returns a clean value or raises SessionError naming the
field's path ("descent.methods.adam.lr must be a positive number") and the rule it breaks."""

from __future__ import annotations

import math
from typing import Any


class SessionError(ValueError):
    """A session file that cannot be used; the message says why (and the scene is unchanged)."""


def obj(value: Any, where: str, default: Any = None) -> dict:
    """An object (dict); a missing one (None) gives `default` when that is a dict."""
    if value is None and isinstance(default, dict):
        return default
    if not isinstance(value, dict):
        raise SessionError(f"{where} must be an object, not {_kind(value)}")
    return value


def number(value: Any, where: str, lo: float = -math.inf, hi: float = math.inf, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SessionError(f"{where} must be a number, not {_kind(value)}")
    v = float(value)
    if not math.isfinite(v):
        raise SessionError(f"{where} must be a finite number")
    if positive and not v > 0:
        raise SessionError(f"{where} must be a positive number, not {v:g}")
    if not lo <= v <= hi:
        raise SessionError(f"{where} must be between {lo:g} and {hi:g}, not {v:g}")
    return v


def integer(value: Any, where: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SessionError(f"{where} must be a whole number, not {_kind(value)}")
    if not lo <= value <= hi:
        raise SessionError(f"{where} must be a whole number from {lo} to {hi}, not {value}")
    return value


def boolean(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise SessionError(f"{where} must be true or false, not {_kind(value)}")
    return value


def text(value: Any, where: str, max_length: int = 200_000) -> str:
    if not isinstance(value, str):
        raise SessionError(f"{where} must be a string, not {_kind(value)}")
    if len(value) > max_length:
        raise SessionError(f"{where} is too long ({len(value):,} characters, at most {max_length:,})")
    return value


def choice(value: Any, where: str, choices: Any) -> str:
    """A name among `choices` (a registry's keys); SessionError listing them otherwise."""
    name = text(value, where, 100)
    if name not in choices:
        raise SessionError(f"{where}: no {name!r} (gradviz has {', '.join(choices)})")
    return name


def pair(value: Any, where: str, bound: float) -> tuple[float, float]:
    if not isinstance(value, list) or len(value) != 2:
        raise SessionError(f"{where} must be a pair of numbers [a, b], not {_kind(value)}")
    return number(value[0], f"{where}[0]", -bound, bound), number(value[1], f"{where}[1]", -bound, bound)


def array(value: Any, where: str, max_items: int) -> list:
    if not isinstance(value, list):
        raise SessionError(f"{where} must be a list, not {_kind(value)}")
    if len(value) > max_items:
        raise SessionError(f"{where} has {len(value):,} items, at most {max_items:,}")
    return value


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if len(repr(value)) < 30 else "a number"
    if isinstance(value, str):
        return f"the string {value[:20]!r}" + ("…" if len(value) > 20 else "")
    return {list: "a list", dict: "an object"}.get(type(value), type(value).__name__)
