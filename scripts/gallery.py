"""A contact sheet of many kinds of f, 3D and contour side by side with the function written under
each: look at it whenever how something is drawn changes.

    xvfb-run -a -s "-screen 0 1600x1000x24" python scripts/gallery.py [--small] [--out gallery.png]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# (f, domain, what it shows)
GALLERY = [
    ("exp(x*y)", (-3, 3, -3, 3), "steep, huge range"),
    ("(1 - x)^2 + 100*(y - x^2)^2", (-2, 2, -1, 3), "steep valley (Rosenbrock)"),
    ("0.001*(x^2 + y^2)", (-2, 2, -2, 2), "flat"),
    ("0.5", (-2, 2, -2, 2), "constant"),
    ("1e-9*x*y", (-2, 2, -2, 2), "tiny range"),
    ("sin(5*x)*cos(5*y)", (-2, 2, -2, 2), "oscillating"),
    ("sin(x^2 + y^2)", (-3, 3, -3, 3), "oscillating rings"),
    ("1/sqrt(x^2 + y^2)", (-2, 2, -2, 2), "singular 1/r"),
    ("log(sqrt(x^2 + y^2))", (-2, 2, -2, 2), "singular log r"),
    ("a = x*y; b = sin(a); c = exp(x - y); f = b*c + a^2", (-5, 5, -5, 5), "signed, extremes"),
    ("x^3 - 3*x*y^2", (-1.5, 1.5, -1.5, 1.5), "signed (monkey saddle)"),
    ("x^2 - y^2", (-2, 2, -2, 2), "saddle"),
    ("abs(x) + abs(y)", (-2, 2, -2, 2), "kinks (abs)"),
    ("0.5*(x + y + abs(x - y))", (-2, 2, -2, 2), "kink: max(x, y)"),
    ("3*x^4 - 4*x^3 - 12*x^2", (-2, 3, -2, 2), "f of x alone"),
    ("sin(x)", (-4, 4, -2, 2), "f of x alone, periodic"),
    ("sqrt(1 - x^2 - y^2)", (-1.5, 1.5, -1.5, 1.5), "nan outside the disc"),
    ("log(x*y)", (-2, 2, -2, 2), "nan in two quadrants"),
    ("r2 = x^2 + y^2; g = exp(-r2); f = g*cos(3*r2)", (-2, 2, -2, 2), "named definitions"),
    ("(x^2 + y - 11)^2 + (x + y^2 - 7)^2", (-5, 5, -5, 5), "Himmelblau"),
    ("(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2", (-4.5, 4.5, -4.5, 4.5), "Beale"),
    ("20 + x^2 - 10*cos(2*pi*x) + y^2 - 10*cos(2*pi*y)", (-5.12, 5.12, -5.12, 5.12), "Rastrigin"),
    ("x*exp(-x^2 - y^2)", (-2, 2, -2, 2), "the chapter's example"),
    ("tanh(x*y)", (-3, 3, -3, 3), "saturating"),
    ("k = 3 in [1, 10]; x^2 + k*y^2", (-2, 2, -2, 2), "a parameter"),
    ("log(exp(x) + exp(y))", (-2, 2, -2, 2), "log-sum-exp"),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true", help="small cells (for tests)")
    parser.add_argument("--out", default="gallery.png")
    parser.add_argument("--columns", type=int, default=4)
    args = parser.parse_args()
    if not os.environ.get("DISPLAY"):
        print("gallery needs a display for OpenGL: run it under xvfb-run (see the docstring)", file=sys.stderr)
        return 1
    scratch = tempfile.mkdtemp(prefix="gradviz-gallery-")
    os.environ.setdefault("GRADVIZ_HOME", scratch)
    from PySide6 import QtCore, QtGui

    from gradviz.gui.files.exporting import render_3d
    from gradviz.gui.qt_setup import ensure_app
    from gradviz.gui.views.contour_view import ContourView
    from gradviz.gui.views.surface_view import SurfaceView
    from gradviz.gui.widgets.theme import ui_font
    from gradviz.model.scene import Scene

    app = ensure_app()
    w, h = (180, 150) if args.small else (360, 300)
    caption = 22 if args.small else 40
    scene = Scene()
    scene.descent.set_starts([])
    surface, contour = SurfaceView(scene), ContourView(scene)
    for view in (surface, contour):
        view.resize(w, h)
        view.show()
    cols = args.columns
    rows = -(-len(GALLERY) // cols)
    cell_w, cell_h = 2 * w + 12, h + caption + 8
    sheet = QtGui.QImage(cols * cell_w, rows * cell_h, QtGui.QImage.Format.Format_RGB32)
    sheet.fill(QtGui.QColor("white"))
    painter = QtGui.QPainter(sheet)
    painter.setFont(ui_font(7 if args.small else 10))
    for k, (text, domain, what) in enumerate(GALLERY):
        with scene.batch():
            scene.set_expression(text)
            scene.set_domain(domain)
            scene.set_probe(0.5 * (domain[0] + domain[1]) + 0.1 * (domain[1] - domain[0]),
                            0.5 * (domain[2] + domain[3]))
        for _ in range(3):
            app.processEvents()
        left = render_3d(surface, w, h)
        right = contour.grab().toImage().scaled(w, h)
        x0, y0 = (k % cols) * cell_w, (k // cols) * cell_h
        painter.drawImage(QtCore.QPoint(x0 + 4, y0 + 4), left)
        painter.drawImage(QtCore.QPoint(x0 + 8 + w, y0 + 4), right)
        painter.setPen(QtGui.QColor("#222"))
        painter.drawText(QtCore.QRectF(x0 + 4, y0 + 6 + h, 2 * w, caption), QtCore.Qt.TextFlag.TextWordWrap,
                         f"{text}   ({what})")
    painter.end()
    if not sheet.save(args.out, "PNG"):
        print(f"could not write {args.out}", file=sys.stderr)
        return 1
    print(f"wrote {args.out}: {len(GALLERY)} functions, {rows} rows of {cols}")
    surface.close()
    contour.close()
    shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
