"""Benchmarks of losses on data: the grid of loss and gradient, memory at many rows, mini-batch descent.

Each figure is a median, with its ratio to a floor run in the same process (hand-written NumPy).
Prints tables and writes bench_data.json.

    python scripts/bench_data.py [--quick] [--out bench_data.json]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import median_time  # noqa: E402

import gradviz  # noqa: E402

MSE = "f(w, b) = mean((w*x + b - y)^2)"


def median(fn, repeats: int) -> float:
    return median_time(fn, repeats)[0]


def data(rows: int, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=rows)
    return {"x": x, "y": 2.0 * x + 4.2 + 0.1 * rng.normal(size=rows)}


def grid_floor(ws, bs, x, y):
    """MSE and its gradient on the grid by one hand-written NumPy broadcast (w, b, rows)."""
    r = ws[:, None, None] * x + bs[None, :, None] - y
    return (r * r).mean(-1), 2.0 * (r * x).mean(-1), 2.0 * r.mean(-1)


def sgd_floor(starts, x, y, lr, steps, batch, seed):
    """16 mini-batch GD paths advanced together, hand-vectorised over the paths."""
    rng = np.random.default_rng(seed)
    w, b = starts[:, 0].copy(), starts[:, 1].copy()
    n = len(x)
    order, at = rng.permutation(n), 0
    for _ in range(steps):
        if at >= n:
            order, at = rng.permutation(n), 0
        idx = order[at: at + batch]
        at += batch
        xb, yb = x[idx], y[idx]
        r = w[:, None] * xb + b[:, None] - yb
        w -= lr * 2.0 * (r * xb).mean(1)
        b -= lr * 2.0 * r.mean(1)
    return w, b


def peak_numpy_mb(rows: int, side: int) -> tuple[float, float]:
    """Peak memory traced (NumPy reports its buffers to tracemalloc) while a fresh process computes the
    grid of loss and gradient over `rows` rows, and the size of the data itself, in MB."""
    code = (f"import sys, tracemalloc, numpy as np; sys.path.insert(0, {str(Path(__file__).resolve().parent)!r});"
            "import bench_data, gradviz;"
            f"d = bench_data.data({rows}); fn = gradviz.parse(bench_data.MSE, data=d);"
            "tracemalloc.start();"
            f"fn.grid(np.linspace(0, 4, {side}), np.linspace(2, 6, {side}), order=1);"
            "print(tracemalloc.get_traced_memory()[1] / 2**20, sum(c.nbytes for c in d.values()) / 2**20)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), float(out[1])


def full_batch_floor(x, y, lr, steps):
    """Full-batch GD on the MSE, hand-written: the loss and gradient over every row at each iterate (kept)."""
    w = b = 0.0
    path, losses = [(w, b)], []
    n = len(x)
    for _ in range(steps + 1):
        r = w * x + b - y
        losses.append(float((r * r).sum() / n))
        gw, gb = 2.0 * float((r * x).sum()) / n, 2.0 * float(r.sum()) / n
        w, b = w - lr * gw, b - lr * gb
        path.append((w, b))
    return path, losses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", default="bench_data.json")
    args = parser.parse_args()
    repeats = 3 if args.quick else 9
    result: dict = {}

    print("loss and gradient on a grid (ms, median; ratio to the NumPy broadcast floor)")
    print(f"{'grid':>6} {'rows':>7} {'gradviz':>9} {'floor':>9} {'ratio':>6}")
    result["grid"] = []
    for side, rows in ((120, 1000), (120, 100) if args.quick else (200, 1000)):
        d = data(rows)
        fn = gradviz.parse(MSE, data=d)
        ws, bs = np.linspace(0, 4, side), np.linspace(2, 6, side)
        mine = median(lambda fn=fn, ws=ws, bs=bs: fn.grid(ws, bs, order=1), repeats)
        floor = median(lambda ws=ws, bs=bs, d=d: grid_floor(ws, bs, d["x"], d["y"]), repeats)
        got, want = fn.grid(ws, bs, order=1), grid_floor(ws, bs, d["x"], d["y"])
        assert all(np.allclose(a, b) for a, b in zip(got, want, strict=True))
        print(f"{side}² {rows:>7} {mine * 1e3:9.1f} {floor * 1e3:9.1f} {mine / floor:6.2f}")
        result["grid"].append({"side": side, "rows": rows, "ms": mine * 1e3, "floor_ms": floor * 1e3,
                               "ratio": mine / floor})

    rows = 20_000 if args.quick else 100_000
    peak, size = peak_numpy_mb(rows, 120)
    floor_peak = 120 * 120 * rows * 8 / 2**20  # one (w, b, rows) array of the broadcast floor
    print(f"\npeak memory while computing the 120² grid of loss and gradient over {rows:,} rows: {peak:.0f} MB "
          f"(the data itself {size:.1f} MB; one temporary of the unblocked NumPy broadcast: {floor_peak:.0f} MB)")
    result["memory"] = {"rows": rows, "peak_mb": peak, "data_mb": size, "unblocked_temporary_mb": floor_peak}

    print("\nmini-batch descent, 16 paths × 1000 steps, 1000 rows (ms, median; ratios to the floor)")
    print("  descend ×16: one path at a time; paths: descend_paths, vectorised over the paths "
          "(steps only: full_loss=False; +full loss: the full-batch loss at every iterate too)")
    print(f"{'batch':>6} {'floor':>8} {'descend×16':>11} {'ratio':>6} {'paths':>8} {'ratio':>6} "
          f"{'+full loss':>11} {'ratio':>6}")
    d = data(1000)
    fn = gradviz.parse(MSE, data=d)
    starts = np.random.default_rng(1).uniform(-2, 2, (16, 2))
    steps = 200 if args.quick else 1000
    result["sgd"] = []
    for batch in (8, 32, 128, 1000):
        few = max(1, repeats // 3)
        one_by_one = median(lambda b=batch: [gradviz.descend(fn, s, "gd", lr=0.05, steps=steps, batch_size=b, seed=0)
                                             for s in starts], few)
        paths = median(lambda b=batch: gradviz.descend_paths(fn, starts, "gd", lr=0.05, steps=steps, batch_size=b,
                                                             seed=0, full_loss=False), repeats)
        full = median(lambda b=batch: gradviz.descend_paths(fn, starts, "gd", lr=0.05, steps=steps, batch_size=b,
                                                            seed=0), few)
        floor = median(lambda b=batch: sgd_floor(starts, d["x"], d["y"], 0.05, steps, b, 0), repeats)
        print(f"{batch:>6} {floor * 1e3:8.1f} {one_by_one * 1e3:11.1f} {one_by_one / floor:6.1f} "
              f"{paths * 1e3:8.1f} {paths / floor:6.1f} {full * 1e3:11.1f} {full / floor:6.1f}")
        result["sgd"].append({"batch": batch, "floor_ms": floor * 1e3, "descend_ms": one_by_one * 1e3,
                              "ratio": one_by_one / floor, "paths_ms": paths * 1e3, "paths_ratio": paths / floor,
                              "paths_full_loss_ms": full * 1e3, "paths_full_loss_ratio": full / floor})
    print("\nthe cost of a step grows with the batch, not the rows: 16 paths × 1000 steps, batch 32 (ms, median)")
    print(f"{'rows':>8} {'paths':>8} {'floor':>8} {'ratio':>6}")
    result["rows_scaling"] = []
    for rows in (1_000, 10_000) if args.quick else (1_000, 10_000, 100_000):
        d = data(rows)
        fn = gradviz.parse(MSE, data=d)
        paths = median(lambda fn=fn: gradviz.descend_paths(fn, starts, "gd", lr=0.05, steps=steps, batch_size=32,
                                                           seed=0, full_loss=False), repeats)
        floor = median(lambda d=d: sgd_floor(starts, d["x"], d["y"], 0.05, steps, 32, 0), repeats)
        print(f"{rows:>8,} {paths * 1e3:8.1f} {floor * 1e3:8.1f} {paths / floor:6.2f}")
        result["rows_scaling"].append({"rows": rows, "paths_ms": paths * 1e3, "floor_ms": floor * 1e3})
    print("\nfull-batch descent, 200 GD steps, the loss at every iterate (ms, median; ratio to the hand-written loop)")
    print(f"{'rows':>8} {'descend':>9} {'floor':>8} {'ratio':>6}")
    result["full_batch"] = []
    for rows in (20_000, 200_000):
        d = data(rows)
        fn = gradviz.parse(MSE, data=d)
        mine = median(lambda fn=fn: gradviz.descend(fn, (0.0, 0.0), "gd", lr=0.05, steps=200), repeats)
        floor = median(lambda d=d: full_batch_floor(d["x"], d["y"], 0.05, 200), repeats)
        print(f"{rows:>8,} {mine * 1e3:9.1f} {floor * 1e3:8.1f} {mine / floor:6.2f}")
        result["full_batch"].append({"rows": rows, "descend_ms": mine * 1e3, "floor_ms": floor * 1e3,
                                     "ratio": mine / floor})
    Path(args.out).write_text(json.dumps(result, indent=2))
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
