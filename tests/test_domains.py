"""Honest domains: no arrows where f does not exist, and descent stops where it leaves f's domain."""

import json

import numpy as np

import gradviz
from gradviz.export import export_trajectories
from gradviz.geometry.arrows import arrow_field


def test_descent_stops_where_f_stops_existing():
    fn = gradviz.parse("log(x) + y")
    traj = gradviz.descend(fn, (0.5, 0.0), "gd", lr=1.0, steps=100)
    # by hand: ∇f = (1/x, 1), so x₁ = 0.5 − 2 = −1.5 where log is nan
    assert traj.status == "left_domain" and traj.stop_step == 1
    np.testing.assert_allclose(traj.points, [[0.5, 0.0], [-1.5, -1.0]])
    assert np.isfinite(traj.values[:-1]).all() and np.isnan(traj.values[-1])
    inside = gradviz.descend(fn, (0.5, 0.0), "gd", lr=0.01, steps=5)  # x² shrinks by about 0.02 a step
    assert inside.status == "max_steps" and np.isfinite(inside.values).all()
    assert gradviz.descend(gradviz.parse("x^2 + y^2"), (1, 1), "gd", lr=5.0, steps=500).status == "diverged"


def test_the_status_is_in_the_exports(tmp_path):
    traj = gradviz.descend(gradviz.parse("sqrt(x) + y^2"), (0.3, 0.5), "gd", lr=1.0, steps=50)
    assert traj.status == "left_domain"
    export_trajectories([traj], tmp_path / "t.json")
    data = json.loads((tmp_path / "t.json").read_text())
    assert data["trajectories"][0]["status"] == "left_domain"
    export_trajectories([traj], tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_text().strip().splitlines()[-1].endswith("left_domain")


def test_no_arrows_where_f_is_nan():
    fn = gradviz.parse("log(x*y)")
    field = arrow_field(fn, (-2, 2, -2, 2), 12)
    bases = field.segments[0::3].mean(axis=1)  # each arrow's shaft midpoint
    assert len(bases) > 20
    assert np.all(bases[:, 0] * bases[:, 1] > 0)  # only in the quadrants where x·y > 0
