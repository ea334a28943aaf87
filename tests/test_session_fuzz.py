"""Sessions load or refuse, never crash: real sessions mutated at every path, with hypothesis."""

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gradviz
from gradviz.model.loss_on_data import DataState
from gradviz.model.scene import Scene
from gradviz.session import SessionError, scene_from_dict, scene_to_dict
from gradviz.session import loss_on_data as data_session
from gradviz.session.store import read_session


def _real_sessions() -> list[dict]:
    out = []
    scene = Scene()
    out.append(scene_to_dict(scene))
    scene.set_expression("k = 2 in [0, 5]; f(w, b) = (w - 1)^2 + k*b^2")
    scene.set_parameter("k", 3.5)
    scene.find_critical_points()
    scene.set_camera({"distance": 9.0, "elevation": 30.0, "azimuth": -40.0, "fov": 60.0, "center": [0.0, 1.0, 2.0]})
    scene.descent.set_playback(12)
    out.append(scene_to_dict(scene))
    loss = Scene()  # a loss on 12 rows of data, the columns in the session
    x = [0.5 * k - 3.0 for k in range(12)]
    loss.show_loss(gradviz.parse("f(w, b) = mean((w*x + b - y)^2)", data={"x": x, "y": [2 * v + 1 for v in x]}),
                   (-2.0, 6.0, -1.0, 9.0), (-1.0, 0.0))
    out.append(scene_to_dict(loss))
    return out


SESSIONS = _real_sessions()


def _paths(value, prefix=()):
    """Every path into a JSON value: keys of objects and indices of lists."""
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, prefix + (i,))


PATHS = sorted({p for s in SESSIONS for p in _paths(s) if p}, key=str)

EXTREMES = st.sampled_from([0, -1, 1, 2**63, -(2**63), 1e308, -1e308, 5e-324, 1e-300, 0.5, 1.5, 3.5, 100000, 600,
                            True, False, None, "", "nan", "inf", "x" * 100_000, "x^2 + y^2", "adam",
                            [], {}, [1.0], [1.0, 2.0], [1.0, 2.0, 3.0, 4.0], {"a": 1}])
LEAVES = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
                   st.text(max_size=30), EXTREMES)
JSON = st.recursive(LEAVES, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                    st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                    max_leaves=12)


def _set(data, path, value):
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


def _delete(data, path):
    node = data
    for key in path[:-1]:
        node = node[key]
    if isinstance(node, dict):
        del node[path[-1]]
    else:
        node.pop(path[-1])


def _mutated(original, path, value, delete):
    """A copy of `original` with `value` at `path` (or the entry at `path` deleted); None when `original`
    has no such path."""
    data = copy.deepcopy(original)
    try:
        node = data
        for key in path:
            node = node[key]
    except (KeyError, IndexError, TypeError):
        return None
    if delete:
        _delete(data, path)
    else:
        _set(data, path, value)
    return data


def _check(data):
    scene = Scene()
    scene.set_expression("sin(x) + y")
    before = json.dumps(scene_to_dict(scene), sort_keys=True)
    try:
        scene_from_dict(scene, data)
    except SessionError as err:
        assert str(err)  # a message naming the problem
        assert json.dumps(scene_to_dict(scene), sort_keys=True) == before  # refused: nothing changed
        return "refused"
    # accepted: a valid scene that saves again and loads back equal
    again = scene_to_dict(scene)
    other = Scene()
    scene_from_dict(other, json.loads(json.dumps(again)))
    assert json.dumps(scene_to_dict(other), sort_keys=True) == json.dumps(again, sort_keys=True)
    sample = scene.sample()
    assert sample.f.shape == (scene.resolution, scene.resolution)
    return "loaded"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(which=st.integers(0, len(SESSIONS) - 1), path=st.sampled_from(PATHS), value=JSON,
       delete=st.booleans())
def test_any_value_at_any_path_loads_or_is_refused(which, path, value, delete):
    data = _mutated(SESSIONS[which], path, value, delete)
    if data is not None:  # None: this path is not in this session
        _check(data)


@settings(max_examples=60, deadline=None)
@given(doc=JSON)
def test_any_document_loads_or_is_refused(doc):
    assert _check(doc) == "refused"  # nothing that is not a session passes


@pytest.mark.parametrize("field, value, message", [
    ("descent", 3.5, "descent must be an object"),
    ("descent", {"starts": 0}, "descent.starts must be a list"),
    ("view", [1, 2], "view must be an object"),
    ("version", True, "version must be a whole number"),
    ("domain", [-1e308, 1e308, -1, 1], r"domain\[0\] must be between"),
    ("probe", ["a", 1], r"probe\[0\] must be a number"),
    ("resolution", 1e9, "resolution must be a whole number"),
])
def test_the_issue_examples_name_their_field(field, value, message):
    data = copy.deepcopy(SESSIONS[0])
    data[field] = value
    with pytest.raises(SessionError, match=message):
        scene_from_dict(Scene(), data)


def test_a_hyperparameter_nan_names_its_path():
    data = copy.deepcopy(SESSIONS[0])
    data["descent"]["methods"]["adam"]["hyper"]["eps"] = "nan"
    with pytest.raises(SessionError, match=r"descent\.methods\.adam\.hyper\.eps must be a number"):
        scene_from_dict(Scene(), data)
    data["descent"]["methods"]["adam"]["hyper"]["eps"] = 1e-8
    data["descent"]["methods"]["adam"]["lr"] = -0.1
    with pytest.raises(SessionError, match=r"descent\.methods\.adam\.lr must be a positive number"):
        scene_from_dict(Scene(), data)


def test_deep_nesting_and_huge_files_are_refused(tmp_path):
    path = tmp_path / "deep.gradviz.json"
    path.write_text("[" * 200_000 + "]" * 200_000)
    with pytest.raises(SessionError, match="nested too deeply"):
        read_session(path)
    data = copy.deepcopy(SESSIONS[0])
    data["function"] = "x+" * 200_000 + "y"
    with pytest.raises(SessionError, match="function"):
        scene_from_dict(Scene(), data)


def _data_sections() -> list[dict]:
    plain = DataState()
    ridge = DataState("ridge")
    ridge.set_parameter("lam", 1.5)
    ridge.set_loss("lam = 0.5 in [0, 5]; f(w, b) = mean(abs(w*x + b - y)) + lam*w^2")
    ridge.set_run(method="adam", batch_size=4, schedule="cosine")
    return [data_session.to_dict(plain), data_session.to_dict(ridge)]


SECTIONS = _data_sections()
SECTION_PATHS = sorted({p for s in SECTIONS for p in _paths(s) if p}, key=str)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(which=st.integers(0, len(SECTIONS) - 1), path=st.sampled_from(SECTION_PATHS), value=JSON,
       delete=st.booleans())
def test_the_loss_on_data_section_loads_or_is_refused(which, path, value, delete):
    data = _mutated(SECTIONS[which], path, value, delete)
    if data is None:
        return
    try:
        section = data_session.read_section(data)
    except SessionError as err:
        assert str(err).startswith("loss_on_data")  # the field's path leads the message
        return
    state = DataState()
    data_session.restore(state, section)  # accepted: it shows, and saves back the same
    assert data_session.to_dict(state)["run"] == data_session.read_section(data_session.to_dict(state))["settings"]

