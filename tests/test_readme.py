"""The README's library example runs as written and gives the values it promises."""

import math
import re
from pathlib import Path

import numpy as np

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_python_example_runs():
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    assert blocks
    scope: dict = {}
    block = next(b for b in blocks if "log(exp(x) + exp(y))" in b)
    exec(compile(block, "README.md", "exec"), scope)  # noqa: S102 (our own documentation)
    fn, np_ = scope["fn"], scope["np"]
    assert fn(0.0, np_.log(2)) == math.log(3) or abs(fn(0.0, np_.log(2)) - math.log(3)) < 1e-15
    np.testing.assert_allclose(fn.grad(0.0, np_.log(2)), [1 / 3, 2 / 3], rtol=1e-15)
    assert scope["traj"].points.shape[1] == 2 and scope["f"].shape == (400, 400)


def test_readme_parameter_example_runs():
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    block = next(b for b in blocks if "with_parameters" in b)
    scope: dict = {}
    exec(compile("import gradviz\n" + block, "README.md", "exec"), scope)  # noqa: S102
    g = scope["g"]
    assert scope["fn"].parameters == {"a": 2.0, "b": 0.5}
    assert g(1.0, 2.0) == 3.0 * 1.0 + 0.5 * 4.0  # a = 3: by hand
    np.testing.assert_allclose(g.hessian(1.0, 2.0), [6.0, 0.0, 1.0])


def test_readme_matrix_example_runs():
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    block = next(b for b in blocks if "parse_matrix" in b)
    scope: dict = {}
    exec(compile("import gradviz\n" + block, "README.md", "exec"), scope)  # noqa: S102
    r = scope["r"]
    assert (r.ok, round(r.scale, 12)) == (False, -1.0) and "sign error" in r.message


def test_readme_state_example_runs():
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    block = next(b for b in blocks if "traj.state" in b)
    scope: dict = {}
    exec(compile("import gradviz\nfn = gradviz.parse('x^2 + 10*y^2')\n" + block, "README.md", "exec"), scope)  # noqa: S102
    traj = scope["traj"]
    assert traj.state["b"].shape == (len(traj.points), 2) and traj.lrs.shape == (traj.stop_step,)


def test_readme_figure_example_runs(tmp_path, monkeypatch):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    block = next(b for b in blocks if "gradviz.figure(" in b)
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(compile(block, "README.md", "exec"), scope)  # noqa: S102
    assert (tmp_path / "taylor.svg").read_text().lstrip().startswith("<?xml")


def test_readme_network_example_runs():
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    block = next(b for b in blocks if "parse_model" in b)
    scope: dict = {}
    exec(compile(block, "README network example", "exec"), scope)  # noqa: S102 (the README's own example)
    net, theta, run = scope["net"], scope["theta"], scope["run"]
    assert run.status == "max_steps" and run.losses[-1] < run.losses[0]
    np_eig = scope["net"].hessian_eigenvalues(theta, k=3)
    assert len(np_eig) == 3 and np_eig[0] >= np_eig[1] >= np_eig[2]
    assert scope["hv"].shape == (net.size,)


def test_readme_landscape_example_runs_after_the_network_one():
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    scope: dict = {"np": np}
    exec(compile(next(b for b in blocks if "parse_model" in b), "README network", "exec"), scope)  # noqa: S102
    exec(compile(next(b for b in blocks if "gradviz.landscape(" in b), "README landscape", "exec"), scope)  # noqa: S102
    sl, losses = scope["sl"], scope["losses"]
    assert losses.shape == (51, 51) and losses[25, 25] == sl(0.0, 0.0)
    assert scope["coords"].shape == (len(scope["run"].thetas), 2) and (scope["off_plane"] >= 0).all()


def test_readme_lesson_example_is_a_valid_lesson_and_its_python_runs():
    from gradviz.lessons import check_lesson, read_lesson

    text = README.read_text()
    block = re.findall(r"```markdown\n(.*?)```", text, re.S)[0]
    lesson = read_lesson(block, source="README.md")
    check_lesson(lesson)
    assert lesson.steps[0].expected == (1.35, 0.0)
    code = next(b for b in re.findall(r"```python\n(.*?)```", text, re.S) if "gradviz.lesson(" in b)
    scope: dict = {"gradviz": __import__("gradviz")}
    exec(compile(code, "README lesson", "exec"), scope)  # noqa: S102 (our own documentation)
    assert scope["verdict"].correct
