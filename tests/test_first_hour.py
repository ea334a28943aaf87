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
