"""Generate one fused Python loop per (function, optimizer): gradient code inline in the body.

Calling a generated gradient function each step costs about twice the inline loop
(see ../shared/notes/anchors.md), so the loop body is the function's own straight-line
derivative code followed by the optimizer's update lines.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from gradviz.descent.optimizers import OPTIMIZERS, newton_direction
from gradviz.expr import codegen
from gradviz.expr.function import Function

_MATH_ERRORS = (ValueError, ArithmeticError)

LoopFn = Callable[..., tuple[int, str]]


def loop_source(fn: Function, method: str) -> str:
    """Source of `run(x, y, steps, tol2, bound, lr, xs, ys, <hyperparameters>) -> (stop_step, status)`.

    It appends every iterate to the lists xs, ys (the start included) and stops when
    |∇f|² <= tol2 ("converged"), after `steps` updates ("max_steps"), or when the gradient
    is not finite or |x|, |y| exceed `bound` ("diverged").
    """
    opt = OPTIMIZERS[method]
    outputs = list(fn.gradient_nodes) + (list(fn.hessian_nodes) if opt.uses_hessian else [])
    lines, results = codegen.scalar_lines(outputs, fn.inputs, prefix="_t")
    names = "gx, gy, hxx, hxy, hyy" if opt.uses_hessian else "gx, gy"
    hyper = "".join(f", {h}" for h in opt.hyper)
    ind = "\n" + " " * 12
    body = ind.join(lines + [f"{names} = {', '.join(results)}"])
    update = ("\n" + " " * 8).join(opt.update)
    init = ("\n" + " " * 4).join(opt.init) or "pass"
    # math functions as default arguments: local lookups in the hot loop
    local = "".join(f", {name}={name}" for name in sorted(codegen.SCALAR_GLOBALS) if name.startswith("_")
                    and name not in ("_inf", "_nan"))
    return f"""def run(x, y, steps, tol2, bound, lr, xs, ys{hyper}, *, _inf=_inf{local}):
    {init}
    push_x = xs.append
    push_y = ys.append
    t = 0
    while True:
        push_x(x)
        push_y(y)
        try:
            {body}
        except _MATH_ERRORS:
            {names} = _fallback(x, y)
        g2 = gx * gx + gy * gy
        if not (g2 < _inf and -bound < x < bound and -bound < y < bound):
            return t, "diverged"
        if g2 <= tol2:
            return t, "converged"
        if t == steps:
            return t, "max_steps"
        t += 1
        {update}
"""


def compile_loop(fn: Function, method: str) -> LoopFn:
    """The compiled loop for `fn` and `method` (see `loop_source`)."""
    opt = OPTIMIZERS[method]
    kernel = fn.point if opt.uses_hessian else fn.point_grad

    def fallback(x: float, y: float) -> tuple[float, ...]:
        values = kernel(x, y)[1:]
        return values

    namespace = dict(codegen.SCALAR_GLOBALS, _MATH_ERRORS=_MATH_ERRORS, _fallback=fallback,
                     _newton_direction=newton_direction, _inf=math.inf)
    scope: dict = dict(namespace)
    exec(compile(loop_source(fn, method), f"<gradviz {method} loop>", "exec"), scope)  # noqa: S102
    return scope["run"]
