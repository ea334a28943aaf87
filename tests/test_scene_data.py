"""A loss on data in the main scene: its surface, critical point and paths, losses typed over its columns,
and sessions that carry the columns."""

import json

import numpy as np
import pytest

import gradviz
from gradviz.data.loss_presets import model_function
from gradviz.model.scene import Scene
from gradviz.session import SessionError, scene_from_dict, scene_to_dict


@pytest.fixture
def scene():
    s = Scene()
    s.show_loss(model_function("linear_mse"), (-2.0, 6.0, -1.0, 9.0), (-1.0, 0.0))
    return s


def test_the_scene_shows_the_loss_and_finds_the_least_squares_fit(scene):
    fn = scene.function
    assert isinstance(fn, gradviz.data.DataFunction) and scene.domain == (-2.0, 6.0, -1.0, 9.0)
    assert scene.descent.starts[0].x == -1.0 and scene.preset is None
    x, y = fn.data["x"], fn.data["y"]
    w, b = np.linalg.lstsq(np.column_stack([x, np.ones_like(x)]), y, rcond=None)[0]
    (cp,) = scene.find_critical_points()
    assert cp.kind == "minimum" and (cp.x, cp.y) == pytest.approx((w, b), abs=1e-8)
    s = scene.sample()
    assert np.allclose(s.f, fn.grid(s.xs, s.ys)[0])


def test_a_loss_typed_over_the_columns_and_a_plain_function_both_parse(scene):
    assert scene.set_expression("f(w, b) = mean(abs(w*x + b - y))")
    x, y = scene.data["x"], scene.data["y"]
    assert scene.function(1.0, 2.0) == pytest.approx(np.mean(np.abs(x + 2.0 - y)))
    assert scene.set_expression("x^2 + y^2") and not hasattr(scene.function, "rows")
    assert not scene.set_expression("f(w, b) = mean(w*z)")
    assert "unknown name 'z'" in str(scene.error)


def test_a_session_carries_the_columns(scene):
    saved = json.loads(json.dumps(scene_to_dict(scene)))
    assert saved["data"]["x"] == scene.data["x"].tolist()
    again = Scene()
    scene_from_dict(again, saved)
    assert again.function.text == scene.function.text and again.function(1.5, 3.0) == scene.function(1.5, 3.0)
    plain = Scene()
    assert "data" not in scene_to_dict(plain)
    saved["data"]["y"][3] = "oops"
    with pytest.raises(SessionError, match=r"data.y\[3\] must be a number"):
        scene_from_dict(Scene(), saved)
    del saved["data"]
    with pytest.raises(SessionError, match="function: the session's function is not valid"):
        scene_from_dict(Scene(), saved)
