"""A matrix (or vector) as a labelled heat map: a diverging colour scale centred on 0, row and
column indices on the axes, and the numbers written in the cells when they fit."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtGui

from gradviz.gui.widgets.format import num
from gradviz.gui.widgets.theme import style_axis, style_plot, ui_font

MAX_NUMBERED_CELLS = 400


class HeatMap(pg.PlotWidget):
    """`numbered=False` never writes the numbers in the cells (a window with several small maps)."""

    def __init__(self, parent: object = None, numbered: bool = True) -> None:
        super().__init__(parent)
        self.numbered = numbered
        style_plot(self)
        plot = self.getPlotItem()
        plot.invertY(True)  # row 0 at the top, as a matrix is written
        plot.setAspectLocked(False)
        plot.setLabel("bottom", "column j")
        plot.setLabel("left", "row i")
        for side in ("bottom", "left"):
            plot.getAxis(side).enableAutoSIPrefix(False)
        self.image = pg.ImageItem(axisOrder="row-major")
        plot.addItem(self.image)
        self.colorbar = pg.ColorBarItem(values=(-1, 1), colorMap=pg.colormap.get("CET-D1"), interactive=False,
                                        width=14)
        self.colorbar.setImageItem(self.image, insert_in=plot)
        style_axis(self.colorbar.axis, self)
        self.labels: list[pg.TextItem] = []
        self.data = np.zeros((1, 1))

    def show_matrix(self, values: np.ndarray, title: str) -> None:
        """Draw `values` (a vector is drawn as one column) under `title`."""
        data = np.asarray(values, dtype=float)
        data = data.reshape(-1, 1) if data.ndim == 1 else data.reshape(1, 1) if data.ndim == 0 else data
        self.data = data
        rows, cols = data.shape
        finite = data[np.isfinite(data)]
        top = float(np.abs(finite).max()) if finite.size else 1.0
        top = top if top > 0 else 1.0
        self.image.setImage(data, levels=(-top, top))
        self.image.setRect(QtCore.QRectF(-0.5, -0.5, cols, rows))
        self.colorbar.setLevels((-top, top))
        plot = self.getPlotItem()
        plot.setTitle(title, size="10pt")
        plot.getAxis("bottom").setTicks([[(j, str(j)) for j in range(cols)]] if cols <= 30 else None)
        plot.getAxis("left").setTicks([[(i, str(i)) for i in range(rows)]] if rows <= 30 else None)
        plot.setRange(xRange=(-0.5, cols - 0.5), yRange=(-0.5, rows - 0.5), padding=0.02)
        self._write_numbers(data, top)

    def _write_numbers(self, data: np.ndarray, top: float) -> None:
        cells = data.size if data.size <= MAX_NUMBERED_CELLS and self.numbered else 0
        while len(self.labels) < cells:
            label = pg.TextItem(anchor=(0.5, 0.5))
            label.setFont(ui_font(8))
            self.getPlotItem().addItem(label)
            self.labels.append(label)
        for k, label in enumerate(self.labels):
            label.setVisible(k < cells)
            if k < cells:
                i, j = divmod(k, data.shape[1])
                v = data[i, j]
                strong = np.isfinite(v) and abs(v) > 0.6 * top  # dark cells: white text
                label.setColor(QtGui.QColor("white" if strong else "#111"))
                label.setText(num(v, 3))
                label.setPos(j, i)
