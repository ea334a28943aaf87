"""The Matrix calculus window: the state drives the widgets, typing drives the state, bad input is
refused in place, and the exports hold what is shown."""

import json

import numpy as np
import pytest
from PySide6 import QtCore

from gradviz.matrix.presets import MATRIX_PRESETS


def test_opens_on_the_books_sign_and_flags_it(qtbot, mwin):
    mwin.state.check()
    assert "−1 × the gradient" in mwin.verdict.text()
    assert "(3, 4)" in mwin.shape_text.text()
    g = mwin.state.gradient()
    np.testing.assert_array_equal(mwin.heatmap.data, g)
    assert mwin.heatmap.labels[0].toPlainText() == f"{g[0, 0]:.3g}".replace("-", "−")


def test_typing_a_candidate_and_a_program(qtbot, mwin):
    mwin.candidate.setFocus()
    mwin.candidate.selectAll()
    qtbot.keyClicks(mwin.candidate, "-2*U.T@(X - U@V)")
    qtbot.keyClick(mwin.candidate, QtCore.Qt.Key.Key_Return)
    assert mwin.state.result.ok and "correct" in mwin.verdict.text()
    mwin.program.setFocus()
    mwin.program.selectAll()
    qtbot.keyClicks(mwin.program, "A: 4x4; x: 4; x@A@x")
    qtbot.keyClick(mwin.program, QtCore.Qt.Key.Key_Return)
    assert mwin.state.function.shapes == {"A": (4, 4), "x": (4,)}
    assert [mwin.variable.itemText(k) for k in range(mwin.variable.count())] == ["A", "x"]
    mwin.variable.setCurrentText("x")
    assert mwin.state.variable == "x" and mwin.heatmap.data.shape == (4, 1)  # a vector drawn as a column
    assert "vector" in mwin.shape_text.text()


def test_bad_input_is_refused_in_place_and_the_last_good_state_stays(qtbot, mwin):
    before = mwin.state.function.text
    mwin.program.setText("U: 6x3; X: 6x4; sum(U@X)")
    mwin.program.editingFinished.emit()
    assert mwin.state.function.text == before
    assert "do not align" in mwin.error.text() and mwin.error.isVisibleTo(mwin)
    mwin.typed.setText("V = [[1, 2], [3, 4]]")
    mwin.typed.returnPressed.emit()
    assert "shape (3, 4)" in mwin.error.text()
    assert mwin.state.typed == {}
    mwin.candidate.setText("-2*U.T@(X - U@V")
    mwin.check_button.click()
    assert "missing &#x27;)&#x27;" in mwin.verdict.text() and "in your formula" in mwin.verdict.text()


def test_typed_inputs_and_new_random_ones(qtbot, mwin):
    value = np.arange(12.0).reshape(3, 4)
    mwin.typed.setText("V = " + json.dumps(value.tolist()))
    mwin.typed.returnPressed.emit()
    np.testing.assert_array_equal(mwin.state.inputs()["V"], value)
    vals = mwin.state.inputs()
    np.testing.assert_allclose(mwin.heatmap.data, -2 * vals["U"].T @ (vals["X"] - vals["U"] @ value))
    first = mwin.heatmap.data.copy()
    mwin.redraw.click()
    assert mwin.state.seed == 1 and mwin.seed.value() == 1 and not mwin.state.typed
    assert not np.allclose(mwin.heatmap.data, first)


def test_presets_load_and_check(qtbot, mwin):
    for k, preset in enumerate(MATRIX_PRESETS, start=1):
        mwin.presets.setCurrentIndex(k)
        mwin.presets.activated.emit(k)
        assert mwin.state.function.text == preset.text
        assert mwin.candidate.text() == preset.candidate
        assert mwin.state.result is not None


def test_exports(qtbot, mwin, tmp_path):
    mwin.state.check()
    mwin.export_result(str(tmp_path / "r.json"))
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["gradient_shape"] == [3, 4] and data["check"]["scale"] == pytest.approx(-1.0)
    np.testing.assert_allclose(data["gradient"], mwin.state.gradient())
    mwin.export_result(str(tmp_path / "r.txt"))
    text = (tmp_path / "r.txt").read_text()
    assert "has shape (3, 4)" in text and "sign error" in text
    mwin.export_map(str(tmp_path / "m.png"))
    mwin.export_map(str(tmp_path / "m.svg"))
    assert (tmp_path / "m.png").stat().st_size > 2000
    assert "<svg" in (tmp_path / "m.svg").read_text()[:500]
    with pytest.raises(ValueError, match="png or .svg"):
        mwin.export_map(str(tmp_path / "m.jpg"))
