"""Inside the optimizers: state buffers against torch's formulas written out independently,
contraction factors and momentum's phase diagram against closed forms, sharpness, narration."""

import math
import re

import numpy as np
import pytest

import gradviz
from gradviz.descent.insight import (
    contraction_factors,
    fastest_stable_lr,
    metric_at,
    momentum_rate,
    narrate,
    phase_diagram,
)

TEXT = "0.5*(1*x^2 + 8*y^2) + 0.3*x*y"


def _grad(w):
    x, y = w
    return np.array([1.0 * x + 0.3 * y, 8.0 * y + 0.3 * x])


def _reference(method, lr, hyper, steps, w0=(1.0, -0.5)):
    """torch.optim's update rules, one by one, as the PyTorch documentation writes them."""
    w = np.array(w0, dtype=float)
    state = {"b": np.zeros(2), "s": np.zeros(2), "m": np.zeros(2), "v": np.zeros(2)}
    rows = {k: [v.copy()] for k, v in state.items()}
    for t in range(1, steps + 1):
        g = _grad(w)
        if method in ("momentum", "nesterov"):
            mu = hyper["momentum"]
            state["b"] = g.copy() if t == 1 else mu * state["b"] + g
            w = w - lr * (g + mu * state["b"] if method == "nesterov" else state["b"])
        elif method == "adagrad":
            state["s"] = state["s"] + g * g
            w = w - lr * g / (np.sqrt(state["s"]) + hyper["eps"])
        elif method == "rmsprop":
            a = hyper["alpha"]
            state["s"] = a * state["s"] + (1 - a) * g * g
            w = w - lr * g / (np.sqrt(state["s"]) + hyper["eps"])
        else:  # adam, adamw
            b1, b2, eps = hyper["beta1"], hyper["beta2"], hyper["eps"]
            if method == "adamw":
                w = w * (1 - lr * hyper["weight_decay"])
            state["m"] = b1 * state["m"] + (1 - b1) * g
            state["v"] = b2 * state["v"] + (1 - b2) * g * g
            m_hat = state["m"] / (1 - b1**t)
            v_hat = state["v"] / (1 - b2**t)
            w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
        for k in rows:
            rows[k].append(state[k].copy())
    return w, {k: np.array(v) for k, v in rows.items()}


CASES = {"momentum": ({"momentum": 0.8}, ["b"]), "nesterov": ({"momentum": 0.7}, ["b"]),
         "adagrad": ({"eps": 1e-10}, ["s"]), "rmsprop": ({"alpha": 0.9, "eps": 1e-8}, ["s"]),
         "adam": ({"beta1": 0.8, "beta2": 0.95, "eps": 1e-8}, ["m", "v"]),
         "adamw": ({"beta1": 0.9, "beta2": 0.99, "eps": 1e-8, "weight_decay": 0.1}, ["m", "v"])}


@pytest.mark.parametrize("method", sorted(CASES))
def test_state_buffers_are_torchs(method):
    hyper, names = CASES[method]
    fn = gradviz.parse(TEXT)
    traj = gradviz.descend(fn, (1.0, -0.5), method, lr=0.05, steps=25, **hyper)
    w, ref = _reference(method, 0.05, hyper, 25)
    np.testing.assert_allclose(traj.points[-1], w, rtol=1e-12, atol=1e-14)
    assert sorted(traj.state) == sorted(names)
    for name in names:
        assert traj.state[name].shape == (26, 2)
        np.testing.assert_allclose(traj.state[name], ref[name], rtol=1e-12, atol=1e-15)
    assert traj.lrs.shape == (25,) and np.all(traj.lrs == 0.05)


def test_methods_without_state():
    fn = gradviz.parse(TEXT)
    assert gradviz.descend(fn, (1.0, 1.0), "gd", lr=0.1, steps=3).state == {}
    assert gradviz.descend(fn, (1.0, 1.0), "newton", steps=3).state == {}


def test_sharpness_on_quadratics_is_the_largest_eigenvalue():
    fn = gradviz.parse(TEXT)
    traj = gradviz.descend(fn, (1.0, -0.5), "gd", lr=0.1, steps=10)
    top = np.linalg.eigvalsh(np.array([[1.0, 0.3], [0.3, 8.0]])).max()
    np.testing.assert_allclose(traj.sharpness, top, rtol=1e-13)
    rosen = gradviz.descend(gradviz.parse("(1 - x)^2 + 100*(y - x^2)^2"), (-1.0, 1.0), "gd", lr=1e-4, steps=5)
    for (x, y), s in zip(rosen.points, rosen.sharpness, strict=True):
        h = np.array([[2 - 400 * (y - x * x) + 800 * x * x, -400 * x], [-400 * x, 200.0]])  # by hand
        assert s == pytest.approx(np.linalg.eigvalsh(h).max(), rel=1e-12)


def test_contraction_factors_on_a_diagonal_quadratic():
    lams = np.array([2.0, 20.0])
    verdicts = [(c.factor, c.verdict) for c in contraction_factors(lams, 0.08)]
    assert verdicts[0] == (pytest.approx(0.84), "converges")
    assert verdicts[1] == (pytest.approx(0.6), "oscillates")
    assert contraction_factors(lams, 0.11)[1].verdict == "diverges"  # 0.11 > 2/20
    assert contraction_factors(lams, 0.1)[1].verdict == "stalls"  # exactly 2/λmax
    assert contraction_factors(np.array([-1.0]), 0.1)[0].verdict == "diverges"
    eta, rate = fastest_stable_lr(lams)
    assert eta == pytest.approx(2 / 22) and rate == pytest.approx(18 / 22)
    factors = [c.factor for c in contraction_factors(lams, eta)]
    assert factors == pytest.approx([rate, rate])  # the fastest step balances both ends
    assert all(math.isnan(v) for v in fastest_stable_lr(np.array([-1.0, 2.0])))


def test_momentum_rate_against_the_iteration_matrix_and_closed_forms():
    lams = np.array([1.0, 10.0])
    rng = np.random.default_rng(0)
    for eta, mu in zip(rng.uniform(0.001, 0.4, 30), rng.uniform(0, 0.99, 30), strict=True):
        by_matrix = max(np.abs(np.linalg.eigvals(np.array([[1 - eta * lam, -eta * mu], [lam, mu]]))).max()
                        for lam in lams)
        assert momentum_rate(eta, mu, lams) == pytest.approx(by_matrix, rel=1e-10)
    # μ = 0 is gradient descent; Polyak's optimal heavy ball has rate √μ = (√κ − 1)/(√κ + 1)
    assert momentum_rate(0.05, 0.0, lams) == pytest.approx(max(abs(1 - 0.05 * lam) for lam in lams))
    kappa = 10.0
    eta = 4 / (1 + math.sqrt(10.0)) ** 2
    mu = ((math.sqrt(kappa) - 1) / (math.sqrt(kappa) + 1)) ** 2
    assert momentum_rate(eta, mu, lams) == pytest.approx(math.sqrt(mu), rel=1e-6)
    grid = phase_diagram(lams, np.array([0.01, 0.1, 0.3]), np.array([0.0, 0.5, 0.9]))
    assert grid.shape == (3, 3) and grid[1, 0] == pytest.approx(0.9)


def test_the_rate_predicts_a_real_run():
    fn = gradviz.parse("0.5*(1*x^2 + 10*y^2)")
    eta, mu = 0.1, 0.5
    traj = gradviz.descend(fn, (1.0, 1.0), "momentum", lr=eta, steps=200, momentum=mu)
    rate = float(momentum_rate(eta, mu, np.array([1.0, 10.0])))
    observed = (np.linalg.norm(traj.points[150]) / np.linalg.norm(traj.points[100])) ** (1 / 50)
    assert observed == pytest.approx(rate, rel=0.02)


def _numbers(text):
    return [float(n.replace("−", "-")) for n in re.findall(r"−?\d+(?:\.\d+)?(?:e[+−-]?\d+)?", text)]


@pytest.mark.parametrize("method", ["gd", "momentum", "rmsprop", "adam", "newton"])
def test_the_narrated_step_holds_the_trajectorys_numbers(method):
    fn = gradviz.parse(TEXT + " + 0.05*x^4 + 0.02*y^4")  # not a quadratic: Newton takes several steps
    traj = gradviz.descend(fn, (1.0, -0.5), method, lr=0.05, steps=20)
    k = min(12, len(traj.points) - 1)  # Newton converges in a few steps
    text = narrate(traj, k)
    assert k >= 3 and text.startswith(f"k = {k}: ∇f = ")
    numbers = _numbers(text)
    np.testing.assert_allclose(numbers[1:3], traj.grads[k - 1], rtol=1e-3)
    np.testing.assert_allclose(numbers[-2:], traj.points[k], rtol=1e-3, atol=1e-4)
    for name in traj.state:
        assert any(np.allclose(numbers[i:i + 2], traj.state[name][k], rtol=1e-3) for i in range(len(numbers) - 1))
    assert "no step" in narrate(traj, 0)


def test_metrics():
    fn = gradviz.parse(TEXT)
    adam = gradviz.descend(fn, (1.0, -0.5), "adam", lr=0.05, steps=30)
    m = metric_at(adam, 30)
    v_hat = adam.state["v"][30] / (1 - 0.999**30)
    expected = 1 / (np.sqrt(v_hat) + 1e-8)
    assert m.axes == pytest.approx(tuple(expected / expected.max())) and m.angle == 0.0
    newton = gradviz.descend(fn, (1.0, -0.5), "newton", steps=1)
    n = metric_at(newton, 0)
    lams, vecs = np.linalg.eigh(np.array([[1.0, 0.3], [0.3, 8.0]]))
    assert n.axes == pytest.approx((1.0, lams[0] / lams[1]))
    assert abs(math.cos(n.angle) * vecs[0, 0] + math.sin(n.angle) * vecs[1, 0]) == pytest.approx(1.0)
    assert metric_at(gradviz.descend(fn, (1.0, -0.5), "gd", lr=0.1, steps=3), 2).axes == (1.0, 1.0)
