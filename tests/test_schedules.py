"""Learning-rate schedules against torch.optim.lr_scheduler's own recursive ("chainable") updates,
written out here independently of the closed forms gradviz uses; and descent that follows them."""

import math

import numpy as np
import pytest

import gradviz
from gradviz.descent.schedules import learning_rates


def _torch_chain(name, base, steps, **p):
    """The rates torch's schedulers give after 0, 1, 2, … calls of step(), by their get_lr() recursions."""
    lrs = [base * (p.get("start_factor", 1.0) if name == "linear_warmup" else 1.0)]
    for k in range(1, steps):
        prev = lrs[-1]
        if name == "constant":
            lrs.append(prev)
        elif name == "step":
            lrs.append(prev * p["gamma"] if k % p["step_size"] == 0 else prev)
        elif name == "exponential":
            lrs.append(prev * p["gamma"])
        elif name == "cosine":
            t_max, eta_min = p["T_max"], p.get("eta_min", 0.0)
            if (k - 1 - t_max) % (2 * t_max) == 0:
                lrs.append(prev + (base - eta_min) * (1 - math.cos(math.pi / t_max)) / 2)
            else:
                lrs.append((1 + math.cos(math.pi * k / t_max)) / (1 + math.cos(math.pi * (k - 1) / t_max))
                           * (prev - eta_min) + eta_min)
        elif name == "linear_warmup":
            start, total = p["start_factor"], p["warmup_steps"]
            if k > total:
                lrs.append(prev)
            else:
                lrs.append(prev * (1.0 + (1.0 - start) / (total * start + (k - 1) * (1.0 - start))))
        else:
            raise AssertionError(f"no torch recursion written for {name!r}")
    return np.array(lrs)


CASES = [
    ("constant", {}),
    ("step", {"step_size": 7, "gamma": 0.5}),
    ("exponential", {"gamma": 0.95}),
    ("cosine", {"T_max": 30, "eta_min": 0.001}),
    ("cosine", {"T_max": 10, "eta_min": 0.0}),  # past T_max: torch's schedule comes back up
    ("linear_warmup", {"warmup_steps": 8, "start_factor": 0.25}),
]


def test_every_schedule_has_a_reference_case():
    """A schedule added to the registry fails here until torch's recursion for it is written out above."""
    from gradviz.descent.schedules import SCHEDULES

    assert {name for name, _ in CASES} == set(SCHEDULES)


def test_each_schedule_fits_a_run_and_validates_its_own_parameters():
    from gradviz.descent.schedules import SCHEDULES

    for entry in SCHEDULES.values():
        fitted = entry.fit(200)
        assert set(fitted) <= set(entry.params)
        assert len(learning_rates({"name": entry.name, **fitted}, 0.1, 200)) == 200
        for p in entry.positive:
            with pytest.raises(ValueError, match=f"{p} must be a positive number"):
                learning_rates({"name": entry.name, p: 0}, 0.1, 5)


@pytest.mark.parametrize("name, params", CASES)
def test_rates_match_torchs_recursions(name, params):
    ours = learning_rates({"name": name, **params}, 0.1, 40)
    np.testing.assert_allclose(ours, _torch_chain(name, 0.1, 40, **params), rtol=1e-10, atol=1e-13)


def test_constant_and_bad_schedules():
    np.testing.assert_array_equal(learning_rates(None, 0.3, 5), np.full(5, 0.3))
    np.testing.assert_array_equal(learning_rates("constant", 0.3, 5), np.full(5, 0.3))
    with pytest.raises(ValueError, match="unknown schedule 'warm'"):
        learning_rates("warm", 0.1, 3)
    with pytest.raises(ValueError, match="has no parameter 'T'.*T_max"):
        learning_rates({"name": "cosine", "T": 3}, 0.1, 3)
    with pytest.raises(ValueError, match="step_size must be a positive number"):
        learning_rates({"name": "step", "step_size": 0}, 0.1, 3)


def test_descent_follows_the_schedule():
    fn = gradviz.parse("x^2 + 10*y^2")
    schedule = {"name": "step", "step_size": 3, "gamma": 0.5}
    traj = gradviz.descend(fn, (1.0, 1.0), "gd", lr=0.04, steps=9, schedule=schedule)
    w = np.array([1.0, 1.0])
    for eta in learning_rates(schedule, 0.04, 9):  # by hand: w ← w − η_k ∇f(w), ∇f = (2x, 20y)
        w = w - eta * np.array([2 * w[0], 20 * w[1]])
    np.testing.assert_allclose(traj.points[-1], w, rtol=1e-14)
    np.testing.assert_allclose(traj.lrs, learning_rates(schedule, 0.04, 9))
    assert traj.schedule == schedule
    adam = gradviz.descend(fn, (1.0, 1.0), "adam", lr=0.1, steps=20, schedule={"name": "cosine", "T_max": 20})
    assert adam.state["m"].shape == (21, 2)  # the recorded replay uses the same rates
    again = gradviz.descend(fn, (1.0, 1.0), "adam", lr=0.1, steps=20, schedule={"name": "cosine", "T_max": 20})
    np.testing.assert_array_equal(adam.points, again.points)
    plain = gradviz.descend(fn, (1.0, 1.0), "adam", lr=0.1, steps=20)
    assert not np.allclose(adam.points[-1], plain.points[-1])
    np.testing.assert_array_equal(plain.lrs, np.full(20, 0.1))
