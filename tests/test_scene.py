"""The Qt-free scene model: validation, change signals, no feedback, last good state kept."""

import math

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
