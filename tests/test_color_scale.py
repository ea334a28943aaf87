"""The automatic colour and contour scale: its choice on skewed, signed and plain functions, and its
maps checked against their inverses; a preset's scale does not stick to a typed f."""

import numpy as np
import pytest

import gradviz
from gradviz.model.color_scale import ColorScale, color_scale
from gradviz.model.sampling import robust_range
from gradviz.model.scene import Scene


def _chosen(text, domain):
    fn = gradviz.parse(text)
    f = fn.grid(np.linspace(domain[0], domain[1], 120), np.linspace(domain[2], domain[3], 120))[0]
    return color_scale(f, *robust_range(f), "auto").kind


@pytest.mark.parametrize("text, domain, kind", [
    ("exp(x*y)", (-3, 3, -3, 3), "log"),  # skewed over decades above its minimum
    ("(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2", (-4.5, 4.5, -4.5, 4.5), "log"),
    ("(1 - x)^2 + 100*(y - x^2)^2", (-2, 2, -1, 3), "log"),
    ("a = x*y; b = sin(a); c = exp(x - y); f = b*c + a^2", (-5, 5, -5, 5), "symmetric"),  # a few extremes
    ("x^2 + y^2", (-2, 2, -2, 2), "linear"),
    ("x^2 - y^2", (-2, 2, -2, 2), "linear"),
    ("sin(x)*cos(y)", (-3, 3, -3, 3), "linear"),
    ("1e-9*x*y", (-2, 2, -2, 2), "linear"),
])
def test_the_automatic_choice(text, domain, kind):
    assert _chosen(text, domain) == kind


@pytest.mark.parametrize("scale", [ColorScale("linear", -2.0, 6.0), ColorScale("log", 0.5, 5000.0),
                                   ColorScale("symmetric", -800.0, 800.0, 3.0)])
def test_normalize_and_value_at_are_inverses(scale):
    t = np.linspace(0, 1, 41)
    np.testing.assert_allclose(scale.normalize(scale.value_at(t)), t, atol=1e-12)
    levels = scale.levels(10)
    assert len(levels) == 10 and np.all(np.diff(levels) > 0)
    assert scale.lo < levels[0] and levels[-1] < scale.hi
    positions = scale.normalize(levels)
    if scale.kind != "log":
        np.testing.assert_allclose(np.diff(positions), np.diff(positions)[0], rtol=1e-9)  # evenly spaced in colour


def test_symmetric_keeps_zero_in_the_middle_and_the_sign():
    scale = ColorScale("symmetric", -100.0, 1000.0, 1.0)
    assert scale.normalize(np.array([0.0]))[0] == 0.5
    assert scale.normalize(np.array([-5.0]))[0] < 0.5 < scale.normalize(np.array([5.0]))[0]
    assert scale.normalize(np.array([-1000.0]))[0] == pytest.approx(0.0)


def test_a_presets_scale_does_not_stick_to_a_typed_function_but_the_users_does():
    scene = Scene()
    scene.load_preset("Rosenbrock")
    assert scene.view.contour_spacing == "log"  # the preset chose it
    scene.set_expression("a = x*y; b = sin(a); c = exp(x - y); f = b*c + a^2")
    assert scene.view.contour_spacing == "auto"
    assert scene.sample().color_scale("auto").kind == "symmetric"
    scene.set_view(contour_spacing="linear")  # the user's choice
    scene.set_expression("exp(x*y)")
    assert scene.view.contour_spacing == "linear"
