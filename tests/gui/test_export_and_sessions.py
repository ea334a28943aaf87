"""Exports from the window are valid files; sessions save, open, mark changes and recover."""

import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PySide6 import QtGui, QtWidgets

from gradviz.session import scene_to_dict

from .conftest import image_array


def _png(path):
    image = QtGui.QImage(str(path))
    assert not image.isNull(), f"{path} does not decode"
    return image


def _not_blank(image, min_colours=50):
    pixels = image_array(image)
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) >= min_colours


def test_3d_png_is_rendered_offscreen_at_the_requested_size(qtbot, window, tmp_path):
    path = tmp_path / "surface.png"
    window.files.exports.export_3d(str(path), 320, 240, scale=2.0)
    image = _png(path)
    assert (image.width(), image.height()) == (640, 480)
    _not_blank(image, 200)
    clear = tmp_path / "clear.png"
    window.files.exports.export_3d(str(clear), 200, 150, transparent=True)
    alpha = QtGui.QColor(_png(clear).pixelColor(2, 2)).alpha()
    assert alpha < 255


@pytest.mark.parametrize("view", ["contour", "loss", "slice"])
def test_2d_views_as_png_and_svg(qtbot, window, tmp_path, view):
    png = tmp_path / f"{view}.png"
    window.files.exports.export_view(view, str(png), width=900)
    image = _png(png)
    assert image.width() == 900
    _not_blank(image, 20)
    svg = tmp_path / f"{view}.svg"
    window.files.exports.export_view(view, str(svg))
    root = ET.parse(svg).getroot()
    paths = [e for e in root.iter() if e.tag.endswith("path") or e.tag.endswith("polyline")]
    assert len(paths) > 3


def test_window_png_and_copy_image(qtbot, window, tmp_path):
    path = tmp_path / "window.png"
    window.files.exports.export_window(str(path))
    image = _png(path)
    assert image.width() >= window.width() - 1
    _not_blank(image, 200)
    window.files.exports.copy_image()
    assert not QtWidgets.QApplication.clipboard().image().isNull()


def test_trajectory_and_critical_exports(qtbot, window, tmp_path):
    window.files.exports.export_trajectories(str(tmp_path / "t.csv"))
    window.files.exports.export_trajectories(str(tmp_path / "t.json"))
    window.files.exports.export_critical(str(tmp_path / "c.csv"))
    lines = (tmp_path / "t.csv").read_text().splitlines()
    runs = window.scene.descent.trajectories()
    assert len(lines) == 1 + sum(len(t.points) for _, _, t in runs)
    assert (tmp_path / "c.csv").read_text().count("\n") == 1 + len(window.scene.search_critical_points().points)
    assert window.scene.found_critical_points is None  # the export searched for itself


def test_playback_gif_has_the_expected_frames_and_mp4_is_written(qtbot, window, tmp_path):
    import imageio.v2 as imageio

    gif = tmp_path / "descent.gif"
    written = window.files.exports.export_playback(str(gif), frames=12, fps=10)
    assert written == 12
    frames = imageio.mimread(gif)
    assert len(frames) == 12 and frames[0].shape[0] > 100
    assert not np.array_equal(frames[0], frames[-1])  # the paths grow
    assert window.scene.descent.playback is None  # back to the whole paths
    mp4 = tmp_path / "descent.mp4"
    assert window.files.exports.export_playback(str(mp4), frames=6, fps=10) == 6
    assert mp4.stat().st_size > 1000


def test_cancelled_playback_export_leaves_no_file(qtbot, window, tmp_path):
    from gradviz.gui.files import exporting

    path = tmp_path / "stop.gif"
    n = exporting.export_movie(str(path), 10, lambda k: window.contour.grab().toImage(), 10,
                               progress=lambda k: k < 3)
    assert n == 3 and not path.exists()


def test_save_open_and_the_unsaved_mark(qtbot, window, tmp_path):
    files = window.files
    assert not window.isWindowModified()
    window.scene.set_probe(1.0, 1.0)
    assert window.isWindowModified() and "[*]" in window.windowTitle()
    path = tmp_path / "mine.gradviz.json"
    assert files.sessions.save_to(path)
    assert not window.isWindowModified() and window.windowTitle().startswith("mine.gradviz.json")
    saved = scene_to_dict(window.scene)
    window.scene.set_expression("x*y")
    assert window.isWindowModified()
    assert files.sessions.open(path)
    assert scene_to_dict(window.scene) == saved and not window.isWindowModified()
    assert str(path) in files.sessions.recent_files()


def test_opening_a_corrupt_file_warns_and_keeps_the_scene(qtbot, window, tmp_path):
    warnings = []
    window.files.warn = lambda parent, title, text: warnings.append(text)
    bad = tmp_path / "bad.gradviz.json"
    bad.write_text('{"format": "gradviz-session", "version": 1, "function": "x +')
    before = scene_to_dict(window.scene)
    assert not window.files.sessions.open(bad)
    assert scene_to_dict(window.scene) == before
    assert warnings and "corrupt or truncated" in warnings[0] and "unchanged" in warnings[0]


def test_autosave_and_recovery_after_a_crash(qtbot, window, tmp_path):
    from gradviz.gui.main_window import MainWindow
    from gradviz.model.scene import Scene

    window.scene.set_expression("sin(x) + y^2")
    window.files.sessions.autosave()
    own = window.files.sessions.recovery.path
    assert own.exists()
    settings = window.settings
    running = MainWindow(Scene(), settings)  # a second instance while the first runs: nothing to offer
    running.files.ask_unsaved = lambda: "discard"
    qtbot.addWidget(running)
    assert not running.files.sessions.offer_recovery(ask=lambda text: True)
    assert own.exists()
    # a "crash": the first instance's lock goes away as its process would, the file stays
    window.files.sessions.recovery._lock.unlock()
    again = MainWindow(Scene(), settings)
    again.files.ask_unsaved = lambda: "discard"
    qtbot.addWidget(again)
    questions = []
    assert again.files.sessions.offer_recovery(ask=lambda text: questions.append(text) or True)
    assert again.scene.function.text == "sin(x) + y^2" and again.isWindowModified()
    assert "did not close normally" in questions[0]
    assert not own.exists()  # restored: offered once
    assert not again.files.sessions.offer_recovery(ask=lambda text: True)


def test_quitting_with_unsaved_changes_asks(qtbot, window):
    asked = []
    window.files.ask_unsaved = lambda: asked.append(1) or "cancel"
    window.scene.set_probe(0.1, 0.2)
    window.close()
    assert asked and window.isVisible()  # cancelled: still open
    window.files.ask_unsaved = lambda: "discard"


def test_dropping_a_session_on_the_window_opens_it(qtbot, window, tmp_path):
    from PySide6 import QtCore, QtGui

    from gradviz.model.scene import Scene
    from gradviz.session import save_session

    other = Scene()
    other.set_expression("x^2 - y")
    path = tmp_path / "dropped.gradviz.json"
    save_session(other, path)
    mime = QtCore.QMimeData()
    mime.setUrls([QtCore.QUrl.fromLocalFile(str(path))])
    pos = QtCore.QPointF(200, 200)
    enter = QtGui.QDragEnterEvent(pos.toPoint(), QtCore.Qt.DropAction.CopyAction, mime,
                                  QtCore.Qt.MouseButton.LeftButton, QtCore.Qt.KeyboardModifier.NoModifier)
    window.dragEnterEvent(enter)
    assert enter.isAccepted()
    drop = QtGui.QDropEvent(pos, QtCore.Qt.DropAction.CopyAction, mime, QtCore.Qt.MouseButton.LeftButton,
                            QtCore.Qt.KeyboardModifier.NoModifier)
    window.dropEvent(drop)
    assert window.scene.function.text == "x^2 - y"
    # the macOS file-open event goes the same way
    from gradviz.gui.app import FileOpener

    other.set_expression("x*y*y")
    save_session(other, path)
    opener = FileOpener(window)
    assert opener.eventFilter(window, QtGui.QFileOpenEvent(str(path)))
    assert window.scene.function.text == "x*y*y"


def test_mp4_without_ffmpeg_says_what_to_install(qtbot, window, tmp_path, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "imageio_ffmpeg" else real(name, *a))
    with pytest.raises(RuntimeError, match=r"video.*extra"):
        window.files.exports.export_playback(str(tmp_path / "x.mp4"), frames=2)
    assert window.files.exports.export_playback(str(tmp_path / "x.gif"), frames=2) == 2  # GIF needs nothing more


def test_the_about_box_and_the_window_icon(qtbot, window):
    from PySide6 import QtWidgets

    assert not QtWidgets.QApplication.windowIcon().isNull()
    assert QtWidgets.QApplication.desktopFileName() == "gradviz"
    menus = window.menuBar().findChildren(QtWidgets.QMenu)
    texts = [a.text() for m in menus for a in m.actions()]
    assert "About &Qt" in texts and "&About gradviz" in texts


def test_a_picture_format_is_one_entry_in_the_table(qtbot, window, tmp_path):
    """JPEG registered as a raster "plot" format: the window's export writes it, and the dialog offers it."""
    from gradviz.export.formats import FORMATS, ExportFormat, dialog_filter, register

    saved = list(FORMATS)
    try:
        register(ExportFormat("plot", ".jpg", "JPEG image", "raster"))
        assert "JPEG image (*.jpg)" in dialog_filter("plot")
        out = tmp_path / "contour.jpg"
        window.files.exports.export_view("contour", str(out), width=400)
        assert out.read_bytes()[:3] == b"\xff\xd8\xff"  # a JPEG file's signature
    finally:
        FORMATS[:] = saved


def test_exports_change_nothing_in_the_scene(qtbot, window, tmp_path):
    """Exporting the critical points (never searched before), trajectories and a view leaves the scene as it was:
    quitting asks about nothing."""
    from gradviz.session import scene_to_dict

    window.files.sessions.save_to(str(tmp_path / "s.gradviz.json"))
    assert not window.isWindowModified()
    before = scene_to_dict(window.scene)
    exports = window.files.exports
    exports.export_critical(str(tmp_path / "c.csv"))
    exports.export_trajectories(str(tmp_path / "t.csv"))
    exports.export_view("contour", str(tmp_path / "c.png"), width=300)
    qtbot.wait(10)
    assert (tmp_path / "c.csv").read_text().count("\n") >= 9  # Himmelblau: 9 points, and the header
    assert scene_to_dict(window.scene) == before and not window.isWindowModified()
    assert window.scene.found_critical_points is None


def test_2d_exports_at_a_chosen_size_without_the_auto_range_button(qtbot, window, tmp_path):
    """The SVG and GIF came out at the on-screen size (497×260) with labels clipped, the GIF at 3.2 MB with
    pyqtgraph's "A" button in its frames. Now: the size asked, the button hidden, frames sharing a palette."""
    import imageio.v3 as iio

    exports = window.files.exports
    window.contour.resize(497, 260)  # as small as it was in the report
    svg = tmp_path / "contour.svg"
    exports.export_view("contour", str(svg), 1200, 900)
    head = svg.read_text()[:400]
    assert 'viewBox ="0 0 1200 900"' in head or 'viewBox="0 0 1200 900"' in head
    gif = tmp_path / "play.gif"
    assert exports.export_playback(str(gif), frames=12, size=(640, 480)) == 12
    frames = iio.imread(gif, index=None)
    assert frames.shape[:3] == (12, 480, 640)
    assert gif.stat().st_size < 12 * 640 * 480 * 0.25  # well under a quarter of a byte per pixel per frame
    assert window.scene.descent.playback is None  # the window's own playback was left alone


def test_the_twin_hides_pyqtgraphs_auto_range_button(qtbot, window):
    from gradviz.gui.files.twin_view import contour_twin

    with contour_twin(window.scene, 400, 300) as twin:
        assert twin.getPlotItem().buttonsHidden and twin.width() == 400
    with pytest.raises(ValueError, match="16 to 8000 pixels"):
        with contour_twin(window.scene, 40000, 300):
            pass
