"""Exports by suffix, for the window and the CLI alike: thin calls on the format table (`formats.py`)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from gradviz.calculus.critical import CriticalPoint
from gradviz.descent.trajectory import Trajectory
from gradviz.export import tables  # noqa: F401 (registers the table writers)
from gradviz.export.formats import FORMATS, formats, suffixes, write

# views of the format table, under the names earlier versions exported
TRAJECTORY_WRITERS = {f.suffix: f.write for f in formats("trajectories")}
CRITICAL_WRITERS = {f.suffix: f.write for f in formats("critical_points")}
FIGURE_SUFFIXES = {"plot": suffixes("plot"), "3d": suffixes("3d"), "movie": suffixes("movie")}


def suffix_of(path: str | os.PathLike, allowed: Sequence[str], what: str) -> str:
    """The lower-case suffix of `path`; ValueError naming the allowed ones otherwise."""
    suffix = Path(path).suffix.lower()
    if suffix not in allowed:
        raise ValueError(f"{what} can be written as {' or '.join(allowed)}, not "
                         f"{suffix or 'a file with no suffix'}")
    return suffix


def export_trajectories(runs: Sequence[Trajectory], path: str | os.PathLike) -> str:
    """Every iterate of `runs` as CSV or JSON (any trajectories format), by the suffix of `path`."""
    suffix_of(path, suffixes("trajectories"), "trajectories")
    return write("trajectories", runs, path)


def export_critical_points(points: Sequence[CriticalPoint], path: str | os.PathLike,
                           variables: Sequence[str] = ("x", "y")) -> str:
    suffix_of(path, suffixes("critical_points"), "critical points")
    return write("critical_points", points, path, variables=variables)


__all__ = ["CRITICAL_WRITERS", "FIGURE_SUFFIXES", "FORMATS", "TRAJECTORY_WRITERS", "export_critical_points",
           "export_trajectories", "suffix_of"]
