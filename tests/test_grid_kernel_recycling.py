"""A grid kernel reuses the arrays it returned last time once the caller has let them go (warm memory, no page
faults), and never one that anybody still holds, not even through a view."""

import threading

import numpy as np

from gradviz import parse
from gradviz.expr import kernels

TEXT = "(x^2 + y - 11)^2 + (x + y^2 - 7)^2"


def by_hand(x, y):
    """Himmelblau's f, ∇f and Hessian written out: a second route."""
    a, b = x**2 + y - 11, x + y**2 - 7
    return (a**2 + b**2, 4 * a * x + 2 * b, 2 * a + 4 * b * y, 12 * x**2 + 4 * y - 42, 4 * (x + y),
            12 * y**2 + 4 * x - 26)


def grid(n, shift=0.0):
    xs = np.linspace(-2, 2, n) + shift
    return np.meshgrid(xs, xs, indexing="ij")


def check(results, x, y):
    for got, want in zip(results, by_hand(x, y), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-9)


def test_results_let_go_are_reused_and_right():
    fn = parse(TEXT)
    x, y = grid(64)
    first = fn.derivatives(x, y)
    ids = [id(a) for a in first]
    check(first, x, y)
    del first
    x2, y2 = grid(64, shift=0.5)
    second = fn.derivatives(x2, y2)
    assert [id(a) for a in second] == ids  # the same memory, warm
    check(second, x2, y2)


def test_results_still_held_are_never_written_over():
    fn = parse(TEXT)
    x, y = grid(64)
    kept = fn.derivatives(x, y)
    copies = [a.copy() for a in kept]
    view = fn.derivatives(x, y)[3][10:20]  # only a view of one result survives the statement
    seen = view.copy()
    x2, y2 = grid(64, shift=0.7)
    for _ in range(3):
        check(fn.derivatives(x2, y2), x2, y2)
    for a, c in zip(kept, copies, strict=True):
        np.testing.assert_array_equal(a, c)
    np.testing.assert_array_equal(view, seen)
    np.testing.assert_allclose(view, by_hand(x, y)[3][10:20], rtol=1e-12)


def test_big_results_are_not_kept():
    fn = parse("x*y")
    n = int((kernels.RECYCLE_BYTES / 8) ** 0.5) + 8
    x, y = grid(n)
    first = fn.value_and_grad(x, y)
    assert first[0].nbytes > kernels.RECYCLE_BYTES
    del first
    assert not any(a.nbytes > kernels.RECYCLE_BYTES for a in fn.derived.grid_grad._returned.values())


def test_threads_calling_at_once_get_their_own_arrays():
    fn = parse(TEXT).prepare()
    grids = [grid(96, shift=0.1 * k) for k in range(4)]
    out: dict[int, tuple] = {}

    def work(k):
        for _ in range(20):
            out[k] = fn.derivatives(*grids[k])

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for k, results in out.items():
        check(results, *grids[k])
    arrays = [id(a) for results in out.values() for a in results]
    assert len(set(arrays)) == len(arrays)
