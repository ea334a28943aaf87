"""Figures without the window, for notebooks: `gradviz.figure(...)` shows inline and saves.

    fig = gradviz.figure("x*exp(-x^2 - y^2)", view="contour", probe=(-1, 0), starts=[(1, 1)],
                         methods=["gd", "adam"])
    fig                      # Jupyter shows it (PNG, or SVG for the 2D views)
    fig.save("taylor.svg")   # or .png

It draws exactly what `gradviz render` draws. The contour, slice and loss views need no display (Qt's
offscreen platform); the 3D view needs OpenGL on an X server and starts Xvfb when there is none.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from gradviz.export.dispatch import suffix_of
from gradviz.export.formats import suffixes
from gradviz.headless.quick_scene import scene_for
from gradviz.lessons import Step, apply_step
from gradviz.lessons.lesson import register_renderer
from gradviz.model import limits
from gradviz.model.scene import Scene

VIEWS = ("contour", "3d", "both", "slice", "loss")
STEP_SIZE = (640, 480)  # a lesson step's figure in a notebook
MIN_SIDE, MAX_SIDE = limits.EXPORT_SIDE  # pixels: as the window's export dialogs allow

class Figure:
    """A gradviz picture of f: `_repr_png_`/`_repr_svg_` for Jupyter, `save(path)` for files."""

    def __init__(self, source: str, view: str = "contour", size: tuple[int, int] = (900, 700),
                 domain: Sequence[float] | None = None, probe: Sequence[float] | None = None,
                 starts: Sequence[Sequence[float]] = (), methods: Sequence[str] = (), lr: float | None = None,
                 steps: int = 500, log: bool = False, params: Mapping[str, float] | None = None) -> None:
        if view not in VIEWS:
            raise ValueError(f"view must be one of {', '.join(VIEWS)}, not {view!r}")
        self.view = view
        w, h = (int(size[0]), int(size[1]))
        if not (MIN_SIDE <= w <= MAX_SIDE and MIN_SIDE <= h <= MAX_SIDE):
            raise ValueError(f"size must be between {MIN_SIDE} and {MAX_SIDE} pixels a side, got {w}×{h}")
        self.size = (w, h)
        self.scene = scene_for(source, domain=domain, probe=probe, starts=starts, methods=methods, lr=lr,
                               steps=steps, log=log, params=params)

    def save(self, path: str | os.PathLike) -> Path:
        """Write the figure as PNG (any view) or SVG (the 2D views); returns the path."""
        from gradviz.headless.render import RenderError, draw_headless, draw_plot

        out = Path(path)
        suffix = suffix_of(out, suffixes("figure"), "a figure")
        if self.view in ("3d", "both") and suffix not in suffixes("figure_3d"):
            raise ValueError(f"{suffix} is for the 2D views (contour, slice, loss): the 3D view is pixels; save as "
                             f"{' or '.join(suffixes('figure_3d'))}")
        try:
            if self.view in ("slice", "loss"):
                draw_plot(self.scene, self.view, self.size, str(out))
            else:
                draw_headless(self.scene, self.view, self.size, str(out))
        except RenderError as err:
            raise RuntimeError(str(err)) from None  # it says what to install or do
        return out

    @classmethod
    def of_scene(cls, scene: object, view: str = "contour", size: tuple[int, int] = (900, 700)) -> Figure:
        """A figure of a scene already set up (a lesson step's, say)."""
        fig = cls.__new__(cls)
        fig.view, fig.size, fig.scene = view, (int(size[0]), int(size[1])), scene
        return fig

    def _render(self, suffix: str) -> bytes:
        with tempfile.TemporaryDirectory(prefix="gradviz-figure-") as folder:
            path = Path(folder) / f"figure{suffix}"
            self.save(path)
            return path.read_bytes()

    def _repr_png_(self) -> bytes:
        return self._render(".png")

    def _repr_svg_(self) -> str | None:
        if self.view in ("3d", "both"):
            return None  # Jupyter falls back to the PNG
        return self._render(".svg").decode("utf-8")

    def __repr__(self) -> str:
        return f"<gradviz.figure of {self.scene.function} ({self.view})>"


def figure(source: str, view: str = "contour", **options: object) -> Figure:
    """A figure of f (text, or a .gradviz.json session) without the window; see `Figure` for the options:
    size, domain, probe, starts, methods, lr, steps, log, params."""
    return Figure(source, view, **options)


def step_png(step: Step, reveal: bool = False) -> bytes:
    """A lesson step's scene as a PNG (its contour view), with the reveal's overlays when `reveal`."""
    scene = Scene()
    scene.executor = None
    apply_step(step, scene, reveal)
    return Figure.of_scene(scene, "contour", STEP_SIZE)._render(".png")


register_renderer(step_png)  # lessons in notebooks show their steps' figures
