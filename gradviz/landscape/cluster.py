"""Connecting to a Dask cluster for landscape grids (the optional `cluster` extra): a scheduler's address, or
"local" for a LocalCluster of single-threaded worker processes on this machine. Without one, grids run
in-process and nothing needs starting."""

from __future__ import annotations

import os
from typing import Any

CONNECT_SECONDS = 5  # an unreachable scheduler is reported within this


class ClusterError(RuntimeError):
    """The cluster cannot be used; the message says why and offers the in-process path."""


def connect(scheduler: str, workers: int | None = None, local_directory: str | None = None) -> Any:
    """A dask.distributed Client: "local" starts a LocalCluster (`workers` processes, default one per core, one
    thread each); "tcp://HOST:PORT" connects to a running scheduler. ClusterError when Dask is not installed or the
    scheduler does not answer within CONNECT_SECONDS."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ClusterError("Dask is not installed: pip install 'gradviz[cluster]' (or leave the scheduler empty to "
                           "compute in-process)") from None
    if scheduler == "local":
        cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                               dashboard_address=None, local_directory=local_directory)
        return Client(cluster)
    try:
        return Client(scheduler, timeout=f"{CONNECT_SECONDS}s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(f"could not reach the Dask scheduler at {scheduler!r} within {CONNECT_SECONDS} s ({exc}); "
                           "leave the scheduler empty to compute in-process") from None


def close(client: Any) -> None:
    """Close the client, and the LocalCluster it started if any."""
    cluster = getattr(client, "cluster", None)
    client.close()
    if cluster is not None:
        cluster.close()
