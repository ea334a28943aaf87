"""How trajectories look: a colour per start point, a line style per optimizer."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6 import QtCore, QtGui

from gradviz.descent.optimizers import OPTIMIZERS

# colours that stand out on viridis-like maps and differ from the red gradient arrows
START_COLORS = ["#ff8c1a", "#ff33cc", "#ffffff", "#00e5ff", "#111111", "#7fff00", "#b388ff", "#ffd54f"]

# dash patterns in pen widths (None: solid)
METHOD_DASHES = {name: list(opt.dashes) if opt.dashes else None for name, opt in OPTIMIZERS.items()}


def start_color(key: int) -> str:
    return START_COLORS[key % len(START_COLORS)]


def method_pen(method: str, color: str | QtGui.QColor = "k", width: float = 2.6) -> QtGui.QPen:
    pen = pg.mkPen(color, width=width)
    dashes = METHOD_DASHES[method]
    if dashes:
        pen.setStyle(QtCore.Qt.PenStyle.CustomDashLine)
        pen.setDashPattern(dashes)
    pen.setCapStyle(QtCore.Qt.PenCapStyle.FlatCap)
    pen.setCosmetic(True)
    return pen


def style_pixmap(method: str, color: str = "#222", length: int = 48) -> QtGui.QPixmap:
    """The method's line style drawn `length` px long: long enough to show a whole dash pattern."""
    pix = QtGui.QPixmap(length, 12)
    pix.fill(QtCore.Qt.GlobalColor.transparent)
    painter = QtGui.QPainter(pix)
    painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    painter.setPen(method_pen(method, color, 2.0))
    painter.drawLine(1, 6, length - 1, 6)
    painter.end()
    return pix


def style_icon(method: str, color: str = "#222") -> QtGui.QIcon:
    """A small picture of the method's line style, for legends in widgets."""
    return QtGui.QIcon(style_pixmap(method, color, 36))
