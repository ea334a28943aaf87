"""Light and dark: labels stay legible on their background (measured contrast), the choice is
remembered, "system" follows the system's scheme, and exports use the theme."""

import numpy as np
import pytest
from PySide6 import QtCore, QtGui

from gradviz.gui.widgets import theme

from .conftest import image_array


@pytest.fixture(autouse=True)
def _back_to_light():
    yield
    theme.choose("light")  # the tests after these expect the default look


def _luminance(rgb: np.ndarray) -> np.ndarray:
    c = rgb.astype(float) / 255.0
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return 0.2126 * lin[..., 0] + 0.7152 * lin[..., 1] + 0.0722 * lin[..., 2]


def _contrast(image: QtGui.QImage) -> float:
    """WCAG contrast between the region's background (its most common colour) and its text (the
    pixels farthest from it)."""
    lum = _luminance(image_array(image)).ravel()
    values, counts = np.unique(np.round(lum, 3), return_counts=True)
    background = values[np.argmax(counts)]
    text = lum[np.argmax(np.abs(lum - background))]
    hi, lo = max(background, text), min(background, text)
    return (hi + 0.05) / (lo + 0.05)


def _axis_image(view, axis_name: str) -> QtGui.QImage:
    axis = view.getPlotItem().getAxis(axis_name)
    rect = view.mapFromScene(axis.sceneBoundingRect()).boundingRect()
    return view.grab(rect).toImage()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axis_labels_are_legible_in_both_schemes(qtbot, window, scheme):
    window.set_theme(scheme)
    qtbot.wait(20)
    assert theme.current().dark == (scheme == "dark")
    for view in (window.contour, window.loss.plot, window.slice):
        image = _axis_image(view, "bottom")
        background = image_array(image)[2, 2]
        assert (np.mean(background) < 90) == (scheme == "dark")  # the plot follows the scheme
        assert _contrast(image) >= 4.5, (scheme, view)
    bar = window.contour.colorbar.axis
    rect = window.contour.mapFromScene(bar.sceneBoundingRect()).boundingRect()
    assert _contrast(window.contour.grab(rect).toImage()) >= 4.5  # the colour bar's numbers too
    palette = QtGui.QGuiApplication.palette()
    window_lum = palette.color(QtGui.QPalette.ColorRole.Window).lightness()
    text_lum = palette.color(QtGui.QPalette.ColorRole.WindowText).lightness()
    assert abs(window_lum - text_lum) > 120


def test_the_choice_is_remembered_and_system_follows_the_system(qtbot, window, monkeypatch):
    window.set_theme("dark")
    assert window.settings.value("view/theme") == "dark"
    assert window.theme_actions["dark"].isChecked()
    monkeypatch.setattr(theme, "system_is_dark", lambda: False)
    window.set_theme("system")
    assert not theme.current().dark
    monkeypatch.setattr(theme, "system_is_dark", lambda: True)
    theme.choose("system")
    assert theme.current().dark
    window.set_theme("light")


def test_an_export_in_the_dark_theme_is_dark_and_legible(qtbot, window, tmp_path):
    window.set_theme("dark")
    path = tmp_path / "contour.png"
    window.files.exports.export_view("contour", str(path), width=800)
    image = QtGui.QImage(str(path))
    corner = image_array(image.copy(QtCore.QRect(0, 0, 10, 10)))
    assert corner.mean() < 90
    bottom = image.copy(QtCore.QRect(0, image.height() - 40, image.width() // 2, 40))
    assert _contrast(bottom) >= 4.5
    window.set_theme("light")


def _wcag_contrast(a: str, b: str) -> float:
    """WCAG contrast of two "#rrggbb" colours."""
    rgb = np.array([[int(c.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)] for c in (a, b)])
    hi, lo = sorted(_luminance(rgb), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_every_start_colour_contrasts_with_both_themes():
    """The third start point was drawn in white: invisible on the light theme's plots and table."""
    from gradviz.gui.widgets.styles import START_COLORS
    from gradviz.gui.widgets.theme import DARK, LIGHT

    for colour in START_COLORS:
        for scheme in (LIGHT, DARK):
            assert _wcag_contrast(colour, scheme.plot_bg) >= 3.0, (colour, scheme.name)
    assert len(set(START_COLORS)) == len(START_COLORS)


def test_the_expression_bar_follows_the_dark_theme(qtbot, window):
    """The "f(x, y) =" label was dark on dark, and the f field stayed white."""
    window.set_theme("dark")
    qtbot.wait(20)
    bar = window.expression_bar
    label = image_array(bar.label.grab().toImage())
    assert _contrast(bar.label.grab().toImage()) >= 4.5
    assert np.median(label.mean(axis=-1)) < 90  # on the dark window (the text is a small part of the label)
    field = image_array(bar.edit.grab().toImage())
    h, w = field.shape[:2]
    assert np.median(field[h // 2, w // 2:].mean(axis=-1)) < 90  # the field is dark too
    assert _contrast(bar.edit.grab().toImage()) >= 4.5  # and its text readable
