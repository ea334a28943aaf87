"""Isolines against independent truth: circles, straight lines, and holes where f is nan."""

import numpy as np

from gradviz.geometry.isolines import isolines, label_anchor


def _finite(points):
    return points[np.isfinite(points[:, 0])]


def test_circles_for_x2_plus_y2():
    xs = np.linspace(-2, 2, 201)
    ys = np.linspace(-2, 2, 161)  # not square: catches a transposed grid
    z = xs[:, None] ** 2 + ys[None, :] ** 2
    for level, points in zip([0.25, 1.0, 2.25], isolines(xs, ys, z, [0.25, 1.0, 2.25]), strict=True):
        p = _finite(points)
        r = np.hypot(p[:, 0], p[:, 1])
        np.testing.assert_allclose(r, np.sqrt(level), atol=2e-3)  # linear interpolation on a 0.02 grid
        angles = np.sort(np.arctan2(p[:, 1], p[:, 0]))
        assert np.max(np.diff(angles)) < 0.1  # the whole circle, no gap


def test_straight_lines_for_a_plane():
    xs = np.linspace(-1, 3, 50)
    ys = np.linspace(-2, 2, 40)
    z = 2 * xs[:, None] - ys[None, :]
    for level, points in zip([-1.0, 0.5, 3.0], isolines(xs, ys, z, [-1.0, 0.5, 3.0]), strict=True):
        p = _finite(points)
        np.testing.assert_allclose(2 * p[:, 0] - p[:, 1], level, atol=1e-12)  # exact for a plane


def test_no_isoline_where_f_is_nan_and_levels_not_crossed():
    xs = np.linspace(-2, 2, 101)
    ys = np.linspace(-2, 2, 101)
    z = xs[:, None] ** 2 + ys[None, :] ** 2
    z[xs < 0, :] = np.nan  # f undefined on the left half
    z[0, 0] = np.inf
    level_in, level_out = isolines(xs, ys, z, [1.0, 100.0])
    p = _finite(level_in)
    assert len(p) > 10 and p[:, 0].min() >= -1e-12  # half a circle, nothing in the hole
    np.testing.assert_allclose(np.hypot(p[:, 0], p[:, 1]), 1.0, atol=2e-3)
    assert len(level_out) == 0


def test_label_anchor_keeps_away_from_taken_points():
    points = np.array([[0.0, 0.0], [1.0, 0.0], [np.nan, np.nan], [2.0, 0.0], [3.0, 0.0]])
    assert label_anchor(points, (0.1, 0.0), [], 0.5) == (0.0, 0.0)
    assert label_anchor(points, (0.1, 0.0), [(0.0, 0.0)], 1.5) == (2.0, 0.0)
    assert label_anchor(points, (0.1, 0.0), [(1.5, 0.0)], 10.0) is None


def test_label_anchor_keeps_away_from_markers():
    points = np.column_stack([np.linspace(-1, 1, 201), np.zeros(201)])
    free = label_anchor(points, (0.0, 0.0), [], 0.5)
    assert free == (0.0, 0.0)
    near_probe = label_anchor(points, (0.0, 0.0), [], 0.5, markers=[(0.0, 0.0)], marker_distance=0.3)
    assert abs(near_probe[0]) >= 0.3 - 1e-9 and abs(near_probe[0]) < 0.32


def _anchor_by_brute_force(points, centre, taken, min_distance, markers, marker_distance):
    """The definition, point by point: the nearest to the centre of the points far enough from all others."""
    best = None
    for x, y in points:
        if not np.isfinite(x):
            continue
        if any(np.hypot(x - tx, y - ty) < min_distance for tx, ty in taken):
            continue
        if any(np.hypot(x - mx, y - my) < marker_distance for mx, my in markers):
            continue
        d = np.hypot(x - centre[0], y - centre[1])
        if best is None or d < best[0]:
            best = (d, (float(x), float(y)))
    return None if best is None else best[1]


def test_label_anchor_equals_its_definition_with_many_markers():
    """Chunked nearest-first search against the definition: 256 markers, nan rows, ties on a circle, no answer."""
    rng = np.random.default_rng(7)
    for case in range(40):
        n = int(rng.integers(1, 400))
        points = rng.uniform(-3, 3, (n, 2))
        points[rng.random(n) < 0.05] = np.nan
        if case % 5 == 0:  # equal distances to the centre: the first in the polyline wins
            t = np.linspace(0, 2 * np.pi, n, endpoint=False)
            points = np.column_stack([np.cos(t), np.sin(t)])
        markers = [tuple(m) for m in rng.uniform(-3, 3, (int(rng.integers(0, 256)), 2))]
        taken = [tuple(m) for m in rng.uniform(-3, 3, (int(rng.integers(0, 6)), 2))]
        spacing = float(rng.uniform(0.05, 1.5))
        args = (points, (0.1, -0.2), taken, spacing, markers, 0.5 * spacing)
        assert label_anchor(*args) == _anchor_by_brute_force(*args), case
