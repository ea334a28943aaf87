"""A contour view drawn at any size, for exports: a twin of the window's view, never shown on screen, on a copy of
the scene (so nothing it does reaches the window's scene, and nothing is left connected to it afterwards).

An export at the view's on-screen size (a few hundred pixels) clipped the contour labels and the colour bar's
title, and grabbed pyqtgraph's auto-range "A" button into every movie frame; the twin is laid out for the size
asked, with that button hidden."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from PySide6 import QtCore, QtWidgets

from gradviz.gui.views.contour_view import ContourView
from gradviz.model import limits
from gradviz.model.scene import Scene
from gradviz.session import scene_from_dict, scene_to_dict

MIN_SIDE, MAX_SIDE = limits.EXPORT_SIDE


def scene_copy(scene: Scene) -> Scene:
    """A scene showing what `scene` shows (through the session format: the same f, domain, view, starts and
    settings), with the playback step and the critical points' search carried over, and what `scene` has
    finished computing (its full sample and whole paths) shared, not computed again on the GUI thread."""
    twin = Scene()
    scene_from_dict(twin, scene_to_dict(scene))
    twin.share_results(scene)
    twin.descent.set_playback(scene.descent.playback)
    return twin


def check_size(width: int, height: int) -> tuple[int, int]:
    w, h = int(width), int(height)
    if not (MIN_SIDE <= w <= MAX_SIDE and MIN_SIDE <= h <= MAX_SIDE):
        raise ValueError(f"an export is {MIN_SIDE} to {MAX_SIDE} pixels a side, not {w}×{h}")
    return w, h


@contextlib.contextmanager
def contour_twin(scene: Scene, width: int, height: int) -> Iterator[ContourView]:
    """A ContourView of a copy of `scene`, laid out at width × height pixels off screen; closed afterwards."""
    w, h = check_size(width, height)
    view = ContourView(scene_copy(scene))
    try:
        view.setAttribute(QtCore.Qt.WidgetAttribute.WA_DontShowOnScreen)
        view.getPlotItem().hideButtons()  # pyqtgraph's auto-range "A": a control, not part of the figure
        view.resize(w, h)
        view.show()
        for _ in range(3):
            QtWidgets.QApplication.processEvents()
        view.rebuild(fit=True)
        QtWidgets.QApplication.processEvents()
        yield view
    finally:
        view.close()
        view.deleteLater()
