"""Benchmark the Loss on data window's responsiveness: loading a CSV of many rows, with the work on a worker
thread after a coarse preview (the window as it is) against everything on the GUI thread (the floor: the
same window with no executor), in the same process; and the cost of a probe move and a playback tick.

    xvfb-run -a -s "-screen 0 1600x1000x24" python scripts/bench_data_ui.py [--quick] [--out bench_data_ui.json]

"GUI blocked" is the longest gap between ticks of a 10 ms timer from the load until the full landscape and
the run are shown: how long the window could not answer a click. Pinned to one core, so the worker thread
and the GUI share it (the harder case). Prints tables and writes JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_ui import median_ms  # noqa: E402


def write_csv(path: Path, rows: int) -> None:
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.normal(size=rows)
    np.savetxt(path, np.column_stack([x, 2 * x + 4.2 + rng.normal(size=rows)]), delimiter=",", header="x,y",
               comments="")


def load_and_wait(app, window, path: Path) -> dict[str, float]:
    """Load `path` in the window; the longest event-loop gap, the time until load_csv returned (the first
    frame, a preview when there is a worker) and until everything is shown, in ms."""
    from PySide6 import QtCore

    ticks: list[float] = []
    timer = QtCore.QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    app.processEvents()
    path_shown: list[float] = []

    def run_arrived() -> None:
        if not path_shown and window.state.trajectory is not None and not window.state.loading:
            path_shown.append(time.perf_counter())

    window.state.changed.connect(run_arrived)
    t0 = time.perf_counter()
    ticks.append(t0)
    window.state.load_csv(path)
    first = time.perf_counter()
    if window.state.busy:  # wait in a real event loop, as the app does (a polling loop would steal the core)
        loop = QtCore.QEventLoop()

        def done_yet() -> None:
            if not window.state.busy:
                loop.quit()

        window.state.changed.connect(done_yet)
        loop.exec()
        window.state.changed.disconnect(done_yet)
    done = time.perf_counter()
    window.state.changed.disconnect(run_arrived)
    app.processEvents()
    ticks.append(time.perf_counter())
    timer.stop()
    gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    return {"blocked_ms": max(gaps) * 1e3, "first_frame_ms": (first - t0) * 1e3,
            "path_shown_ms": (path_shown[0] - t0) * 1e3, "all_shown_ms": (done - t0) * 1e3}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", default="bench_data_ui.json")
    args = parser.parse_args()
    if not os.environ.get("DISPLAY") and os.environ.get("QT_QPA_PLATFORM") != "offscreen":
        print("bench_data_ui needs a display: run it under xvfb-run (see the docstring)", file=sys.stderr)
        return 1
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    scratch = Path(tempfile.mkdtemp(prefix="gradviz-bench-data-ui-"))
    os.environ.setdefault("GRADVIZ_HOME", str(scratch))
    from gradviz.gui.qt_setup import ensure_app
    from gradviz.gui.tools.data_window import DataWindow
    from gradviz.model.loss_on_data import DataState

    app = ensure_app()
    window = DataWindow(DataState())
    window.resize(1300, 820)
    window.show()
    app.processEvents()
    repeats = 2 if args.quick else 5
    sizes = (2_000, 20_000) if args.quick else (2_000, 20_000, 100_000)
    result: dict = {"load": []}
    print("loading a CSV (ms, median; GUI blocked = the longest the window could not answer)")
    print("  worker: the window as it is; GUI thread: the same with everything done at once (the floor)")
    print(f"{'rows':>8} {'GUI thread: blocked':>20} {'worker: blocked':>16} {'ratio':>6} {'first frame':>12} "
          f"{'path shown':>11} {'all shown':>10}")
    worker = window.state.executor
    for rows in sizes:
        path = scratch / f"data{rows}.csv"
        write_csv(path, rows)
        runs: dict[str, list[dict[str, float]]] = {"inline": [], "worker": []}
        for _ in range(repeats):
            for mode in ("inline", "worker"):
                window.state.load_model("linear_mse")  # from small data each time
                window.state.executor = None if mode == "inline" else worker
                runs[mode].append(load_and_wait(app, window, path))
        med = {mode: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for mode, rs in runs.items()}
        ratio = med["worker"]["blocked_ms"] / med["inline"]["blocked_ms"]
        print(f"{rows:>8,} {med['inline']['blocked_ms']:20.0f} {med['worker']['blocked_ms']:16.0f} {ratio:6.2f} "
              f"{med['worker']['first_frame_ms']:12.0f} {med['worker']['path_shown_ms']:11.0f} "
              f"{med['worker']['all_shown_ms']:10.0f}")
        result["load"].append({"rows": rows, "inline": med["inline"], "worker": med["worker"], "ratio": ratio})
    window.state.executor = worker
    window.state.load_model("linear_mse")
    window.state.set_run(batch_size=8, steps=200)
    traj = window.state.trajectory
    k = [0]

    def tick() -> None:
        k[0] = (k[0] + 1) % len(traj.points)
        window.iterate.setValue(k[0])

    probe = median_ms(lambda: window.state.set_probe(1.0 + 1e-3 * k[0], 3.0), repeats * 10)
    play = median_ms(tick, repeats * 10)
    window.batch_surface.setChecked(True)
    play_batch = median_ms(tick, repeats * 10)
    change = median_ms(lambda: window.state.set_run(seed=k[0] + 1) or tick(), repeats * 4)
    print(f"\n{'on the default data (100 rows), ms, median':<46} {'':>6}")
    for name, value in (("probe move (readout, fit, handles)", probe), ("playback tick", play),
                        ("playback tick with the batch's landscape", play_batch),
                        ("a new run (seed changed, 200 steps, batch 8)", change)):
        print(f"{name:<46} {value:6.1f}")
    result.update({"probe_ms": probe, "play_tick_ms": play, "play_tick_batch_ms": play_batch, "new_run_ms": change})
    Path(args.out).write_text(json.dumps(result, indent=2))
    print(f"\nwrote {args.out}")
    window.close()
    shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
