"""The generated code for a batch of rows gives what the graph walk gives, to the bit, and matches
finite differences."""

import numpy as np
import pytest

import gradviz

# a parameter, a reduction whose derivative's inside no longer depends on the data (mean(b + x) -> mean(1)),
# a sum, and a variable the loss depends on only through one term
TEXTS = ["k = 0.1 in [0, 1]; f(w, b) = mean(softplus(-(2*y - 1)*(w*x + b))) + k*w^2 + mean(b + x)^2",
         "f(w, b) = sum(relu(w*x - y)) / 10 + b^2",
         "f(w, b) = mean((w*x - y)^2)"]


def _data(rows=40):
    rng = np.random.default_rng(3)
    x = rng.normal(size=rows)
    return {"x": x, "y": (x + 0.3 * rng.normal(size=rows) > 0).astype(float)}


@pytest.mark.parametrize("text", TEXTS)
def test_a_point_and_a_batch_give_what_the_blocked_walk_gives(text):
    fn = gradviz.parse(text, data=_data())
    rows = np.array([3, 0, 17, 5, 5, 39])
    for idx in (None, rows):
        point = fn.derivatives(0.4, -0.7, rows=idx)  # generated kernel
        walked = fn.derivatives(np.array([0.4]), np.array([-0.7]), rows=idx)  # blocked graph walk
        for a, b in zip(point, walked, strict=True):
            assert np.asarray(a).shape == ()
            assert a == b[0]


@pytest.mark.parametrize("text", TEXTS)
def test_the_kernel_over_paths_gives_each_path_its_point_value(text):
    fn = gradviz.parse(text, data=_data())
    kernel = fn._derived.kernel(2)
    params = [np.float64(v) for v in fn.parameter_values]
    xs, ys = np.array([0.4, -1.0, 2.0]), np.array([-0.7, 0.1, 0.0])
    rows = np.array([1, 2, 30])
    together = kernel(xs, ys, params, list(fn.data.values()), rows)
    for out in together:
        assert out.shape == (3,)  # even the outputs that are the same at every point
    for p in range(3):
        alone = fn.derivatives(xs[p], ys[p], rows=rows)
        assert [float(v[p]) for v in together] == [float(v) for v in alone]


@pytest.mark.parametrize("text", TEXTS)
def test_the_batch_gradient_matches_finite_differences(text):
    fn = gradviz.parse(text, data=_data())
    rows = np.arange(0, 40, 3)
    w, b, h = 0.4, -0.7, 1e-6
    _, gw, gb = fn.value_and_grad(w, b, rows=rows)
    assert gw == pytest.approx((fn(w + h, b, rows=rows) - fn(w - h, b, rows=rows)) / (2 * h), rel=1e-6, abs=1e-8)
    assert gb == pytest.approx((fn(w, b + h, rows=rows) - fn(w, b - h, rows=rows)) / (2 * h), rel=1e-6, abs=1e-8)


def test_the_generated_code_never_holds_the_users_text():
    fn = gradviz.parse("f(w, b) = mean((w*x - y)^2)", data=_data())
    source = fn._derived.kernel(1).source
    assert "(w*x - y)" not in source and "mean" not in source
    assert source.startswith("def kernel(x, y, P, C, rows):")
