"""`gradviz landscape`: the slice written as .npz/JSON equals the library's, a session's network is used, and bad
input exits with 2 and a message naming the option."""

import json

import numpy as np
import pytest

import gradviz
from gradviz.cli import main
from gradviz.network import network_dataset

MODEL = gradviz.mlp([2, 6, 1], "tanh", "logistic")


def test_npz_and_json_hold_the_librarys_slice(tmp_path, capsys):
    out = tmp_path / "s.npz"
    assert main(["landscape", MODEL, "--data", "moons", "--train", "adam,lr=0.02,steps=50", "--directions", "pca",
                 "--grid", "9", "--span", "2", "-o", str(out)]) == 0
    saved = np.load(out)
    net = gradviz.parse_model(MODEL, network_dataset("moons", seed=0))
    run = gradviz.train(net, net.init(0), "adam", lr=0.02, steps=50)
    sl = gradviz.landscape(net, run.theta, directions="pca", run=run)
    axis = np.linspace(-2, 2, 9)
    np.testing.assert_array_equal(saved["losses"], sl.grid(axis, axis))
    np.testing.assert_array_equal(saved["path"], sl.project(run.thetas)[0])
    assert str(saved["kind"]) == "pca"
    doc_path = tmp_path / "s.json"
    assert main(["landscape", MODEL, "--data", "moons", "--grid", "5", "-o", str(doc_path)]) == 0
    doc = json.loads(doc_path.read_text())
    assert np.array(doc["losses"]).shape == (5, 5) and doc["kind"] == "filter" and doc["model"] == MODEL
    assert "wrote" in capsys.readouterr().out


def test_a_session_gives_the_model_data_and_run(tmp_path):
    from gradviz.model.network_training import NetworkState
    from gradviz.model.scene import Scene
    from gradviz.session import network as network_session
    from gradviz.session.store import save_session

    state = NetworkState()
    state.set_run(method="momentum", lr=0.1, steps=30)
    session = tmp_path / "net.gradviz.json"
    save_session(Scene(), session, {network_session.SECTION: network_session.to_dict(state)})
    out = tmp_path / "s.npz"
    assert main(["landscape", str(session), "--grid", "5", "-o", str(out)]) == 0
    assert np.load(out)["path"].shape == (31, 2)  # the session's 30 momentum steps, projected


@pytest.mark.parametrize("extra,words", [
    (["--grid", "5000"], "--grid"), (["--span", "0"], "--span"), (["--train", "sgdx"], "unknown method"),
    (["--scheduler", "tcp://127.0.0.1:9"], "in-process"), (["-o", "s.txt"], "--output"),
    (["--directions", "pca"], "needs the training run"),
])
def test_bad_input_exits_2_with_a_message(tmp_path, capsys, extra, words):
    args = ["landscape", MODEL, "--data", "moons", "--grid", "5", "-o", str(tmp_path / "s.npz"), *extra]
    assert main(args) == 2
    assert words in capsys.readouterr().err
