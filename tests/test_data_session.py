"""The Loss on data part of a session: what is saved comes back, and a bad section is refused by field."""

import json

import numpy as np
import pytest

from gradviz.data.datasets import make_dataset
from gradviz.model.loss_on_data import DataState
from gradviz.session import SessionError
from gradviz.session import loss_on_data as session


def _round_trip(state):
    again = DataState()
    session.restore(again, session.read_section(json.loads(json.dumps(session.to_dict(state)))))
    return again


def test_a_built_in_dataset_a_typed_loss_and_the_run_come_back():
    state = DataState("huber")
    state.load_dataset("linear")
    state.set_loss("f(w, b) = mean(abs(w*x + b - y))")
    state.set_run(method="adam", lr=0.2, steps=80, batch_size=10, seed=4, schedule="cosine")
    state.set_start(0.5, 1.5)
    state.set_probe(1.25, 3.5)
    again = _round_trip(state)
    assert again.preset.name == "huber" and again.dataset == "linear" and again.text == state.text
    assert np.array_equal(again.function.data["x"], make_dataset("linear")["x"])
    assert (again.method, again.lr, again.steps, again.batch_size, again.seed, again.schedule) == \
        ("adam", 0.2, 80, 10, 4, "cosine")
    assert np.array_equal(again.trajectory.points, state.trajectory.points)  # the same run, bit for bit
    assert again.start == (0.5, 1.5) and again.probe == (1.25, 3.5)


def test_a_csv_file_and_its_column_choice_come_back(tmp_path):
    path = tmp_path / "heights.csv"
    path.write_text("id,height,weight\n" + "".join(f"{k},{k / 10},{2 * k / 10 + 4.2}\n" for k in range(12)),
                    encoding="utf-8")
    state = DataState()
    assert state.load_csv(path, {"x": "height", "y": "weight"})
    saved = session.to_dict(state)
    assert saved["data"] == {"csv": str(path.resolve()), "columns": {"x": "height", "y": "weight"}}
    again = _round_trip(state)
    assert again.csv == state.csv and again.source == "heights.csv" and again.dataset is None
    assert np.array_equal(again.function.data["y"], state.function.data["y"])


@pytest.mark.parametrize("change, message", [
    (lambda d: d["run"].update(lr=-1), "loss_on_data.run.lr must be a positive number"),
    (lambda d: d.update(model="svm"), "loss_on_data.model: no 'svm'"),
    (lambda d: d["run"].update(schedule="warm"), "loss_on_data.run.schedule: no 'warm'"),
    (lambda d: d.update(data={"dataset": "blobs"}), "loss_on_data.data.dataset: the blobs data does not fit"),
    (lambda d: d.update(data={"csv": "/nowhere/data.csv"}), "loss_on_data.data.csv: data.csv: cannot read"),
    (lambda d: d.update(loss="f(w, b) = mean(w*z)"), "loss_on_data.loss: unknown name 'z'"),
    (lambda d: d.update(start=[1, "a"]), "loss_on_data.start[1] must be a number"),
])
def test_a_bad_section_names_its_field(change, message):
    data = session.to_dict(DataState())
    change(data)
    with pytest.raises(SessionError, match=message.replace("[", r"\[").replace("]", r"\]")):
        session.read_section(data)


def test_a_parameter_value_and_its_slider_range_come_back():
    state = DataState("ridge")
    state.set_parameter_range("lam", 0.0, 2.0)
    state.set_parameter("lam", 1.25)
    again = _round_trip(state)
    assert again.function.parameters == {"lam": 1.25} and again.parameter_ranges == {"lam": (0.0, 2.0)}
    assert np.array_equal(again.landscape()[2], state.landscape()[2])
    data = session.to_dict(state)
    data["parameters"]["lam"]["value"] = 9.0
    with pytest.raises(SessionError, match=r"loss_on_data.parameters.lam.value 9 is outside its range \[0, 2\]"):
        session.read_section(data)
