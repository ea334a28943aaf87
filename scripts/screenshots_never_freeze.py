"""Screenshots of the window's work off the GUI thread, in resources/screenshots/issue_21: a change drawn coarse
(48² at once) and then fine (the grid asked for), a slider while it is dragged (coarser) and once it is let go, the
cap of start points at once, the status bar's progress and Cancel during a big loss and during a big figure's
export, and the Networks tab's progress and Cancel while Newton's dense Hessians train a network.

    xvfb-run -a -s "-screen 0 1600x1000x24" python scripts/screenshots_never_freeze.py
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    import numpy as np
    from PySide6 import QtCore

    import gradviz
    from gradviz.gui.main_window import MainWindow
    from gradviz.gui.qt_setup import ensure_app
    from gradviz.gui.widgets.lazy import redraws_waiting
    from gradviz.model.limits import MAX_STARTS
    from gradviz.model.scene import Scene

    scratch = tempfile.mkdtemp(prefix="gradviz-screenshots-")
    os.environ.setdefault("GRADVIZ_HOME", scratch)
    app = ensure_app()
    out = ROOT / "resources" / "screenshots" / "issue_21"
    out.mkdir(parents=True, exist_ok=True)
    settings = QtCore.QSettings(str(Path(scratch) / "settings.ini"), QtCore.QSettings.Format.IniFormat)
    scene = Scene()
    window = MainWindow(scene, settings)
    window.files.ask_unsaved = lambda: "discard"
    window.resize(1600, 980)
    window.move(0, 0)
    window.show()

    def pump(seconds: float, until=lambda: False) -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end and not until():
            app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 20)

    def grab(name: str) -> None:
        app.primaryScreen().grabWindow(0, 0, 0, 1600, 980).save(str(out / name), "PNG", 9)
        print(f"wrote {out / name}")

    pump(1.0)
    scene.set_resolution(600)
    pump(2.0, lambda: not scene.busy)
    runner = scene.executor
    scene.set_expression("sin(3*x)*cos(2*y) + 0.05*(x^2 + y^2)")
    while not window.contour.image.image.shape == (48, 48):
        app.processEvents()
    scene.cancel_work()  # the preview stays on screen while it is photographed
    scene.executor = None
    pump(0.5)
    grab("coarse_preview.png")
    scene.executor = runner
    scene.set_resolution(599)  # the same f, refined by the runner
    scene.set_resolution(600)
    pump(10.0, lambda: not scene.busy and not scene.sample().coarse)
    pump(0.5)
    grab("refined.png")

    # a slider dragged: f drawn on at most SLIDE_GRID² points while it moves, the full grid once it is let go
    scene.set_resolution(200)
    scene.set_expression("k = 1 in [0.5, 3]; sin(k*x)*cos(y) + 0.1*(x^2 + y^2)")
    pump(3.0, lambda: not scene.busy and not scene.sample().coarse)
    slider = window.parameters.rows["k"].slider
    slider.setSliderDown(True)
    for fraction in np.linspace(0.2, 0.7, 6):
        slider.setValue(round(fraction * slider.maximum()))
        pump(0.03)
    grab("slide_dragging.png")
    slider.setSliderDown(False)
    pump(5.0, lambda: not scene.busy and not scene.sample().coarse)
    pump(0.5)
    grab("slide_let_go.png")

    # the cap of start points at once: markers made over a few passes, paths shown by their start until they are back
    rng = np.random.default_rng(0)
    scene.set_expression("(x^2 + y - 11)^2 + (x + y^2 - 7)^2")
    pump(3.0, lambda: not scene.busy)
    scene.descent.set_starts([(float(a), float(b)) for a, b in rng.uniform(-4.5, 4.5, (MAX_STARTS, 2))])
    pump(20.0, lambda: not scene.busy and not redraws_waiting())
    pump(0.5)
    grab("many_starts.png")
    scene.descent.set_starts([(-3.0, 3.5), (3.5, -3.0)])
    pump(3.0, lambda: not scene.busy)

    x = rng.normal(size=400_000)
    loss = gradviz.parse("f(w, b) = mean((w*x + b - y)^2)", data={"x": x, "y": 2.0 * x + 1.0 + rng.normal(size=x.size)})
    scene.set_resolution(160)
    scene.show_loss(loss, (-1.0, 5.0, -2.0, 4.0), (0.0, 0.0))
    pump(20.0, lambda: window.work.isVisible() and window.work.bar.value() >= 20)
    grab("progress.png")
    window.work.cancel.click()
    pump(0.5)

    # a big figure exported in stages: the status bar shows how far it has got, with its Cancel
    scene.set_expression("(x^2 + y - 11)^2 + (x + y^2 - 7)^2")
    pump(3.0, lambda: not scene.busy)
    figure = Path(scratch) / "surface.png"
    export = window.files.exports.export_3d_in_stages(str(figure), 1024, 1024, scale=4.0)
    pump(20.0, lambda: export.fraction >= 0.25)
    pump(0.2)
    grab("export_progress.png")
    window.work.cancel.click()
    pump(30.0, lambda: not export.running)  # a file being written is finished, then removed
    print(f"the export was cancelled: {not figure.exists()}")

    # Newton on a 337-weight network forms its dense Hessian every step: a chunk of steps shows its progress
    window.show_network_window()
    data_window, panel = window.data_window, window.data_window.network
    data_window.resize(1400, 900)
    data_window.move(100, 40)
    panel.state.use_preset([2, 16, 16, 1], "tanh", "mse")
    panel.state.set_run(method="newton", lr=0.5, steps=200, curvature_every=0)
    panel.sync_controls()
    pump(10.0, lambda: panel.state.snapshot is not None)
    panel.play.setChecked(True)
    pump(10.0, lambda: panel.train_progress.isVisible() and panel.train_progress.value() >= 30)
    app.primaryScreen().grabWindow(0, 100, 40, 1400, 900).save(str(out / "training_progress.png"), "PNG", 9)
    print(f"wrote {out / 'training_progress.png'}")
    panel.train_cancel.click()
    pump(5.0, lambda: not panel.state.running)
    print(f"training cancelled at step {panel.state.snapshot.step}")
    data_window.close()
    window.close()
    settings.sync()
    shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
