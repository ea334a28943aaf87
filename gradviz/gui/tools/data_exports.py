"""The Loss on data window's exports: each plot as PNG or SVG (pyqtgraph's exporters), the whole window as
PNG, and the run (every iterate with its η and batch loss) as CSV or JSON. A failure is shown in a message
box, never as a traceback."""

from __future__ import annotations

from collections.abc import Callable

import pyqtgraph as pg
from PySide6 import QtGui, QtWidgets

from gradviz.export.dispatch import export_trajectories, suffix_of
from gradviz.export.formats import dialog_filter, suffixes, with_chosen_suffix
from gradviz.gui.files.exporting import export_plot
from gradviz.model.loss_on_data import DataState

VIEWS = {"landscape": ("the loss landscape", "loss_landscape"), "data": ("the data and the fit", "fit"),
         "loss": ("the loss by step", "loss_by_step"), "lr": ("the learning rate η(k)", "learning_rate")}
PNG_WIDTH = 1200  # pixels of an exported plot


class DataExports:
    """Mixin of `DataWindow`: `export_button` and the export functions behind it."""

    state: DataState
    landscape: pg.PlotWidget
    data_plot: pg.PlotWidget
    loss_plot: pg.PlotWidget
    lr_plot: pg.PlotWidget

    def _build_exports(self) -> QtWidgets.QToolButton:
        menu = QtWidgets.QMenu(self)  # type: ignore[arg-type]
        for which, (label, stem) in VIEWS.items():
            menu.addAction(f"{label[0].upper()}{label[1:]} (PNG or SVG)…",
                           lambda w=which, lb=label, st=stem: self._ask(
                               f"Export {lb}", f"{st}.png", "plot",
                               lambda path, w=w: self.export_view(w, path)))
        menu.addAction("The whole window (PNG)…", lambda: self._ask(
            "Export the window", "loss_on_data.png", "window", self.export_window))
        menu.addSeparator()
        menu.addAction("The run: every iterate, η and batch loss (CSV or JSON)…", lambda: self._ask(
            "Export the run", "run.csv", "trajectories", self.export_run))
        button = QtWidgets.QToolButton()
        button.setText("Export")
        button.setMenu(menu)
        button.setPopupMode(QtWidgets.QToolButton.ToolButtonPopupMode.InstantPopup)
        button.setToolTip("Save a plot, the window or the run")
        self.export_menu = menu
        return button

    def export_view(self, which: str, path: str) -> None:
        """One plot (`which` in VIEWS) as PNG (PNG_WIDTH wide) or SVG, by the file's suffix."""
        plot = {"landscape": self.landscape, "data": self.data_plot, "loss": self.loss_plot,
                "lr": self.lr_plot}[which]
        suffix_of(path, suffixes("plot"), "a plot")
        export_plot(plot.getPlotItem(), path, width=PNG_WIDTH)

    def export_window(self, path: str) -> None:
        suffix_of(path, suffixes("window"), "the window")
        image: QtGui.QImage = self.grab().toImage()  # type: ignore[attr-defined]
        if not image.save(path, "PNG"):
            raise OSError(f"could not write {path}")

    def export_run(self, path: str) -> None:
        """The run as CSV or JSON, by the suffix: each iterate with f, ∇f, η and the loss of its batch."""
        if self.state.trajectory is None:
            raise ValueError("there is no run yet (it is still being computed)")
        suffix_of(path, suffixes("trajectories"), "the run")
        export_trajectories([self.state.trajectory], path)

    def _ask(self, title: str, name: str, holds: str, write: Callable[[str], None]) -> None:
        path, chosen = QtWidgets.QFileDialog.getSaveFileName(self, title, name,  # type: ignore[arg-type]
                                                             dialog_filter(holds))
        if not path:
            return
        try:
            write(with_chosen_suffix(path, holds, chosen))
        except (OSError, ValueError) as err:
            QtWidgets.QMessageBox.warning(self, "Export failed", str(err))  # type: ignore[arg-type]
