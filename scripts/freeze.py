"""How long the main window stops answering during heavy actions: the longest gap between the ticks of a 10 ms
QTimer while one action runs (the "never freeze" issue's measure). Used by bench_ui.py; each action is run in
the real window, on the GUI thread as a user would trigger it."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

TICK_MS = 10
TWELVE_TERMS = " + ".join(f"sin({k}*x + y)*exp(-0.0{k}*(x^2 + y^2))*tanh(x*y + {k})" for k in range(1, 13))


def longest_block_ms(app, action: Callable[[], None], settle_s: float = 1.0) -> float:
    """Run `action` from the event loop and keep the loop going for `settle_s` seconds after it returns; the
    longest gap between two ticks of a 10 ms timer over that time, in ms."""
    from PySide6 import QtCore

    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QtCore.QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(tick)
    done = [False]

    def run() -> None:
        action()
        done[0] = True

    timer.start()
    last[0] = time.perf_counter()
    QtCore.QTimer.singleShot(0, run)
    while not done[0]:
        app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 5)
    end = time.perf_counter() + settle_s
    while time.perf_counter() < end:
        app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 5)
    timer.stop()
    return max(gaps) * 1e3 if gaps else 0.0


def actions(window, quick: bool) -> list[tuple[str, Callable[[], None]]]:
    """The heavy actions of the issue's table, each a callable on the real window."""
    import gradviz

    scene = window.scene
    rng = np.random.default_rng(0)

    def loss(rows: int) -> Callable[[], None]:
        x = rng.normal(size=rows)
        fn = gradviz.parse("f(w, b) = mean((w*x + b - y)^2)", data={"x": x, "y": 2.0 * x + 4.2})
        return lambda: scene.show_loss(fn, (-2.0, 6.0, -1.0, 9.0), (0.0, 0.0))

    def slide() -> None:
        scene.set_expression("k = 1 in [0.5, 3]; " + TWELVE_TERMS.replace("tanh(x*y", "k*tanh(x*y"))
        from PySide6 import QtWidgets
        for value in np.linspace(0.5, 3.0, 15):
            scene.set_parameter("k", float(value))
            QtWidgets.QApplication.processEvents()

    out = [("type Himmelblau's function", lambda: scene.set_expression("(x^2 + y - 11)^2 + (x + y^2 - 7)^2")),
           ("type a sum of 12 terms", lambda: scene.set_expression(TWELVE_TERMS))]
    if quick:
        return out
    out += [("set the grid to its maximum (600)", lambda: scene.set_resolution(600)),
            ("back to 160", lambda: scene.set_resolution(160)),
            ("25 start points at once",
             lambda: scene.descent.set_starts([(float(a), float(b)) for a, b in rng.uniform(-4, 4, (25, 2))])),
            ("slide a parameter across its range (15 ticks)", slide),
            ("critical points on the GUI thread (as Ctrl+K was)", scene.find_critical_points),
            ("critical points with Ctrl+K (off the GUI thread)", scene.request_critical_points),
            ("show a loss over 5,000 rows", loss(5_000)),
            ("show a loss over 50,000 rows", loss(50_000))]
    return out


def paint_ms(app, window, resolution: int) -> float:
    """One repaint of the 3D view at `resolution`² (the floor no computation can go under on software GL)."""
    from PySide6 import QtCore

    window.scene.set_resolution(resolution)
    for _ in range(5):
        app.processEvents()
    view = window.surface
    times = []
    for _ in range(5):
        loop = QtCore.QEventLoop()
        view.frameSwapped.connect(loop.quit)
        t = time.perf_counter()
        view.update()
        QtCore.QTimer.singleShot(2000, loop.quit)
        loop.exec()
        view.frameSwapped.disconnect(loop.quit)
        times.append(time.perf_counter() - t)
    return float(np.median(times)) * 1e3


def freeze_table(app, window, quick: bool) -> dict:
    """Print and return the freeze table: each action's longest block, and the 3D view's repaint floor."""
    print(f"\n{'the window stops answering for (longest 10 ms-timer gap, ms)':<60} {'block':>7}")
    rows = []
    for name, action in actions(window, quick):
        ms = longest_block_ms(app, action, 0.3 if quick else 1.0)
        rows.append({"action": name, "longest_block_ms": ms})
        print(f"{name:<60} {ms:7.0f}")
    floors = {} if quick else {f"{n}²": paint_ms(app, window, n) for n in (160, 600)}
    if floors:
        print("for comparison, one repaint of the 3D view: " + ", ".join(f"{k} {v:.0f} ms" for k, v in floors.items()))
    window.scene.set_resolution(160)
    return {"actions": rows, "repaint_floor_ms": floors}
