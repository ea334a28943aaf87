"""The gradviz command: no traceback without a display; bad expressions exit 2 with the column."""

import json
import os
import subprocess
import sys

import pytest


def _run(*args, env_extra=None):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "gradviz", *args], capture_output=True, text=True, env=env,
                          timeout=60)


def test_no_display_explains_how_to_run_it():
    result = _run()
    assert result.returncode == 1
    assert "xvfb-run" in result.stderr and "Traceback" not in result.stderr


def test_bad_expression_exits_2_with_the_column():
    result = _run("x + z")
    assert result.returncode == 2
    assert "unknown name 'z' at column 5" in result.stderr and "Traceback" not in result.stderr


def test_version():
    result = _run("--version")
    assert result.returncode == 0 and "gradviz" in result.stdout


# ----- the headless commands -----

HIMMELBLAU = "(x^2 + y - 11)^2 + (x + y^2 - 7)^2"


def test_trace_writes_csv_and_json(tmp_path):
    import csv
    import json

    out = tmp_path / "t.csv"
    result = _run("trace", "(1-x)^2 + 100*(y-x^2)^2", "--start", "-1.2,1", "--method", "adam", "--method", "gd",
                  "--lr", "0.001", "--steps", "50", "-o", str(out))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(open(out)))
    assert {r["method"] for r in rows} == {"adam", "gd"} and len(rows) == 2 * 51
    assert "adam" in result.stdout and "max_steps" in result.stdout
    out_json = tmp_path / "t.json"
    assert _run("trace", HIMMELBLAU, "--start=-4,-4", "--method", "newton", "-o", str(out_json)).returncode == 0
    data = json.loads(out_json.read_text())["trajectories"][0]
    assert data["method"] == "newton" and data["start"] == [-4.0, -4.0]


def test_critical_lists_the_points(tmp_path):
    result = _run("critical", "3*x^4 - 4*x^3 - 12*x^2", "--domain", "-2,3,-1,1", "-o", str(tmp_path / "c.csv"))
    assert result.returncode == 0, result.stderr
    lines = [ln.split() for ln in result.stdout.splitlines()[1:4]]
    assert [(k, float(x)) for k, x, *_ in lines] == [("minimum", -1.0), ("maximum", 0.0), ("minimum", 2.0)]
    assert (tmp_path / "c.csv").exists()


def test_render_contour_png_and_svg_offscreen(tmp_path):
    from PySide6 import QtGui

    png = tmp_path / "c.png"
    result = _run("render", HIMMELBLAU, "--view", "contour", "--size", "800x600", "--domain", "-5,5,-5,5",
                  "--start", "0,0", "--method", "adam", "--lr", "0.1", "-o", str(png))
    assert result.returncode == 0, result.stderr
    image = QtGui.QImage(str(png))
    assert image.width() == 800 and not image.isNull()
    svg = tmp_path / "c.svg"
    assert _run("render", "x*exp(-x^2-y^2)", "--view", "contour", "-o", str(svg)).returncode == 0
    import xml.etree.ElementTree as ET
    assert any(e.tag.endswith("path") for e in ET.parse(svg).getroot().iter())


def test_render_3d_uses_the_display_or_starts_xvfb(tmp_path):
    from PySide6 import QtGui

    png = tmp_path / "both.png"
    result = _run("render", "sin(x)*cos(y)", "--size", "900x500", "-o", str(png))
    assert result.returncode == 0, result.stderr
    image = QtGui.QImage(str(png))
    assert (image.width(), image.height()) == (900, 500)


def test_render_and_trace_bad_input_exit_2():
    bad = _run("render", "x + z", "-o", "/tmp/never.png")
    assert bad.returncode == 2 and "unknown name 'z' at column 5" in bad.stderr and "Traceback" not in bad.stderr
    assert _run("render", "x", "--view", "3d", "-o", "/tmp/x.svg").returncode == 2
    assert _run("trace", "x^2", "-o", "/tmp/t.csv").returncode == 2  # no start point
    assert _run("trace", "x^2", "--start", "1;2").returncode == 2
    assert _run("critical", "x^2", "--domain", "1,0,0,1").returncode == 2
    for command in ("render", "trace", "critical"):
        helped = _run(command, "--help")
        assert helped.returncode == 0 and "usage: gradviz " + command in helped.stdout


def test_render_a_session_file(tmp_path):
    from gradviz.model.scene import Scene
    from gradviz.session import save_session

    scene = Scene()
    scene.load_preset("Rosenbrock")
    path = tmp_path / "s.gradviz.json"
    save_session(scene, path)
    assert _run("render", str(path), "--view", "contour", "-o", str(tmp_path / "s.png")).returncode == 0
    bad = tmp_path / "bad.gradviz.json"
    bad.write_text("{")
    result = _run("render", str(bad), "--view", "contour", "-o", str(tmp_path / "b.png"))
    assert result.returncode == 2 and "corrupt or truncated" in result.stderr


def test_param_option_for_trace_and_critical(tmp_path):
    import csv

    bowl = "k = 1 in [0, 10]; f(w, b) = (w - 1)^2 + k*(b + 2)^2"
    out = tmp_path / "t.csv"
    result = _run("trace", bowl, "--param", "k=4", "--start", "0,0", "--steps", "2", "--lr", "0.1", "-o", str(out))
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(out.open()))
    assert list(rows[0])[4:9] == ["w", "b", "f", "fw", "fb"]
    # by hand with k = 4: b1 = 0 - 0.1 * 2k(0 + 2) = -1.6
    assert float(rows[1]["b"]) == pytest.approx(-1.6)
    assert json.loads(rows[0]["hyperparameters"])["parameters"] == {"k": 4.0}
    result = _run("critical", "c = 0; (x - c)^2 + y^2", "--param", "c=1.5")
    assert result.returncode == 0 and "1.5" in result.stdout, result.stderr
    bad = _run("critical", "c = 0; (x - c)^2 + y^2", "--param", "q=1")
    assert bad.returncode == 2 and "no parameter 'q'" in bad.stderr and "(its parameters: c)" in bad.stderr
    bad = _run("trace", "c = 0; (x - c)^2 + y^2", "--param", "c=nan", "--start", "0,0")
    assert bad.returncode == 2 and "NAME=VALUE" in bad.stderr


def test_render_with_a_parameter(tmp_path):
    out = tmp_path / "k.png"
    result = _run("render", "k = 1 in [1, 100]; x^2 + k*y^2", "--param", "k=50", "--view", "contour",
                  "-o", str(out), env_extra={"QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 1000


def test_two_3d_renders_at_once_get_their_own_virtual_displays(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    outs = [tmp_path / f"r{k}.png" for k in range(2)]
    procs = [subprocess.Popen([sys.executable, "-m", "gradviz", "render", "x^2 - y^2", "--view", "3d",
                               "--size", "320x240", "-o", str(out)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for out in outs]
    results = [p.communicate(timeout=120) for p in procs]
    for p, (stdout, stderr), out in zip(procs, results, outs, strict=True):
        assert p.returncode == 0, stderr
        assert out.stat().st_size > 1000 and "wrote" in stdout


def test_a_session_file_on_the_command_line_opens_it(tmp_path, monkeypatch):
    from gradviz import cli
    from gradviz.model.scene import Scene
    from gradviz.session import save_session

    path = tmp_path / "scene.gradviz.json"
    save_session(Scene(), path)
    opened = []
    import gradviz.gui.app as app

    monkeypatch.setattr(app, "run", lambda expression=None, session=None: opened.append((expression, session)) or 0)
    monkeypatch.setenv("DISPLAY", ":99")
    assert cli.main([str(path)]) == 0
    assert opened == [(None, str(path))]
    missing = _run(str(tmp_path / "nope.gradviz.json"))
    assert missing.returncode == 2 and "no such session file" in missing.stderr and "column" not in missing.stderr


def test_install_desktop_writes_the_entry_and_icon(tmp_path):
    result = _run("--install-desktop", env_extra={"XDG_DATA_HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    entry = (tmp_path / "applications" / "gradviz.desktop").read_text()
    assert "Exec=" in entry and "Type=Application" in entry
    icon = tmp_path / "icons" / "hicolor" / "scalable" / "apps" / "gradviz.svg"
    assert f"Icon={icon}" in entry and icon.read_text().startswith("<svg")
