"""How f's values map to colours and contour levels: linear, logarithmic above the minimum (values
skewed over decades), or symmetric around 0 (signed f dominated by a few extremes). "auto", the
default, chooses from the values themselves."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

SPACINGS = ("auto", "linear", "log", "symmetric")
LOG_GAIN = 1000.0  # log scale: t = log(1 + G·u)/log(1 + G), u the linear position in [0, 1]
LOG_SKEW = 0.1  # log when the median sits below this fraction of the range above the minimum
SYMMETRIC_SKEW = 0.05  # symmetric when the median |f| is below this fraction of the largest |f|


def choose(values: np.ndarray, lo: float, hi: float) -> str:
    """The scale that shows these values best: "log", "symmetric" or "linear" (see the module docstring)."""
    v = values[np.isfinite(values)]
    span = hi - lo
    if v.size == 0 or not span > 0:
        return "linear"
    if lo < 0.0 < hi:
        top = max(-lo, hi)
        return "symmetric" if float(np.median(np.abs(v))) < SYMMETRIC_SKEW * top else "linear"
    above = np.clip(v, lo, hi) - lo
    return "log" if float(np.median(above)) < LOG_SKEW * span else "linear"


@dataclass(frozen=True)
class ColorScale:
    """A map between f and t ∈ [0, 1] on the range [lo, hi] (for "symmetric": [−m, m] with m = max|lo|, |hi|,
    logarithmic in |f| above the knee c)."""

    kind: str
    lo: float
    hi: float
    knee: float = 1.0

    def normalize(self, values: np.ndarray) -> np.ndarray:
        v = np.asarray(values, dtype=float)
        with np.errstate(invalid="ignore"):
            if self.kind == "symmetric":
                m = self.top
                c = np.clip(v, -m, m)
                return 0.5 + 0.5 * np.sign(c) * np.log1p(np.abs(c) / self.knee) / math.log1p(m / self.knee)
            t = (np.clip(v, self.lo, self.hi) - self.lo) / (self.hi - self.lo)
            if self.kind == "log":
                t = np.log1p(LOG_GAIN * t) / math.log1p(LOG_GAIN)
            return t

    def value_at(self, t: np.ndarray | float) -> np.ndarray:
        """The inverse of `normalize`: f at colour position t."""
        t = np.asarray(t, dtype=float)
        if self.kind == "symmetric":
            s = 2.0 * t - 1.0
            return np.sign(s) * self.knee * np.expm1(np.abs(s) * math.log1p(self.top / self.knee))
        u = np.expm1(t * math.log1p(LOG_GAIN)) / LOG_GAIN if self.kind == "log" else t
        return self.lo + u * (self.hi - self.lo)

    @property
    def top(self) -> float:
        return max(abs(self.lo), abs(self.hi))

    def levels(self, count: int) -> np.ndarray:
        """`count` contour levels strictly inside the range, evenly spaced in colour."""
        if count <= 0 or not self.hi > self.lo:
            return np.empty(0)
        if self.kind == "log":
            return self.lo + (self.hi - self.lo) * np.logspace(-3, 0, count + 1)[:-1]
        return self.value_at(np.linspace(0.0, 1.0, count + 2)[1:-1])


def color_scale(values: np.ndarray, lo: float, hi: float, spacing: str) -> ColorScale:
    """The scale for `spacing` ("auto" chooses) on the height range [lo, hi]."""
    kind = choose(values, lo, hi) if spacing == "auto" else spacing
    if kind == "symmetric":
        v = np.abs(values[np.isfinite(values)])
        top = max(abs(lo), abs(hi))
        knee = max(float(np.median(v)) if v.size else 1.0, 1e-3 * top, 1e-300)
        return ColorScale("symmetric", -top, top, knee)
    if kind == "symmetric" or not hi > lo:
        return ColorScale("linear", lo, hi)
    return ColorScale(kind, lo, hi)
