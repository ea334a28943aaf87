"""Every export format, one entry each: what it holds, its suffix, its name in file dialogs, and how it is
written. The menus, the file dialogs' filters, the CLI's help, `gradviz.figure` and the writers all read
`FORMATS`; a new format is one entry (and, for a table, its writer beside it).

What a file holds: "trajectories" (every iterate of runs), "critical_points", "plot" (a 2D view), "3d" (the 3D
view), "window", "movie" (playback or a parameter sweep), "figure" (`gradviz.figure` and `gradviz render`, 2D
views), "figure_3d" (the same with the 3D view). Pictures and movies are drawn by the GUI or the headless
renderer; `render` tells them how: "raster" (Qt's image writer, any suffix it knows), "vector" (SVG), "gif",
"mp4". Tables carry their Qt-free writer `write(data, path, **context)`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ExportFormat:
    holds: str
    suffix: str  # ".png"
    label: str  # "PNG image", for file dialogs
    render: str = ""  # pictures and movies: "raster", "vector", "gif", "mp4"
    write: Callable[..., None] | None = None  # tables: write(data, path, **context)

    @property
    def dialog_filter(self) -> str:
        return f"{self.label} (*{self.suffix})"


FORMATS: list[ExportFormat] = []


def register(fmt: ExportFormat) -> ExportFormat:
    """Add a format; ValueError if one with the same suffix holds the same thing already."""
    if any(f.holds == fmt.holds and f.suffix == fmt.suffix for f in FORMATS):
        raise ValueError(f"{fmt.holds} as {fmt.suffix} is registered twice")
    FORMATS.append(fmt)
    return fmt


def writes(holds: str, suffix: str, label: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Decorator registering a table writer: `@writes("trajectories", ".csv", "CSV table")`."""
    def decorate(write: Callable[..., None]) -> Callable[..., None]:
        register(ExportFormat(holds, suffix, label, write=write))
        return write
    return decorate


def formats(holds: str) -> list[ExportFormat]:
    """The formats that can hold `holds`, in registration order (the first is the default)."""
    found = [f for f in FORMATS if f.holds == holds]
    if not found:
        raise KeyError(f"no export format holds {holds!r}")
    return found


def suffixes(holds: str) -> tuple[str, ...]:
    return tuple(f.suffix for f in formats(holds))


def dialog_filter(holds: str) -> str:
    """The file dialog's filter: "PNG image (*.png);;SVG drawing (*.svg)"."""
    return ";;".join(f.dialog_filter for f in formats(holds))


def resolve(path: str | os.PathLike[str], holds: str, what: str, chosen_filter: str | None = None
            ) -> tuple[str, ExportFormat]:
    """(the path to write, its format). A name without a suffix takes the one of the dialog's chosen filter (or
    the default format); ValueError naming the allowed suffixes for any other suffix."""
    p = Path(path)
    suffix = p.suffix.lower()
    options = formats(holds)
    if not suffix:
        chosen = next((f for f in options if chosen_filter and f.dialog_filter == chosen_filter), options[0])
        return str(p.with_name(p.name + chosen.suffix)), chosen
    for f in options:
        if f.suffix == suffix:
            return str(p), f
    allowed = " or ".join(f.suffix for f in options)
    raise ValueError(f"{what} can be written as {allowed}, not {suffix}")


def with_chosen_suffix(path: str, holds: str, chosen_filter: str | None) -> str:
    """`path` as a save dialog returned it, with the suffix of the chosen filter (or the default format's) added
    when the name has none; any other path unchanged (the export then names a suffix it cannot write)."""
    return resolve(path, holds, holds, chosen_filter)[0] if not Path(path).suffix else str(path)


def write(holds: str, data: Any, path: str | os.PathLike[str], **context: Any) -> str:
    """Write a table (`data`) in the format its suffix names; returns the path written."""
    target, fmt = resolve(path, holds, holds.replace("_", " "))
    if fmt.write is None:
        raise ValueError(f"{fmt.suffix} holds {holds} drawn by the window, not written here")
    fmt.write(data, target, **context)
    return target


for _fmt in (
    ExportFormat("plot", ".png", "PNG image", "raster"),
    ExportFormat("plot", ".svg", "SVG drawing", "vector"),
    ExportFormat("3d", ".png", "PNG image", "raster"),
    ExportFormat("window", ".png", "PNG image", "raster"),
    ExportFormat("movie", ".gif", "Animated GIF", "gif"),
    ExportFormat("movie", ".mp4", "MP4 video", "mp4"),
    ExportFormat("figure", ".png", "PNG image", "raster"),
    ExportFormat("figure", ".svg", "SVG drawing", "vector"),
    ExportFormat("figure_3d", ".png", "PNG image", "raster"),
):
    register(_fmt)
del _fmt
