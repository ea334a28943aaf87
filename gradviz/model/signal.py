"""A minimal observer: views connect callables, the model emits. No Qt needed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Signal:
    """Callables connected here are called, in order, with the arguments of each `emit`."""

    def __init__(self, name: str = "") -> None:
        self.name = name
        self._slots: list[Callable[..., Any]] = []
        self._held = 0
        self._pending: list[tuple] = []

    def connect(self, slot: Callable[..., Any]) -> None:
        if slot not in self._slots:
            self._slots.append(slot)

    def disconnect(self, slot: Callable[..., Any]) -> None:
        if slot in self._slots:
            self._slots.remove(slot)

    def emit(self, *args: Any) -> None:
        if self._held:
            self._pending.append(args)
            return
        for slot in list(self._slots):
            slot(*args)

    def hold(self) -> None:
        """Collect emits instead of delivering them, until `release`."""
        self._held += 1

    def release(self) -> None:
        """Deliver what was held, once: the last arguments, or the union when they are sets."""
        self._held -= 1
        if self._held or not self._pending:
            return
        pending, self._pending = self._pending, []
        last = pending[-1]
        if last and all(a and isinstance(a[0], set) for a in pending):
            last = (set().union(*(a[0] for a in pending)),)
        self.emit(*last)

    def __len__(self) -> int:
        return len(self._slots)
