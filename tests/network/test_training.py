"""Training on weight vectors: every optimizer against torch's update written out by hand, batches and seeds as
`gradviz.descend` draws them, the registry's stability limits by runs just below and just above them, and a
non-finite loss stopping the run with its own status."""

import math

import numpy as np
import pytest

import gradviz
from gradviz.descent.batches import batch_rows
from gradviz.descent.optimizers import OPTIMIZERS
from gradviz.descent.schedules import learning_rates
from gradviz.network import Trainer, parse_model, train

RNG = np.random.default_rng(21)
X = RNG.normal(size=(50, 2))
T01 = (X[:, 0] - X[:, 1] ** 2 > -0.5).astype(float)
XL = RNG.normal(size=(80, 3)) * np.array([1.0, 0.3, 2.0])
TL = XL @ np.array([1.0, -2.0, 0.5]) + 0.1 * RNG.normal(size=80)


@pytest.fixture(scope="module")
def net():
    return parse_model(gradviz.mlp([2, 5, 1], "tanh", "logistic"), {"X": X, "t": T01})


def torch_by_hand(method, grad_hess, w, lrs, h):
    """The updates of torch.optim, written out, for `len(lrs)` steps; grad_hess(w) gives (g, H) of each step."""
    w = w.copy()
    b = s = m = v = None
    for t, lr in enumerate(lrs, start=1):
        g, hess = grad_hess(w)
        if method == "gd":
            w = w - lr * g
        elif method in ("momentum", "nesterov"):
            b = g.copy() if t == 1 else h["momentum"] * b + g
            w = w - lr * (g + h["momentum"] * b if method == "nesterov" else b)
        elif method == "adagrad":
            s = g * g if t == 1 else s + g * g
            w = w - lr * g / (np.sqrt(s) + h["eps"])
        elif method == "rmsprop":
            s = (1 - h["alpha"]) * g * g if t == 1 else h["alpha"] * s + (1 - h["alpha"]) * g * g
            w = w - lr * g / (np.sqrt(s) + h["eps"])
        elif method in ("adam", "adamw"):
            if method == "adamw":
                w = w * (1 - lr * h["weight_decay"])
            m = (1 - h["beta1"]) * g if t == 1 else h["beta1"] * m + (1 - h["beta1"]) * g
            v = (1 - h["beta2"]) * g * g if t == 1 else h["beta2"] * v + (1 - h["beta2"]) * g * g
            m_hat, v_hat = m / (1 - h["beta1"] ** t), v / (1 - h["beta2"] ** t)
            w = w - lr * m_hat / (np.sqrt(v_hat) + h["eps"])
        elif method == "newton":
            w = w - h["damping"] * np.linalg.solve(hess, g)
    return w


@pytest.mark.parametrize("method", sorted(OPTIMIZERS))
def test_each_optimizer_is_torchs_update_on_vectors(net, method):
    if method == "newton":  # logistic regression: a positive definite Hessian, so Newton's step is H⁻¹g itself
        net = parse_model(gradviz.mlp([2, 1], "tanh", "logistic"), {"X": X, "t": T01})
    theta = net.init(seed=1)
    steps, batch, lr = 30, 16, (0.5 if method == "newton" else 0.05)
    hyper = {"damping": 0.5} if method == "newton" else {}
    run = train(net, theta, method, lr=lr, steps=steps, batch_size=None if method == "newton" else batch,
                seed=3, record_every=steps, **hyper)
    batches = batch_rows(net.rows, None if method == "newton" else batch, 3)

    def grad_hess(w):
        rows = next(batches)
        return net.grad(w, rows), (net.hessian(w, rows) if method == "newton" else None)

    expected = torch_by_hand(method, grad_hess, theta, [lr] * steps, {**OPTIMIZERS[method].hyper, **hyper})
    assert run.status == "max_steps"
    np.testing.assert_allclose(run.theta, expected, rtol=1e-10, atol=1e-13)
    assert list(run.steps) == [0, steps]
    assert run.losses[-1] == pytest.approx(net.loss(run.theta), rel=1e-14)


def test_same_seed_repeats_bit_for_bit_and_full_batch_sizes_agree(net):
    theta = net.init(0)
    a = train(net, theta, "adam", lr=0.01, steps=40, batch_size=8, seed=5)
    b = train(net, theta, "adam", lr=0.01, steps=40, batch_size=8, seed=5)
    c = train(net, theta, "adam", lr=0.01, steps=40, batch_size=8, seed=6)
    np.testing.assert_array_equal(a.thetas, b.thetas)
    assert not np.array_equal(a.thetas, c.thetas)
    full = train(net, theta, "momentum", lr=0.1, steps=25)
    rows = train(net, theta, "momentum", lr=0.1, steps=25, batch_size=net.rows)
    np.testing.assert_array_equal(full.thetas, rows.thetas)
    np.testing.assert_array_equal(full.batch_losses, full.losses[:-1])  # full batch: the loss before each step


def test_a_trainer_advanced_in_pieces_is_the_run_in_one_go(net):
    theta = net.init(2)
    whole = train(net, theta, "rmsprop", lr=0.01, steps=50, batch_size=10, seed=1, record_every=5,
                  schedule={"name": "cosine", "T_max": 50})
    trainer = Trainer(net, theta, "rmsprop", lr=0.01, steps=50, batch_size=10, seed=1, record_every=5,
                      schedule={"name": "cosine", "T_max": 50})
    for n in (7, 13, 1, 100):
        trainer.advance(n)
    pieces = trainer.run()
    np.testing.assert_array_equal(pieces.thetas, whole.thetas)
    np.testing.assert_array_equal(pieces.steps, np.arange(0, 51, 5))
    np.testing.assert_allclose(whole.lrs, learning_rates({"name": "cosine", "T_max": 50}, 0.01, 50))
    assert pieces.status == whole.status == "max_steps"


def _linear():
    return parse_model("w: 3\nmean((XL@w - t)^2)", {"XL": XL, "t": TL})


@pytest.mark.parametrize("method", ["gd", "momentum", "nesterov"])
def test_stability_limits_hold_just_below_and_fail_just_above(method):
    """Least squares has the constant Hessian 2XᵀX/n: η just under the registry's limit converges, just over it
    diverges."""
    net = _linear()
    lam = np.linalg.eigvalsh(2 * XL.T @ XL / len(XL))[-1]
    hyper = dict(OPTIMIZERS[method].hyper)
    limit_lr = OPTIMIZERS[method].limit.lr(lam, hyper)
    start = np.zeros(3)
    below = train(net, start, method, lr=0.97 * limit_lr, steps=1500, record_every=1500)
    above = train(net, start, method, lr=1.03 * limit_lr, steps=1500, record_every=1500)
    optimum = np.linalg.lstsq(XL, TL, rcond=None)[0]
    np.testing.assert_allclose(below.theta, optimum, atol=1e-6)
    assert above.losses[-1] > 1e6 * above.losses[0] or above.status == "non_finite"


def test_a_non_finite_loss_stops_the_run_and_keeps_the_last_good_weights():
    net = _linear()
    lam = np.linalg.eigvalsh(2 * XL.T @ XL / len(XL))[-1]
    run = train(net, np.zeros(3), "gd", lr=50 / lam, steps=5000, record_every=1)
    assert run.status == "non_finite"
    assert run.stopped_step is not None and 0 < run.stopped_step < 5000
    assert f"after step {run.stopped_step}" in run.message
    assert run.steps[-1] == run.stopped_step - 1
    assert np.isfinite(run.theta).all() and math.isfinite(run.losses[-1])
    assert not math.isfinite(net.loss(run.theta - 50 / lam * net.grad(run.theta)))


def test_curvature_is_recorded_with_the_registrys_limit(net):
    theta = net.init(0)
    gd = train(net, theta, "gd", lr=0.5, steps=20, curvature_every=10, top_k=2, trace_samples=20)
    arrays = gd.curvature.arrays()
    assert list(arrays["steps"]) == [0, 10, 20]
    np.testing.assert_allclose(arrays["limit"], 2 / 0.5)
    np.testing.assert_allclose(arrays["eigenvalues"][-1],
                               np.linalg.eigvalsh(net.hessian(gd.theta))[::-1][:2], rtol=1e-6)
    assert np.isfinite(arrays["trace"]).all()
    adam = train(net, theta, "adam", lr=0.01, steps=10, curvature_every=5)
    h = OPTIMIZERS["adam"].hyper
    assert adam.curvature.limit[-1] == pytest.approx((2 + 2 * h["beta1"]) / ((1 - h["beta1"]) * 0.01))
    assert math.isnan(adam.curvature.preconditioned[0]) and adam.curvature.preconditioned[-1] > 0


@pytest.mark.parametrize("bad,match", [
    ({"steps": -1}, "steps"), ({"lr": 0.0}, "lr"), ({"batch_size": 0}, "batch"),
    ({"method": "sgdx"}, "unknown method"), ({"momentum": 0.9}, "no hyperparameter 'momentum'")])
def test_bad_arguments_are_named(net, bad, match):
    args = {"method": "adam", "lr": 0.01, "steps": 5, **bad}
    with pytest.raises(ValueError, match=match):
        train(net, net.init(0), **args)


def test_a_held_out_split_records_its_own_loss():
    from gradviz.network.network_data import split_rows

    train_rows, held_rows = split_rows({"X": X, "t": T01}, 0.3, seed=2)
    assert len(held_rows["t"]) == 15 and len(train_rows["t"]) == 35
    assert not set(map(tuple, held_rows["X"])) & set(map(tuple, train_rows["X"]))
    text = gradviz.mlp([2, 5, 1], "tanh", "logistic")
    net, held = parse_model(text, train_rows), parse_model(text, held_rows)
    run = train(net, net.init(0), "adam", lr=0.05, steps=30, record_every=10, held_out=held)
    np.testing.assert_allclose(run.held_out_losses, [held.loss(th) for th in run.thetas], rtol=1e-14)
    with pytest.raises(ValueError, match="between 0 and 1"):
        split_rows({"X": X, "t": T01}, 1.5)


def test_changing_eta_mid_run_continues_the_run(net):
    theta = net.init(1)
    trainer = Trainer(net, theta, "gd", lr=0.1, steps=20)
    trainer.advance(10)
    trainer.set_lr(0.3)
    trainer.advance(10)
    run = trainer.run()
    np.testing.assert_array_equal(run.lrs, [0.1] * 10 + [0.3] * 10)
    by_hand = theta.copy()
    for lr in run.lrs:
        by_hand = by_hand - lr * net.grad(by_hand)
    np.testing.assert_allclose(run.theta, by_hand, rtol=1e-12)
