"""A network's loss, gradient, Hessian-vector product and Hessian, each against a second route: a hand-written
NumPy forward and backward pass, and central differences."""

import numpy as np
import pytest

import gradviz
from gradviz.network import MAX_DENSE_HESSIAN, parse_model

RNG = np.random.default_rng(11)
X = RNG.normal(size=(40, 2))
T = np.sin(X[:, 0]) + 0.5 * X[:, 1]
T01 = (X[:, 0] * X[:, 1] > 0).astype(float)
T3 = (np.arange(40) % 3).astype(float)


def hand_mse(w, x=X, t=T):
    """Forward and backward of the 2-h-h-1 tanh MLP with mse, written out."""
    z1 = x @ w["W1"] + w["b1"]
    h1 = np.tanh(z1)
    z2 = h1 @ w["W2"] + w["b2"]
    h2 = np.tanh(z2)
    s = (h2 @ w["W3"] + w["b3"])[:, 0]
    r = s - t
    ds = 2.0 * r / len(t)
    dz2 = (ds[:, None] * w["W3"].T) * (1.0 - h2 ** 2)
    dz1 = (dz2 @ w["W2"].T) * (1.0 - h1 ** 2)
    grads = {"W1": x.T @ dz1, "b1": dz1.sum(0), "W2": h1.T @ dz2, "b2": dz2.sum(0),
             "W3": h2.T @ ds[:, None], "b3": np.array([ds.sum()])}
    return np.mean(r ** 2), grads


@pytest.fixture(scope="module")
def net():
    return parse_model(gradviz.mlp([2, 6, 5, 1], "tanh", "mse"), {"X": X, "t": T})


def test_loss_and_gradient_match_a_hand_written_backward_pass(net):
    theta = net.init(seed=2)
    value, grads = hand_mse(net.unflatten(theta))
    got_value, got_grad = net.value_and_grad(theta)
    assert got_value == pytest.approx(value, rel=1e-13)
    np.testing.assert_allclose(got_grad, net.flatten(grads), rtol=1e-11, atol=1e-14)
    assert net.loss(theta) == got_value
    np.testing.assert_array_equal(net.grad(theta), got_grad)


def test_minibatch_rows_are_the_loss_of_those_rows(net):
    theta = net.init(seed=3)
    rows = np.array([5, 1, 30, 2, 17])
    value, grads = hand_mse(net.unflatten(theta), X[rows], T[rows])
    assert net.loss(theta, rows) == pytest.approx(value, rel=1e-13)
    np.testing.assert_allclose(net.grad(theta, rows), net.flatten(grads), rtol=1e-11, atol=1e-14)


def test_gradient_matches_central_differences(net):
    theta = net.init(seed=4)
    h = 1e-6
    fd = np.array([(net.loss(theta + h * e) - net.loss(theta - h * e)) / (2 * h) for e in np.eye(net.size)])
    np.testing.assert_allclose(net.grad(theta), fd, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("loss,t,out", [("mse", T, 1), ("logistic", T01, 1), ("cross_entropy", T3, 3)])
@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "softplus"])
def test_hvp_and_hessian_match_differences_of_the_gradient(loss, t, out, activation):
    net = parse_model(gradviz.mlp([2, 4, out], activation, loss), {"X": X, "t": t})
    theta = net.init(seed=5)
    v = np.random.default_rng(0).normal(size=net.size)
    h = 1e-5
    fd = (net.grad(theta + h * v) - net.grad(theta - h * v)) / (2 * h)
    np.testing.assert_allclose(net.hvp(theta, v), fd, rtol=1e-6, atol=1e-8)
    hess = net.hessian(theta)
    np.testing.assert_allclose(hess @ v, net.hvp(theta, v), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(hess, hess.T, atol=0)


def test_logistic_and_cross_entropy_losses_are_torchs():
    """BCEWithLogitsLoss = mean(log(1 + e^s) − t s); CrossEntropyLoss = mean(−log softmax(s)[t])."""
    w = parse_model(gradviz.mlp([2, 1], loss="logistic"), {"X": X, "t": T01})
    theta = w.init(0)
    s = X @ w.unflatten(theta)["W1"][:, 0] + w.unflatten(theta)["b1"][0]
    bce = -np.mean(T01 * np.log(1 / (1 + np.exp(-s))) + (1 - T01) * np.log(1 - 1 / (1 + np.exp(-s))))
    assert w.loss(theta) == pytest.approx(bce, rel=1e-12)
    c = parse_model(gradviz.mlp([2, 3], loss="cross_entropy"), {"X": X, "t": T3})
    theta = c.init(0)
    scores = X @ c.unflatten(theta)["W1"] + c.unflatten(theta)["b1"]
    p = np.exp(scores) / np.exp(scores).sum(1, keepdims=True)
    assert c.loss(theta) == pytest.approx(-np.mean(np.log(p[np.arange(40), T3.astype(int)])), rel=1e-12)


def test_huge_scores_do_not_overflow_the_cross_entropy():
    c = parse_model("W: 2x3\nmean(cross_entropy(1000*X@W, t))", {"X": X, "t": T3})
    theta = c.init(0)
    assert np.isfinite(c.loss(theta)) and np.isfinite(c.grad(theta)).all()


def test_init_is_torchs_linear_default_and_flatten_round_trips(net):
    theta = net.init(seed=7)
    w = net.unflatten(theta)
    assert np.abs(w["W1"]).max() <= 1 / np.sqrt(2) and np.abs(w["b1"]).max() <= 1 / np.sqrt(2)
    assert np.abs(w["W2"]).max() <= 1 / np.sqrt(6) and np.abs(w["W2"]).max() > 0.5 / np.sqrt(6)
    np.testing.assert_array_equal(net.flatten(w), theta)
    np.testing.assert_array_equal(net.init(seed=7), theta)
    assert not np.array_equal(net.init(seed=8), theta)


def test_output_evaluates_a_definition_on_other_inputs(net):
    theta = net.init(seed=1)
    grid = np.random.default_rng(2).normal(size=(7, 2))
    w = net.unflatten(theta)
    expected = (np.tanh(np.tanh(grid @ w["W1"] + w["b1"]) @ w["W2"] + w["b2"]) @ w["W3"] + w["b3"])[:, 0]
    np.testing.assert_allclose(net.output("score", theta, {"X": grid}), expected, rtol=1e-13)
    with pytest.raises(ValueError, match="defines no 'logits'"):
        net.output("logits", theta, {"X": grid})


def test_the_dense_hessian_has_a_documented_cap():
    side = int(np.sqrt(MAX_DENSE_HESSIAN)) + 1
    big = parse_model(f"W: 2x{side}; V: {side}x{side}\nmean((X@W@V)^2)", {"X": X})
    with pytest.raises(ValueError, match="too large"):
        big.hessian(big.init(0))
    assert big.hvp(big.init(0), np.ones(big.size)).shape == (big.size,)


def test_theta_of_the_wrong_length_is_refused(net):
    with pytest.raises(ValueError, match=f"the {net.size} weights"):
        net.loss(np.zeros(net.size + 1))
