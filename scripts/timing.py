"""The benchmarks' one way of timing a call: the median of repeated wall-clock times, after a warm-up call."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_seconds(fn: Callable[[], object], repeats: int, warm: bool = True) -> float:
    """The median wall-clock seconds of `repeats` calls of `fn` (after one call not counted, when `warm`)."""
    if warm:
        fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)
