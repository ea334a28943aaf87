"""How long the main window stops answering during heavy actions: the longest gap between the ticks of a 10 ms
QTimer while one action runs and its results arrive (the "never freeze" issue's measure), and the computing in
such a gap: the time in gradviz's own code on the GUI thread (the action, the scene's signals and what the views do
on them, results applied, deferred redraws), which leaves out the painting (also a 3D repaint Qt forces inside that
code, when a panel appearing resizes the view) and Qt's own event handling. Used by
bench_ui.py; each action is run in the real window as a user would trigger it, once with the scene's work done
at once on the GUI thread (as before the job runner) and once handed to the runner."""

from __future__ import annotations

import gc
import os
import statistics
import time
from collections.abc import Callable

import numpy as np

TICK_MS = 10
AFTER_RUNS = 3  # "after" is the median of this many runs: the workers' Python code shares the GIL with the window
TWELVE_TERMS = " + ".join(f"sin({k}*x + y)*exp(-0.0{k}*(x^2 + y^2))*tanh(x*y + {k})" for k in range(1, 13))


OURS = [0.0]  # seconds in gradviz's code on the GUI thread since the last tick
TICKS = [0]  # ticks of the measuring timer so far
DETAIL = bool(os.environ.get("GRADVIZ_FREEZE_DETAIL"))  # print what ran in each action's worst gap
ENTRIES: list[tuple[float, float, str]] = []  # with DETAIL: (start, end, what) of each entry into gradviz's code


def entry_name(obj: object, method: str, args: tuple) -> str:
    """A short name of an entry into gradviz's code: the signal, the job's kind, or the deferred redraw."""
    if method == "emit":
        return f"signal {obj.name}"
    if method == "_deliver":
        return f"result of {args[0].kind}"
    fn = getattr(obj, "fn", None)
    fn = getattr(getattr(fn, "__self__", None), "_refresh", fn)  # a view's paths (FollowPaths): the view's own redraw
    return f"redraw {getattr(fn, '__qualname__', fn)}"
_DEPTH = [0]
_ACTION_SINCE = [0.0]  # when the running action last entered gradviz's code
_PAINTED = [0.0]  # seconds of 3D painting inside gradviz's code since it was last counted (painting, not computing)


FRAME_S = 1 / 60  # a slider dragged by a mouse moves at most once per frame


def pump() -> None:
    """Let the event loop run for a frame from inside an action (as between the ticks of a dragged slider): that
    time is not the action's own."""
    from PySide6 import QtCore, QtWidgets

    OURS[0] += time.perf_counter() - _ACTION_SINCE[0] - _PAINTED[0]
    _PAINTED[0] = 0.0
    depth, _DEPTH[0] = _DEPTH[0], 0
    end = time.perf_counter() + FRAME_S
    while time.perf_counter() < end:
        QtWidgets.QApplication.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 2)
    # a real event loop dispatches the timers that came due (during a long paint or a result applied) in the same
    # pass as the next mouse move; this loop could return right after such work, before them: run them first
    ticked = TICKS[0]
    while TICKS[0] == ticked and time.perf_counter() < end + 1.0:
        QtWidgets.QApplication.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 2)
    _DEPTH[0] = depth
    _ACTION_SINCE[0] = time.perf_counter()


def _gc_entries(phase: str, info: dict, started: list[float] = [0.0]) -> None:  # noqa: B006 (the start, kept)
    """With DETAIL: garbage collections of 2 ms or more, as entries (on whichever thread they ran)."""
    if phase == "start":
        started[0] = time.perf_counter()
    elif time.perf_counter() - started[0] >= 2e-3:
        ENTRIES.append((started[0], time.perf_counter(), f"garbage collection (generation {info['generation']})"))


def time_our_code() -> None:
    """Count the time in gradviz's entry points on the GUI thread into OURS (once per process, before the window is
    made): the scene's signals, results delivered by the runner, and deferred redraws; nested calls once."""
    if DETAIL and _gc_entries not in gc.callbacks:
        gc.callbacks.append(_gc_entries)
    from gradviz.gui.background import BackgroundWork
    from gradviz.gui.widgets.lazy import Coalesced
    from gradviz.model.signal import Signal

    for cls, name in ((Signal, "emit"), (BackgroundWork, "_deliver"), (Coalesced, "run")):
        original = getattr(cls, name)
        if getattr(original, "timed", False):
            continue

        def timed(self, *args, original=original, name=name):
            _DEPTH[0] += 1
            t = time.perf_counter()
            try:
                return original(self, *args)
            finally:
                _DEPTH[0] -= 1
                if _DEPTH[0] == 0:
                    OURS[0] += time.perf_counter() - t - _PAINTED[0]
                    _PAINTED[0] = 0.0
                    if DETAIL:
                        ENTRIES.append((t, time.perf_counter(), entry_name(self, name, args)))

        timed.timed = True
        setattr(cls, name, timed)
    _paint_is_painting()


def _paint_is_painting() -> None:
    """A 3D view painted inside gradviz's code counts as painting: Qt repaints a QOpenGLWidget at once when it is
    resized, so a panel that appears (a new f's sliders) paints the 3D view inside the call that shows it."""
    from pyqtgraph.opengl import GLViewWidget

    original = GLViewWidget.paintGL
    if getattr(original, "timed", False):
        return

    def paint(self, *args, **kwargs):
        if not _DEPTH[0]:
            return original(self, *args, **kwargs)
        t = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            _PAINTED[0] += time.perf_counter() - t
            if DETAIL:
                ENTRIES.append((t, time.perf_counter(), "(painting the 3D view, not counted)"))

    paint.timed = True
    GLViewWidget.paintGL = paint


def longest_block_ms(app, action: Callable[[], None], settle_s: float = 1.0,
                     busy: Callable[[], bool] = lambda: False, limit_s: float = 120.0) -> tuple[float, float]:
    """Run `action` from the event loop and keep the loop going until `busy()` is False (at most `limit_s`), then
    `settle_s` seconds more: the longest gap between two ticks of a 10 ms timer over that time, and the longest
    such gap less the painting in it, in ms."""
    from PySide6 import QtCore

    gaps: list[float] = []
    computing: list[float] = []
    last = [time.perf_counter()]

    ticks_at: list[float] = []

    def tick() -> None:
        now = time.perf_counter()
        ticks_at.append(now)
        gaps.append(now - last[0])
        computing.append(OURS[0])
        OURS[0] = 0.0
        TICKS[0] += 1
        last[0] = now

    timer = QtCore.QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(tick)
    done = [False]

    def run() -> None:
        _DEPTH[0] += 1  # the action is gradviz's code too (a user's click would call it)
        _ACTION_SINCE[0] = time.perf_counter()
        try:
            action()
        finally:
            _DEPTH[0] -= 1
            OURS[0] += time.perf_counter() - _ACTION_SINCE[0] - _PAINTED[0]
            _PAINTED[0] = 0.0
        done[0] = True

    timer.start()
    last[0] = time.perf_counter()
    OURS[0] = 0.0
    QtCore.QTimer.singleShot(0, run)
    while not done[0]:
        app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 5)
    give_up = time.perf_counter() + limit_s
    while busy() and time.perf_counter() < give_up:
        app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 5)
    end = time.perf_counter() + settle_s
    while time.perf_counter() < end:
        app.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 5)
    timer.stop()
    if not gaps:
        return 0.0, 0.0
    if DETAIL:
        worst = max(range(len(computing)), key=computing.__getitem__)
        end = ticks_at[worst]
        start = end - gaps[worst]
        inside = [f"{(a - start) * 1e3:.0f}+{(b - a) * 1e3:.0f} {what}"
                  for a, b, what in ENTRIES if b > start and a < end and b - a > 1e-3]
        print(f"    worst gap {gaps[worst] * 1e3:.0f} ms, computing {computing[worst] * 1e3:.0f} ms (start+ms): "
              + "; ".join(inside))
        ENTRIES.clear()
    return max(gaps) * 1e3, max(computing) * 1e3


def actions(window, quick: bool) -> list[tuple[str, Callable[[], None]]]:
    """The heavy actions of the issue's table, each a callable on the real window."""
    import gradviz
    from gradviz.model.limits import MAX_STARTS

    scene = window.scene
    rng = np.random.default_rng(0)

    def loss(rows: int) -> Callable[[], None]:
        x = rng.normal(size=rows)
        fn = gradviz.parse("f(w, b) = mean((w*x + b - y)^2)", data={"x": x, "y": 2.0 * x + 4.2})
        return lambda: scene.show_loss(fn, (-2.0, 6.0, -1.0, 9.0), (0.0, 0.0))

    def slide() -> None:
        text = "k = 1 in [0.5, 3]; " + TWELVE_TERMS.replace("tanh(x*y", "k*tanh(x*y")
        scene.set_expression(text)
        while scene.text != text:  # a long f is derived off the GUI thread: its slider appears when it is shown
            pump()
        slider = window.parameters.rows["k"].slider  # dragged by the mouse: pressed, moved, let go
        slider.setSliderDown(True)
        for fraction in np.linspace(0.0, 1.0, 15):
            slider.setValue(round(slider.minimum() + fraction * (slider.maximum() - slider.minimum())))
            pump()
        slider.setSliderDown(False)  # the full grid follows

    out = [("type Himmelblau's function", lambda: scene.set_expression("(x^2 + y - 11)^2 + (x + y^2 - 7)^2")),
           ("type a sum of 12 terms", lambda: scene.set_expression(TWELVE_TERMS))]
    if quick:
        return out
    out += [("set the grid to its maximum (600)", lambda: scene.set_resolution(600)),
            ("back to 160", lambda: scene.set_resolution(160)),
            ("25 start points at once",
             lambda: scene.descent.set_starts([(float(a), float(b)) for a, b in rng.uniform(-4, 4, (25, 2))])),
            (f"{MAX_STARTS} start points at once (the cap)",
             lambda: scene.descent.set_starts([(float(a), float(b)) for a, b in rng.uniform(-4, 4, (MAX_STARTS, 2))])),
            ("back to 25 start points",
             lambda: scene.descent.set_starts([(float(a), float(b)) for a, b in rng.uniform(-4, 4, (25, 2))])),
            ("slide a parameter across its range (15 ticks)", slide),
            ("critical points (Ctrl+K)", scene.request_critical_points),
            ("show a loss over 5,000 rows", loss(5_000)),
            ("show a loss over 50,000 rows", loss(50_000)),
            ("show a loss over 200,000 rows", loss(200_000)),
            ("back to Himmelblau's function", lambda: scene.set_expression("(x^2 + y - 11)^2 + (x + y^2 - 7)^2"))]
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
    """Print and return the freeze table: each action's longest block and the computing in it, with the scene's
    work on the GUI thread (before) and handed to the runner (after), and the 3D view's repaint floor."""
    scene = window.scene
    runner = scene.executor
    scene.set_expression("x^2 + y^2")  # so that typing Himmelblau's function (the default) is a change
    longest_block_ms(app, lambda: None, 0.3, lambda: bool(scene.busy))
    print(f"\n{'the window stops answering for (longest 10 ms-timer gap, ms; after: median of 3)':<52} "
          f"{'before: block':>14} "
          f"{'computing':>10} {'after: block':>13} {'computing':>10}")
    rows = []
    for name, action in actions(window, quick):
        row = {"action": name}
        start = scene.text, scene.resolution, scene.domain
        for label, executor, runs in (("before", None, 1), ("after", runner, 1 if quick else AFTER_RUNS)):
            scene.executor = executor
            measured = []
            for k in range(runs):
                if label == "after" or k:  # the same change again: back to where it started
                    scene.executor = runner
                    undo(scene, start)
                    longest_block_ms(app, lambda: None, 0.3, lambda: bool(scene.busy))
                    scene.executor = executor
                measured.append(longest_block_ms(app, action, 0.3 if quick else 0.8, lambda: bool(scene.busy)))
            block, computing = (statistics.median(v) for v in zip(*measured, strict=True))
            row[label] = {"longest_block_ms": block, "computing_ms": computing, "runs": runs}
        rows.append(row)
        b, a = row["before"], row["after"]
        print(f"{name:<52} {b['longest_block_ms']:14.0f} {b['computing_ms']:10.0f} {a['longest_block_ms']:13.0f} "
              f"{a['computing_ms']:10.0f}")
    scene.executor = runner
    floors = {} if quick else {f"{n}²": paint_ms(app, window, n) for n in (160, 600)}
    if floors:
        print("for comparison, one repaint of the 3D view: " + ", ".join(f"{k} {v:.0f} ms" for k, v in floors.items()))
    window.scene.set_resolution(160)
    return {"actions": rows, "repaint_floor_ms": floors}


def undo(scene, start: tuple) -> None:
    """Back to the f, grid and domain an action started from (so that "after" repeats the same change)."""
    text, resolution, domain = start
    if scene.function.data is not None or scene.text != text:
        scene.data = None
        scene.set_expression(text)
        scene.set_domain(domain)
    scene.set_resolution(resolution)


def network_table(app, window, quick: bool) -> dict:
    """The network tab training a 2-16-16-1 MLP on two moons with the top eigenvalue every 10 steps: the longest
    block while it trains, with the chunks run on the GUI thread (before) and on the runner (after)."""
    window.show_network_window()
    panel = window.data_window.network
    state = panel.state
    runner = state.executor
    steps = 100 if quick else 1000
    out = {}
    print(f"\n{'the network tab trains ' + str(steps) + ' steps (gd, full batch, curvature every 10)':<64} "
          f"{'block ms':>9} {'computing ms':>13}")
    for label, executor in (("before", None), ("after", runner)):
        state.executor = executor
        state.set_run(steps=steps, curvature_every=10)
        start = time.perf_counter()
        block, computing = longest_block_ms(app, lambda: state.play(True), 0.3, lambda: state.playing)
        out[label] = {"longest_block_ms": block, "computing_ms": computing, "wall_s": time.perf_counter() - start,
                      "steps": state.snapshot.step}
        print(f"{label:<64} {block:9.0f} {computing:13.0f}")
    state.executor = runner
    return out
