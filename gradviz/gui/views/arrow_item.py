"""One graphics item for a whole arrow field: a QPainterPath per colour band, built from arrays."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

BANDS = 6


class ArrowFieldItem(pg.GraphicsObject):
    """Draws arrow segments (M, 2, 2), coloured by magnitude in BANDS bands of a colour map."""

    def __init__(self) -> None:
        super().__init__()
        self._paths: list[tuple[QtGui.QPen, QtGui.QPainterPath]] = []
        self._bounds = QtCore.QRectF()

    def set_field(self, segments: np.ndarray, magnitude: np.ndarray, cmap: pg.ColorMap) -> None:
        """segments: 3 per arrow (shaft, two head strokes); magnitude: one per arrow."""
        self.prepareGeometryChange()
        self._paths = []
        if len(magnitude) == 0:
            self._bounds = QtCore.QRectF()
            self.update()
            return
        logm = np.log10(magnitude)
        lo, hi = np.percentile(logm, [2, 98])
        band = np.clip(((logm - lo) / max(hi - lo, 1e-12) * BANDS).astype(int), 0, BANDS - 1)
        per_arrow = segments.reshape(-1, 3, 2, 2)
        for b in range(BANDS):
            sel = per_arrow[band == b].reshape(-1, 2, 2)
            if len(sel) == 0:
                continue
            path = pg.arrayToQPath(sel[:, :, 0].ravel(), sel[:, :, 1].ravel(), connect="pairs")
            color = cmap.map((b + 0.5) / BANDS, mode="qcolor")
            color.setAlpha(200)
            pen = pg.mkPen(color, width=1.3)
            pen.setCosmetic(True)
            self._paths.append((pen, path))
        pts = segments.reshape(-1, 2)
        self._bounds = QtCore.QRectF(QtCore.QPointF(pts[:, 0].min(), pts[:, 1].min()),
                                     QtCore.QPointF(pts[:, 0].max(), pts[:, 1].max()))
        self.update()

    def paint(self, painter: QtGui.QPainter, option: QtWidgets.QStyleOptionGraphicsItem,
              widget: QtWidgets.QWidget | None = None) -> None:
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing, True)
        for pen, path in self._paths:
            painter.setPen(pen)
            painter.drawPath(path)

    def boundingRect(self) -> QtCore.QRectF:  # noqa: N802 (Qt API)
        return self._bounds
