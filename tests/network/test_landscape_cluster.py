"""Landscape grids on a real Dask LocalCluster (two single-threaded worker processes): the same values as
in-process, bit for bit; a worker killed mid-grid is survived; an unreachable scheduler is reported quickly."""

import os
import signal
import time

import numpy as np
import pytest

import gradviz
from gradviz.landscape.cluster import ClusterError, close, connect
from gradviz.network import network_dataset, parse_model


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    client = connect("local", workers=2, local_directory=str(tmp_path_factory.mktemp("dask")))
    yield client
    close(client)


@pytest.fixture(scope="module")
def sl():
    net = parse_model(gradviz.mlp([2, 8, 8, 1], "tanh", "logistic"), network_dataset("moons", rows=300))
    return gradviz.landscape(net, net.init(0), directions="filter", seed=1)


def test_the_cluster_gives_the_in_process_values_bit_for_bit(client, sl):
    alphas, betas = np.linspace(-1, 1, 9), np.linspace(-1, 1, 7)
    seen = []
    remote = sl.grid(alphas, betas, client=client, progress=seen.append)
    np.testing.assert_array_equal(remote, sl.grid(alphas, betas))
    assert len(seen) == 9 and seen[-1] == 1.0


def test_a_worker_killed_mid_grid_is_survived(client, sl):
    alphas, betas = np.linspace(-1, 1, 40), np.linspace(-1, 1, 40)
    pids = client.run(os.getpid)
    killed = []

    def kill_one(fraction: float) -> None:
        if not killed:
            pid = next(iter(pids.values()))
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    remote = sl.grid(alphas, betas, client=client, progress=kill_one)
    assert killed
    np.testing.assert_array_equal(remote, sl.grid(alphas, betas))
    client.wait_for_workers(2, timeout=60)  # the nanny restarted it


def test_an_unreachable_scheduler_is_reported_within_seconds():
    start = time.perf_counter()
    with pytest.raises(ClusterError, match="in-process"):
        connect("tcp://127.0.0.1:9")  # nothing listens on the discard port
    assert time.perf_counter() - start < 15
