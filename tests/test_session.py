"""Sessions and table exports, without Qt: round trips, refusals that leave the scene alone,
atomic saves."""

import csv
import json
import os

import numpy as np
import pytest

import gradviz
from gradviz.export import critical_points_csv, trajectories_csv, trajectories_json
from gradviz.model.scene import Scene
from gradviz.session import SCHEMA_VERSION, SessionError, load_session, save_session, scene_to_dict, store


def _busy_scene():
    s = Scene()
    s.load_preset("Rosenbrock")
    s.set_probe(0.25, -0.5)
    s.set_view(colormap="plasma", wireframe=True, contour_count=7, direction_angle=30.0)
    s.set_resolution(120)
    s.descent.set_method("adam", lr=0.2, beta1=0.8)
    s.descent.set_method("newton", enabled=True, damping=0.5)
    s.descent.add_start(0.5, 2.5)
    s.descent.set_run(steps=321, tol=1e-5)
    s.set_camera({"distance": 9.0, "elevation": 40.0, "azimuth": -30.0, "fov": 60.0, "center": [0.0, 1.0, 0.5]})
    s.find_critical_points()
    return s


def test_round_trip_gives_an_equal_scene(tmp_path):
    s = _busy_scene()
    path = tmp_path / "scene.gradviz.json"
    save_session(s, path)
    t = Scene()
    load_session(t, path)
    assert scene_to_dict(t) == scene_to_dict(s)
    assert t.function.text == s.function.text and t.found_critical_points is not None
    runs_s = [tr.points for _, _, tr in s.descent.trajectories()]
    runs_t = [tr.points for _, _, tr in t.descent.trajectories()]
    assert all(np.array_equal(a, b) for a, b in zip(runs_s, runs_t, strict=True))
    data = json.loads(path.read_text())
    assert data["version"] == SCHEMA_VERSION and data["format"] == "gradviz-session"


BAD = {
    "garbage": "this is not json {",
    "truncated": None,  # filled from a real session below
    "empty": "",
    "newer": None,
    "not a session": json.dumps({"hello": 1}),
    "bad function": None,
    "bad domain": None,
    "unknown optimizer": None,
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_files_are_refused_and_the_scene_is_untouched(tmp_path, case):
    good = scene_to_dict(_busy_scene())
    text = BAD[case]
    if case == "truncated":
        text = json.dumps(good, indent=2)[:300]
    elif case == "newer":
        text = json.dumps({**good, "version": SCHEMA_VERSION + 1})
    elif case == "bad function":
        text = json.dumps({**good, "function": "x + z"})
    elif case == "bad domain":
        text = json.dumps({**good, "domain": [1, 0, 0, 1]})
    elif case == "unknown optimizer":
        text = json.dumps({**good, "descent": {**good["descent"], "methods": {"lbfgs": {"enabled": True}}}})
    path = tmp_path / "bad.gradviz.json"
    path.write_text(text)
    scene = Scene()
    scene.set_expression("sin(x)*y")
    before = scene_to_dict(scene)
    with pytest.raises(SessionError) as err:
        load_session(scene, path)
    assert scene_to_dict(scene) == before
    message = str(err.value)
    expected = {"garbage": "corrupt", "truncated": "truncated", "empty": "empty", "newer": "newer gradviz",
                "not a session": "not a gradviz session", "bad function": "unknown name 'z' at column 5",
                "bad domain": "xmin < xmax", "unknown optimizer": "unknown optimizer 'lbfgs'"}[case]
    assert expected in message


def test_missing_file_is_a_session_error(tmp_path):
    with pytest.raises(SessionError, match="no such file"):
        load_session(Scene(), tmp_path / "nope.gradviz.json")


def test_a_save_interrupted_mid_write_leaves_the_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "scene.gradviz.json"
    s = _busy_scene()
    save_session(s, path)
    before = path.read_bytes()
    s.set_expression("x*y")

    def crash(fd):
        raise OSError("disk full")

    monkeypatch.setattr(store.os, "fsync", crash)
    with pytest.raises(OSError, match="disk full"):
        save_session(s, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["scene.gradviz.json"]  # no temporary file left behind


def test_trajectory_tables_match_the_trajectories(tmp_path):
    fn = gradviz.parse("(1-x)^2 + 100*(y-x^2)^2")
    runs = [gradviz.descend(fn, (-1.2, 1.0), "adam", lr=0.05, steps=30),
            gradviz.descend(fn, (-1.5, 2.0), "gd", lr=0.1, steps=50)]  # this one diverges
    trajectories_csv(runs, tmp_path / "t.csv")
    rows = list(csv.DictReader(open(tmp_path / "t.csv")))
    assert list(rows[0]) == ["run", "method", "hyperparameters", "step", "x", "y", "f", "fx", "fy", "status"]
    assert len(rows) == len(runs[0].points) + len(runs[1].points)
    for row in rows:
        traj = runs[int(row["run"])]
        k = int(row["step"])
        assert row["method"] == traj.method and row["status"] == traj.status
        for name, value in (("x", traj.points[k, 0]), ("y", traj.points[k, 1]), ("f", traj.values[k]),
                            ("fx", traj.grads[k, 0]), ("fy", traj.grads[k, 1])):
            assert float(row[name]) == value or (np.isnan(value) and row[name] == "nan")
    assert json.loads(rows[0]["hyperparameters"])["lr"] == 0.05
    trajectories_json(runs, tmp_path / "t.json")
    data = json.loads((tmp_path / "t.json").read_text())["trajectories"]
    assert data[1]["status"] == "diverged" and data[1]["stop_step"] == runs[1].stop_step
    assert data[0]["steps"][3]["x"] == runs[0].points[3, 0]
    assert data[0]["hyperparameters"]["beta1"] == 0.9


def test_critical_points_csv(tmp_path):
    from gradviz.calculus import find_critical_points
    points = find_critical_points(gradviz.parse("3*x^4 - 4*x^3 - 12*x^2"), (-2, 3, -1, 1))
    critical_points_csv(points, tmp_path / "c.csv")
    rows = list(csv.DictReader(open(tmp_path / "c.csv")))
    assert [r["kind"] for r in rows] == ["minimum", "maximum", "minimum"]
    assert [round(float(r["x"]), 9) for r in rows] == [-1.0, 0.0, 2.0]
    assert os.path.getsize(tmp_path / "c.csv") > 0


def test_parameters_round_trip_and_bad_parameters_are_refused(tmp_path):
    from gradviz.model.scene import Scene
    from gradviz.session import SessionError, load_session, save_session

    scene = Scene()
    scene.set_expression("k = 2 in [0, 10]; f(w, b) = w^2 + k*b^2")
    scene.set_parameter("k", 7.5)
    scene.set_parameter_range("k", 1.0, 8.0)
    path = tmp_path / "p.gradviz.json"
    save_session(scene, path)
    other = Scene()
    load_session(other, path)
    assert other.function.parameters == {"k": 7.5}
    assert other.parameter_ranges == {"k": (1.0, 8.0)}
    assert other.function.variables == ("w", "b")
    assert other.function(1.0, 1.0) == 8.5
    data = json.loads(path.read_text())
    for bad, message in [
        ({"q": {"value": 1.0, "range": [0, 2]}}, r"parameters\.q: the function has no parameter 'q'"),
        ({"k": {"value": "nan", "range": [0, 10]}}, r"parameters\.k\.value must be a number, not the string"),
        ({"k": {"value": 5.0, "range": [3, 3]}}, r"parameters\.k\.range needs low < high"),
        ({"k": {"value": 50.0, "range": [0, 10]}}, "outside its range"),
        ({"k": 3}, r"parameters\.k must be an object"),
        ([1, 2], "parameters must be an object"),
    ]:
        text = scene.function.text
        path.write_text(json.dumps({**data, "parameters": bad}))
        with pytest.raises(SessionError, match=message):
            load_session(other, path)
        assert other.function.parameters == {"k": 7.5} and other.function.text == text  # unchanged


def test_saving_keeps_the_files_permissions_and_survives_a_full_disk(tmp_path, monkeypatch):
    import errno
    import os
    import stat

    from gradviz.model.scene import Scene
    from gradviz.session import save_session, store

    scene = Scene()
    path = tmp_path / "s.gradviz.json"
    path.write_text("{}")
    os.chmod(path, 0o644)
    save_session(scene, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    os.chmod(path, 0o640)
    save_session(scene, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    new = tmp_path / "new.gradviz.json"
    save_session(scene, new)
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(new.stat().st_mode) == 0o666 & ~mask  # as any new file, not 0600
    # a disk that fills halfway through the write: the old file is intact, no temporary file is left
    old = path.read_text()
    scene.set_expression("x*y")
    real_fdopen = os.fdopen

    class HalfFull:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, text):
            self.handle.write(text[: len(text) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store.os, "fdopen", lambda fd, *a, **k: HalfFull(real_fdopen(fd, *a, **k)))
    with pytest.raises(OSError, match="No space"):
        save_session(scene, path)
    assert path.read_text() == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.gradviz.json", "s.gradviz.json"]
