"""Descent: each optimizer equals an independent implementation of torch's formula, step by step."""

import math

import numpy as np
import pytest

from gradviz import descend, descend_many, parse
from gradviz.descent.optimizers import newton_direction

QUADRATIC = "1.5*x^2 + 0.5*x*y + 0.25*y^2 - x + 2*y"
ROSENBROCK = "(1-x)^2 + 100*(y-x^2)^2"


def _grad(text):
    fn = parse(text)
    return lambda w: np.array(fn.grad(float(w[0]), float(w[1])))


def reference(text, start, method, lr, steps, **h):
    """torch.optim's update rules on a NumPy parameter vector, written from the torch docs."""
    g_of = _grad(text)
    w = np.array(start, dtype=float)
    path = [w.copy()]
    state = {}
    for t in range(1, steps + 1):
        g = g_of(w)
        if method == "gd":
            w = w - lr * g
        elif method in ("momentum", "nesterov"):
            mu = h.get("momentum", 0.9)
            state["b"] = g.copy() if t == 1 else mu * state["b"] + g
            d = g + mu * state["b"] if method == "nesterov" else state["b"]
            w = w - lr * d
        elif method == "adagrad":
            eps = h.get("eps", 1e-10)
            state["s"] = state.get("s", 0) + g * g
            w = w - lr * g / (np.sqrt(state["s"]) + eps)
        elif method == "rmsprop":
            alpha, eps = h.get("alpha", 0.99), h.get("eps", 1e-8)
            state["s"] = alpha * state.get("s", 0) + (1 - alpha) * g * g
            w = w - lr * g / (np.sqrt(state["s"]) + eps)
        elif method in ("adam", "adamw"):
            b1, b2 = h.get("betas", (0.9, 0.999))
            eps = h.get("eps", 1e-8)
            if method == "adamw":  # torch.optim.AdamW: decoupled decay first, w ← w(1 − ηλ)
                w = w * (1 - lr * h.get("weight_decay", 0.01))
            state["m"] = b1 * state.get("m", 0) + (1 - b1) * g
            state["v"] = b2 * state.get("v", 0) + (1 - b2) * g * g
            step_size = lr / (1 - b1**t)
            denom = np.sqrt(state["v"]) / math.sqrt(1 - b2**t) + eps
            w = w - step_size * state["m"] / denom
        elif method == "newton":  # damped Newton where H is positive definite: w ← w − α H⁻¹∇f
            hxx, hxy, hyy = (float(v) for v in parse(text).hessian(float(w[0]), float(w[1])))
            w = w - h.get("damping", 1.0) * np.linalg.solve(np.array([[hxx, hxy], [hxy, hyy]]), g)
        else:
            raise AssertionError(f"no reference written for {method!r}")
        path.append(w.copy())
    return np.array(path)


CASES = [("gd", 0.05, {}), ("momentum", 0.02, {}), ("momentum", 0.01, {"momentum": 0.5}),
         ("nesterov", 0.02, {}), ("adagrad", 0.3, {}), ("rmsprop", 0.01, {"alpha": 0.9}),
         ("adam", 0.05, {}), ("adam", 0.02, {"betas": (0.8, 0.99), "eps": 1e-6}),
         ("adamw", 0.05, {}), ("adamw", 0.02, {"weight_decay": 0.1}), ("newton", 1.0, {"damping": 0.5})]


def test_every_optimizer_has_a_reference_case():
    """An optimizer added to the registry fails here until its torch formula is written out above."""
    from gradviz.descent.optimizers import OPTIMIZERS

    assert {m for m, _, _ in CASES} == set(OPTIMIZERS)


@pytest.mark.parametrize("text,start,steps", [(QUADRATIC, (1.5, -2.0), 60), (ROSENBROCK, (-1.2, 1.0), 40)])
@pytest.mark.parametrize("method,lr,hyper", CASES)
def test_each_step_matches_torch_formula(text, start, steps, method, lr, hyper):
    if text == ROSENBROCK and method in ("gd", "momentum", "nesterov"):
        lr = lr / 50  # stable on Rosenbrock's curvature
    if text == ROSENBROCK and method == "newton":
        start, steps = (0.9, 0.8), 6  # where Rosenbrock's Hessian stays positive definite
    traj = descend(parse(text), start, method, lr=lr, steps=steps, **hyper)
    expected = reference(text, start, method, lr, steps, **hyper)
    assert traj.status == "max_steps" and traj.stop_step == steps
    assert traj.points.shape == (steps + 1, 2)
    np.testing.assert_allclose(traj.points, expected, rtol=1e-12, atol=1e-12)
    fn = parse(text)
    np.testing.assert_allclose(traj.values, fn(traj.points[:, 0], traj.points[:, 1]), rtol=1e-14)


def test_gd_converges_below_two_over_lambda_max_and_diverges_above():
    fn = parse("2*x^2 + 0.5*y^2")  # Hessian diag(4, 1): λ_max = 4, critical lr = 0.5
    ok = descend(fn, (1.0, 1.0), "gd", lr=0.49, steps=5000, tol=1e-8)
    assert ok.status == "converged" and np.allclose(ok.end, 0, atol=1e-8)
    bad = descend(fn, (1.0, 1.0), "gd", lr=0.51, steps=5000, tol=1e-8)
    assert bad.status == "diverged" and bad.stop_step < 5000
    assert not np.all(np.isfinite(bad.points[-1])) or np.abs(bad.points[-1]).max() > 1e7


def test_newton_minimises_a_positive_definite_quadratic_in_one_step():
    fn = parse(QUADRATIC)
    traj = descend(fn, (3.0, -4.0), "newton", steps=5, tol=1e-10)
    h = np.array([[3.0, 0.5], [0.5, 0.5]])
    np.testing.assert_allclose(traj.points[1], np.linalg.solve(h, [1.0, -2.0]), rtol=1e-12)
    assert traj.status == "converged" and traj.stop_step == 1


def test_newton_safeguard_goes_downhill_at_a_saddle():
    dx, dy = newton_direction(0.3, 0.4, 2.0, 0.0, -2.0, 1e-3)  # H = diag(2, -2)
    assert (dx, dy) == pytest.approx((0.15, 0.2))  # |λ| used: the step descends along −∇f
    fn = parse("x^2 - y^2")
    traj = descend(fn, (0.5, 0.1), "newton", steps=3)
    assert np.all(np.diff(traj.values) < 0)


def test_tol_zero_runs_every_step_and_rosenbrock_lr_01_diverges():
    fn = parse(ROSENBROCK)
    assert descend(fn, (-1.0, 1.0), "gd", lr=1e-4, steps=300).stop_step == 300
    bad = descend(fn, (-1.5, 2.0), "gd", lr=0.1, steps=1000)
    assert bad.status == "diverged" and bad.stop_step < 20


def test_descend_many_and_errors():
    fn = parse(QUADRATIC)
    runs = descend_many(fn, [(0, 0), (1, 1)], ["gd", "adam"], settings={"adam": {"lr": 0.1}}, steps=10)
    assert [(r.method, r.start) for r in runs] == [("gd", (0, 0)), ("gd", (1, 1)), ("adam", (0, 0)), ("adam", (1, 1))]
    assert runs[2].lr == 0.1 and runs[0].lr == 0.01
    with pytest.raises(ValueError, match="unknown method 'sgdx'"):
        descend(fn, (0, 0), "sgdx")
    with pytest.raises(ValueError, match="no hyperparameter 'beta'"):
        descend(fn, (0, 0), "adam", beta=0.5)
