"""`gradviz render`: the views drawn to PNG or SVG without showing a window.

The 2D views work on Qt's offscreen platform. The 3D view needs OpenGL on an X server: when
there is no display, an Xvfb is started if the binary exists (and stopped at the end).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path


class RenderError(RuntimeError):
    """The figure cannot be made here (exit code 1)."""


def _start_xvfb(width: int, height: int) -> subprocess.Popen | None:
    """An Xvfb on a free display number, with DISPLAY set; None when Xvfb is not installed."""
    binary = shutil.which("Xvfb")
    if binary is None:
        return None
    for number in range(90, 140):
        if Path(f"/tmp/.X11-unix/X{number}").exists() or Path(f"/tmp/.X{number}-lock").exists():
            continue
        # -terminate: the server exits by itself when this process, its last client, disconnects
        proc = subprocess.Popen([binary, f":{number}", "-screen", "0", f"{max(width, 1280)}x{max(height, 1024)}x24",
                                 "-nolisten", "tcp", "-terminate"], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        for _ in range(100):
            if Path(f"/tmp/.X11-unix/X{number}").exists():
                os.environ["DISPLAY"] = f":{number}"
                os.environ["QT_QPA_PLATFORM"] = "xcb"
                return proc
            if proc.poll() is not None:
                break
            time.sleep(0.05)
        proc.kill()
    return None


def size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WxH such as 1600x1000, got {text!r}") from None
    if not (16 <= w <= 8000 and 16 <= h <= 8000):
        raise argparse.ArgumentTypeError("width and height must be between 16 and 8000 pixels")
    return w, h


def render_main(argv: Sequence[str]) -> int:
    from gradviz.cli_commands import (
        UsageError,
        add_descent_options,
        add_parameter_option,
        domain,
        parse_expression,
        point,
    )

    p = argparse.ArgumentParser(prog="gradviz render", description="Draw f(x, y) (or a saved session) to a "
                                "PNG or SVG file without a window: the 3D surface, the contour view, or both.")
    p.add_argument("source", metavar="EXPR_OR_SESSION", help="f(x, y), or a .gradviz.json session file")
    p.add_argument("-o", "--output", required=True, help="out.png or out.svg (SVG: contour view only)")
    p.add_argument("--view", choices=("3d", "contour", "both"), default="both")
    p.add_argument("--size", type=size, default=(1600, 900), metavar="WxH", help="image size (default 1600x900)")
    p.add_argument("--domain", type=domain, default=None, metavar="XMIN,XMAX,YMIN,YMAX")
    p.add_argument("--probe", type=point, default=None, metavar="X,Y", help="where to draw the Taylor models")
    p.add_argument("--log", action="store_true", help="log-spaced contours and colours (steep functions)")
    add_descent_options(p)
    add_parameter_option(p)
    args = p.parse_args(argv)
    out = args.output
    suffix = Path(out).suffix.lower()
    if suffix not in (".png", ".svg"):
        raise UsageError("--output must end in .png or .svg")
    if suffix == ".svg" and args.view != "contour":
        raise UsageError("SVG is for the contour view (the 3D view is pixels): use --view contour, or a .png file")
    needs_gl = args.view in ("3d", "both")
    xvfb = None
    if not os.environ.get("DISPLAY"):
        if needs_gl:
            xvfb = _start_xvfb(*args.size)
            if xvfb is None:
                raise RenderError("the 3D view needs an X server for OpenGL, and there is no display and no Xvfb. "
                                  "Install Xvfb (Debian: apt-get install xvfb), run under xvfb-run, or use "
                                  "--view contour.")
        else:
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
    try:
        scene = _scene(args, parse_expression)
        _draw(scene, args, out, needs_gl)
    except BaseException:
        if xvfb is not None and os.environ.get("QT_QPA_PLATFORM") == "xcb" and not _qt_connected():
            xvfb.kill()
        raise
    print(f"wrote {out}")
    return 0


def _qt_connected() -> bool:
    """Whether a QApplication exists (then killing its X server would abort the process)."""
    from PySide6 import QtWidgets
    return QtWidgets.QApplication.instance() is not None


def _scene(args: argparse.Namespace, parse_expression: object) -> object:
    from gradviz.cli_commands import UsageError
    from gradviz.model.scene import Scene
    from gradviz.session import SessionError, load_session

    scene = Scene()
    source = args.source
    if source.endswith(".json") and Path(source).exists():
        try:
            load_session(scene, source)
        except SessionError as err:
            raise UsageError(str(err)) from None
    else:
        fn = parse_expression(source)
        with scene.batch():
            scene.set_expression(fn.text)
            scene.set_domain(args.domain or (-3.0, 3.0, -3.0, 3.0))
            scene.set_probe(*(args.probe or (0.5 * (scene.domain[0] + scene.domain[1]),
                                             0.5 * (scene.domain[2] + scene.domain[3]))))
            scene.descent.set_starts([])
            scene.set_view(contour_spacing="log" if args.log else "linear")
    for name, value in args.param:
        try:
            scene.set_parameter(name, value)
        except ValueError as err:
            raise UsageError(f"--param: {err}") from None
    if args.domain and source.endswith(".json"):
        scene.set_domain(args.domain)
    if args.log:
        scene.set_view(contour_spacing="log")
    if args.probe:
        scene.set_probe(*args.probe)
    d = scene.descent
    if args.start:
        d.set_starts(list(args.start))
    if args.method:
        from gradviz.cli_commands import HYPER_OPTIONS
        from gradviz.descent.optimizers import OPTIMIZERS
        for m in OPTIMIZERS:
            hyper = {n: getattr(args, n) for n in HYPER_OPTIONS
                     if getattr(args, n) is not None and n in OPTIMIZERS[m].hyper}
            d.set_method(m, enabled=m in args.method, lr=args.lr if args.lr and m != "newton" else None, **hyper)
    if args.start or args.method:
        d.set_run(steps=max(1, args.steps), tol=args.tol)
    return scene


def _draw(scene: object, args: argparse.Namespace, out: str, needs_gl: bool) -> None:
    from PySide6 import QtCore, QtGui

    from gradviz.gui.contour_view import ContourView
    from gradviz.gui.exporting import export_plot, render_3d
    from gradviz.gui.qt_setup import ensure_app

    app = ensure_app()
    w, h = args.size
    half = w // 2 if args.view == "both" else w
    images = []
    if needs_gl:
        from gradviz.gui.surface_view import SurfaceView
        surface = SurfaceView(scene)
        surface.resize(half, h)
        surface.show()
        for _ in range(5):
            app.processEvents()
        images.append(render_3d(surface, half, h))
    if args.view in ("contour", "both"):
        contour = ContourView(scene)
        contour.resize(half, h)
        contour.show()
        for _ in range(3):
            app.processEvents()
        if args.view == "contour":
            export_plot(contour.getPlotItem(), out, width=w if out.lower().endswith(".png") else None)
            return
        images.append(contour.grab().toImage().scaled(half, h))
    canvas = QtGui.QImage(w, h, QtGui.QImage.Format.Format_ARGB32)
    canvas.fill(QtGui.QColor("white"))
    painter = QtGui.QPainter(canvas)
    x = 0
    for image in images:
        painter.drawImage(QtCore.QPoint(x, 0), image)
        x += image.width()
    painter.end()
    if not canvas.save(out, "PNG"):
        raise RenderError(f"could not write {out}")
