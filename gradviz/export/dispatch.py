"""The one place where an export's file suffix picks its writer, for the window and the CLI alike."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from gradviz.calculus.critical import CriticalPoint
from gradviz.descent.trajectory import Trajectory
from gradviz.export.tables import critical_points_csv, trajectories_csv, trajectories_json

TRAJECTORY_WRITERS = {".csv": trajectories_csv, ".json": trajectories_json}
CRITICAL_WRITERS = {".csv": critical_points_csv}
FIGURE_SUFFIXES = {"plot": (".png", ".svg"), "3d": (".png",), "movie": (".gif", ".mp4")}


def suffix_of(path: str | os.PathLike, allowed: Sequence[str], what: str) -> str:
    """The lower-case suffix of `path`; ValueError naming the allowed ones otherwise."""
    suffix = Path(path).suffix.lower()
    if suffix not in allowed:
        raise ValueError(f"{what} can be written as {' or '.join(allowed)}, not "
                         f"{suffix or 'a file with no suffix'}")
    return suffix


def export_trajectories(runs: Sequence[Trajectory], path: str | os.PathLike) -> None:
    """Every iterate of `runs` as CSV or JSON, by the suffix of `path`."""
    TRAJECTORY_WRITERS[suffix_of(path, tuple(TRAJECTORY_WRITERS), "trajectories")](runs, path)


def export_critical_points(points: Sequence[CriticalPoint], path: str | os.PathLike,
                           variables: Sequence[str] = ("x", "y")) -> None:
    CRITICAL_WRITERS[suffix_of(path, tuple(CRITICAL_WRITERS), "critical points")](points, path, variables)
