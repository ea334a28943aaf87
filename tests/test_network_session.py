"""The network tab's session section: saved, read back and restored, a run reproduces bit for bit; every bad
field is named by its path and changes nothing."""

import json

import numpy as np
import pytest

from gradviz.model.network_training import NetworkState
from gradviz.session import network as network_session
from gradviz.session.fields import SessionError


def _trained(state: NetworkState, steps: int = 30) -> np.ndarray:
    state.advance(steps)
    return state.trainer.x.copy()


def test_a_saved_run_reproduces_bit_for_bit():
    state = NetworkState()
    state.set_dataset("circles", rows=120, noise=0.05, seed=3)
    state.use_preset([2, 8, 1], "relu", "logistic")
    state.set_run(method="adam", lr=0.02, batch_size=16, steps=100, seed=7, held_out=0.25, schedule="cosine")
    state.landscape_settings = {"kind": "pca", "span": None, "resolution": 61}
    state.scheduler = "local"
    saved = json.loads(json.dumps(network_session.to_dict(state)))  # through the file format
    expected = _trained(state)
    again = NetworkState()
    network_session.restore(again, network_session.read_section(saved))
    assert again.text == state.text and again.method == "adam" and again.held_out == 0.25
    assert again.landscape_settings == {"kind": "pca", "span": None, "resolution": 61} and again.scheduler == "local"
    assert again.schedule == "cosine" and again.trainer.lrs[-1] < 0.02 * 1e-3  # annealed over the 100 steps
    np.testing.assert_array_equal(again.data["X"], state.data["X"])
    np.testing.assert_array_equal(_trained(again), expected)


def test_a_csv_source_is_saved_by_path_and_columns(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("a,b,y\n" + "".join(f"{i * 0.1},{(i * 7) % 5 * 0.2},{i % 2}\n" for i in range(40)))
    state = NetworkState()
    assert state.set_csv(str(path), ["b", "a"], "y")
    saved = network_session.to_dict(state)
    assert saved["data"] == {"csv": str(path), "x_columns": ["b", "a"], "target": "y"}
    again = NetworkState()
    network_session.restore(again, network_session.read_section(saved))
    np.testing.assert_array_equal(again.data["X"], state.data["X"])
    assert again.csv == (str(path), ["b", "a"], "y")


@pytest.mark.parametrize("change,where", [
    (lambda s: s["run"].update(lr=-1.0), "network.run.lr"),
    (lambda s: s["run"].update(method="sgdx"), "network.run.method"),
    (lambda s: s["data"].update(dataset="nope"), "network.data.dataset"),
    (lambda s: s.update(model="W: 3\nmean(X@W)"), "network.model"),
    (lambda s: s["run"].update(held_out=0.95), "network.run.held_out"),
    (lambda s: s["run"].update(schedule="weekly"), "network.run.schedule"),
    (lambda s: s["landscape"].update(kind="diagonal"), "network.landscape.kind"),
    (lambda s: s["landscape"].update(resolution=2), "network.landscape.resolution"),
])
def test_bad_fields_are_named_by_their_path(change, where):
    saved = network_session.to_dict(NetworkState())
    change(saved)
    with pytest.raises(SessionError, match=where.replace(".", r"\.")):
        network_session.read_section(saved)
