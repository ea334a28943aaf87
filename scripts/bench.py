"""Benchmark the core: grid f / f+grad / f+grad+Hessian against plain NumPy f, parse-to-ready,
and 1000 gradient-descent steps at one point. Prints a table and writes bench.json.

    python scripts/bench.py [--quick] [--out bench.json]

Medians of repeats on one pinned core; ratios are to NumPy evaluating f alone on the same
(N×N meshgrid) arrays in the same run. Minor page faults per call are reported.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import math
import os
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchfuncs import FUNCTIONS  # noqa: E402

import gradviz  # noqa: E402


def median_time(fn, repeats: int, min_time: float = 0.0) -> tuple[float, float]:
    """(median seconds per call, minor page faults per call)."""
    fn()
    times = []
    faults0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    calls = 0
    start = time.perf_counter()
    while calls < repeats or time.perf_counter() - start < min_time:
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
        calls += 1
    faults = (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults0) / calls
    return statistics.median(times), faults


def steady_allocator() -> bool:
    """Keep freed arrays in glibc's heap (mallopt) so that NumPy's floor does not page-fault on its multi-MB
    temporaries in one run and not the next, depending on the allocator's history: with faults the floor ran up
    to 7x slower here, which flattered every ratio. True when set."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False
    m_trim_threshold, m_mmap_threshold = -1, -3
    return bool(libc.mallopt(m_mmap_threshold, 32 << 20)) and bool(libc.mallopt(m_trim_threshold, 1 << 30))


def geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values))


def parameter_change(repeats: int, n: int) -> list[dict]:
    """A slider tick in the core: `with_parameters` + f and ∇f on an n² grid (what the app samples),
    as a ratio to the same grid evaluation alone at fixed parameters (target ≤ 1.2×)."""
    xs = np.linspace(-2, 2, n)
    print(f"\nparameter change: k = 1 in [0.5, 2]; k*(F), {n}² grid, f and ∇f")
    print(f"{'function':<20} {'grid ms':>8} {'with_parameters + grid ×':>25} {'no-parameter F grid ×':>22}")
    out = []
    for name, (text, _) in FUNCTIONS.items():
        fn = gradviz.parse(f"k = 1 in [0.5, 2]; k*({text})").prepare(everything=True)
        plain = gradviz.parse(text).prepare(everything=True)
        values = iter(np.tile([0.75, 1.5], 10**6))
        t_grid, _ = median_time(lambda: fn.grid(xs, xs, order=1), repeats)  # noqa: B023
        t_tick, _ = median_time(lambda: fn.with_parameters(k=next(values)).grid(xs, xs, order=1), repeats)  # noqa: B023
        t_plain, _ = median_time(lambda: plain.grid(xs, xs, order=1), repeats)  # noqa: B023
        out.append({"function": name, "grid_ms": t_grid * 1e3, "tick_ratio": t_tick / t_grid,
                    "plain_ratio": t_plain / t_grid})
        print(f"{name:<20} {t_grid * 1e3:>8.3f} {t_tick / t_grid:>25.3f} {t_plain / t_grid:>22.3f}")
    worst = max(r["tick_ratio"] for r in out)
    print(f"worst with_parameters + grid: {worst:.3f}× the grid alone (target ≤ 1.2×)")
    return out


def edit_to_derivatives(repeats: int) -> list[dict]:
    """An edit until its derivatives are ready: parse, derive, and the first gradient and Hessian at a point (the
    probe's local model), against the symbolic route, sympy's parse, diff and lambdify with cse, in the same run
    (target ≤ 0.1×). Empty when sympy is not installed (pip install ".[bench]")."""
    try:
        import sympy
    except ImportError:
        print("\nedit to derivatives: sympy is not installed (pip install \".[bench]\"), skipped")
        return []
    from gradviz.calculus.local import local_model

    x, y = sympy.symbols("x y")

    def symbolic(text: str) -> object:
        e = sympy.parse_expr(text.replace("^", "**"), local_dict={"x": x, "y": y})
        grad = [sympy.diff(e, v) for v in (x, y)]
        hess = [sympy.diff(grad[0], x), sympy.diff(grad[0], y), sympy.diff(grad[1], y)]
        return sympy.lambdify((x, y), [e, *grad, *hess], modules="math", cse=True)(0.3, -0.2)

    print("\nedit to derivatives ready: parse, derive, first gradient and Hessian at a point")
    print(f"{'function':<20} {'gradviz ms':>11} {'sympy ms':>9} {'ratio':>6}")
    out = []
    for name, (text, _) in FUNCTIONS.items():
        ours, _ = median_time(lambda: local_model(gradviz.parse(text), 0.3, -0.2), repeats)  # noqa: B023
        theirs, _ = median_time(lambda: symbolic(text), max(3, repeats // 3))  # noqa: B023
        out.append({"function": name, "gradviz_ms": ours * 1e3, "sympy_ms": theirs * 1e3, "ratio": ours / theirs})
        print(f"{name:<20} {ours * 1e3:>11.2f} {theirs * 1e3:>9.2f} {ours / theirs:>6.3f}")
    print(f"geometric mean ratio {geomean([r['ratio'] for r in out]):.3f} (target ≤ 0.1)")
    return out


def matrix_gradient(repeats: int, sizes: list[int]) -> list[dict]:
    """∂‖X − UV‖²/∂V by autodiff (the graph derived once, evaluated per call) against NumPy evaluating
    the hand formula −2Uᵀ(X − UV) on the same arrays (target ≤ 3× at 500×500); and the panel's whole
    answer at a student's size: parse, gradient and a 5-trial check."""
    print("\nmatrix calculus: d‖X − UV‖²/dV, n×n matrices")
    print(f"{'n':>5} {'numpy formula ms':>17} {'autodiff ×':>11} {'parse + grad + 5-trial check ms':>32}")
    out = []
    for n in sizes:
        text = f"U: {n}x{n}; V: {n}x{n}; X: {n}x{n}; sum((X - U@V)^2)"
        m = gradviz.parse_matrix(text)
        vals = m.random_inputs(0)
        u, v, x = vals["U"], vals["V"], vals["X"]
        m.grad("V", vals)
        t_np, _ = median_time(lambda: -2.0 * u.T @ (x - u @ v), repeats)  # noqa: B023
        t_ad, _ = median_time(lambda: m.grad("V", vals), repeats)  # noqa: B023
        t_all, _ = median_time(lambda: gradviz.parse_matrix(text).check("V", "-2*U.T@(X - U@V)"),  # noqa: B023
                               max(3, repeats // 3))
        out.append({"n": n, "numpy_ms": t_np * 1e3, "autodiff_ratio": t_ad / t_np, "answer_ms": t_all * 1e3})
        print(f"{n:>5} {t_np * 1e3:>17.3f} {t_ad / t_np:>11.2f} {t_all * 1e3:>32.2f}")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes and few repeats (for tests)")
    parser.add_argument("--out", default="bench.json")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    steady = steady_allocator()
    print(f"allocator: freed arrays {'kept in the heap (no page faults in the floor)' if steady else 'as is'}")
    sizes = [64] if args.quick else [128, 256, 512, 1024]
    repeats = 3 if args.quick else 15
    rows = []
    print(f"{'function':<20} {'N':>5} {'numpy f ms':>11} {'f ×':>6} {'f+grad ×':>9} {'f+grad+H ×':>11}"
          f" {'H on xs×ys ×':>13} {'faults/call (np, H)':>20}")
    for n in sizes:
        xs = np.linspace(-2, 2, n)
        gx, gy = np.meshgrid(xs, xs, indexing="ij")
        for name, (text, numpy_f) in FUNCTIONS.items():
            fn = gradviz.parse(text).prepare()
            base, base_faults = median_time(lambda: numpy_f(gx, gy), repeats)  # noqa: B023
            t_f, _ = median_time(lambda: fn(gx, gy), repeats)  # noqa: B023
            t_g, _ = median_time(lambda: fn.value_and_grad(gx, gy), repeats)  # noqa: B023
            t_h, h_faults = median_time(lambda: fn.derivatives(gx, gy), repeats)  # noqa: B023
            t_sep, _ = median_time(lambda: fn.grid(xs, xs, order=2), repeats)  # noqa: B023
            row = {"function": name, "N": n, "numpy_f_ms": base * 1e3, "f_ratio": t_f / base,
                   "grad_ratio": t_g / base, "hessian_ratio": t_h / base,
                   "numpy_faults": base_faults, "hessian_faults": h_faults,
                   "separable_hessian_ratio": t_sep / base}
            rows.append(row)
            print(f"{name:<20} {n:>5} {base * 1e3:>11.3f} {t_f / base:>6.2f} {t_g / base:>9.2f}"
                  f" {t_h / base:>11.2f} {t_sep / base:>13.2f} {base_faults:>9.0f}, {h_faults:>8.0f}")
    summary = {}
    print("\ngeometric mean over F1–F6 (ratio to NumPy f alone)")
    print(f"{'N':>5} {'f':>6} {'grad':>6} {'Hessian':>8} {'H on xs×ys':>11}   targets: grad ≤ 1.8×, Hessian ≤ 2.5×")
    for n in sizes:
        sel = [r for r in rows if r["N"] == n]
        keys = ("f_ratio", "grad_ratio", "hessian_ratio", "separable_hessian_ratio")
        g = {k: geomean([r[k] for r in sel]) for k in keys}
        summary[n] = g
        print(f"{n:>5} {g['f_ratio']:>6.2f} {g['grad_ratio']:>6.2f} {g['hessian_ratio']:>8.2f}"
              f" {g['separable_hessian_ratio']:>11.2f}")

    print("\nparse-to-ready: parse, grad and Hessian graphs, grid and point code for f, grad, Hessian;"
          "\n'all kernels' adds the leaner f-only and f+grad kernels; 1000 GD steps at one point")
    print(f"{'function':<20} {'ready ms':>9} {'all kernels ms':>15} {'1000 steps ms':>14}")
    ready_rows = []
    for name, (text, _) in FUNCTIONS.items():
        t_ready, _ = median_time(lambda: gradviz.parse(text).prepare(), repeats)  # noqa: B023
        t_all, _ = median_time(lambda: gradviz.parse(text).prepare(everything=True), repeats)  # noqa: B023
        fn = gradviz.parse(text).prepare()
        t_steps, _ = median_time(lambda: gradviz.descend(fn, (0.3, -0.2), "gd", lr=1e-4, steps=1000),  # noqa: B023
                                 repeats * 4)
        ready_rows.append({"function": name, "ready_ms": t_ready * 1e3, "all_kernels_ms": t_all * 1e3,
                           "steps_1000_ms": t_steps * 1e3})
        print(f"{name:<20} {t_ready * 1e3:>9.2f} {t_all * 1e3:>15.2f} {t_steps * 1e3:>14.3f}")
    print(f"targets: parse-to-ready ≤ 5 ms for F6 ({ready_rows[-1]['ready_ms']:.2f} ms); "
          f"1000 steps ≤ 0.5 ms (median {statistics.median(r['steps_1000_ms'] for r in ready_rows):.3f} ms)")
    edit_rows = edit_to_derivatives(repeats)
    param_rows = parameter_change(repeats, 64 if args.quick else 200)
    matrix_rows = matrix_gradient(repeats, [20, 50] if args.quick else [50, 200, 500])
    Path(args.out).write_text(json.dumps({"grid": rows, "summary": summary, "latency": ready_rows,
                                          "parameters": param_rows, "matrix": matrix_rows,
                                          "edit_to_derivatives": edit_rows}, indent=2))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
