"""What the 3D view draws, checked on its pixels: a clean cut at the height range (no plateau, no
walls), the height-range modes, and overlays that do not z-fight a surface they touch."""

import numpy as np
import pytest

from .conftest import image_array, settle


def _frame(qtbot, window):
    window.surface.update()
    qtbot.wait(60)
    return image_array(window.surface.grabFramebuffer())


def _top_view(window):
    s = window.surface
    s.setCameraPosition(distance=7.0, elevation=90, azimuth=-90)


def test_the_cut_removes_what_lies_outside_the_range(qtbot, window):
    model = window.scene
    model.set_expression("x")
    model.set_domain((-2, 2, -2, 2))
    model.descent.set_starts([])
    model.set_view(tangent_plane=False, quadratic_model=False, eigen_arrows=False, descent_arrow=False,
                   critical_points=False, height_mode="manual", height_min=-0.5, height_max=0.5)
    _top_view(window)
    h, w, _ = _frame(qtbot, window).shape

    def surface_width(img):
        """How wide the coloured surface is across the middle row (grey frame lines and text excluded)."""
        row = img[h // 2].astype(int)
        cols = np.flatnonzero(row.max(axis=1) - row.min(axis=1) > 60)
        return (cols.max() - cols.min()) / w if len(cols) else 0.0

    cut = surface_width(_frame(qtbot, window))
    model.set_view(height_mode="full")
    full = surface_width(_frame(qtbot, window))
    # only the strip −0.5 ≤ x ≤ 0.5 of the 4-wide domain is drawn, where a clamped plateau would have
    # covered the whole domain
    assert 0.1 * full < cut < 0.4 * full
    assert model.height_range() == pytest.approx((-2.0, 2.0))


def test_height_modes(qtbot, window):
    model = window.scene
    model.set_expression("x^2 + y^2 + 100*exp(-50*(x^2 + y^2))")  # a spike the robust range cuts off
    model.set_domain((-2, 2, -2, 2))
    settle(qtbot, window)  # the full grid: the preview's 48² misses the top of the spike
    auto = model.height_range()
    model.set_view(height_mode="full")
    full = model.height_range()
    assert full[1] > auto[1] and full[1] == pytest.approx(100.0, rel=0.05)
    window.controls.height_mode.setCurrentText("manual")
    assert model.view.height_mode == "manual" and model.height_range() == pytest.approx(full)
    window.controls.height_max.setValue(3.0)
    assert model.height_range()[1] == 3.0 and model.height_range()[0] == pytest.approx(full[0], abs=1e-4)
    with pytest.raises(ValueError, match="min < max"):
        model.set_view(height_min=5.0, height_max=1.0)


@pytest.mark.parametrize("text, probe, overlay", [("0.5", (0.3, -0.2), "tangent_plane"),
                                                   ("x^2 + y^2", (0.0, 0.0), "quadratic_model")])
def test_overlays_stay_crisp_where_they_touch_the_surface(qtbot, window, text, probe, overlay):
    """The tangent plane of a constant, and the quadratic model of a quadratic, coincide with the surface."""
    model = window.scene
    model.set_expression(text)
    model.set_domain((-2, 2, -2, 2))
    model.descent.set_starts([])
    model.set_probe(*probe)
    model.set_view(quadratic_model=False, tangent_plane=False, eigen_arrows=False, descent_arrow=False,
                   critical_points=False, radius=0.8)
    model.set_view(**{overlay: True})
    _top_view(window)
    with_plane = _frame(qtbot, window).astype(int)
    model.set_view(**{overlay: False})
    without = _frame(qtbot, window).astype(int)
    h, w, _ = with_plane.shape
    # beside the probe marker, well inside the plane (radius 0.8): where the surface and the plane coincide
    z = window.surface.scale.to_display(float(model.function(*probe)))
    cx, cy = window.surface.project(np.array([probe[0] + 0.3, probe[1] + 0.3, float(z)]))
    ratio = h / window.surface.height()
    cx, cy = int(cx * ratio), int(cy * ratio)
    patch = (slice(cy - 6, cy + 6), slice(cx - 6, cx + 6))
    changed = np.abs(with_plane[patch] - without[patch]).sum(axis=2) > 12
    assert changed.mean() > 0.97  # every pixel shows the plane: no speckle of surface through it
