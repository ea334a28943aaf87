"""A layered drawing of a computation graph: inputs on the left, f on the right, each node in
the column of its longest path from the inputs, rows ordered to avoid edge crossings."""

from __future__ import annotations

from collections.abc import Sequence


def pull_right(layers: Sequence[int], edges: Sequence[tuple[int, int]], keep: Sequence[int] = ()) -> list[int]:
    """Each node moved as far right as its consumers allow (one column before the nearest), the
    output staying in the last column and the nodes in `keep` (inputs) where they are. Columns then
    hold fewer nodes: a term of a long sum sits beside the addition that uses it."""
    out = list(layers)
    consumers: dict[int, list[int]] = {i: [] for i in range(len(layers))}
    for a, b in edges:
        consumers[a].append(b)
    for i in sorted(range(len(layers)), key=lambda k: -layers[k]):
        if i in keep or not consumers[i]:
            continue
        out[i] = max(out[i], min(out[c] for c in consumers[i]) - 1)
    return out


def layer_orders(layers: Sequence[int], edges: Sequence[tuple[int, int]], sweeps: int = 8) -> list[list[int]]:
    """Node indices per layer, ordered by the barycentre heuristic (sweeps down and up),
    keeping the best ordering found."""
    depth = max(layers, default=0)
    columns: list[list[int]] = [[] for _ in range(depth + 1)]
    for i, layer in enumerate(layers):
        columns[layer].append(i)
    preds: dict[int, list[int]] = {i: [] for i in range(len(layers))}
    succs: dict[int, list[int]] = {i: [] for i in range(len(layers))}
    for a, b in edges:
        preds[b].append(a)
        succs[a].append(b)
    best = [list(c) for c in columns]
    best_cross = crossings(best, edges, layers)

    def position(order: list[list[int]]) -> dict[int, float]:
        pos = {}
        for col in order:
            for r, i in enumerate(col):
                pos[i] = r - 0.5 * (len(col) - 1)
        return pos

    for sweep in range(sweeps):
        forward = sweep % 2 == 0
        cols = range(1, depth + 1) if forward else range(depth - 1, -1, -1)
        for c in cols:
            pos = position(columns)
            nbrs = preds if forward else succs

            def key(i: int, pos: dict[int, float] = pos, nbrs: dict = nbrs) -> float:
                near = [pos[j] for j in nbrs[i]]
                return sum(near) / len(near) if near else pos[i]

            columns[c] = sorted(columns[c], key=key)
        now = crossings(columns, edges, layers)
        if now < best_cross:
            best, best_cross = [list(c) for c in columns], now
    return best


def crossings(columns: Sequence[Sequence[int]], edges: Sequence[tuple[int, int]], layers: Sequence[int]) -> int:
    """How many pairs of edges cross, counting each edge as a straight line between its columns'
    rows, interpolated in the columns it skips."""
    row = {}
    for col in columns:
        for r, i in enumerate(col):
            row[i] = r - 0.5 * (len(col) - 1)
    total = 0
    segs = [(layers[a], row[a], layers[b], row[b]) for a, b in edges]
    for k, (l1, r1, m1, s1) in enumerate(segs):
        for l2, r2, m2, s2 in segs[k + 1:]:
            lo, hi = max(l1, l2), min(m1, m2)
            if hi <= lo:
                continue

            def at(layer: float, start: int, r0: float, end: int, r1: float) -> float:
                return r0 + (r1 - r0) * (layer - start) / (end - start)

            d_lo = at(lo, l1, r1, m1, s1) - at(lo, l2, r2, m2, s2)
            d_hi = at(hi, l1, r1, m1, s1) - at(hi, l2, r2, m2, s2)
            if d_lo * d_hi < 0:
                total += 1
    return total


def layout(layers: Sequence[int], edges: Sequence[tuple[int, int]], dx: float = 1.0,
           dy: float = 1.0) -> dict[int, tuple[float, float]]:
    """(x, y) per node: x from the layer, y from the row (rows centred on 0)."""
    pos = {}
    for c, col in enumerate(layer_orders(layers, edges)):
        for r, i in enumerate(col):
            pos[i] = (c * dx, (r - 0.5 * (len(col) - 1)) * dy)
    return pos
