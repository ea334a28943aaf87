"""Screenshots of the Networks window, in resources/screenshots/networks: the edge of stability (gradient descent
at η = 1 on two moons: the sharpness climbs to 2/η, the loss spikes, and the sharpness falls back under the
line) and Adam's preconditioned sharpness against its own limit.

    xvfb-run -a -s "-screen 0 1600x1000x24" python scripts/screenshots_networks.py
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
    scratch = tempfile.mkdtemp(prefix="gradviz-screenshots-")
    os.environ.setdefault("GRADVIZ_HOME", scratch)  # before the application reads it
    from gradviz.gui.qt_setup import ensure_app
    from gradviz.gui.tools.data_window import DataWindow

    app = ensure_app()
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
    shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
