"""Make the README's screenshots: the window under Xvfb, saved as small PNGs in resources/screenshots.

    xvfb-run -a -s "-screen 0 1600x1000x24" python scripts/screenshots.py
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    from PySide6 import QtCore, QtGui

    from gradviz.gui.main_window import MainWindow
    from gradviz.gui.qt_setup import ensure_app
    from gradviz.model.scene import Scene

    scratch = tempfile.mkdtemp(prefix="gradviz-screenshots-")  # never the user's settings or recovery files
    os.environ.setdefault("GRADVIZ_HOME", scratch)
    app = ensure_app()
    out = ROOT / "resources" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    settings = QtCore.QSettings(str(Path(scratch) / "settings.ini"), QtCore.QSettings.Format.IniFormat)

    def shoot(name: str, setup) -> None:
        scene = Scene()
        window = MainWindow(scene, settings)
        window.files.ask_unsaved = lambda: "discard"
        window.resize(1600, 980)
        window.move(0, 0)
        window.show()
        setup(scene, window)
        for _ in range(20):
            app.processEvents()
            QtCore.QThread.msleep(50)
        image = app.primaryScreen().grabWindow(0, 0, 0, 1600, 980)
        image = image.scaledToWidth(1200, QtCore.Qt.TransformationMode.SmoothTransformation).toImage()
        # 256 colours keep the PNG small enough for the repository
        image = image.convertToFormat(QtGui.QImage.Format.Format_Indexed8, QtCore.Qt.ImageConversionFlag.DiffuseDither)
        image.save(str(out / name), "PNG", 9)
        window.close()
        print(f"wrote {out / name}")

    def rosenbrock(scene, window) -> None:
        scene.load_preset("Rosenbrock")
        for m in ("nesterov", "rmsprop", "newton"):
            scene.descent.set_method(m, enabled=True)
        scene.descent.set_run(steps=2000)
        window.side_tabs.setCurrentIndex(1)

    def seed(scene, window) -> None:
        scene.load_preset("x·exp(−x²−y²)")
        scene.set_view(radius=0.6)
        scene.find_critical_points()
        window.bottom_tabs.setCurrentIndex(1)
        window.show_hover((-0.7, 0.35))

    def parameters(scene, window) -> None:
        scene.load_preset("Ill-conditioned bowl (slide k)")
        scene.descent.set_method("momentum", enabled=False)
        scene.set_parameter("k", 95.0)  # near 1/η: gradient descent zig-zags across the valley
        window.side_tabs.setCurrentIndex(1)

    def tool_window(name: str, window, width: int, height: int) -> None:
        """Save a tool window (not the main one) as resources/screenshots/<name>."""
        window.resize(width, height)
        window.show()
        for _ in range(20):
            app.processEvents()
            QtCore.QThread.msleep(30)
        image = window.grab().toImage()
        image = image.convertToFormat(QtGui.QImage.Format.Format_Indexed8, QtCore.Qt.ImageConversionFlag.DiffuseDither)
        image.save(str(out / name), "PNG", 9)
        window.close()
        print(f"wrote {out / name}")

    def matrix() -> None:
        from gradviz.gui.tools.matrix_window import MatrixWindow
        from gradviz.model.matrix_calculus import MatrixState

        window = MatrixWindow(MatrixState())  # the book's d‖X − UV‖²/dV, with its wrong sign as the candidate
        window.state.check()
        tool_window("matrix.png", window, 900, 760)

    def data() -> None:
        from gradviz.gui.tools.data_window import DataWindow
        from gradviz.model.loss_on_data import DataState

        state = DataState()  # linear regression: a noisy mini-batch path, calmed by cosine annealing
        state.set_run(lr=0.1, batch_size=8, steps=150, seed=0, schedule="cosine")
        tool_window("data.png", DataWindow(state), 1300, 820)

    def data_batch() -> None:
        from gradviz.gui.tools.data_window import DataWindow
        from gradviz.model.loss_on_data import DataState

        state = DataState("tanh_neuron")  # the non-convex neuron: a batch of 8 sees quite another landscape
        state.set_run(lr=0.2, batch_size=8, steps=120, seed=0)
        window = DataWindow(state)
        window.batch_surface.setChecked(True)
        window.iterate.setValue(40)
        tool_window("data_batch.png", window, 1300, 820)

    def optimizers(scene, window) -> None:
        scene.load_preset("Rosenbrock")
        scene.set_view(gradient_field=False)
        d = scene.descent
        for m in d.methods:
            d.set_method(m, enabled=m in ("adam", "newton"))
        d.set_starts([(-1.5, 2.5), (-1.2, 1.0)])
        d.set_playback(25)
        window.loss.show_sharpness.setChecked(True)

    def phase(scene, window) -> None:
        scene.load_preset("Ill-conditioned bowl (slide k)")
        scene.set_parameter("k", 40.0)
        scene.set_probe(1.0, 0.5)
        scene.descent.set_method("momentum", enabled=True, lr=0.01, momentum=0.8)
        window.bottom_tabs.setCurrentWidget(window.stepsize)

    def dark(scene, window) -> None:
        window.set_theme("dark")
        scene.load_preset("x·exp(−x²−y²)")
        scene.find_critical_points()
        window.bottom_tabs.setCurrentWidget(window.backprop)

    def data_3d(scene, window) -> None:
        window.show_data_window()
        window.data_window.state.load_model("logistic")  # the logistic loss: a valley with no walls on one side
        window.data_window.show_in_main_window()
        window.data_window.hide()
        scene.find_critical_points()
        window.bottom_tabs.setCurrentIndex(0)

    only = set(sys.argv[1:])
    for name, setup in (("rosenbrock.png", rosenbrock), ("taylor.png", seed), ("parameters.png", parameters),
                        ("optimizers.png", optimizers), ("phase.png", phase), ("dark.png", dark),
                        ("data_3d.png", data_3d)):
        if not only or name in only:
            shoot(name, setup)
    if not only or "matrix.png" in only:
        matrix()
    if not only or "data.png" in only:
        data()
    if not only or "data_batch.png" in only:
        data_batch()
    settings.sync()  # written now, so nothing recreates the scratch folder after it is removed
    shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
