"""Screenshots of the network tab, in resources/screenshots/networks: the edge of stability (gradient descent
at η = 1 on two moons: the sharpness climbs to 2/η, the loss spikes, and the sharpness falls back under the
line), Adam's preconditioned sharpness against its own limit, and a PCA landscape slice with the training path
projected onto it, in the tab and in the main window.

    xvfb-run -a -s "-screen 0 1600x1000x24" python scripts/screenshots_networks.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from screenshot_app import main_window, scratch_app  # noqa: E402


def main() -> int:
    with scratch_app() as (app, scratch):
        return shoot(app, scratch)


def shoot(app: object, scratch: Path) -> int:
    from gradviz.gui.tools.data_window import DataWindow

    out = ROOT / "resources" / "screenshots" / "networks"
    out.mkdir(parents=True, exist_ok=True)
    shots = {"edge_of_stability.png": ("gd", 1.0, None, 1000), "adam_preconditioned.png": ("adam", 0.02, 32, 500)}
    for name, (method, lr, batch, steps) in shots.items():
        outer = DataWindow()
        outer.tabs.setCurrentIndex(1)
        outer.resize(1400, 940)
        window = outer.network
        window.state.executor = None  # train here, at once: the picture needs the whole run
        window.method.setCurrentIndex(window.method.findData(method))
        window.lr.setValue(lr)
        window.batch.setValue(batch or 0)
        window._run_changed()
        window.state.advance(steps)
        outer.show()
        window.refresh()
        for _ in range(20):
            app.processEvents()
        outer.grab().save(str(out / name))
        print(f"wrote {out / name}: step {window.state.snapshot.step}")
        outer.close()
    landscape_shots(app, out, scratch)
    return 0


def landscape_shots(app: object, out: Path, scratch: Path) -> None:
    """A momentum run's PCA plane: the tab's picture of the path on it, and the main window showing the slice."""
    main = main_window(scratch, (1500, 950))
    main.show_network_window()
    outer = main.data_window
    outer.resize(1400, 940)
    panel = outer.network
    panel.state.executor = None
    panel.method.setCurrentIndex(panel.method.findData("momentum"))
    panel.lr.setValue(0.05)
    panel._run_changed()
    panel.state.advance(400)
    panel.plane.setCurrentIndex(panel.plane.findData("pca"))
    panel.state.make_landscape("pca", None, 61)
    panel.refresh()
    for _ in range(20):
        app.processEvents()
    outer.grab().save(str(out / "landscape_tab.png"))
    print(f"wrote {out / 'landscape_tab.png'}")
    panel.show_slice_in_main_window()
    end = time.time() + 10  # the main window refines the slice's surface on its job runner
    while time.time() < end and (main.scene.busy or time.time() < end - 8):
        app.processEvents()
    main.grab().save(str(out / "landscape_main.png"))
    print(f"wrote {out / 'landscape_main.png'}")
    main.close()


if __name__ == "__main__":
    sys.exit(main())
