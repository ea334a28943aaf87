"""Every overlay in the registry is drawn by the views its entry names, and only by those: switching it on and
off changes what that view draws. An overlay added without its drawing fails here."""

import numpy as np
import pytest

from gradviz.model.overlays import OVERLAYS

from .conftest import settle


def _bytes(value) -> bytes:
    if value is None:
        return b""
    return np.nan_to_num(np.asarray(value, dtype=float)).round(9).tobytes()


def _snapshot(view) -> list:
    """What a view draws, as comparable data: each item's visibility and its geometry."""
    items = view.items if hasattr(view, "items") and isinstance(view.items, list) else \
        view.getPlotItem().getViewBox().addedItems
    shot = []
    for item in items:
        data = []
        for attr in ("pos", "color"):
            value = getattr(item, attr, None)
            if isinstance(value, np.ndarray):
                data.append(_bytes(value))
        if hasattr(item, "opts") and isinstance(item.opts, dict):
            md = item.opts.get("meshdata")
            if md is not None:
                data.append(_bytes(md.vertexes()))
            data.append(repr(item.opts.get("drawEdges")))
        if hasattr(item, "getData"):
            got = item.getData()
            if isinstance(got, tuple):
                data += [_bytes(a) for a in got]
        if hasattr(item, "path"):
            data.append(repr(item.path.boundingRect()) if hasattr(item.path, "boundingRect") else "")
        if hasattr(item, "points") and callable(item.points):
            data.append(len(item.points()))
        visible = item.visible() if callable(getattr(item, "visible", None)) else item.isVisible()
        shot.append((type(item).__name__, visible, tuple(data)))
    return shot


@pytest.fixture
def busy_scene(qtbot, window):
    """A scene where every overlay has something to show: critical points found, two methods with state, and
    playback at step 5."""
    scene = window.scene
    scene.set_expression("x*exp(-x^2 - y^2) + 0.1*y^2")
    scene.set_probe(-0.6, 0.3)
    scene.find_critical_points()
    d = scene.descent
    d.set_starts([(1.2, 1.0)])
    for m in d.methods:
        d.set_method(m, enabled=m in ("momentum", "adam"))
    d.set_playback(5)
    settle(qtbot, window)
    return window


@pytest.mark.parametrize("overlay", OVERLAYS, ids=[o.name for o in OVERLAYS])
def test_each_overlay_is_drawn_by_the_views_it_names(busy_scene, qtbot, overlay):
    window = busy_scene
    scene = window.scene
    views = {"surface": window.surface, "contour": window.contour}
    assert overlay.views <= set(views), f"{overlay.name} names a view gradviz does not have"
    for name, view in views.items():
        assert (overlay.name in view.OVERLAY_DRAWERS) == (name in overlay.views), (overlay.name, name)
    for value in (True, False):
        scene.set_view(**{overlay.name: value})
        settle(qtbot, window)
        shots = {name: _snapshot(view) for name, view in views.items()}
        scene.set_view(**{overlay.name: not value})
        settle(qtbot, window)
        for name, view in views.items():
            changed = _snapshot(view) != shots[name]
            assert changed == (name in overlay.views), (overlay.name, name, value)
