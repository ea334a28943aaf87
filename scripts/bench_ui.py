"""Benchmark the app's CPU-side work per frame: an expression change (new surface + contours at
200², smooth shading, 10 isolines) and one probe-drag step (Taylor models, readouts, overlay
geometry). Baselines in the same process: pyqtgraph's own GLSurfacePlotItem and IsocurveItem.

    xvfb-run -a -s "-screen 0 1600x1000x24" python scripts/bench_ui.py [--quick] [--out bench_ui.json]

Prints a table and writes JSON. Medians of repeats; GL rasterisation is excluded (on a real GPU it
is far cheaper than here, under Mesa's software renderer).
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

from timing import median_seconds  # noqa: E402


def median_ms(fn, repeats: int) -> float:
    return median_seconds(fn, repeats) * 1e3


def tick_floor(scene, param_texts: list[str], functions: dict, repeats: int) -> list[dict]:
    """What no drawing can save: a tick's own computing (f and ∇f on the grid, its isolines and arrows, the paths)
    against what only a change computes (parse, derive, the kernels and descent loops compiled). Were the drawing
    free, the ratio would be tick / (tick + change's own) at best."""
    import numpy as np

    from gradviz import parse
    from gradviz.descent.trajectory import loop_for
    from gradviz.model.sampling import sample

    rows = []
    print(f"\n{'without drawing (200²)':<32} {'tick computes ms':>17} {'change adds ms':>15} {'best ratio':>11}")
    d, view = scene.descent, scene.view
    for name, text in zip(functions, param_texts, strict=True):
        scene.set_expression(text)
        values = iter(np.tile([0.75, 1.5], 10**6))

        def computing(values=values) -> None:
            fn = scene.function.with_parameters(k=float(next(values)))
            s = sample(fn, scene.domain, scene.resolution)
            s.isolines(s.color_scale(view.contour_spacing).levels(view.contour_count))
            s.arrows(view.field_density, view.field_sign)
            d.use_function(fn, scene.domain, announce=False)
            d.trajectories()

        def derive(text=text) -> None:
            fn = parse(text).prepare()  # f with ∇f and H on grids and at points (fewer kernels than a change uses)
            for method in d.enabled_methods:
                loop_for(fn, method)

        t_tick, t_derive = median_ms(computing, repeats), median_ms(derive, repeats)
        best = t_tick / (t_tick + t_derive)
        rows.append({"function": name, "tick_computing_ms": t_tick, "change_adds_ms": t_derive, "best_ratio": best})
        print(f"{name:<32} {t_tick:>17.1f} {t_derive:>15.1f} {best:>11.2f}")
        d.use_function(scene.function, scene.domain)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", default="bench_ui.json")
    args = parser.parse_args()
    if not os.environ.get("DISPLAY") and os.environ.get("QT_QPA_PLATFORM") != "offscreen":
        print("bench_ui needs a display for OpenGL: run it under xvfb-run (see the docstring)", file=sys.stderr)
        return 1
    every_core = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    if every_core is not None:
        os.sched_setaffinity(0, {min(every_core)})  # the ratios: one core, so that nothing else runs beside them
    import numpy as np
    import pyqtgraph as pg
    import pyqtgraph.opengl as gl
    from benchfuncs import FUNCTIONS
    from freeze import freeze_table, network_table, time_our_code
    from PySide6 import QtCore

    from gradviz.gui.background import settle_heap
    from gradviz.gui.main_window import MainWindow
    from gradviz.gui.qt_setup import ensure_app
    from gradviz.gui.widgets.lazy import run_pending
    from gradviz.model.scene import Scene

    scratch = tempfile.mkdtemp(prefix="gradviz-bench-ui-")  # settings and recovery files: nowhere the user keeps them
    os.environ.setdefault("GRADVIZ_HOME", scratch)
    app = ensure_app()
    time_our_code()  # before the window connects its slots
    settings = QtCore.QSettings(str(Path(scratch) / "settings.ini"), QtCore.QSettings.Format.IniFormat)
    scene = Scene()
    window = MainWindow(scene, settings)
    window.files.ask_unsaved = lambda: "discard"  # a benchmark never asks about unsaved changes
    window.resize(1500, 950)
    window.show()
    app.processEvents()
    settle_heap()  # as the app does once its window is up
    runner = scene.executor
    scene.executor = None  # the CPU work of each change whole, on this thread (the freeze table uses the runner)
    scene.set_resolution(200)
    scene.set_view(contour_count=10, contour_spacing="linear", gradient_field=True)
    scene.set_domain((-2.0, 2.0, -2.0, 2.0))
    repeats = 3 if args.quick else 25
    surface_item = window.surface.surface

    rows = []
    print(f"{'function':<20} {'expression change ms':>21} {'probe drag step ms':>19} {'… with graph shown ms':>21}"
          f" {'… phase diagram ms':>18}")
    texts = [t for t, _ in FUNCTIONS.values()]
    for name, (text, _) in FUNCTIONS.items():
        other = texts[(texts.index(text) + 1) % len(texts)]
        flip = [text, other]

        def change(flip=flip) -> None:
            flip.reverse()
            scene.set_expression(flip[0])
            surface_item.parseMeshData()  # the CPU side of the first draw

        t_change = median_ms(change, repeats)
        scene.set_expression(text)
        rng = np.random.default_rng(0)
        points = rng.uniform(-1.5, 1.5, size=(repeats + 1, 2))
        k = iter(range(10**9))

        def drag_step(points=points, k=k) -> None:
            p = points[next(k) % len(points)]
            scene.set_probe(float(p[0]), float(p[1]))
            window.surface.tangent.parseMeshData()
            window.surface.quadratic.parseMeshData()

        t_drag = median_ms(drag_step, repeats)
        window.bottom_tabs.setCurrentWidget(window.backprop)  # the graph at the probe, live
        app.processEvents()
        t_drag_graph = median_ms(drag_step, repeats)
        window.bottom_tabs.setCurrentWidget(window.stepsize)  # the phase diagram (140 × 100 cells), live
        app.processEvents()
        t_drag_phase = median_ms(drag_step, repeats)
        window.bottom_tabs.setCurrentIndex(0)
        app.processEvents()
        rows.append({"function": name, "expression_change_ms": t_change, "probe_step_ms": t_drag,
                     "probe_step_graph_shown_ms": t_drag_graph, "probe_step_phase_diagram_ms": t_drag_phase})
        print(f"{name:<20} {t_change:>21.1f} {t_drag:>19.2f} {t_drag_graph:>21.2f} {t_drag_phase:>18.2f}")

    # a slider tick against an expression change of the same parameterised function
    print(f"\n{'function (k*(F), k on a slider)':<32} {'expression change ms':>21} {'slider tick ms':>15} {'ratio':>6}"
          f" {'step ms':>8} {'ratio':>6} {'let go ms':>9}")
    print("(a tick while the slider is dragged draws at most SLIDE_GRID² points; a step (a typed value, a key) and"
          " the slider let go draw the full grid)")
    tick_rows = []
    param_texts = [f"k = 1 in [0.5, 2]; k*({t})" for t in texts]
    for name, text in zip(FUNCTIONS, param_texts, strict=True):
        other = param_texts[(param_texts.index(text) + 1) % len(param_texts)]
        flip = [text, other]

        def change(flip=flip) -> None:
            flip.reverse()
            scene.set_expression(flip[0])
            surface_item.parseMeshData()

        t_change = median_ms(change, repeats)
        scene.set_expression(text)
        values = iter(np.tile([0.75, 1.5], 10**6))

        def tick(values=values, sliding=True) -> None:
            scene.set_parameter("k", float(next(values)), sliding=sliding)
            surface_item.parseMeshData()

        def step(values=values) -> None:  # one value typed, or a key pressed: f on the full grid at once
            tick(values, sliding=False)

        spent: list[float] = []

        def let_go(values=values, spent=spent) -> None:  # the slider let go (or resting): the full grid after a tick
            tick(values)
            t0 = time.perf_counter()
            scene.settle()
            run_pending()
            surface_item.parseMeshData()
            spent.append(time.perf_counter() - t0)

        t_tick = median_ms(tick, repeats)
        t_step = median_ms(step, repeats)
        for _ in range(repeats):
            let_go()
        t_settle = statistics.median(spent) * 1e3
        tick_rows.append({"function": name, "expression_change_ms": t_change, "slider_tick_ms": t_tick,
                          "ratio": t_tick / t_change, "step_ms": t_step, "step_ratio": t_step / t_change,
                          "let_go_ms": t_settle})
        print(f"{name:<32} {t_change:>21.1f} {t_tick:>15.1f} {t_tick / t_change:>6.2f} {t_step:>8.1f}"
              f" {t_step / t_change:>6.2f} {t_settle:>9.1f}")
    med_ratio = statistics.median(r["ratio"] for r in tick_rows)
    print(f"median slider tick / expression change: {med_ratio:.2f} (target ≤ 0.5); a step at full detail:"
          f" {statistics.median(r['step_ratio'] for r in tick_rows):.2f}")
    bound_rows = tick_floor(scene, param_texts, FUNCTIONS, repeats)

    # the backprop graph: layout at the panel's cap, and the largest f the parser takes (capped: a note)
    from gradviz.gui.panels.backprop_panel import MAX_DRAWN_NODES

    graph_rows = []
    print(f"\n{'backprop graph (f ↔ F1)':<44} {'nodes':>7} {'change, tab hidden ms':>22} {'tab shown ms':>13}")
    biggest = " + ".join(f"sin(x*{k} + y)" for k in range(1, 300 if args.quick else 2200))  # ~ the parser's cap
    for label, text in (("40 terms (under the cap)", " + ".join(f"sin(x*{k} + y)" for k in range(1, 21))),
                        ("at the cap", " + ".join(f"sin(x*{k} + y)" for k in range(1, MAX_DRAWN_NODES // 5 + 1))),
                        ("the largest f the parser takes (capped)", biggest)):
        flip = [text, texts[0]]

        def change(flip=flip) -> None:
            flip.reverse()
            scene.set_expression(flip[0])  # the shown panel lays out and traces the graph at once

        window.bottom_tabs.setCurrentIndex(0)
        app.processEvents()
        t_hidden = median_ms(change, max(3, repeats // 5))
        window.bottom_tabs.setCurrentWidget(window.backprop)
        app.processEvents()
        t_graph = median_ms(change, max(3, repeats // 5))
        scene.set_expression(text)
        n_nodes = len(scene.function.graph().nodes)
        graph_rows.append({"case": label, "nodes": n_nodes, "change_hidden_ms": t_hidden, "change_ms": t_graph})
        print(f"{label:<44} {n_nodes:>7} {t_hidden:>22.1f} {t_graph:>13.1f}")
    window.bottom_tabs.setCurrentIndex(0)
    app.processEvents()

    # descent: 16 trajectories × 1000 steps recomputed (cache cleared) and every item updated
    d = scene.descent
    print(f"\n{'function':<20} {'16 × 1000-step paths recomputed + drawn ms':>44}")
    descent_rows = []
    for name, (text, _) in FUNCTIONS.items():
        scene.set_expression(text)
        d.set_run(steps=1000, tol=0.0)
        for m in ("gd", "momentum", "nesterov", "adam", "adagrad", "rmsprop", "newton"):
            d.set_method(m, enabled=m in ("gd", "momentum", "nesterov", "adam"), lr=1e-3 if m != "newton" else None)
        d.set_starts([(-1.5, -1.0), (1.2, 0.8), (-0.5, 1.5), (0.9, -1.3)])
        moves = iter(np.linspace(-1.5, -1.2, 10**5))

        def recompute_all(moves=moves) -> None:
            d._cache.clear()  # worst case: every path recomputed, as when f or a setting changes
            d.move_start(d.starts[0].key, float(next(moves)), -1.0)
            run_pending()  # the views redraw the paths in passes of the event loop of their own: all of them now

        t_desc = median_ms(recompute_all, repeats)
        assert len(d.trajectories()) == 16
        descent_rows.append({"function": name, "descent_16x1000_ms": t_desc})
        print(f"{name:<20} {t_desc:>44.1f}")
    med_desc = statistics.median(r["descent_16x1000_ms"] for r in descent_rows)
    print(f"median: {med_desc:.1f} ms (target ≤ 16; dragging one start point recomputes only its own 4 paths)")

    # baselines: pyqtgraph's own items on the same 200² data, same process
    fn = scene.function
    xs = np.linspace(-2, 2, 200)
    f = fn.grid(xs, xs)[0]
    glsurf = gl.GLSurfacePlotItem(x=xs, y=xs, z=f, shader="shaded", smooth=True, computeNormals=True)
    window.surface.addItem(glsurf)
    glsurf.setVisible(False)

    def library_surface() -> None:
        glsurf.setData(z=f + 0.0)
        glsurf.parseMeshData()

    t_lib_surface = median_ms(library_surface, max(3, repeats // 5))
    iso = pg.IsocurveItem()
    levels = np.linspace(f.min(), f.max(), 12)[1:-1]

    def library_isolines() -> None:
        for level in levels:
            iso.setData(f, level)
            iso.generatePath()

    t_lib_iso = median_ms(library_isolines, max(3, repeats // 5))

    # isolines before (gradviz's vectorised marching squares) and after (contourpy), same data, same run
    from marching_squares import isoline_segments

    from gradviz.geometry.isolines import isolines as contourpy_isolines

    iso_rows = []
    print(f"\n{'isolines, 10 levels':<22} {'marching squares ms':>20} {'contourpy ms':>13} {'speed-up':>9} "
          f"{'vertices before':>16} {'after':>8}")
    for n in (200, 400):
        grid = np.linspace(-2, 2, n)
        z = fn.grid(grid, grid)[0]
        lv = np.linspace(np.nanmin(z), np.nanmax(z), 12)[1:-1]
        t_ms = median_ms(lambda: [isoline_segments(grid, grid, z, float(v)) for v in lv], max(3, repeats // 5))  # noqa: B023
        t_cp = median_ms(lambda: contourpy_isolines(grid, grid, z, lv), max(3, repeats // 5))  # noqa: B023
        v_before = sum(2 * len(isoline_segments(grid, grid, z, float(v))) for v in lv)
        v_after = sum(int(np.isfinite(p[:, 0]).sum()) for p in contourpy_isolines(grid, grid, z, lv))
        iso_rows.append({"n": n, "marching_squares_ms": t_ms, "contourpy_ms": t_cp, "vertices_before": v_before,
                         "vertices_after": v_after})
        print(f"{f'{n}² (F6)':<22} {t_ms:>20.2f} {t_cp:>13.2f} {t_ms / t_cp:>8.1f}× {v_before:>16} {v_after:>8}")
    window.surface.removeItem(glsurf)
    med_change = statistics.median(r["expression_change_ms"] for r in rows)
    med_drag = statistics.median(r["probe_step_ms"] for r in rows)
    print(f"\nmedian over F1–F6: expression change {med_change:.1f} ms (target ≤ 40), "
          f"probe drag step {med_drag:.2f} ms (target ≤ 8)")
    print(f"baselines, same process, 200²: pyqtgraph GLSurfacePlotItem smooth setData {t_lib_surface:.1f} ms; "
          f"IsocurveItem ×10 levels {t_lib_iso:.1f} ms")
    print(f"gradviz's whole expression change is {t_lib_surface / med_change:.1f}× faster than pyqtgraph's "
          f"surface item alone")
    scene.executor = runner
    if every_core is not None:  # the freeze table: the window and its runner's threads on the machine's cores
        for thread in os.listdir("/proc/self/task"):  # threads started meanwhile kept the one core they were given
            os.sched_setaffinity(int(thread), every_core)
    freeze = freeze_table(app, window, args.quick)
    network = network_table(app, window, args.quick)
    Path(args.out).write_text(json.dumps({"freeze": freeze, "network": network, "rows": rows, "descent": descent_rows,
                                          "slider": tick_rows, "slider_floor": bound_rows,
                                          "graph": graph_rows, "isolines": iso_rows,
                                          "median_slider_ratio": med_ratio,
                                          "median_descent_16x1000_ms": med_desc,
                                          "median_expression_change_ms": med_change,
                                          "median_probe_step_ms": med_drag,
                                          "baseline_glsurface_ms": t_lib_surface,
                                          "baseline_isocurve10_ms": t_lib_iso}, indent=2))
    print(f"wrote {args.out}")
    window.close()
    settings.sync()  # written now, so nothing recreates the folder after it is removed
    shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
