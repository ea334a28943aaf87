"""`LogAxis`: a pyqtgraph axis for log scales whose finer ticks are 1, 2 and 5 in each decade: all nine of
pyqtgraph's labels overlap on a short plot spanning a decade or two."""

from __future__ import annotations

import math

import pyqtgraph as pg

MINOR = tuple(math.log10(m) for m in (1, 2, 5))


class LogAxis(pg.AxisItem):
    def logTickValues(self, minVal: float, maxVal: float, size: float, stdTicks: list) -> list:  # noqa: N802, N803
        ticks = super().logTickValues(minVal, maxVal, size, stdTicks)
        if ticks and ticks[-1][0] is None and math.ceil(minVal) <= math.floor(maxVal):  # a decade is labelled
            minors = [v for v in ticks[-1][1] if any(abs(v - math.floor(v) - m) < 1e-9 for m in MINOR)]
            ticks[-1] = (None, minors)
        return ticks
