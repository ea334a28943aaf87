"""Every optimizer with a stability limit in the registry converges just below it and diverges just above it,
on a 1-D quadratic ½λw² (run as f(x, y) = ½λx² + ½y², the y part far from its own limit)."""

import math

import pytest

from gradviz import descend, parse
from gradviz.descent.insight import stability_lines, unlimited_methods
from gradviz.descent.optimizers import OPTIMIZERS

LIMITED = [name for name, opt in OPTIMIZERS.items() if opt.limit is not None]
SETTINGS = {"gd": [{}], "momentum": [{"momentum": 0.0}, {"momentum": 0.5}, {"momentum": 0.9}],
            "nesterov": [{"momentum": 0.3}, {"momentum": 0.9}]}


def test_every_limited_method_has_a_case():
    """A new method with a limit fails here until its runs below and above the limit are written."""
    assert set(LIMITED) == set(SETTINGS)
    assert {"gd", "momentum", "nesterov"} <= set(LIMITED)


def _run(method: str, lr: float, lam: float, hyper: dict) -> float:
    fn = parse(f"0.5*{lam!r}*x^2 + 0.5*y^2")
    traj = descend(fn, (1.0, 0.0), method, lr=lr, steps=4000, **hyper)
    return abs(float(traj.points[-1][0])) if traj.status != "diverged" else math.inf


@pytest.mark.parametrize("method", LIMITED)
def test_converges_below_and_diverges_above_the_limit(method):
    lr = 0.05
    for given in SETTINGS[method]:
        hyper = {**OPTIMIZERS[method].hyper, **given}
        limit = OPTIMIZERS[method].limit.sharpness(lr, hyper)
        assert _run(method, lr, 0.97 * limit, given) < 1e-3, (method, given)
        assert _run(method, lr, 1.03 * limit, given) > 1e3, (method, given)


def test_the_limits_are_the_characteristic_polynomials():
    """The registry's formulas against the spectral radius of each method's 2×2 iteration on ½λw², computed
    numerically: radius < 1 just below the limit, > 1 just above."""
    import numpy as np

    def radius(method, lr, lam, mu):
        if method == "momentum":
            m = [[1 - lr * lam, -lr * mu], [lam, mu]]
        else:
            m = [[1 - lr * lam * (1 + mu), -lr * mu * mu], [lam, mu]]
        return max(abs(np.linalg.eigvals(np.array(m))))

    for method in ("momentum", "nesterov"):
        for mu in (0.1, 0.5, 0.9, 0.99):
            limit = OPTIMIZERS[method].limit.sharpness(0.1, {"momentum": mu})
            assert radius(method, 0.1, 0.999 * limit, mu) < 1 < radius(method, 0.1, 1.001 * limit, mu)


def test_the_issue_scene_momentum_76_nesterov_below_60():
    """x² + 30y² (λmax = 60), η = 0.05, μ = 0.9: momentum's limit is 76 (it converges), Nesterov's 27.1 (it
    diverges), while 2/η = 40 would have predicted the opposite for momentum."""
    assert OPTIMIZERS["momentum"].limit.sharpness(0.05, {"momentum": 0.9}) == pytest.approx(76.0)
    assert OPTIMIZERS["nesterov"].limit.sharpness(0.05, {"momentum": 0.9}) == pytest.approx(3.8 / 2.8 / 0.05)
    fn = parse("x^2 + 30*y^2")
    assert descend(fn, (1, 1), "momentum", lr=0.05, steps=3000).status != "diverged"
    assert descend(fn, (1, 1), "nesterov", lr=0.05, steps=3000).status == "diverged"


def test_lines_group_equal_limits_and_skip_adaptive_methods():
    runs = [("gd", 2 / 76, {}), ("momentum", 0.05, {"momentum": 0.9}), ("nesterov", 0.05, {"momentum": 0.9}),
            ("adam", 0.05, OPTIMIZERS["adam"].hyper)]
    lines = stability_lines(runs)
    assert [line.value for line in lines] == pytest.approx([76.0, 3.8 / 2.8 / 0.05])
    assert lines[0].methods == ("gd", "momentum")
    assert lines[0].label == "Gradient descent: 2/η = 76; Momentum: (2 + 2μ)/η = 76"
    assert unlimited_methods(["adam", "gd", "newton"]) == ["Adam", "Newton"]
    assert all(OPTIMIZERS[m].limit_note for m in OPTIMIZERS if OPTIMIZERS[m].limit is None)


def test_adams_preconditioned_limit():
    """(2 + 2β₁)/((1 − β₁)η) = 38/η for β₁ = 0.9 (Cohen et al. 2022)."""
    limit = OPTIMIZERS["adam"].preconditioned_limit
    assert limit.of == "λmax(P⁻¹H)"
    assert limit.sharpness(0.01, {"beta1": 0.9}) == pytest.approx(3800.0)
