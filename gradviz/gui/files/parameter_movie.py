"""A parameter swept across its slider range, as an animated GIF or MP4 of the views, beside the
descent playback's export. The sweep goes low → high → low, so the GIF loops without a jump."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from gradviz.gui.files import exporting
from gradviz.gui.files.twin_view import contour_twin
from gradviz.model.scene import Scene

SWEEP_SIZE = (800, 600)  # pixels of a parameter sweep's frames


def sweep_values(lo: float, hi: float, frames: int) -> np.ndarray:
    """`frames` values from lo up to hi and back down (the last frame just before lo again)."""
    half = max(2, frames // 2)
    up = np.linspace(lo, hi, half + 1)
    return np.concatenate([up, up[-2:0:-1]])


def export_parameter_sweep(scene: Scene, name: str, path: str, render: Callable[[], QtGui.QImage],
                           frames: int = 60, fps: int = 20,
                           progress: Callable[[int], bool] | None = None, total: Callable[[int], None] | None = None
                           ) -> int:
    """Write the sweep of parameter `name` (rendered by `render()` after each value is set); the
    parameter gets its value back afterwards. Returns the number of frames written."""
    if name not in scene.function.parameters:
        have = ", ".join(scene.function.parameters) or "none"
        raise ValueError(f"f has no parameter {name!r} (its parameters: {have})")
    lo, hi = scene.parameter_ranges[name]
    values = sweep_values(lo, hi, frames)
    if total is not None:
        total(len(values))
    previous = scene.function.parameters[name]

    def frame(k: int) -> QtGui.QImage:
        scene.set_parameter(name, float(values[k]))
        QtWidgets.QApplication.processEvents()
        return render()

    try:
        return exporting.export_movie(path, len(values), frame, fps, progress)
    finally:
        scene.set_parameter(name, previous)


def export_parameter_sweep_dialog(files: object) -> None:
    """File → Export → Parameter sweep: pick the parameter (when there are several) and the file."""
    window = files.window
    scene = window.scene
    names = list(scene.function.parameters)
    if not names:
        files.warn(window, "No parameters", "f has no parameters to sweep. Declare one in the text, "
                                            "e.g. k = 2 in [0, 10]; x^2 + k*y^2")
        return
    name = names[0]
    if len(names) > 1:
        name, ok = QtWidgets.QInputDialog.getItem(window, "Sweep which parameter?", "parameter", names, 0, False)
        if not ok:
            return
    path = files._ask_path(f"Export the sweep of {name}", f"sweep_{name}.gif", "movie")
    if not path:
        return
    dialog = QtWidgets.QProgressDialog(f"Rendering the sweep of {name}…", "Cancel", 0, 1, window)
    dialog.setWindowModality(QtCore.Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(0)

    def step(k: int) -> bool:
        dialog.setValue(k)
        return not dialog.wasCanceled()

    try:
        with contour_twin(scene, *SWEEP_SIZE) as twin:  # laid out for the movie, without the auto-range button
            files._report(lambda: export_parameter_sweep(twin.scene_model, name, path,
                                                         lambda: twin.grab().toImage(), progress=step,
                                                         total=dialog.setMaximum))
    finally:
        dialog.close()
