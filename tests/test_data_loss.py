"""Losses on data: mean/sum over rows, their exact derivatives, mini-batches and bad data."""

from __future__ import annotations

import numpy as np
import pytest

import gradviz
from gradviz.data import DataError, read_csv
from gradviz.data import data_function as data_function
from gradviz.descent.batches import batch_rows


def _linear_data(n: int = 200, seed: int = 1) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    return {"x": x, "y": 2.0 * x + 4.2 + 0.1 * rng.normal(size=n)}


MSE = "f(w, b) = mean((w*x + b - y)^2)"


def test_mse_value_gradient_and_hessian_match_the_closed_forms():
    data = _linear_data()
    x, y = data["x"], data["y"]
    fn = gradviz.parse(MSE, data=data)
    assert fn.rows == len(x) and fn.variables == ("w", "b")
    w, b = 0.7, -1.3
    r = w * x + b - y
    assert np.isclose(fn(w, b), np.mean(r * r), rtol=1e-13)
    gw, gb = fn.grad(w, b)
    assert np.isclose(gw, 2.0 / len(x) * np.sum(r * x), rtol=1e-12)
    assert np.isclose(gb, 2.0 / len(x) * np.sum(r), rtol=1e-12)
    hww, hwb, hbb = fn.hessian(w, b)
    assert np.allclose([hww, hwb, hbb], [2 * np.mean(x * x), 2 * np.mean(x), 2.0], rtol=1e-12)


def test_logistic_loss_written_with_softplus_has_the_textbook_gradient():
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.normal(-1, 1, 50), rng.normal(1.5, 1, 50)])
    t = np.concatenate([np.zeros(50), np.ones(50)])
    fn = gradviz.parse("f(w, b) = mean(softplus(w*x + b) - t*(w*x + b))", data={"x": x, "t": t})
    w, b = 0.8, 0.2
    z = w * x + b
    p = 1.0 / (1.0 + np.exp(-z))
    assert np.isclose(fn(w, b), np.mean(-t * np.log(p) - (1 - t) * np.log(1 - p)), rtol=1e-12)
    assert np.allclose(fn.grad(w, b), [np.mean((p - t) * x), np.mean(p - t)], rtol=1e-12)
    s = p * (1 - p)
    assert np.allclose(fn.hessian(w, b), [np.mean(s * x * x), np.mean(s * x), np.mean(s)], rtol=1e-11)


def test_tanh_neuron_derivatives_agree_with_finite_differences():
    rng = np.random.default_rng(5)
    x = rng.uniform(-3, 3, 80)
    fn = gradviz.parse("f(w, b) = mean((tanh(w*x + b) - y)^2)", data={"x": x, "y": np.sin(x)})
    w, b, h = 0.9, -0.4, 1e-5
    f0, gw, gb = fn.value_and_grad(w, b)
    assert np.isclose(gw, (fn(w + h, b) - fn(w - h, b)) / (2 * h), rtol=1e-7)
    assert np.isclose(gb, (fn(w, b + h) - fn(w, b - h)) / (2 * h), rtol=1e-7)
    hww, hwb, hbb = fn.hessian(w, b)
    assert np.isclose(hww, (fn.grad(w + h, b)[0] - fn.grad(w - h, b)[0]) / (2 * h), rtol=1e-6)
    assert np.isclose(hwb, (fn.grad(w, b + h)[0] - fn.grad(w, b - h)[0]) / (2 * h), rtol=1e-6)
    assert np.isclose(hbb, (fn.grad(w, b + h)[1] - fn.grad(w, b - h)[1]) / (2 * h), rtol=1e-6)


def test_sum_counts_every_row_even_where_the_derivative_is_constant():
    x = np.arange(7.0)
    fn = gradviz.parse("f(w, b) = sum((w - x)^2) + b^2", data={"x": x})
    assert np.isclose(fn(1.0, 2.0), np.sum((1.0 - x) ** 2) + 4.0)
    assert np.allclose(fn.hessian(1.0, 2.0), [2.0 * len(x), 0.0, 2.0])  # Σ 2 over 7 rows is 14, not 2


def test_ridge_parameter_is_an_input_and_shares_the_derivation():
    data = _linear_data()
    fn = gradviz.parse("lam = 0.1 in [0, 1]; f(w, b) = mean((w*x + b - y)^2) + lam*(w^2 + b^2)", data=data)
    other = fn.with_parameters(lam=0.5)
    assert other.derived is fn.derived
    base = gradviz.parse(MSE, data=data)
    assert np.allclose(other.hessian(0.3, 0.4), np.add(base.hessian(0.3, 0.4), [1.0, 0.0, 1.0]))


def test_mini_batch_rows_equal_the_loss_on_those_rows_alone():
    data = _linear_data()
    idx = np.array([3, 17, 17, 150, 42])
    fn = gradviz.parse(MSE, data=data)
    alone = gradviz.parse(MSE, data={k: v[idx] for k, v in data.items()})
    assert np.allclose(fn.value_and_grad(0.5, 1.0, rows=idx), alone.value_and_grad(0.5, 1.0), rtol=1e-14)


def test_grid_is_blocked_and_equals_pointwise_values(monkeypatch):
    fn = gradviz.parse("f(w, b) = mean(log1p((w*x + b - y)^2))", data=_linear_data(300))
    ws, bs = np.linspace(-1, 4, 9), np.linspace(0, 6, 7)
    full = fn.grid(ws, bs, order=2)
    monkeypatch.setattr(data_function, "BLOCK", 300 * 4)  # four grid points at a time
    blocked = fn.grid(ws, bs, order=2)
    for a, c in zip(full, blocked, strict=True):
        assert a.shape == (9, 7)
        assert np.allclose(a, c, rtol=1e-14)
    assert np.isclose(full[0][2, 3], fn(ws[2], bs[3]))
    assert np.isclose(full[4][5, 1], fn.hessian(ws[5], bs[1])[1])


def test_gradient_descent_reaches_the_least_squares_solution():
    data = _linear_data(500)
    fn = gradviz.parse(MSE, data=data)
    traj = gradviz.descend(fn, (0.0, 0.0), "gd", lr=0.1, steps=600)
    design = np.column_stack([data["x"], np.ones_like(data["x"])])
    solution = np.linalg.lstsq(design, data["y"], rcond=None)[0]
    assert np.allclose(traj.end, solution, atol=1e-8)


def test_sgd_with_every_row_in_the_batch_is_gradient_descent_and_seeds_repeat():
    data = _linear_data(100)
    fn = gradviz.parse(MSE, data=data)
    full = gradviz.descend(fn, (0.0, 0.0), "momentum", lr=0.05, steps=200)
    same = gradviz.descend(fn, (0.0, 0.0), "momentum", lr=0.05, steps=200, batch_size=100, seed=7)
    assert np.array_equal(full.points, same.points)
    a = gradviz.descend(fn, (0.0, 0.0), "adamw", lr=0.05, steps=200, batch_size=8, seed=3,
                        schedule={"name": "cosine", "T_max": 200})
    b = gradviz.descend(fn, (0.0, 0.0), "adamw", lr=0.05, steps=200, batch_size=8, seed=3,
                        schedule={"name": "cosine", "T_max": 200})
    c = gradviz.descend(fn, (0.0, 0.0), "adamw", lr=0.05, steps=200, batch_size=8, seed=4,
                        schedule={"name": "cosine", "T_max": 200})
    assert np.array_equal(a.points, b.points) and np.array_equal(a.batch_losses, b.batch_losses)
    assert not np.array_equal(a.points, c.points)
    assert len(a.batch_losses) == len(a.points)
    # the batch loss is the loss of that step's rows: it differs from the full-batch loss recorded in values
    assert not np.allclose(a.batch_losses, a.values)


def test_every_epoch_visits_each_row_once_with_a_smaller_last_batch():
    batches = batch_rows(10, 4, seed=0)
    epoch = [next(batches) for _ in range(3)]
    assert [len(b) for b in epoch] == [4, 4, 2]
    assert sorted(np.concatenate(epoch).tolist()) == list(range(10))
    second = np.concatenate([next(batches) for _ in range(3)])
    assert sorted(second.tolist()) == list(range(10)) and not np.array_equal(second, np.concatenate(epoch))


def test_batch_size_without_data_is_refused():
    with pytest.raises(ValueError, match="loss on data"):
        gradviz.descend(gradviz.parse("x^2 + y^2"), (1.0, 1.0), batch_size=4)
    fn = gradviz.parse(MSE, data=_linear_data(20))
    with pytest.raises(ValueError, match="batch_size"):
        gradviz.descend(fn, (0.0, 0.0), batch_size=0)


@pytest.mark.parametrize(("text", "message", "column"), [
    ("f(w, b) = (w*x + b - y)^2", "use it inside", 13),
    ("f(w, b) = mean(w^2 + b^2)", "does not depend on the data", 10),
    ("f(w, b) = mean(mean(x) - y)", "inside another", 15),
    ("r = w*x - y; f(w, b) = r^2", "depends on the data", 23),
    ("f(w, b) = mean((w*z - y)^2)", "unknown name 'z'", 18),
    ("mean(x^2 - y)", "default variables", 0),
    ("f(x, b) = mean(b*y)", "column of the data", 2),
])
def test_bad_losses_name_the_problem_and_its_column(text, message, column):
    with pytest.raises(gradviz.ExpressionError, match=message) as info:
        gradviz.parse(text, data=_linear_data(10))
    assert info.value.position == column


def test_mean_without_data_says_how_to_give_data():
    with pytest.raises(gradviz.ExpressionError, match="data="):
        gradviz.parse("mean(x^2)")


@pytest.mark.parametrize(("columns", "message"), [
    ({"sin": [1.0, 2.0]}, "'sin' is a function"),
    ({"pi": [1.0, 2.0]}, "constant"),
    ({"x": [1.0, 2.0], "y": [1.0]}, "'y' has 1 rows"),
    ({"x": [1.0]}, "at least 2 rows"),
    ({"x": [1.0, np.nan, 3.0]}, "row 1"),
    ({"x": ["a", "b"]}, "not numeric"),
    ({"2x": [1.0, 2.0]}, "not a name"),
])
def test_bad_columns_are_named(columns, message):
    with pytest.raises(DataError, match=message):
        gradviz.parse("f(w, b) = mean(w*x)", data=columns)


def _write(tmp_path, text: str):
    path = tmp_path / "data.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_columns_become_names_of_f(tmp_path):
    path = _write(tmp_path, "x,y\n1,6.2\n2,8.2\n3,10.2\n")
    fn = gradviz.parse(MSE, data=str(path))
    assert fn.rows == 3 and np.isclose(fn(2.0, 4.2), 0.0)


@pytest.mark.parametrize(("text", "message"), [
    ("x,y\n1,2\n3,\n", "line 3, column 'y': the cell is empty"),
    ("x,y\n1,2\n3,abc\n", "line 3, column 'y': 'abc' is not a number"),
    ("x,y\n1,2\n", "at least 2 rows"),
    ("x,x\n1,2\n3,4\n", "column 2: column name 'x' appears twice"),
    ("x,exp\n1,2\n3,4\n", "column 2: column name 'exp' is a function"),
    ("x,y\n1,2\n3,4,5\n", "line 3: 3 cells"),
    ("", "empty"),
])
def test_bad_csv_files_name_line_and_column(tmp_path, text, message):
    with pytest.raises(DataError, match=message):
        read_csv(_write(tmp_path, text))


def test_csv_is_data_never_code(tmp_path):
    path = _write(tmp_path, "x,y\n__import__('os').system('false'),1\n2,3\n")
    with pytest.raises(DataError, match="is not a number"):
        read_csv(path)


def test_too_many_rows_name_the_limit(tmp_path, monkeypatch):
    from gradviz.data import columns
    monkeypatch.setattr(columns, "MAX_ROWS", 5)
    with pytest.raises(DataError, match="MAX_ROWS"):
        read_csv(_write(tmp_path, "x\n" + "1\n" * 6))
    with pytest.raises(DataError, match="MAX_ROWS"):
        gradviz.parse(MSE, data={"x": np.ones(6), "y": np.ones(6)})


def test_the_header_alone_is_read_for_the_column_dialog(tmp_path):
    from gradviz.data.columns import DataError, read_header

    path = tmp_path / "h.csv"
    path.write_text("height, weight\n1,oops\n", encoding="utf-8")
    assert read_header(path) == ["height", "weight"]  # a bad cell further down is read_csv's to name
    path.write_text("a,b,a\n1,2,3\n", encoding="utf-8")
    with pytest.raises(DataError, match="line 1, column 3: column name 'a' appears twice"):
        read_header(path)
    with pytest.raises(DataError, match="cannot read"):
        read_header(tmp_path / "missing.csv")


def test_full_batch_descent_reuses_the_runs_own_values_and_they_are_the_loss():
    """Full-batch runs keep f and ∇f as the loop computed them (no second pass over the rows): they equal the
    loss and gradient evaluated at the iterates again, and a hand-written GD on the MSE."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=5000)
    y = 2.0 * x + 1.0 + 0.1 * rng.normal(size=5000)
    fn = gradviz.parse("f(w, b) = mean((w*x + b - y)^2)", data={"x": x, "y": y})
    traj = gradviz.descend(fn, (0.0, 0.0), "gd", lr=0.1, steps=50)
    f, gx, gy = fn.value_and_grad(traj.points[:, 0], traj.points[:, 1])
    np.testing.assert_allclose(traj.values, f, rtol=1e-13)
    np.testing.assert_allclose(traj.grads, np.column_stack([gx, gy]), rtol=1e-12, atol=1e-15)
    w = b = 0.0
    for k in range(50):  # the same path by hand
        r = w * x + b - y
        w, b = w - 0.1 * 2.0 * (r * x).mean(), b - 0.1 * 2.0 * r.mean()
        assert traj.points[k + 1] == pytest.approx((w, b), rel=1e-12, abs=1e-14)
