"""What a new user tripped over in the first hour (issue 20), outside the window: each case failed before."""

import pytest

import gradviz


@pytest.mark.parametrize("lr", [0.0, -0.1, float("nan"), "fast"])
def test_a_learning_rate_that_is_not_positive_is_refused(lr):
    fn = gradviz.parse("x^2 + y^2")
    with pytest.raises(ValueError, match="lr must be a positive number"):
        gradviz.descend(fn, (1, 1), "gd", lr=lr)


@pytest.mark.parametrize("start", [(1,), (1, 2, 3), ("a", 1), (float("inf"), 0)])
def test_a_start_that_is_not_a_point_is_refused_by_name(start):
    with pytest.raises(ValueError, match="start must be a point"):
        gradviz.descend(gradviz.parse("x^2 + y^2"), start, "gd")


def test_paths_check_their_starts_and_rate_too():
    fn = gradviz.parse("f(w, b) = mean((w*x + b - y)^2)",
                       data={"x": [0.0, 1.0, 2.0], "y": [1.0, 2.0, 3.0]})
    with pytest.raises(ValueError, match="lr must be a positive number"):
        gradviz.descend_paths(fn, [(0, 0)], "gd", lr=-1.0, steps=3)


def test_too_large_numbers_are_refused_alike_in_f_and_in_a_parameter():
    for text, column in (("1e309*x", 1), ("k = 1e400; k*x", 5)):
        with pytest.raises(gradviz.ExpressionError, match="too large") as err:
            gradviz.parse(text)
        assert err.value.column == column
    assert float(gradviz.parse("1e308*x")(1.0, 0.0)) == 1e308  # the largest finite numbers still work


def test_a_figure_too_large_is_refused_with_the_limit():
    with pytest.raises(ValueError, match="between 16 and 8000 pixels"):
        gradviz.figure("x*y", size=(40000, 40000))


def test_the_critical_point_search_is_complete_for_wavy_functions():
    """sin(2x)·sin(2y) gave 10 minima, 10 maxima and 28 saddles of 18, 18 and 49; sin(x)·sin(y) on [−20, 20]²
    listed 0 of its 169 saddles. The counts are closed forms: saddles at (mπ/2, nπ/2), extrema between."""
    from collections import Counter

    from gradviz.calculus.critical import search_critical_points

    s = search_critical_points(gradviz.parse("sin(2*x)*sin(2*y)"), (-5, 5, -5, 5))
    assert Counter(p.kind for p in s.points) == {"saddle": 7 * 7, "minimum": 18, "maximum": 18} and s.complete
    s = search_critical_points(gradviz.parse("sin(x)*sin(y)"), (-20, 20, -20, 20))
    assert Counter(p.kind for p in s.points) == {"saddle": 13 * 13, "minimum": 72, "maximum": 72} and s.complete
    for p in s.points:  # each one really is where ∇f = 0
        assert max(abs(v) for v in gradviz.parse("sin(x)*sin(y)").grad(p.x, p.y)) < 1e-9


def test_an_incomplete_search_says_so():
    """With Newton stopped after one step nothing converges: cells that ∇f winds around are left unexplained, and
    the search says that some may be missing."""
    from gradviz.calculus.critical import search_critical_points

    s = search_critical_points(gradviz.parse("sin(x)*sin(y)"), (-10, 10, -10, 10), iterations=1)
    assert not s.complete and "some may be missing: refine the grid" in s.note


def test_the_cli_and_the_window_share_one_default_domain(tmp_path):
    """The CLI searched [−3, 3]² and found 4 of Himmelblau's 9 points; the window uses [−5, 5]²."""
    import subprocess
    import sys

    from gradviz.model.presets import DEFAULT_DOMAIN
    from gradviz.model.scene import Scene

    assert Scene().domain == DEFAULT_DOMAIN
    out = subprocess.run([sys.executable, "-m", "gradviz", "critical", "(x^2 + y - 11)^2 + (x + y^2 - 7)^2"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    kinds = [line.split()[0] for line in out.stdout.splitlines()[1:]]
    assert sorted(kinds) == sorted(["minimum"] * 4 + ["saddle"] * 4 + ["maximum"])
