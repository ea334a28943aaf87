"""Trajectories and critical points as CSV and JSON files (written atomically)."""

from __future__ import annotations

import csv
import io
import json
import math
import os
from collections.abc import Sequence
from typing import Any

from gradviz.calculus.critical import CriticalPoint
from gradviz.descent.trajectory import Trajectory
from gradviz.session.store import write_atomic

TRAJECTORY_COLUMNS = ["run", "method", "hyperparameters", "step", "x", "y", "f", "fx", "fy", "status"]


def _finite(v: float) -> float | None:
    v = float(v)
    return v if math.isfinite(v) else None



def trajectories_csv(runs: Sequence[Trajectory], path: str | os.PathLike) -> None:
    """One row per iterate: run, method, hyperparameters (JSON), step, x, y, f, fx, fy, status."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(TRAJECTORY_COLUMNS)
    for r, traj in enumerate(runs):
        hyper = json.dumps({"lr": traj.lr, **traj.hyper, "tol": traj.tol}, sort_keys=True)
        for k, ((x, y), f, (fx, fy)) in enumerate(zip(traj.points, traj.values, traj.grads, strict=True)):
            writer.writerow([r, traj.method, hyper, k, repr(float(x)), repr(float(y)), repr(float(f)),
                             repr(float(fx)), repr(float(fy)), traj.status])
    write_atomic(path, out.getvalue())


def trajectories_json(runs: Sequence[Trajectory], path: str | os.PathLike) -> None:
    """A list of runs, each with its method, hyperparameters, status and every step (nan/inf as null)."""
    data: list[dict[str, Any]] = []
    for traj in runs:
        data.append({
            "method": traj.method, "start": list(traj.start),
            "hyperparameters": {"lr": traj.lr, **traj.hyper, "tol": traj.tol},
            "status": traj.status, "stop_step": traj.stop_step,
            "steps": [{"step": k, "x": _finite(x), "y": _finite(y), "f": _finite(f), "fx": _finite(fx),
                       "fy": _finite(fy)}
                      for k, ((x, y), f, (fx, fy)) in enumerate(zip(traj.points, traj.values, traj.grads,
                                                                     strict=True))],
        })
    write_atomic(path, json.dumps({"trajectories": data}, indent=1, allow_nan=False) + "\n")


def critical_points_csv(points: Sequence[CriticalPoint], path: str | os.PathLike) -> None:
    """kind, x, y, f and the Hessian's eigenvalues of each critical point."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["kind", "x", "y", "f", "lambda1", "lambda2"])
    for p in points:
        writer.writerow([p.kind, repr(p.x), repr(p.y), repr(p.f), repr(p.eigenvalues[0]), repr(p.eigenvalues[1])])
    write_atomic(path, out.getvalue())
