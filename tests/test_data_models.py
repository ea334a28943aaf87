"""LossPreset presets and built-in datasets: each preset's gradient against its closed form."""

from __future__ import annotations

import numpy as np
import pytest

from gradviz.data import DataError
from gradviz.data.datasets import DATASETS, make_dataset
from gradviz.data.loss_presets import LOSS_PRESETS, model_function, model_output

POINT = (0.7, 1.9)


def _closed_form_gradient(name: str, cols: dict[str, np.ndarray], w: float, b: float, params: dict) -> np.ndarray:
    x = cols["x"]
    if name in ("linear_mse", "ridge"):
        r = w * x + b - cols["y"]
        g = 2.0 / len(x) * np.array([np.sum(r * x), np.sum(r)])
        return g + (2.0 * params["lam"] * np.array([w, b]) if name == "ridge" else 0.0)
    if name == "logistic":
        p = 1.0 / (1.0 + np.exp(-(w * x + b)))
        return np.array([np.mean((p - cols["t"]) * x), np.mean(p - cols["t"])])
    if name == "tanh_neuron":
        a = np.tanh(w * x + b)
        d = 2.0 * (a - cols["y"]) * (1.0 - a * a)
        return np.array([np.mean(d * x), np.mean(d)])
    if name == "huber":
        psi = np.clip(w * x + b - cols["y"], -params["delta"], params["delta"])  # Huber's ψ
        return np.array([np.mean(psi * x), np.mean(psi)])
    raise AssertionError(f"no closed form written for {name}")


@pytest.mark.parametrize("name", sorted(LOSS_PRESETS))
def test_every_preset_gradient_matches_its_closed_form(name):
    fn = model_function(name)
    want = _closed_form_gradient(name, fn.data, *POINT, fn.parameters)
    assert np.allclose(fn.grad(*POINT), want, rtol=1e-11, atol=1e-13)
    (lo_w, hi_w), (lo_b, hi_b) = LOSS_PRESETS[name].domain
    assert lo_w < hi_w and lo_b < hi_b


def test_huber_is_quadratic_near_zero_and_linear_beyond_delta():
    fn = model_function("huber")
    cols = fn.data
    r = POINT[0] * cols["x"] + POINT[1] - cols["y"]
    delta = fn.parameters["delta"]
    want = np.mean(np.where(np.abs(r) <= delta, 0.5 * r * r, delta * (np.abs(r) - 0.5 * delta)))
    assert np.isclose(fn(*POINT), want, rtol=1e-13)


def test_the_fitted_line_of_linear_regression_is_the_model_output():
    fn = model_function("linear_mse")
    x = np.array([-1.0, 0.0, 2.0])
    assert np.allclose(model_output("linear_mse", 2.0, 4.2, x), 2.0 * x + 4.2)
    assert np.allclose(model_output("logistic", 0.0, 0.0, x), 0.5)
    assert fn.rows == DATASETS["linear"].rows


def test_datasets_repeat_with_their_seed_and_differ_between_seeds():
    for name in DATASETS:
        a, b, c = make_dataset(name, seed=1), make_dataset(name, seed=1), make_dataset(name, seed=2)
        assert all(np.array_equal(a[k], b[k]) for k in a)
        assert not all(np.array_equal(a[k], c[k]) for k in a)
    with pytest.raises(ValueError, match="choose one of"):
        make_dataset("iris")


def test_the_linear_data_follows_y_2x_plus_4_2_and_outliers_pull_least_squares_away():
    cols = make_dataset("linear", rows=5000, seed=0)
    slope, intercept = np.polyfit(cols["x"], cols["y"], 1)
    assert abs(slope - 2.0) < 0.05 and abs(intercept - 4.2) < 0.05
    noisy = make_dataset("outliers", rows=100, seed=0)
    residual = np.abs(noisy["y"] - (2.0 * noisy["x"] + 4.2))
    assert (residual > 5.0).sum() == 10


def test_logistic_labels_must_be_0_or_1():
    with pytest.raises(DataError, match=r"column 't', row 2: labels must be 0 or 1, not 2"):
        model_function("logistic", data={"x": [0.0, 1.0, 2.0], "t": [0.0, 1.0, 2.0]})
