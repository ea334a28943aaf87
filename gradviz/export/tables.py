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
from gradviz.export.formats import writes
from gradviz.session.store import write_atomic

TRAJECTORY_COLUMNS = ["run", "method", "hyperparameters", "step", "x", "y", "f", "fx", "fy", "status"]


BATCH_COLUMNS = ["lr", "batch_loss"]  # runs on data: the step's η, and the loss of the batch it used


def trajectory_columns(variables: Sequence[str] = ("x", "y"), on_data: bool = False) -> list[str]:
    """The CSV header, with the variables' names: run, method, …, w, b, f, fw, fb, status for f(w, b);
    then lr and batch_loss for runs on data."""
    u, v = variables
    return ["run", "method", "hyperparameters", "step", u, v, "f", f"f{u}", f"f{v}", "status",
            *(BATCH_COLUMNS if on_data else [])]


def _on_data(traj: Trajectory) -> bool:
    return traj.batch_losses is not None


def _batch_cells(traj: Trajectory, k: int) -> list[str]:
    """The step's η (none after the last iterate) and its batch's loss (f itself in full batch)."""
    lrs = traj.lrs
    lr = repr(float(lrs[k])) if k < len(lrs) else ""
    return [lr, repr(float(traj.batch_losses[k]))]  # type: ignore[index]


def _run_settings(traj: Trajectory) -> dict[str, Any]:
    """What else repeats a run on data: batch size (None: full batch), seed and schedule."""
    if not _on_data(traj):
        return {}
    return {"batch_size": traj.batch_size, "seed": traj.seed, "schedule": traj.schedule}


def _finite(v: float) -> float | None:
    v = float(v)
    return v if math.isfinite(v) else None



@writes("trajectories", ".csv", "CSV table")
def trajectories_csv(runs: Sequence[Trajectory], path: str | os.PathLike) -> None:
    """One row per iterate: run, method, hyperparameters (JSON, with f's parameters), step, x, y, f,
    fx, fy, status; the columns take the variables' names (w, b, f, fw, fb for f(w, b))."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    on_data = any(_on_data(t) for t in runs)
    writer.writerow(trajectory_columns(runs[0].variables if runs else ("x", "y"), on_data))
    for r, traj in enumerate(runs):
        hyper = json.dumps({"lr": traj.lr, **traj.hyper, "tol": traj.tol, **_parameters(traj),
                            **_run_settings(traj)}, sort_keys=True)
        for k, ((x, y), f, (fx, fy)) in enumerate(zip(traj.points, traj.values, traj.grads, strict=True)):
            extra = (_batch_cells(traj, k) if _on_data(traj) else ["", ""]) if on_data else []
            writer.writerow([r, traj.method, hyper, k, repr(float(x)), repr(float(y)), repr(float(f)),
                             repr(float(fx)), repr(float(fy)), traj.status, *extra])
    write_atomic(path, out.getvalue())


def _parameters(traj: Trajectory) -> dict[str, Any]:
    return {"parameters": traj.parameters} if traj.parameters else {}


@writes("trajectories", ".json", "JSON")
def trajectories_json(runs: Sequence[Trajectory], path: str | os.PathLike) -> None:
    """A list of runs, each with its method, hyperparameters, f's variables and parameters, status
    and every step (nan/inf as null); step keys take the variables' names."""
    data: list[dict[str, Any]] = []
    for traj in runs:
        u, v = traj.variables
        data.append({
            "method": traj.method, "start": list(traj.start), "variables": list(traj.variables),
            "parameters": dict(traj.parameters),
            "hyperparameters": {"lr": traj.lr, **traj.hyper, "tol": traj.tol},
            "status": traj.status, "stop_step": traj.stop_step, **_run_settings(traj),
            "steps": [{"step": k, u: _finite(x), v: _finite(y), "f": _finite(f), f"f{u}": _finite(fx),
                       f"f{v}": _finite(fy), **(_batch_step(traj, k) if _on_data(traj) else {})}
                      for k, ((x, y), f, (fx, fy)) in enumerate(zip(traj.points, traj.values, traj.grads,
                                                                     strict=True))],
        })
    write_atomic(path, json.dumps({"trajectories": data}, indent=1, allow_nan=False) + "\n")


def _batch_step(traj: Trajectory, k: int) -> dict[str, float | None]:
    lrs = traj.lrs
    return {"lr": _finite(lrs[k]) if k < len(lrs) else None,
            "batch_loss": _finite(traj.batch_losses[k])}  # type: ignore[index]


@writes("critical_points", ".csv", "CSV table")
def critical_points_csv(points: Sequence[CriticalPoint], path: str | os.PathLike,
                        variables: Sequence[str] = ("x", "y")) -> None:
    """kind, x, y (the variables' names), f and the Hessian's eigenvalues of each critical point."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["kind", *variables, "f", "lambda1", "lambda2"])
    for p in points:
        writer.writerow([p.kind, repr(p.x), repr(p.y), repr(p.f), repr(p.eigenvalues[0]), repr(p.eigenvalues[1])])
    write_atomic(path, out.getvalue())
