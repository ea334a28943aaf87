"""The example notebook runs: every code cell executes in order, and every figure a cell ends with
renders (as Jupyter would show it). No Jupyter needed: the cells are run as plain Python."""

import ast
import json
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
