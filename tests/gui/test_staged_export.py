"""Big figures are exported in stages: the status bar shows the progress with a Cancel, the window's events run
between the stages, the runner writes the file, and a cancelled export writes nothing."""

from PySide6 import QtCore, QtGui

from .conftest import image_array


def _finish(qtbot, export):
    qtbot.waitUntil(lambda: not export.running, timeout=20_000)


def test_a_3d_figure_in_stages_shows_its_progress_and_writes_the_same_picture(qtbot, window, tmp_path):
    path = tmp_path / "surface.png"
    export = window.files.exports.export_3d_in_stages(str(path), 320, 240, scale=2.0)
    work = window.work
    assert work.isVisibleTo(window) and work.label.text() == "Exporting the 3D view…"  # at once, before any stage
    fractions = []
    export.changed.connect(lambda: fractions.append(export.fraction))
    seen = []  # what a timer of the window sees while the export runs: the loop turns between the stages
    timer = QtCore.QTimer()
    timer.setInterval(0)
    timer.timeout.connect(lambda: seen.append(export.fraction) if export.running else None)
    timer.start()
    _finish(qtbot, export)
    timer.stop()
    assert len(set(seen)) >= 3
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(fractions) >= 4
    image = QtGui.QImage(str(path))
    assert (image.width(), image.height()) == (640, 480)
    assert "Saved" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: not work.isVisibleTo(window))
    # the same picture as the export done at once
    at_once = tmp_path / "at_once.png"
    window.files.exports.export_3d(str(at_once), 320, 240, scale=2.0)
    a, b = image_array(image), image_array(QtGui.QImage(str(at_once)))
    assert a.shape == b.shape and (a != b).any(axis=-1).mean() < 0.01


def test_cancel_stops_an_export_and_writes_nothing(qtbot, window, tmp_path):
    path = tmp_path / "contour.png"
    ended = []
    export = window.files.exports.export_contour_in_stages(str(path), 1024, 1024)
    export.ended.connect(ended.append)
    window.work.cancel.click()  # the status bar's Cancel, before the first stage ran
    assert ended == [""] and not export.running
    qtbot.wait(200)
    assert not path.exists()
    assert not window.work.isVisibleTo(window)


def test_the_contour_view_as_svg_in_stages(qtbot, window, tmp_path):
    path = tmp_path / "contour"  # no suffix: the default format's is added, as the dialog does
    export = window.files.exports.export_contour_in_stages(str(path), 800, 600)
    _finish(qtbot, export)
    written = tmp_path / "contour.png"
    image = QtGui.QImage(str(written))
    assert image.width() == 800
    svg = tmp_path / "contour.svg"
    _finish(qtbot, window.files.exports.export_contour_in_stages(str(svg), 800, 600))
    assert svg.read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_a_path_it_cannot_write_is_a_message_not_a_task(qtbot, window, tmp_path, monkeypatch):
    warnings = []
    monkeypatch.setattr(window.files.sessions, "warn", lambda *a: warnings.append(a[2]))
    assert window.files.exports.export_3d_in_stages(str(tmp_path / "surface.svg"), 320, 240) is None
    assert warnings and ".png" in warnings[0]
    assert window.files.exports.export_contour_in_stages(str(tmp_path / "c.xlsx"), 320, 240) is None
    assert len(warnings) == 2 and not window.work.isVisibleTo(window)
    missing = tmp_path / "no_such_folder" / "surface.png"  # the runner cannot write it: a message, after the stages
    export = window.files.exports.export_3d_in_stages(str(missing), 200, 150)
    _finish(qtbot, export)
    assert len(warnings) == 3 and "could not write" in warnings[2]
