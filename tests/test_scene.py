"""The Qt-free scene model: validation, change signals, no feedback, last good state kept."""

import math

import numpy as np
import pytest

from gradviz.model.presets import PRESETS
from gradviz.model.scene import Scene


def _recorder(signal):
    calls = []
    signal.connect(lambda *a: calls.append(a))
    return calls


def test_bad_expression_keeps_the_function_and_reports_the_error():
    s = Scene()
    fn = s.function
    errors = _recorder(s.error_changed)
    changes = _recorder(s.function_changed)
    assert not s.set_expression("x + z")
    assert s.function is fn and s.error.position == 4
    assert errors and errors[-1][1] == "x + z" and changes == []
    assert s.set_expression("x*y")
    assert s.error is None and errors[-1][0] is None and len(changes) == 1


def test_setters_emit_only_on_change():
    s = Scene()
    probes = _recorder(s.probe_changed)
    views = _recorder(s.view_changed)
    s.set_probe(*s.probe)
    s.set_view(colormap=s.view.colormap)
    assert probes == [] and views == []
    s.set_probe(1.0, 2.0)
    s.set_view(colormap="magma", contour_count=5)
    assert probes == [((1.0, 2.0),)] and views == [({"colormap", "contour_count"},)]


@pytest.mark.parametrize("bad", [dict(colormap="nope"), dict(contour_spacing="cubic"), dict(radius=-1.0),
                                 dict(field_density=1), dict(field_sign=0), dict(unknown=1)])
def test_bad_view_settings_are_refused(bad):
    s = Scene()
    before = s.view
    with pytest.raises(ValueError):
        s.set_view(**bad)
    assert s.view == before


def test_domain_validation():
    s = Scene()
    with pytest.raises(ValueError, match="xmin < xmax"):
        s.set_domain((1, 0, 0, 1))
    with pytest.raises(ValueError, match="finite"):
        s.set_domain((0, math.inf, 0, 1))
    s.set_domain((0, 1, 0, 2))
    assert s.sample().f.shape == (s.resolution, s.resolution)


def test_every_preset_loads_with_its_domain_and_probe():
    s = Scene()
    for p in PRESETS:
        s.load_preset(p.name)
        assert s.function.text == p.text and s.domain == p.domain and s.probe == p.probe
        assert s.local().finite
        assert len(p.note) > 20


def test_probe_direction_defaults_to_minus_gradient():
    s = Scene()
    s.set_expression("x^2 + 3*y")
    s.set_probe(1.0, 0.0)
    d = s.probe_direction()
    g = s.local().grad
    assert d @ g == pytest.approx(-math.hypot(*g))
    s.set_view(direction_angle=90.0)
    assert tuple(s.probe_direction()) == pytest.approx((0.0, 1.0))


# ----- parameters -----

def test_set_parameter_validates_and_recomputes_without_rederiving():
    from gradviz.model.scene import Scene

    scene = Scene()
    scene.set_expression("k = 2 in [0, 10]; x^2 + k*y^2")
    derived = scene.function.derived
    seen = []
    scene.parameters_changed.connect(seen.append)
    scene.function_changed.connect(lambda fn: seen.append("function"))
    before = scene.sample().f.copy()
    scene.set_parameter("k", 5.0)
    assert seen == [{"k"}, "function"]
    assert scene.function.derived is derived  # the same graphs and kernels
    assert scene.function.parameters == {"k": 5.0}
    s = scene.sample()
    np.testing.assert_allclose(s.f - before, 3.0 * np.broadcast_to(s.ys**2, s.f.shape), atol=1e-12)
    scene.set_parameter("k", 5.0)  # no change, no signal
    assert len(seen) == 2
    with pytest.raises(ValueError, match=r"no parameter 'q'.*k"):
        scene.set_parameter("q", 1.0)
    for bad in (float("nan"), float("inf")):
        with pytest.raises(ValueError, match="finite"):
            scene.set_parameter("k", bad)
    assert scene.function.parameters == {"k": 5.0}  # the last good state
    scene.set_parameter("k", 20.0)  # beyond the slider: the range widens to show it
    assert scene.parameter_ranges["k"] == (0.0, 20.0)
    with pytest.raises(ValueError, match="low < high"):
        scene.set_parameter_range("k", 3.0, 3.0)
    assert scene.parameter_ranges["k"] == (0.0, 20.0)


def test_critical_points_follow_a_parameter_when_shown():
    from gradviz.model.scene import Scene

    scene = Scene()
    scene.set_expression("c = 0 in [-1, 1]; (x - c)^2 + (y + c)^2")
    scene.set_domain((-2, 2, -2, 2))
    scene.find_critical_points()
    scene.set_parameter("c", 0.5)
    (point,) = scene.found_critical_points
    assert (point.x, point.y) == pytest.approx((0.5, -0.5), abs=1e-9)
    assert point.kind == "minimum"
