"""The optimizers of the registry on weight vectors: each entry's own update lines, applied to whole arrays.

The registry writes each update for the two coordinates x, y (`descent/optimizers.py`). Here the lines for x,
with x the whole weight vector, gx its gradient and bx, mx, vx, sx the torch buffers, are the vector update;
the lines for y are dropped. Nothing is written twice: a new optimizer in the registry trains networks too.
Newton's direction is the dense one, H⁻¹g with H's eigenvalues floored as in two dimensions.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

from gradviz.descent.optimizers import OPTIMIZERS, Optimizer

_TARGET = re.compile(r"^\s*([A-Za-z_][\w, ]*?)\s*(?:[-+*/]?=)(?!=)")
_NEWTON_LINE = "dx = _newton_direction(gx, H, min_curvature)"


def y_names(opt: Optimizer) -> set[str]:
    """The loop variables that hold the y coordinate: y, gy and each buffer's y part."""
    return {"y", "gy", *(buf.y for buf in opt.state.values())}


def vector_lines(opt: Optimizer, lines: tuple[str, ...]) -> list[str]:
    """The x lines of `lines`, for whole vectors; ValueError if a kept line still reads a y variable."""
    ys = y_names(opt)
    out = []
    for line in lines:
        match = _TARGET.match(line)
        targets = {t.strip() for t in match.group(1).split(",")} if match else set()
        if targets == {"dx", "dy"}:
            out.append(_NEWTON_LINE)
            continue
        if targets & ys:
            continue
        if set(re.findall(r"[A-Za-z_]\w*", line)) & ys:
            raise ValueError(f"{opt.name}: the line {line!r} mixes x and y, so it has no vector form")
        out.append(line)
    return out


def newton_direction(g: np.ndarray, hessian: np.ndarray, min_curvature: float) -> np.ndarray:
    """H⁻¹g with H's eigenvalues replaced by max(|λ|, min_curvature) unless all are at least that (plain Newton)."""
    lam, vecs = np.linalg.eigh(hessian)
    if lam[0] < min_curvature:
        lam = np.maximum(np.abs(lam), min_curvature)
    return vecs @ ((vecs.T @ g) / lam)


def state_names(opt: Optimizer) -> list[str]:
    """The loop's names of the state kept between calls: the buffers' x parts and the init's constants."""
    names = [buf.x for buf in opt.state.values()]
    for line in vector_lines(opt, opt.init):
        match = _TARGET.match(line)
        if match:
            names += [t.strip() for t in match.group(1).split(",") if t.strip() not in names]
    return names


def step_source(opt: Optimizer) -> str:
    """Source of `run(x, state, t0, steps, LRS, grad, observe, <hyper>) -> (t, status)`.

    It takes `steps` steps from step t0 + 1, with lr = LRS[t − 1]. `grad(x, t)` returns the gradient for step t
    (with `H` too for Newton), or None to stop; `observe(t, x, buffers)` runs after each step and returns a
    status to stop with, or None. `state` (a dict, empty at first) carries the buffers between calls."""
    hyper = "".join(f", {h}" for h in opt.hyper)
    names = state_names(opt)
    init = vector_lines(opt, opt.init) or ["pass"]
    restore = ", ".join(names)
    load = f"{restore}{',' if len(names) == 1 else ''} = (state[n] for n in {tuple(names)!r})" if names else "pass"
    save = "; ".join(f"state[{n!r}] = {n}" for n in names) or "pass"
    buffers = ", ".join(buf.x for buf in opt.state.values())
    buffers = f"({buffers},)" if buffers else "()"
    get = "gx, H = out" if opt.uses_hessian else "gx = out"
    ind = "\n" + " " * 8
    return f"""def run(x, state, t0, steps, LRS, grad, observe{hyper}):
    if state:
        {load}
    else:
        {ind.join(init)}
    status = None
    t = t0
    for t in range(t0 + 1, t0 + steps + 1):
        out = grad(x, t)
        if out is None:
            t -= 1
            status = "stopped"
            break
        {get}
        lr = LRS[t - 1]
        {ind.join(vector_lines(opt, opt.update))}
        status = observe(t, x, {buffers})
        if status is not None:
            break
    {save}
    return t, status
"""


_compiled: dict[str, Callable[..., Any]] = {}


def vector_step(method: str) -> Callable[..., Any]:
    """The compiled `run` of `step_source` for optimizer `method` (ValueError naming the choices)."""
    if method not in OPTIMIZERS:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(OPTIMIZERS)}")
    if method not in _compiled:
        scope: dict[str, Any] = {"_sqrt": np.sqrt, "_newton_direction": newton_direction}
        source = step_source(OPTIMIZERS[method])
        exec(compile(source, f"<gradviz {method} on vectors>", "exec"), scope)  # noqa: S102 (from the registry)
        _compiled[method] = scope["run"]
    return _compiled[method]
