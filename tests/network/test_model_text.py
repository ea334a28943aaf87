"""The model language of networks: definitions, data names, per-row losses, and every refusal with its place."""

import numpy as np
import pytest

import gradviz
from gradviz.data.columns import DataError
from gradviz.expr.errors import ExpressionError
from gradviz.network import network_dataset, parse_model

RNG = np.random.default_rng(3)
X = RNG.normal(size=(12, 2))
T01 = (X[:, 0] > 0).astype(float)


def test_mlp_text_declares_weights_in_order_with_documented_shapes():
    text = gradviz.mlp([2, 16, 16, 1], activation="tanh", loss="logistic")
    net = gradviz.parse_model(text, data={"X": X, "t": T01})
    assert list(net.weights.items()) == [("W1", (2, 16)), ("b1", (16,)), ("W2", (16, 16)), ("b2", (16,)),
                                         ("W3", (16, 1)), ("b3", (1,))]
    assert net.size == 2 * 16 + 16 + 16 * 16 + 16 + 16 + 1
    assert net.rows == 12
    assert "score" in net.definitions


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid", "softplus"])
@pytest.mark.parametrize("loss,classes", [("mse", 1), ("logistic", 1), ("cross_entropy", 3)])
def test_every_preset_parses_and_gives_a_finite_loss(activation, loss, classes):
    t = (np.arange(12) % 3).astype(float) if loss == "cross_entropy" else T01
    net = parse_model(gradviz.mlp([2, 5, classes], activation, loss), {"X": X, "t": t})
    assert np.isfinite(net.loss(net.init(1)))


def test_typed_model_from_the_issue_parses():
    text = "W1: 2x16; b1: 16; W2: 16x1; b2: 1\nscore = flat(tanh(X@W1 + b1)@W2 + b2)\nmean(softplus(-(2*t - 1)*score))"
    net = parse_model(text, {"X": X, "t": T01})
    bce = parse_model(text.replace("softplus(-(2*t - 1)*score)", "bce_logits(score, t)"), {"X": X, "t": T01})
    theta = net.init(0)
    assert net.loss(theta) == pytest.approx(bce.loss(theta), rel=1e-12)  # two spellings of the logistic loss


@pytest.mark.parametrize("text,where,words", [
    ("W1: 3x4; b1: 4\nmean(X@W1 + b1)", "@W1", ["(12, 2)", "(3, 4)"]),
    ("W: 2x1; b: 1\nmean((X@W + b - t)^2)", "-", ["(12,)", "(12, 1)", "flat"]),
    ("X: 2x2\nmean(X)", "X", ["data column"]),
    ("W: 2x1\nmean(bce_logits(X@W, t))", "bce_logits", ["shapes"]),
    ("W: 2\nscore = X@W\nscore = X@W\nmean(score)", "score = X@W\nmean", ["twice"]),
])
def test_refusals_name_the_problem_and_the_column(text, where, words):
    with pytest.raises(ExpressionError) as info:
        parse_model(text, {"X": X, "t": T01})
    message = str(info.value)
    for word in words:
        assert word in message
    assert info.value.column == text.index(where) + 1 if where != "-" else info.value.column > 0


def test_a_data_name_the_text_never_uses_is_refused():
    with pytest.raises(ExpressionError, match="'z' is never used"):
        parse_model("W: 2\nmean((X@W - t)^2)", {"X": X, "t": T01, "z": T01})


def test_a_target_outside_zero_one_names_the_row():
    t = T01.copy()
    t[7] = 2.0
    with pytest.raises(DataError, match="row 7"):
        parse_model(gradviz.mlp([2, 3, 1], loss="logistic"), {"X": X, "t": t})


def test_a_class_index_outside_the_classes_names_the_row():
    t = (np.arange(12) % 3).astype(float)
    t[4] = 3.0
    with pytest.raises(DataError, match="row 4"):
        parse_model(gradviz.mlp([2, 3, 3], loss="cross_entropy"), {"X": X, "t": t})


@pytest.mark.parametrize("rows", [0, 1])
def test_empty_and_one_row_data_are_refused(rows):
    with pytest.raises(DataError, match="at least 2 rows"):
        parse_model("W: 2\nmean((X@W - t)^2)", {"X": X[:rows], "t": T01[:rows]})


def test_csv_columns_are_chosen_and_a_text_cell_is_named(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("a,b,label,c\n" + "".join(f"{i},{i * 2},{i % 2},{-i}\n" for i in range(6)))
    net = parse_model("W: 2\nmean((X@W - t)^2)", str(path), x_columns=["a", "c"], target="label")
    np.testing.assert_array_equal(net.data["X"], np.column_stack([np.arange(6), -np.arange(6)]))
    np.testing.assert_array_equal(net.data["t"], np.arange(6) % 2)
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n3,x\n")
    with pytest.raises(DataError, match="line 3, column 'b'"):
        parse_model("W: 1\nmean((X@W - t)^2)", str(bad))


def test_datasets_are_seeded_and_sized():
    a = network_dataset("moons", rows=50, noise=0.2, seed=4)
    b = network_dataset("moons", rows=50, noise=0.2, seed=4)
    c = network_dataset("moons", rows=50, noise=0.2, seed=5)
    np.testing.assert_array_equal(a["X"], b["X"])
    assert not np.array_equal(a["X"], c["X"])
    assert a["X"].shape == (50, 2) and set(np.unique(a["t"])) == {0.0, 1.0}
    assert set(np.unique(network_dataset("blobs", rows=30)["t"])) == {0.0, 1.0, 2.0}
    assert network_dataset("sine", rows=40)["X"].shape == (40, 1)


def test_the_window_state_takes_a_csv_and_keeps_its_data_on_a_bad_one(tmp_path):
    from gradviz.model.network_training import NetworkState

    state = NetworkState()
    good = tmp_path / "d.csv"
    good.write_text("a,b,label\n" + "".join(f"{i * 0.1},{-i * 0.2},{i % 2}\n" for i in range(30)))
    assert state.set_csv(str(good), target="label")
    np.testing.assert_array_equal(state.net.data["t"], np.arange(30) % 2)
    assert state.net.data["X"].shape == (30, 2) and state.rows == 30
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,label\n1,2,0\n3,oops,1\n")
    assert not state.set_csv(str(bad))
    assert "line 3, column 'b'" in state.error and state.net.rows == 30
