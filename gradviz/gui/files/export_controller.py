"""Exports from the window: every view as PNG or SVG (the 3D view offscreen at any size), the
whole window, trajectories and critical points (suffixes dispatched in `gradviz.export`), the
descent playback and a parameter sweep as GIF or MP4, and Copy image."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from gradviz.export import export_critical_points, export_trajectories, suffix_of
from gradviz.export.formats import dialog_filter, resolve, suffixes, with_chosen_suffix
from gradviz.gui.files import exporting
from gradviz.gui.files.parameter_movie import export_parameter_sweep_dialog
from gradviz.gui.files.staged_export import StagedExport, Stages, on_end, run_stages, write_file
from gradviz.gui.files.twin_view import MAX_SIDE, MIN_SIDE, contour_twin


class PlotSizeDialog(QtWidgets.QDialog):
    """Asks for the width and height of an export (a figure laid out for that size); `_extra_rows` lets a
    subclass ask for more before the OK and Cancel buttons."""

    def __init__(self, parent: QtWidgets.QWidget, title: str, width: int, height: int) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        form = QtWidgets.QFormLayout(self)
        self.width_box, self.height_box = QtWidgets.QSpinBox(), QtWidgets.QSpinBox()
        for box, value in ((self.width_box, width), (self.height_box, height)):
            box.setRange(MIN_SIDE, MAX_SIDE)
            box.setValue(value)
            box.setSuffix(" px")
        form.addRow("width", self.width_box)
        form.addRow("height", self.height_box)
        self._extra_rows(form)
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Ok
                                             | QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _extra_rows(self, form: QtWidgets.QFormLayout) -> None:
        """Nothing more for a 2D view."""

    def size(self) -> tuple[int, int]:  # type: ignore[override]
        return self.width_box.value(), self.height_box.value()


class SizeDialog(PlotSizeDialog):
    """Asks for the 3D image's size, scale factor and background."""

    def __init__(self, parent: QtWidgets.QWidget, width: int, height: int) -> None:
        super().__init__(parent, "Export the 3D view", width, height)

    def _extra_rows(self, form: QtWidgets.QFormLayout) -> None:
        self.scale = QtWidgets.QComboBox()
        self.scale.addItems(["1×", "2×", "3×", "4×"])
        self.transparent = QtWidgets.QCheckBox("transparent background")
        form.addRow("scale", self.scale)
        form.addRow(self.transparent)


class ExportController(QtCore.QObject):
    """The File → Export menu of a window, and Copy image."""

    def __init__(self, window: QtWidgets.QMainWindow, warn: Callable[[], Callable]) -> None:
        super().__init__(window)
        self.window = window
        self.scene = window.scene
        self._warn = warn  # returns the current warning function (the session controller's, replaceable)
        self.active_view: str = "contour"

    def build_menu(self, menu: QtWidgets.QMenu) -> None:
        export = menu.addMenu("&Export")
        add = export.addAction
        add("3D view as PNG…").triggered.connect(self.export_3d_dialog)
        for name, label in (("contour", "Contour view"), ("loss", "Loss curves"), ("slice", "Slice view")):
            add(f"{label} as PNG or SVG…").triggered.connect(lambda _=False, n=name: self.export_view_dialog(n))
        add("Whole window as PNG…").triggered.connect(self.export_window_dialog)
        export.addSeparator()
        add("Trajectories as CSV or JSON…").triggered.connect(self.export_trajectories_dialog)
        add("Critical points as CSV…").triggered.connect(self.export_critical_dialog)
        add("Descent playback as GIF or MP4…").triggered.connect(self.export_playback_dialog)
        add("Parameter sweep as GIF or MP4…").triggered.connect(lambda: export_parameter_sweep_dialog(self))
        copy = menu.addAction("&Copy image of the active view")
        copy.setShortcut(QtGui.QKeySequence("Ctrl+Shift+C"))
        copy.triggered.connect(self.copy_image)

    @property
    def warn(self) -> Callable:
        return self._warn()

    def _ask_path(self, title: str, default: str, holds: str) -> str:
        """A path from the save dialog, its filters read from the format table; a name typed without a suffix
        takes the chosen filter's ("" when cancelled)."""
        path, chosen = QtWidgets.QFileDialog.getSaveFileName(self.window, title, default, dialog_filter(holds))
        return with_chosen_suffix(path, holds, chosen) if path else ""

    def _report(self, action: Callable[[], object]) -> bool:
        try:
            action()
        except (OSError, ValueError, RuntimeError) as err:
            self.warn(self.window, "Export failed", str(err))
            return False
        return True

    def plot_items(self) -> dict[str, object]:
        w = self.window
        return {"contour": w.contour.getPlotItem(), "loss": w.loss.plot.getPlotItem(),
                "slice": w.slice.getPlotItem()}

    def export_3d(self, path: str, width: int, height: int, scale: float = 1.0, transparent: bool = False) -> None:
        suffix_of(path, suffixes("3d"), "the 3D view")
        exporting.export_3d_png(self.window.surface, path, width, height, scale, transparent)

    def export_3d_in_stages(self, path: str, width: int, height: int, scale: float = 1.0,
                            transparent: bool = False) -> StagedExport | None:
        """`export_3d` drawn in stages between the window's events, its progress in the status bar with a Cancel,
        and written by the runner; None (after a message) for a path it cannot write."""
        if not self._report(lambda: suffix_of(path, suffixes("3d"), "the 3D view")):
            return None
        stages = exporting.render_3d_stages(self.window.surface, width, height, scale, transparent)
        return self._in_stages("Exporting the 3D view", path, stages)

    def _in_stages(self, label: str, path: str, stages: Stages) -> StagedExport:
        export = StagedExport(label, stages, path, self)
        bar = self.window.statusBar()
        on_end(export, lambda written: bar.showMessage(f"Saved {written}", 5000),
               lambda err: self.warn(self.window, "Export failed", str(err)))
        self.window.work.track(export)
        return export.start()

    def export_3d_dialog(self) -> None:
        dialog = SizeDialog(self.window, 1600, 1200)
        if dialog.exec() != QtWidgets.QDialog.DialogCode.Accepted:
            return
        path = self._ask_path("Export the 3D view", "surface.png", "3d")
        if path:
            scale = float(dialog.scale.currentText().rstrip("×"))
            self.export_3d_in_stages(path, dialog.width_box.value(), dialog.height_box.value(), scale,
                                     dialog.transparent.isChecked())

    def export_view(self, name: str, path: str, width: int | None = 1600, height: int | None = None) -> None:
        """A 2D view in a "plot" format; with a `height` too, the contour view is laid out at width × height (not
        the on-screen size, whose labels an SVG clipped)."""
        if name == "contour" and width and height:
            suffix_of(path, suffixes("plot"), f"the {name} view")
            write_file(*self._contour_stages(path, width, height, at_once=True))
            return
        self._export_view_as_shown(name, path, width)

    def _export_view_as_shown(self, name: str, path: str, width: int | None) -> None:
        suffix_of(path, suffixes("plot"), f"the {name} view")
        exporting.export_plot(self.plot_items()[name], path, width)

    def export_contour_in_stages(self, path: str, width: int, height: int) -> StagedExport | None:
        """The contour view laid out at width × height and exported as `export_view` does, in stages (see
        `export_3d_in_stages`); None (after a message) for a path it cannot write."""
        try:
            path, stages = self._contour_stages(path, width, height)
        except ValueError as err:
            self.warn(self.window, "Export failed", str(err))
            return None
        return self._in_stages("Exporting the contour view", path, stages)

    def _contour_stages(self, path: str, width: int, height: int, at_once: bool = False) -> tuple[str, Any]:
        """(the path to write, the stages drawing the contour view laid out at width × height), or with `at_once`,
        what they return; ValueError for a suffix the view cannot be written as."""
        path, fmt = resolve(path, "plot", "the contour view")

        def stages() -> Stages:
            with contour_twin(self.scene, width, height) as twin:
                yield 0.4
                drawn = yield from exporting.plot_stages(twin.getPlotItem(), fmt.render == "vector", width)
            return drawn

        return path, run_stages(stages()) if at_once else stages()

    def export_view_dialog(self, name: str) -> None:
        if name == "contour":
            dialog = PlotSizeDialog(self.window, "Export the contour view", 1200, 900)
            if dialog.exec() != QtWidgets.QDialog.DialogCode.Accepted:
                return
            path = self._ask_path("Export the contour view", "contour.png", "plot")
            if path:
                self.export_contour_in_stages(path, *dialog.size())
            return
        path = self._ask_path(f"Export the {name} view", f"{name}.png", "plot")
        if path:
            self._report(lambda: self.export_view(name, path, 1600))

    def window_image(self) -> QtGui.QImage:
        return exporting.grab_with_gl(self.window, [self.window.surface])

    def export_window(self, path: str) -> None:
        suffix_of(path, suffixes("window"), "the window")
        if not self.window_image().save(path, "PNG"):
            raise OSError(f"could not write {path}")

    def export_window_dialog(self) -> None:
        path = self._ask_path("Export the window", "gradviz.png", "window")
        if path:
            self._report(lambda: self.export_window(path))

    def export_trajectories(self, path: str) -> None:
        export_trajectories([t for _, _, t in self.scene.descent.trajectories()], path)

    def export_trajectories_dialog(self) -> None:
        path = self._ask_path("Export trajectories", "trajectories.csv", "trajectories")
        if path:
            self._report(lambda: self.export_trajectories(path))

    def export_critical(self, path: str) -> None:
        points = self.scene.found_critical_points
        if points is None:  # searched for the file only: an export changes nothing in the scene
            points = self.scene.search_critical_points().points
        export_critical_points(points, path, self.scene.function.variables)

    def export_critical_dialog(self) -> None:
        path = self._ask_path("Export critical points", "critical_points.csv", "critical_points")
        if path:
            self._report(lambda: self.export_critical(path))

    def export_playback(self, path: str, frames: int = 60, fps: int = 20, dialog: bool = False,
                        size: tuple[int, int] = (800, 600)) -> int:
        """Every trajectory animated from step 0 to its end, as the contour view draws it, at `size` pixels (a
        twin of the view laid out for that size: the window's own playback is left alone)."""
        with contour_twin(self.scene, *size) as twin:
            return self._record_playback(twin, path, frames, fps, dialog)

    def _record_playback(self, twin: object, path: str, frames: int, fps: int, dialog: bool) -> int:
        d = twin.scene_model.descent  # type: ignore[attr-defined]
        last = max((len(t.points) - 1 for _, _, t in d.trajectories()), default=0)
        steps = np.unique(np.linspace(0, last, max(2, frames)).round().astype(int))
        previous = d.playback
        progress = None
        if dialog:
            progress = QtWidgets.QProgressDialog("Rendering the playback…", "Cancel", 0, len(steps), self.window)
            progress.setWindowModality(QtCore.Qt.WindowModality.WindowModal)
            progress.setMinimumDuration(0)

        def frame(k: int) -> QtGui.QImage:
            d.set_playback(int(steps[k]))
            QtWidgets.QApplication.processEvents()
            return twin.grab().toImage()  # type: ignore[attr-defined]

        def step(k: int) -> bool:
            if progress is None:
                return True
            progress.setValue(k)
            return not progress.wasCanceled()

        try:
            return exporting.export_movie(path, len(steps), frame, fps, step)
        finally:
            d.set_playback(previous)
            if progress is not None:
                progress.close()

    def export_playback_dialog(self) -> None:
        dialog = PlotSizeDialog(self.window, "Export descent playback", 800, 600)
        if dialog.exec() != QtWidgets.QDialog.DialogCode.Accepted:
            return
        size = dialog.size()
        path = self._ask_path("Export descent playback", "descent.gif", "movie")
        if path:
            self._report(lambda: self.export_playback(path, dialog=True, size=size))

    def copy_image(self) -> None:
        """Put the view used last on the clipboard."""
        w = self.window
        if self.active_view == "surface":
            image = w.surface.grabFramebuffer()
        else:
            widget = {"contour": w.contour, "slice": w.slice, "loss": w.loss.plot}.get(self.active_view, w.contour)
            image = widget.grab().toImage()
        QtWidgets.QApplication.clipboard().setImage(image)
        w.statusBar().showMessage(f"Copied the {self.active_view} view to the clipboard", 3000)
