"""Images and movies out of the window: the 3D view rendered offscreen at any size, the 2D
views through pyqtgraph's exporters (PNG, SVG), the whole window, and descent playback as GIF/MP4."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pyqtgraph.exporters  # noqa: F401 (registers the exporters)
from PySide6 import QtCore, QtGui, QtWidgets

from gradviz.export.formats import resolve
from gradviz.gui.files.staged_export import Stages, run_stages, write_file


def render_3d(view: QtWidgets.QWidget, width: int, height: int, scale: float = 1.0,
              transparent: bool = False) -> QtGui.QImage:
    """The 3D view rendered offscreen at (width × scale, height × scale) pixels, not a screen grab: a
    twin SurfaceView of that size, never shown on screen, with the same scene and camera, draws into
    its own framebuffer. (pyqtgraph's renderToArray drops depth-tested items under Mesa here.)"""
    return run_stages(render_3d_stages(view, width, height, scale, transparent))


def render_3d_stages(view: QtWidgets.QWidget, width: int, height: int, scale: float = 1.0,
                     transparent: bool = False) -> Stages:
    """`render_3d` in stages (see `staged_export`): the twin's surface built; drawn and read back; converted."""
    from gradviz.gui.views.surface_view import SurfaceView

    w, h = max(16, round(width * scale)), max(16, round(height * scale))
    twin = SurfaceView(view.scene)
    try:
        twin.setAttribute(QtCore.Qt.WidgetAttribute.WA_DontShowOnScreen)
        twin.setMinimumSize(16, 16)
        twin.resize(w, h)
        background = view.opts["bgcolor"]
        twin.opts["bgcolor"] = (*background[:3], 0.0) if transparent else background
        if transparent:
            fmt = QtGui.QSurfaceFormat(twin.format())
            fmt.setAlphaBufferSize(8)  # keep the cleared background's zero alpha in the framebuffer
            twin.setFormat(fmt)
        if scale != 1.0:
            twin.text_scale = scale
            twin._built = None  # rebuild the labels at the new size
            twin.rebuild()
        yield 0.3
        twin.show()
        twin.apply_camera(view.camera_state())
        image = twin.grabFramebuffer()  # in the stage that showed it (drawn after a pass of the loop, it was black)
        if image.size() != QtCore.QSize(w, h):
            image = image.scaled(w, h, QtCore.Qt.AspectRatioMode.IgnoreAspectRatio,
                                 QtCore.Qt.TransformationMode.SmoothTransformation)
        yield 0.9
        return image.convertToFormat(QtGui.QImage.Format.Format_ARGB32)
    finally:
        twin.detach()
        twin.hide()
        twin.deleteLater()


def export_3d_png(view: pg.opengl.GLViewWidget, path: str, width: int, height: int, scale: float = 1.0,
                  transparent: bool = False) -> None:
    write_file(path, render_3d(view, width, height, scale, transparent))


def plot_stages(plot_item: pg.PlotItem, vector: bool, width: int | None = None) -> Stages:
    """A 2D view drawn by pyqtgraph's exporters in stages (see `staged_export`): SVG bytes when `vector`, else an
    image `width` pixels wide (Qt writes it in the format its path's suffix names)."""
    yield 0.1
    if vector:
        return pg.exporters.SVGExporter(plot_item).export(toBytes=True)
    exporter = pg.exporters.ImageExporter(plot_item)
    if width:
        exporter.parameters()["width"] = int(width)
    return exporter.export(toBytes=True)


def export_plot(plot_item: pg.PlotItem, path: str, width: int | None = None) -> None:
    """A 2D view in a "plot" format of the table (PNG at `width` pixels, SVG, …), with pyqtgraph's exporters."""
    path, fmt = resolve(path, "plot", "a 2D view")
    write_file(path, run_stages(plot_stages(plot_item, fmt.render == "vector", width)))


def grab_with_gl(widget: QtWidgets.QWidget, gl_views: list[QtWidgets.QWidget]) -> QtGui.QImage:
    """A widget's image with its OpenGL children's frames (overlays included) painted in."""
    image = widget.grab().toImage()
    painter = QtGui.QPainter(image)
    ratio = image.devicePixelRatio()
    for gl_view in gl_views:
        if gl_view.isVisible() and widget.isAncestorOf(gl_view):
            frame = gl_view.grabFramebuffer()
            top_left = gl_view.mapTo(widget, QtCore.QPoint(0, 0))
            painter.drawImage(QtCore.QRectF(top_left.x(), top_left.y(), gl_view.width(), gl_view.height()), frame)
    painter.end()
    image.setDevicePixelRatio(ratio)
    return image


def image_to_rgb(image: QtGui.QImage) -> np.ndarray:
    img = image.convertToFormat(QtGui.QImage.Format.Format_RGB888)
    w, h = img.width(), img.height()
    data = np.frombuffer(img.constBits(), dtype=np.uint8, count=img.bytesPerLine() * h)
    return data.reshape(h, img.bytesPerLine())[:, : 3 * w].reshape(h, w, 3).copy()


VIDEO_HELP = ("MP4 export needs ffmpeg, which comes with gradviz's optional 'video' extra: "
              "pip install \".[video]\" in a checkout of gradviz (it adds imageio-ffmpeg). GIF needs nothing more.")


def require_video() -> None:
    """RuntimeError with the install hint when MP4 cannot be written here."""
    import importlib.util

    if importlib.util.find_spec("imageio_ffmpeg") is None:
        raise RuntimeError(VIDEO_HELP)


class GifWriter:
    """An animated GIF whose frames share one palette, taken from the first frame, without dithering: what does not
    change between frames is then the same bytes, and Pillow stores only the part that changed (a playback of
    800×600 frames went from 2.7 MB to a fraction of that)."""

    def __init__(self, path: str, fps: int) -> None:
        self.path, self.duration = path, round(1000.0 / fps)
        self.frames: list = []
        self.palette = None

    def append_data(self, rgb: np.ndarray) -> None:
        from PIL import Image

        image = Image.fromarray(np.ascontiguousarray(rgb[..., :3]))
        if self.palette is None:
            self.palette = image.quantize(colors=255, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        self.frames.append(image.quantize(palette=self.palette, dither=Image.Dither.NONE))

    def close(self) -> None:
        if self.frames:
            first, *rest = self.frames
            first.save(self.path, save_all=True, append_images=rest, duration=self.duration, loop=0)
            self.frames = []


def export_movie(path: str, frames: int, render_frame: Callable[[int], QtGui.QImage], fps: int = 20,
                 progress: Callable[[int], bool] | None = None) -> int:
    """Write `frames` frames (render_frame(k) → image) as an animated GIF or an MP4, by suffix.

    `progress(k)` is called before each frame and may return False to cancel (the partial file is
    removed). Returns the number of frames written.
    """
    import imageio.v2 as imageio

    path, fmt = resolve(path, "movie", "a movie")
    if fmt.render == "gif":
        writer = GifWriter(path, fps)
    else:
        require_video()
        writer = imageio.get_writer(path, fps=fps, codec="libx264", quality=7, macro_block_size=1)
    written = 0
    try:
        for k in range(frames):
            if progress is not None and progress(k) is False:
                writer.close()
                Path(path).unlink(missing_ok=True)
                return written
            rgb = image_to_rgb(render_frame(k))
            if fmt.render == "mp4":  # H.264 wants even sizes
                rgb = rgb[: rgb.shape[0] // 2 * 2, : rgb.shape[1] // 2 * 2]
            writer.append_data(rgb)
            written += 1
    finally:
        writer.close()
    return written
