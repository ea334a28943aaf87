"""A landscape grid computed in chunks, each a row of the grid evaluated batched: in-process on a thread pool by
default, or as tasks on a Dask cluster (the data scattered to the workers once, the rows streamed back as they
finish). The same chunks give the same numbers either way."""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable
from typing import Any

import numpy as np

from gradviz.data.heap import share_main_heap
from gradviz.network import Network, parse_model

MAX_GRID = 1001  # points per side
THREADS = 1  # in-process pool: measured on 2 cores, a 51² grid took 0.92 s on 1 thread and 1.20-1.37 s on 2
# (each batched pass streams tens of MB; two at once contend for memory and the GIL)
POINTS_PER_PASS = 64  # grid points evaluated together in one batched pass (bounds the memory of a pass)
Progress = Callable[[float], None]
_networks: dict[tuple[str, int], Network] = {}  # on a Dask worker: the model, parsed once per scattered data


def plane_points(center: np.ndarray, d1: np.ndarray, d2: np.ndarray, alphas: np.ndarray, betas: np.ndarray
                 ) -> np.ndarray:
    """θ + αd₁ + βd₂ for each pair of the vectors `alphas`, `betas`: shape (len(alphas), size)."""
    return center + np.asarray(alphas)[:, None] * d1 + np.asarray(betas)[:, None] * d2


def chunk_losses(net: Network, center: np.ndarray, d1: np.ndarray, d2: np.ndarray, alpha: float,
                 betas: np.ndarray) -> np.ndarray:
    """The losses at θ = center + α d1 + β d2 for each β: one row of the grid, in batched passes."""
    out = np.empty(len(betas))
    for start in range(0, len(betas), POINTS_PER_PASS):
        b = betas[start: start + POINTS_PER_PASS]
        out[start: start + len(b)] = net.losses(plane_points(center, d1, d2, np.full(len(b), alpha), b))
    return out


def _remote_row(text: str, data: dict[str, np.ndarray], center: np.ndarray, d1: np.ndarray, d2: np.ndarray,
                alpha: float, betas: np.ndarray) -> np.ndarray:
    """A grid row on a Dask worker: the model parsed once per (text, scattered data) and kept."""
    key = (text, id(data))
    if key not in _networks:
        _networks.clear()
        _networks[key] = parse_model(text, data)
    return chunk_losses(_networks[key], center, d1, d2, alpha, betas)


def grid_losses(net: Network, center: np.ndarray, d1: np.ndarray, d2: np.ndarray, alphas: np.ndarray,
                betas: np.ndarray, client: Any = None, progress: Progress | None = None,
                threads: int = THREADS) -> np.ndarray:
    """Losses of shape (len(alphas), len(betas)), row by row; `progress(fraction)` after each row (it may raise
    to cancel). With `client` (a dask.distributed Client) the rows are Dask tasks, retried when a worker dies; a
    row that fails for good raises RuntimeError naming the rows."""
    alphas, betas = np.asarray(alphas, dtype=np.float64), np.asarray(betas, dtype=np.float64)
    for name, axis in (("alphas", alphas), ("betas", betas)):
        if axis.ndim != 1 or not 1 <= len(axis) <= MAX_GRID:
            raise ValueError(f"{name} must be a vector of 1 to {MAX_GRID} values, got shape {axis.shape}")
        if not np.isfinite(axis).all():
            raise ValueError(f"{name} must be finite numbers")
    out = np.full((len(alphas), len(betas)), np.nan)
    done = 0

    def finished(row: int, values: np.ndarray) -> None:
        nonlocal done
        out[row] = values
        done += 1
        if progress is not None:
            progress(done / len(alphas))

    if client is not None:
        _on_cluster(client, net, center, d1, d2, alphas, betas, finished)
        return out
    share_main_heap()  # before the pool's threads first allocate: their freed blocks are kept, not faulted in again
    with concurrent.futures.ThreadPoolExecutor(threads, thread_name_prefix="gradviz-landscape") as pool:
        futures = {pool.submit(chunk_losses, net, center, d1, d2, float(a), betas): k for k, a in enumerate(alphas)}
        try:
            for future in concurrent.futures.as_completed(futures):
                finished(futures[future], future.result())
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    return out


def _on_cluster(client: Any, net: Network, center: np.ndarray, d1: np.ndarray, d2: np.ndarray, alphas: np.ndarray,
                betas: np.ndarray, finished: Callable[[int, np.ndarray], None]) -> None:
    from distributed import as_completed  # the optional extra, only when a cluster is given

    # once per grid, not with every task; unique keys (hash=False): re-scattering equal data under the same key
    # raced with the release of the previous grid's copy ("lost dependencies")
    [data] = client.scatter([net.data], broadcast=True, hash=False)  # one object per worker: parsed once there
    plane = client.scatter([center, d1, d2], broadcast=True, hash=False)
    futures = {client.submit(_remote_row, net.text, data, *plane, float(a), betas, retries=3, pure=False): k
               for k, a in enumerate(alphas)}
    failed = []
    try:
        for future in as_completed(futures):
            if future.status == "error":
                failed.append(futures[future])
                continue
            finished(futures[future], future.result())
    except BaseException:
        client.cancel(list(futures))
        raise
    if failed:
        raise RuntimeError(f"grid rows {sorted(failed)} failed on the cluster (the other rows are computed)")
