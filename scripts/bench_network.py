"""Benchmark networks: the loss's gradient and Hessian-vector product against a hand-written NumPy forward and
backward pass, 1000 Adam steps at batch 32 against a hand-written NumPy loop, and the Hessian-vector products
Lanczos needs for the top eigenvalue. Prints tables and writes bench_network.json.

    python scripts/bench_network.py [--quick] [--out bench_network.json]

The reference model is the issue's: a 2-32-32-1 tanh MLP with mse over 2,000 rows. Medians on one pinned core;
every ratio is to the hand-written floor timed in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from timing import median_seconds  # noqa: E402

import gradviz  # noqa: E402
from gradviz.descent.batches import batch_rows  # noqa: E402


def hand_value_and_grad(w: dict, x: np.ndarray, t: np.ndarray) -> tuple[float, list[np.ndarray]]:
    """The floor: forward and backward of the 2-h-h-1 tanh MLP with mse, written out in NumPy."""
    h1 = np.tanh(x @ w["W1"] + w["b1"])
    h2 = np.tanh(h1 @ w["W2"] + w["b2"])
    r = (h2 @ w["W3"] + w["b3"])[:, 0] - t
    ds = (2.0 / len(t)) * r
    dz2 = (ds[:, None] * w["W3"].T) * (1.0 - h2 * h2)
    dz1 = (dz2 @ w["W2"].T) * (1.0 - h1 * h1)
    grads = [x.T @ dz1, dz1.sum(0), h1.T @ dz2, dz2.sum(0), h2.T @ ds[:, None], np.array([ds.sum()])]
    return float(np.mean(r * r)), grads


def hand_adam(net, theta: np.ndarray, x: np.ndarray, t: np.ndarray, steps: int, batch: int, lr: float) -> np.ndarray:
    """The floor for training: the same batches and torch's Adam, with the hand-written gradient."""
    w = theta.copy()
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    batches = batch_rows(len(t), batch, 0)
    for k in range(1, steps + 1):
        rows = next(batches)
        _, grads = hand_value_and_grad(net.unflatten(w), x[rows], t[rows])
        g = np.concatenate([p.ravel() for p in grads])
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        w -= lr / (1 - 0.9 ** k) * m / (np.sqrt(v) / np.sqrt(1 - 0.999 ** k) + 1e-8)
    return w


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smaller model and few repeats (for tests)")
    parser.add_argument("--out", default="bench_network.json")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    width, rows, repeats, steps = (8, 200, 5, 50) if args.quick else (32, 2000, 60, 1000)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(rows, 2))
    t = np.sin(x[:, 0]) + 0.5 * x[:, 1]
    text = gradviz.mlp([2, width, width, 1], "tanh", "mse")
    start = time.perf_counter()
    net = gradviz.parse_model(text, {"X": x, "t": t})
    theta = net.init(0)
    net.value_and_grad(theta)
    ready = time.perf_counter() - start
    v = rng.normal(size=net.size)
    check = hand_value_and_grad(net.unflatten(theta), x, t)
    assert abs(check[0] - net.loss(theta)) < 1e-12 * abs(check[0])

    floor = median_seconds(lambda: hand_value_and_grad(net.unflatten(theta), x, t), repeats)
    t_vg = median_seconds(lambda: net.value_and_grad(theta), repeats)
    t_hvp = median_seconds(lambda: net.hvp(theta, v), repeats)
    calls = {"floor_ms": floor * 1e3, "value_and_grad_ratio": t_vg / floor, "hvp_ratio": t_hvp / floor,
             "parse_to_first_gradient_ms": ready * 1e3}
    print(f"2-{width}-{width}-1 tanh MLP, mse, {rows} rows, {net.size} weights; floor = hand-written NumPy "
          "forward + backward")
    print(f"{'':<28} {'ms':>8} {'× floor':>8} {'target':>7}")
    print(f"{'hand-written (floor)':<28} {floor * 1e3:>8.3f} {1:>8.2f}")
    print(f"{'net.value_and_grad':<28} {t_vg * 1e3:>8.3f} {t_vg / floor:>8.2f} {'≤ 1.5':>7}")
    print(f"{'net.hvp':<28} {t_hvp * 1e3:>8.3f} {t_hvp / floor:>8.2f} {'≤ 3':>7}")
    print(f"parse_model + first gradient (trace and compile): {ready * 1e3:.1f} ms")

    adam_repeats = 3 if args.quick else 7
    t_hand = median_seconds(lambda: hand_adam(net, theta, x, t, steps, 32, 1e-3), adam_repeats)
    t_train = median_seconds(lambda: gradviz.train(net, theta, "adam", lr=1e-3, steps=steps, batch_size=32,
                                                record_every=steps), adam_repeats)
    same = np.allclose(gradviz.train(net, theta, "adam", lr=1e-3, steps=steps, batch_size=32,
                                     record_every=steps).theta,
                       hand_adam(net, theta, x, t, steps, 32, 1e-3), rtol=1e-9, atol=1e-12)
    training = {"steps": steps, "hand_ms": t_hand * 1e3, "train_ms": t_train * 1e3, "ratio": t_train / t_hand,
                "same_weights": bool(same)}
    print(f"\n{steps} Adam steps at batch 32: hand-written loop {t_hand * 1e3:.1f} ms, gradviz.train "
          f"{t_train * 1e3:.1f} ms: {t_train / t_hand:.2f}× (target ≤ 1.5; same weights: {same})")

    print("\ntop Hessian eigenvalue by Lanczos on exact Hessian-vector products, against eigvalsh of the dense "
          "Hessian")
    print(f"{'theta':<12} {'λmax':>12} {'rel. error':>11} {'products':>9} {'Lanczos ms':>11} {'dense ms':>9}")
    eigen = []
    trained = gradviz.train(net, theta, "adam", lr=1e-2, steps=steps, batch_size=32, record_every=steps).theta
    for label, point in (("init", theta), ("trained", trained)):
        t0 = time.perf_counter()
        spectrum = net.hessian_spectrum(point, k=1, seed=0)
        t_lanczos = time.perf_counter() - t0
        t0 = time.perf_counter()
        exact = float(np.linalg.eigvalsh(net.hessian(point))[-1])
        t_dense = time.perf_counter() - t0
        error = abs(spectrum.values[0] - exact) / abs(exact)
        eigen.append({"theta": label, "lambda_max": exact, "relative_error": error, "products": spectrum.products,
                      "lanczos_ms": t_lanczos * 1e3, "dense_ms": t_dense * 1e3})
        print(f"{label:<12} {exact:>12.6g} {error:>11.1e} {spectrum.products:>9} {t_lanczos * 1e3:>11.1f}"
              f" {t_dense * 1e3:>9.0f}")
    print("targets: relative error ≤ 1e-6 in ≤ 60 products")
    Path(args.out).write_text(json.dumps({"model": {"width": width, "rows": rows, "size": net.size},
                                          "calls": calls, "training": training, "eigen": eigen}, indent=2))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
