"""The example notebook runs: every code cell executes in order, and every figure a cell ends with
renders (as Jupyter would show it). No Jupyter needed: the cells are run as plain Python."""

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parent.parent / "resources" / "chapter.ipynb"


def _cells():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def test_the_notebooks_code_cells_run_and_their_figures_render(tmp_path, monkeypatch, capsys):
    import gradviz

    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    shown = []
    for source in _cells():
        tree = ast.parse(source)
        last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        if last is not None:  # as Jupyter does: the last expression is the cell's output
            tree.body.pop()
        exec(compile(tree, "chapter.ipynb", "exec"), scope)  # noqa: S102 (our own notebook)
        if last is not None:
            value = eval(compile(ast.Expression(last.value), "chapter.ipynb", "eval"), scope)  # noqa: S307
            shown.append(value)
    figures = [v for v in shown if isinstance(v, gradviz.Figure)]
    assert len(figures) >= 5
    for fig in figures:
        png = fig._repr_png_()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000
        svg = fig._repr_svg_()
        assert svg is None if fig.view in ("3d", "both") else "<svg" in svg
    out = capsys.readouterr().out
    assert "−1 × the gradient" in out and "correct" in out
    assert "maximum 0.0" in out or "maximum -0.0" in out


def test_figure_bad_input():
    import gradviz

    with pytest.raises(ValueError, match="view must be one of"):
        gradviz.figure("x*y", view="4d")
    with pytest.raises(gradviz.ExpressionError, match="column"):
        gradviz.figure("x +")
    fig = gradviz.figure("x*y", view="3d")
    with pytest.raises(ValueError, match=r"\.svg is for the 2D views"):
        fig.save("a.svg")


FIGURES_IN_ORDER = """
import sys
import numpy as np
import gradviz
from PySide6 import QtGui
for k, view in enumerate(["contour", "3d", "contour", "3d"]):
    path = f"{sys.argv[1]}/fig{k}.png"
    try:
        gradviz.figure("x*exp(-x^2 - y^2)", view=view, size=(320, 240), domain=(-2, 2, -2, 2)).save(path)
    except RuntimeError as err:
        print(view, "refused:", err)
        continue
    img = QtGui.QImage(path).convertToFormat(QtGui.QImage.Format.Format_RGB888)
    rgb = np.frombuffer(img.constBits(), np.uint8, img.bytesPerLine() * img.height()).reshape(img.height(), -1)
    rgb = rgb[:, : 3 * img.width()].reshape(img.height(), img.width(), 3)
    colours = len(np.unique(rgb.reshape(-1, 3), axis=0))
    print(view, "mean", int(rgb.mean()), "colours", colours)
"""


def _figures_in_order(tmp_path, path_env):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env["PATH"] = path_env
    result = subprocess.run([sys.executable, "-c", FIGURES_IN_ORDER, str(tmp_path)], capture_output=True, text=True,
                            env=env, timeout=180)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_figures_of_any_kind_in_any_order_render(tmp_path):
    """A 3D figure after a 2D one in the same process was a 4 KB black image: 2D, 3D, 2D, 3D all have pixels."""
    lines = _figures_in_order(tmp_path, os.environ["PATH"])
    assert len(lines) == 4, lines
    for line in lines:
        view, _, mean, _, colours = line.split()
        assert int(mean) > 40 and int(colours) > 200, line  # not black, not blank


def test_without_xvfb_a_3d_figure_after_a_2d_one_is_refused_clearly(tmp_path):
    """No display and no Xvfb on PATH: the 2D figures draw offscreen, the 3D ones say why they cannot."""
    bare = tmp_path / "bin"
    bare.mkdir()
    lines = _figures_in_order(tmp_path, str(bare))
    assert [line.split()[0] for line in lines] == ["contour", "3d", "contour", "3d"]
    assert "refused:" in lines[1] and "Xvfb" in lines[1] and "refused:" not in lines[0]


LESSON_NOTEBOOK = NOTEBOOK.parent / "lesson_gradient.ipynb"


def test_the_lesson_notebook_runs_and_shows_its_steps_and_verdicts(monkeypatch, tmp_path):
    from gradviz.lessons import Step, Verdict  # (gradviz.lessons is the function that lists them)

    monkeypatch.chdir(tmp_path)
    nb = json.loads(LESSON_NOTEBOOK.read_text(encoding="utf-8"))
    scope: dict = {}
    shown = []
    for source in ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]:
        tree = ast.parse(source)
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        exec(compile(tree, "lesson_gradient.ipynb", "exec"), scope)  # noqa: S102 (our own notebook)
        if last is not None:
            shown.append(eval(compile(ast.Expression(last.value), "lesson.ipynb", "eval"), scope))  # noqa: S307
    steps = [v for v in shown if isinstance(v, Step)]
    verdicts = [v for v in shown if isinstance(v, Verdict)]
    assert len(steps) >= 2 and len(verdicts) >= 3
    page = steps[0]._repr_html_()
    assert "Which way is uphill?" in page and "data:image/png;base64," in page
    wrong, right = verdicts[0], verdicts[1]
    assert not wrong.correct and "way down" in wrong._repr_html_()
    assert right.correct and "data:image/png;base64," in right._repr_html_()  # the reveal's figure
