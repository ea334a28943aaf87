"""GUI fixtures: a real window on Xvfb with Mesa's software OpenGL, settings kept in a temp file."""

import gc

import numpy as np
import pytest
from PySide6 import QtCore, QtGui

QtCore.QCoreApplication.setAttribute(QtCore.Qt.ApplicationAttribute.AA_ShareOpenGLContexts)


@pytest.fixture(autouse=True)
def _recovery_in_tmp(tmp_path, monkeypatch):
    """Autosave recovery files go to a temporary folder, never the user's."""
    monkeypatch.setenv("GRADVIZ_RECOVERY_DIR", str(tmp_path / "recovery"))


@pytest.fixture(autouse=True)
def _collect_garbage_after():
    """After each GUI test (and after qtbot closed its widgets), the deleted widgets' objects are collected here, on
    the GUI thread, while Qt is whole, rather than by whichever thread happens to trigger a collection later."""
    yield
    QtCore.QCoreApplication.sendPostedEvents(None, QtCore.QEvent.Type.DeferredDelete)
    gc.collect()


@pytest.fixture
def window(qtbot, tmp_path, capsys):
    from gradviz.gui.main_window import MainWindow
    from gradviz.gui.qt_setup import ensure_app
    from gradviz.model.scene import Scene

    ensure_app()
    settings = QtCore.QSettings(str(tmp_path / "settings.ini"), QtCore.QSettings.Format.IniFormat)
    win = MainWindow(Scene(), settings)
    win.files.ask_unsaved = lambda: "discard"  # closing at teardown must not wait for a question
    qtbot.addWidget(win)
    win.resize(1500, 950)
    win.show()
    qtbot.waitExposed(win)
    yield win
    qtbot.wait(50)  # let pending paints run
    err = capsys.readouterr().err
    assert "exception caught" not in err and "Traceback" not in err, err  # pyqtgraph prints paint errors


def _tool_window(qtbot, window, name: str):
    getattr(window, f"show_{name}")()
    tool = getattr(window, name)
    qtbot.waitExposed(tool)
    return tool


@pytest.fixture
def dwin(qtbot, window):
    """The Loss on data window, open and shown; its background work finished at teardown."""
    w = _tool_window(qtbot, window, "data_window")
    yield w
    w.work.wait()


@pytest.fixture
def mwin(qtbot, window):
    """The Matrix calculus window, open and shown."""
    return _tool_window(qtbot, window, "matrix_window")


def image_array(image: QtGui.QImage) -> np.ndarray:
    """An RGB array (h, w, 3) of a QImage (a copy: the converted image it is read from is freed on return)."""
    img = image.convertToFormat(QtGui.QImage.Format.Format_RGB888)
    w, h = img.width(), img.height()
    data = np.frombuffer(img.constBits(), dtype=np.uint8, count=img.bytesPerLine() * h)
    return data.reshape(h, img.bytesPerLine())[:, : 3 * w].reshape(h, w, 3).copy()


def drag(qtbot, view, start: QtCore.QPoint, end: QtCore.QPoint, steps: int = 8) -> None:
    """Press at start, move in steps, release at end, on a pyqtgraph view's viewport."""
    from PySide6.QtTest import QTest

    port = view.viewport()
    left = QtCore.Qt.MouseButton.LeftButton
    QTest.mousePress(port, left, QtCore.Qt.KeyboardModifier.NoModifier, start)
    for k in range(1, steps + 1):
        p = start + (end - start) * (k / steps)
        QTest.mouseMove(port, p)
        qtbot.wait(5)
    QTest.mouseRelease(port, left, QtCore.Qt.KeyboardModifier.NoModifier, end)


def settle(qtbot, window, timeout: int = 20_000) -> None:
    """Wait until the scene's work off the GUI thread is done and shown (the full sample replaced its preview,
    the whole paths their first steps)."""
    from gradviz.gui.widgets.lazy import redraws_waiting

    scene = window.scene
    qtbot.waitUntil(lambda: not scene.busy and not scene.sample().coarse and not redraws_waiting(), timeout=timeout)
