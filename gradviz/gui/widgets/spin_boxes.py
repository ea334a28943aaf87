"""The spin boxes of the panels: a range, a step, a tooltip, and a value that applies when editing ends (no
keyboard tracking: typing "0.05" does not apply 0, then 0.0, then 0.05)."""

from __future__ import annotations

from PySide6 import QtWidgets


def double_spin(lo: float, hi: float, decimals: int, step: float, tip: str = "",
                value: float | None = None) -> QtWidgets.QDoubleSpinBox:
    box = QtWidgets.QDoubleSpinBox()
    box.setRange(lo, hi)
    box.setDecimals(decimals)
    box.setSingleStep(step)
    box.setKeyboardTracking(False)
    box.setToolTip(tip)
    if value is not None:
        box.setValue(value)
    return box


def int_spin(lo: int, hi: int, value: int, tip: str = "") -> QtWidgets.QSpinBox:
    box = QtWidgets.QSpinBox()
    box.setRange(lo, hi)
    box.setKeyboardTracking(False)
    box.setValue(value)
    box.setToolTip(tip)
    return box
