"""Benchmark landscape slices: a 51² slice of the 2-32-32-1 tanh MLP over 2,000 rows in-process against a
hand-written NumPy evaluation of the same losses batched over the grid points; a 101² slice on a Dask LocalCluster
of 2 single-threaded worker processes against in-process; and how the time grows with the grid points, the rows
and the weights. Prints tables and writes bench_landscape.json.

    python scripts/bench_landscape.py [--quick] [--out bench_landscape.json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import median_seconds  # noqa: E402

import gradviz  # noqa: E402
from gradviz.landscape.grid_chunks import POINTS_PER_PASS  # noqa: E402


def hand_grid(net, sl, alphas, betas, x, t) -> np.ndarray:
    """The floor: the same losses, a grid row at a time, the MLP written out in NumPy with a batch axis."""
    d1, d2 = sl.directions
    out = np.empty((len(alphas), len(betas)))
    for i, a in enumerate(alphas):
        for start in range(0, len(betas), POINTS_PER_PASS):
            b = betas[start: start + POINTS_PER_PASS]
            thetas = sl.center + a * d1 + b[:, None] * d2
            w = {}
            at = 0
            for name, shape in net.weights.items():
                n = int(np.prod(shape))
                w[name] = thetas[:, at: at + n].reshape((len(b), *shape))
                at += n
            h1 = np.tanh(x @ w["W1"] + w["b1"][:, None, :])
            h2 = np.tanh(h1 @ w["W2"] + w["b2"][:, None, :])
            s = (h2 @ w["W3"])[..., 0] + w["b3"]
            out[i, start: start + len(b)] = np.mean((s - t) ** 2, axis=1)
    return out


def model(width: int, rows: int):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(rows, 2))
    t = np.sin(x[:, 0]) + 0.5 * x[:, 1]
    net = gradviz.parse_model(gradviz.mlp([2, width, width, 1], "tanh", "mse"), {"X": x, "t": t})
    return net, gradviz.landscape(net, net.init(0), directions="filter", seed=0), x, t


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small grids and models (for tests)")
    parser.add_argument("--out", default="bench_landscape.json")
    args = parser.parse_args()
    width, rows, side, dask_side = (8, 200, 11, 21) if args.quick else (32, 2000, 51, 101)
    cores = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    if cores is not None:
        os.sched_setaffinity(0, {min(cores)})  # the in-process part on one core, like its floor
    repeats = 1 if args.quick else 3
    net, sl, x, t = model(width, rows)
    axis = np.linspace(-1, 1, side)
    floor = median_seconds(lambda: hand_grid(net, sl, axis, axis, x, t), repeats)
    ours = median_seconds(lambda: sl.grid(axis, axis), repeats)
    assert np.allclose(sl.grid(axis, axis), hand_grid(net, sl, axis, axis, x, t), rtol=1e-12)
    inproc = {"side": side, "floor_s": floor, "grid_s": ours, "ratio": ours / floor}
    print(f"{side}² slice, 2-{width}-{width}-1 tanh MLP, {rows} rows, {net.size} weights, filter-normalised")
    print(f"hand-written batched NumPy (floor) {floor:.2f} s; sl.grid in-process {ours:.2f} s: {ours / floor:.2f}× "
          "(target ≤ 1.5)")

    growth = []
    print(f"\n{'grid':>6} {'rows':>6} {'weights':>8} {'s':>7} {'µs per point and row':>21}")
    for w_, r_, s_ in ((width, rows, side // 2 + 1), (width, rows, side), (width, rows // 2, side),
                       (width * 2, rows, side)):
        net_, sl_, _, _ = model(w_, r_)
        ax = np.linspace(-1, 1, s_)
        sec = median_seconds(lambda: sl_.grid(ax, ax), 1)  # noqa: B023
        growth.append({"side": s_, "rows": r_, "weights": net_.size, "s": sec})
        print(f"{s_:>5}² {r_:>6} {net_.size:>8} {sec:>7.2f} {sec / (s_ * s_ * r_) * 1e6:>21.3f}")

    from gradviz.landscape.cluster import close, connect

    if cores is not None:
        os.sched_setaffinity(0, cores)  # the cluster's worker processes inherit it: give them the machine
    scratch = tempfile.mkdtemp(prefix="gradviz-dask-")
    client = connect("local", workers=2, local_directory=scratch)
    try:
        big = np.linspace(-1, 1, dask_side)
        sl.grid(big[:4], big[:4], client=client)  # the workers parse the model once
        t_in = median_seconds(lambda: sl.grid(big, big), repeats)  # in-process on the same two cores
        t_dask = median_seconds(lambda: sl.grid(big, big, client=client), repeats)
        same = bool(np.array_equal(sl.grid(big, big, client=client), sl.grid(big, big)))
    finally:
        close(client)
        shutil.rmtree(scratch, ignore_errors=True)
    cluster = {"side": dask_side, "in_process_s": t_in, "dask_s": t_dask, "ratio": t_dask / t_in, "same_values": same}
    print(f"\n{dask_side}² on a LocalCluster of 2 single-threaded processes {t_dask:.2f} s, in-process {t_in:.2f} s: "
          f"{t_dask / t_in:.2f}× (target ≤ 1.3); the same values bit for bit: {same}")
    Path(args.out).write_text(json.dumps({"in_process": inproc, "growth": growth, "cluster": cluster}, indent=2))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
