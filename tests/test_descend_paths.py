"""Many paths of a loss on data, vectorised: each equals the path `descend` runs alone."""

import numpy as np
import pytest

import gradviz
from gradviz.descent.paths import descend_paths


def _loss(rows: int = 300):
    rng = np.random.default_rng(2)
    x = rng.normal(size=rows)
    return gradviz.parse("f(w, b) = mean((w*x + b - y)^2)", data={"x": x, "y": 2 * x + 4.2 + rng.normal(size=rows)})


STARTS = [(-2.0, 0.0), (0.5, 7.0), (3.0, -1.0)]


@pytest.mark.parametrize("method", ["gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw", "newton"])
def test_each_path_is_the_one_descend_gives_bit_for_bit(method):
    fn = _loss()
    together = descend_paths(fn, STARTS, method, lr=0.05, steps=120, batch_size=16, seed=4,
                             schedule={"name": "cosine", "T_max": 120})
    for start, traj in zip(STARTS, together, strict=True):
        alone = gradviz.descend(fn, start, method, lr=0.05, steps=120, batch_size=16, seed=4,
                                schedule={"name": "cosine", "T_max": 120})
        assert np.array_equal(traj.points, alone.points) and traj.status == alone.status
        assert np.array_equal(traj.values, alone.values) and np.array_equal(traj.batch_losses, alone.batch_losses)
        assert np.array_equal(traj.lrs, alone.lrs)


def test_without_the_full_loss_the_values_are_the_batch_losses():
    fn = _loss()
    (traj,) = descend_paths(fn, STARTS[:1], "gd", lr=0.05, steps=50, batch_size=8, seed=1, full_loss=False)
    assert np.array_equal(traj.values, traj.batch_losses)
    (full,) = descend_paths(fn, STARTS[:1], "gd", lr=0.05, steps=50, batch_size=8, seed=1)
    assert np.array_equal(traj.points, full.points) and not np.allclose(traj.values, full.values)


def test_a_path_that_diverges_is_cut_where_descend_cuts_it():
    fn = _loss()
    together = descend_paths(fn, STARTS, "gd", lr=3.0, steps=400, batch_size=None, bound=1e6)
    for start, traj in zip(STARTS, together, strict=True):
        alone = gradviz.descend(fn, start, "gd", lr=3.0, steps=400, bound=1e6)
        assert traj.status == alone.status == "diverged"
        assert np.array_equal(traj.points, alone.points)


def test_paths_need_data():
    with pytest.raises(TypeError, match="loss on data"):
        descend_paths(gradviz.parse("x^2 + y^2"), STARTS, "gd")
