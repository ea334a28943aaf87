"""The kinds of critical point, each one entry: its name, plural, symbol in text, marker in the views, colour
and what it means. The contour and 3D views, the list, the readout and the overlay's tooltip all read it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CriticalKind:
    name: str
    plural: str
    symbol: str  # in text and tables
    marker: str  # pyqtgraph's scatter symbol of the same shape
    color: str  # "#rrggbb", readable on the colour maps and in both themes
    meaning: str  # what the second-derivative test says

    def count(self, n: int) -> str:
        """"1 minimum", "10 minima"."""
        return f"{n} {self.name if n == 1 else self.plural}"


CRITICAL_KINDS: dict[str, CriticalKind] = {k.name: k for k in (
    CriticalKind("minimum", "minima", "●", "o", "#2ca02c", "local minimum (∇f = 0, H positive definite)"),
    CriticalKind("maximum", "maxima", "▲", "t1", "#d62728", "local maximum (∇f = 0, H negative definite)"),
    CriticalKind("saddle", "saddles", "■", "s", "#e6a800", "saddle point (∇f = 0, H indefinite)"),
    CriticalKind("degenerate", "degenerate points", "◆", "d", "#8c8c8c",
                 "degenerate critical point: H is singular, the test says nothing"),
)}


def legend() -> str:
    """'● minimum, ▲ maximum, ■ saddle, ◆ degenerate'."""
    return ", ".join(f"{k.symbol} {k.name}" for k in CRITICAL_KINDS.values())
