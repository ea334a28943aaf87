"""Matrix calculus: gradients of the presets against NumPy closed forms and finite differences, the
checker's verdicts, shape errors at their column, and the caps."""

import numpy as np
import pytest

import gradviz
from gradviz import ExpressionError
from gradviz.matrix.presets import MATRIX_PRESETS, matrix_preset

from .gradcheck import numerical_grad


def _softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


# closed forms written here with NumPy, independently of the text the presets use
CLOSED = {
    "βᵀx (chapter)": lambda v: v["beta"],
    "xᵀAx, A not symmetric (chapter)": lambda v: (v["A"] + v["A"].T) @ v["x"],
    "‖X − UV‖², the book's sign (chapter)": lambda v: -2 * v["U"].T @ (v["X"] - v["U"] @ v["V"]),
    "Softmax cross-entropy of a linear model": lambda v: (v["y"].sum() * _softmax(v["W"] @ v["x"]) - v["y"]) @ v["x"].T,
    "Least squares ‖Aw − b‖²": lambda v: 2 * v["A"].T @ (v["A"] @ v["w"] - v["b"]),
}


@pytest.mark.parametrize("preset", MATRIX_PRESETS, ids=lambda p: p.name)
def test_preset_gradients_against_closed_forms_and_differences(preset):
    m = gradviz.parse_matrix(preset.text)
    for seed in range(3):
        vals = m.random_inputs(seed)
        g = m.grad(preset.variable, vals)
        assert g.shape == m.shapes[preset.variable]
        np.testing.assert_allclose(g, CLOSED[preset.name](vals), rtol=1e-12, atol=1e-12)

        def f(z, vals=vals):
            return m.value({**vals, preset.variable: z})
        np.testing.assert_allclose(g, numerical_grad(f, vals[preset.variable], 1e-6), rtol=1e-6, atol=1e-6)


def test_the_issue_example():
    m = gradviz.parse_matrix("U: 6x3; V: 3x4; X: 6x4; sum((X - U@V)^2)")
    assert m.shapes == {"U": (6, 3), "V": (3, 4), "X": (6, 4)}
    vals = m.random_inputs(seed=0)
    assert all(vals[k].shape == s for k, s in m.shapes.items())
    np.testing.assert_array_equal(vals["U"], gradviz.parse_matrix(m.text).random_inputs(seed=0)["U"])
    assert m.value(vals) == pytest.approx(float(np.sum((vals["X"] - vals["U"] @ vals["V"]) ** 2)), rel=1e-14)
    assert m.grad("V", vals).shape == (3, 4)
    r = m.check("V", "-2*U.T@(X - U@V)", trials=5, seed=0)
    assert r.ok and r.scale == 1.0 and r.max_rel_error < 1e-12 and "correct" in r.message


@pytest.mark.parametrize("candidate, scale, words", [
    ("2*U.T@(X - U@V)", -1.0, "sign"),
    ("-4*U.T@(X - U@V)", 2.0, "factor of 2"),
    ("-U.T@(X - U@V)", 0.5, "factor of 2"),
    ("-6*U.T@(X - U@V)", 3.0, "3 × the gradient"),
])
def test_scaled_candidates_are_diagnosed(candidate, scale, words):
    r = gradviz.parse_matrix("U: 6x3; V: 3x4; X: 6x4; sum((X - U@V)^2)").check("V", candidate)
    assert not r.ok and r.scale == pytest.approx(scale) and words in r.message


def test_transposed_and_wrong_shapes_and_plain_wrong():
    m = gradviz.parse_matrix("U: 6x3; V: 3x4; X: 6x4; sum((X - U@V)^2)")
    r = m.check("V", "(-2*U.T@(X - U@V)).T")
    assert not r.ok and r.transposed and "(4, 3)" in r.message and "(3, 4)" in r.message
    r = m.check("V", "U")
    assert not r.ok and "shape (3, 4) expected" in r.message and "got (6, 3)" in r.message
    r = m.check("V", "-2*U.T@X")  # forgets the U@V term
    assert not r.ok and r.scale is None and r.max_rel_error > 1e-3 and "V[" in r.message
    i, j = r.where[1]
    # the reported place is where the error is largest
    vals = m.random_inputs(r.where[0])
    err = np.abs(-2 * vals["U"].T @ vals["X"] - m.grad("V", vals))
    assert err[i, j] == pytest.approx(err.max())
    # a square matrix: transposition shows in the values, not the shape
    sq = gradviz.parse_matrix("A: 3x3; B: 3x3; C: 3x3; sum(A@B*C)")  # (AB)∘C: the gradient is C Bᵀ
    assert sq.check("A", "C@B.T").ok
    r = sq.check("A", "(C@B.T).T")
    assert r.transposed and not r.ok and "transpose" in r.message


@pytest.mark.parametrize("text, message, column", [
    ("U: 6x3; X: 6x4; sum(U@X)", r"`U@X`: shapes \(6, 3\) and \(6, 4\) do not align", 22),
    ("a: 3; b: 4; sum(a + b)", r"shapes \(3,\) and \(4,\) do not broadcast", 19),
    ("A: 3x4; trace(A)", "trace needs a square matrix", 9),
    ("U: 6x3; U", r"shape \(6, 3\), not a number", 9),
    ("U: 6x3; sum(Z)", "unknown name 'Z'", 13),
    ("U: 6x3; U: 2; sum(U)", "declared twice", 9),
    ("U: 0x3; sum(U)", "sizes go from 1", 4),
    ("U: 3000x3; sum(U)", "sizes go from 1 to 2000", 4),
    ("U: 2000x2000; sum(U)", "at most 1,000,000", 1),
    ("U: 3x3; sum(U.X)", r"only \.T", 14),
    ("U: 3x3; sum(U[0])", "subscripts are not allowed", 14),
    ("U: 3x3; __import__('os')", "unknown function '__import__'", 9),
    ("U: 3x3; sum(U) + 'os'", "strings are not allowed", 18),
    ("sin: 3; sum(sin)", "is a function", 1),
    ("U: 3x3; dot(U)", "dot takes 2 arguments", 9),
])
def test_bad_programs_are_refused_at_their_column(text, message, column):
    with pytest.raises(ExpressionError, match=message) as info:
        gradviz.parse_matrix(text)
    assert info.value.column == column, str(info.value)


def test_reductions_and_functions():
    m = gradviz.parse_matrix("A: 3x3; v: 3; trace(A) + mean(A) + norm(v) + norm(A) + sum(tanh(A@v))")
    vals = m.random_inputs(4)
    a, v = vals["A"], vals["v"]
    expected = np.trace(a) + a.mean() + np.linalg.norm(v) + np.linalg.norm(a) + np.tanh(a @ v).sum()
    assert m.value(vals) == pytest.approx(expected, rel=1e-13)
    ga = np.eye(3) + np.full((3, 3), 1 / 9) + a / np.linalg.norm(a) + np.outer(1 - np.tanh(a @ v) ** 2, v)
    np.testing.assert_allclose(m.grad("A", vals), ga, rtol=1e-12)


def test_a_wrong_value_shape_is_refused():
    m = gradviz.parse_matrix("a: 3; sum(a*a)")
    with pytest.raises(ValueError, match=r"must have shape \(3,\)"):
        m.value({"a": np.ones(4)})
    with pytest.raises(ValueError, match="no variable 'b'"):
        m.check("b", "2*a")


def test_the_book_sign_preset_is_flagged():
    p = matrix_preset("‖X − UV‖², the book's sign (chapter)")
    r = gradviz.parse_matrix(p.text).check(p.variable, p.candidate)
    assert not r.ok and r.scale == pytest.approx(-1.0)


def test_the_matrix_language_has_every_function_of_the_table():
    """Each function name of the f(x, y) language (from the primitive table) works on arrays here too, with its
    arity; values equal NumPy's and the gradient equals central differences."""
    import numpy as np

    from gradviz.autodiff.primitives import PRIMITIVES
    from gradviz.expr.language import FUNCTIONS

    for name, op in FUNCTIONS.items():
        arity = PRIMITIVES[op].arity
        args = "0.3*A + 0.1" if arity == 1 else "0.3*A + 0.1, 0.2*B"
        m = gradviz.parse_matrix(f"A: 2x3; B: 2x3; sum({name}({args}))")
        vals = {"A": np.array([[0.1, 0.5, 0.9], [0.2, 0.4, 0.7]]),
                "B": np.array([[0.9, 0.2, 0.3], [0.85, 0.1, 0.6]])}  # no ties of max or min
        ref = PRIMITIVES[op].evaluate(*([0.3 * vals["A"] + 0.1, 0.2 * vals["B"]][:arity]))
        assert m.value(vals) == pytest.approx(float(np.sum(ref)), rel=1e-12), name
        g = m.grad("A", vals)
        h = 1e-6
        for idx in np.ndindex(2, 3):
            up, down = {**vals, "A": vals["A"].copy()}, {**vals, "A": vals["A"].copy()}
            up["A"][idx] += h
            down["A"][idx] -= h
            assert g[idx] == pytest.approx((m.value(up) - m.value(down)) / (2 * h), rel=1e-5, abs=1e-7), name


def test_max_and_min_name_their_arity_and_shapes():
    with pytest.raises(gradviz.ExpressionError, match="max takes 2 arguments, got 1"):
        gradviz.parse_matrix("A: 3x3; sum(max(A))")
    with pytest.raises(gradviz.ExpressionError, match=r"shapes \(3, 3\) and \(2, 2\) do not broadcast"):
        gradviz.parse_matrix("A: 3x3; B: 2x2; sum(max(A, B))")


def test_a_near_miss_says_how_far_it_is_off_and_never_one_times_the_gradient():
    m = gradviz.parse_matrix("U: 6x3; V: 3x4; X: 6x4; sum((X - U@V)^2)")
    near = m.check("V", "-2*U.T@(X - U@V) + 1e-7")
    assert not near.ok
    assert "close, but not equal" in near.message and "1e-07" in near.message
    assert "1 × the gradient" not in near.message
    within = m.check("V", "-2*U.T@(X - U@V)*(1 + 1e-13)")  # inside the tolerance of rounding: right
    assert within.ok and within.message.startswith("correct")
    far = m.check("V", "-2*U.T@(X - U@V) + 0.5")
    assert not far.ok and far.message.startswith("wrong: the largest error is")
