"""Drawing the views to PNG or SVG without showing a window (for `gradviz render` and `gradviz.figure`).

The 3D view needs OpenGL on an X server: when there is no display, an Xvfb is started if the binary exists,
on the display number the server picks itself (`-displayfd`), so renders started together never collide; it
exits with this process. Qt keeps the platform it started on for the whole process, so the 2D views use that
Xvfb too when there is one to start: a 3D figure after a 2D one then still has OpenGL. Only without Xvfb do
the 2D views fall back to Qt's offscreen platform, and a 3D figure is then refused with a clear message.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import time

from gradviz.model.scene import Scene

XVFB_START_TIMEOUT = 20.0  # seconds


class RenderError(RuntimeError):
    """The figure cannot be made here (exit code 1)."""


def start_xvfb(width: int, height: int) -> subprocess.Popen | None:
    """An Xvfb on a display number it chose itself, with DISPLAY set; None when Xvfb is not
    installed or does not start."""
    binary = shutil.which("Xvfb")
    if binary is None:
        return None
    read_end, write_end = os.pipe()
    # -displayfd: the server picks a free display and writes its number to the pipe when it is ready;
    # -terminate: it exits by itself when this process, its last client, disconnects
    proc = subprocess.Popen([binary, "-displayfd", str(write_end), "-screen", "0",
                             f"{max(width, 1280)}x{max(height, 1024)}x24", "-nolisten", "tcp", "-terminate"],
                            pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    os.close(write_end)
    number = b""
    deadline = time.monotonic() + XVFB_START_TIMEOUT
    try:
        while not number.endswith(b"\n") and time.monotonic() < deadline:
            ready, _, _ = select.select([read_end], [], [], 0.1)
            if ready:
                chunk = os.read(read_end, 16)
                if not chunk:
                    break
                number += chunk
    finally:
        os.close(read_end)
    if not number.strip().isdigit():
        proc.kill()
        return None
    os.environ["DISPLAY"] = f":{int(number)}"
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    return proc


def _qt_connected() -> bool:
    """Whether a QApplication exists (then killing its X server would abort the process)."""
    from PySide6 import QtWidgets
    return QtWidgets.QApplication.instance() is not None


def _platform() -> str:
    """The platform Qt runs on in this process ("" before it starts)."""
    from PySide6 import QtGui
    return QtGui.QGuiApplication.platformName() if QtGui.QGuiApplication.instance() is not None else ""


NO_GL = ("the 3D view needs an X server for OpenGL, and there is no display and no Xvfb. Install Xvfb (Debian: "
         "apt-get install xvfb), run under xvfb-run, or use --view contour.")


def prepare_display(needs_gl: bool, size: tuple[int, int]) -> subprocess.Popen | None:
    """Make sure Qt will start (or has started) on a platform that can draw the figure: the display, an Xvfb
    started now (for 2D figures too, so that a later 3D one in the same process has OpenGL), or Qt's offscreen
    platform for 2D views when no Xvfb can be had. RenderError when a 3D view cannot be drawn here."""
    platform = _platform()
    if platform:  # Qt has started: it keeps its platform
        if needs_gl and platform == "offscreen":
            raise RenderError("this process started Qt without a display (offscreen), where the 3D view cannot be "
                              "drawn: draw 3D figures in a fresh Python process, or install Xvfb. " + NO_GL)
        return None
    if os.environ.get("DISPLAY"):
        return None
    xvfb = start_xvfb(*size)
    if xvfb is None:
        if needs_gl:
            raise RenderError(NO_GL)
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    return xvfb


def draw_headless(scene: Scene, view: str, size: tuple[int, int], out: str) -> None:
    """Draw `view` ("3d", "contour" or "both") of `scene` to `out`, starting an Xvfb when there is no display.
    RenderError when OpenGL cannot be had."""
    xvfb = prepare_display(view in ("3d", "both"), size)
    try:
        draw(scene, view, size, out)
    except BaseException:
        if xvfb is not None and os.environ.get("QT_QPA_PLATFORM") == "xcb" and not _qt_connected():
            xvfb.kill()
        raise


def draw_plot(scene: Scene, view: str, size: tuple[int, int], out: str) -> None:
    """The slice ("slice") or the loss curves ("loss") as PNG or SVG, on any platform (no OpenGL)."""
    prepare_display(False, size)
    from gradviz.gui.files.exporting import export_plot
    from gradviz.gui.qt_setup import ensure_app

    app = ensure_app()
    if view == "slice":
        from gradviz.gui.views.slice_view import SliceView
        widget = SliceView(scene)
        item = widget.getPlotItem()
    else:
        from gradviz.gui.views.loss_view import LossView
        widget = LossView(scene)
        item = widget.plot.getPlotItem()
    widget.resize(*size)
    widget.show()
    for _ in range(3):
        app.processEvents()
    widget.refresh()
    export_plot(item, out, width=size[0] if out.lower().endswith(".png") else None)
    widget.close()


def draw(scene: Scene, view: str, size: tuple[int, int], out: str) -> None:
    """Draw on the current display (or offscreen platform) and write `out`."""
    from PySide6 import QtCore, QtGui

    from gradviz.gui.files.exporting import export_plot, render_3d
    from gradviz.gui.qt_setup import ensure_app
    from gradviz.gui.views.contour_view import ContourView
    from gradviz.gui.widgets.theme import current

    app = ensure_app()
    w, h = size
    half = w // 2 if view == "both" else w
    images = []
    if view in ("3d", "both"):
        from gradviz.gui.views.surface_view import SurfaceView
        surface = SurfaceView(scene)
        surface.resize(half, h)
        surface.show()
        for _ in range(5):
            app.processEvents()
        images.append(render_3d(surface, half, h))
    if view in ("contour", "both"):
        contour = ContourView(scene)
        contour.resize(half, h)
        contour.show()
        for _ in range(3):
            app.processEvents()
        if view == "contour":
            export_plot(contour.getPlotItem(), out, width=w if out.lower().endswith(".png") else None)
            return
        images.append(contour.grab().toImage().scaled(half, h))
    canvas = QtGui.QImage(w, h, QtGui.QImage.Format.Format_ARGB32)
    canvas.fill(QtGui.QColor(current().plot_bg))
    painter = QtGui.QPainter(canvas)
    x = 0
    for image in images:
        painter.drawImage(QtCore.QPoint(x, 0), image)
        x += image.width()
    painter.end()
    if not canvas.save(out, "PNG"):
        raise RenderError(f"could not write {out}")
