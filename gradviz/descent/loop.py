"""Generate one fused Python loop per (function, optimizer): gradient code inline in the body.

Calling a generated gradient function each step costs about twice the inline loop (measured when this
loop was written: ~21 ms against ~10 ms for 16 × 1000 Adam steps), so the loop body is the function's
own straight-line derivative code followed by the optimizer's update lines.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from gradviz.descent.optimizers import OPTIMIZERS, newton_direction
from gradviz.expr import codegen
from gradviz.expr.function import Function

_MATH_ERRORS = (ValueError, ArithmeticError)

LoopFn = Callable[..., tuple[int, str]]


def loop_source(fn: Function | None, method: str, record: bool = False, scheduled: bool = False) -> str:
    """Source of `run(x, y, steps, tol2, bound, lr, xs, ys, P, S, <hyperparameters>) -> (stop_step, status)`.

    With `record`, the optimizer's state (its torch buffers) is appended to the list S after each
    step, the initial state first; without it S is ignored and the loop pays nothing for it.

    P holds the parameters' values (in the order declared): they are inputs of the loop, so
    every value of a slider runs the same compiled loop. Without `fn`, P is a callable
    (x, y) -> (gx, gy) (with hxx, hxy, hyy for Newton) called once per iterate, in order.
    It appends every iterate to the lists xs, ys (the start included) and stops when
    |∇f|² <= tol2 ("converged"), after `steps` updates ("max_steps"), or when the gradient
    is not finite or |x|, |y| exceed `bound` ("diverged").
    """
    opt = OPTIMIZERS[method]
    outs = "gx, gy, hxx, hxy, hyy" if opt.uses_hessian else "gx, gy"
    if fn is None:  # the gradient comes from a callable passed as P (a mini-batch's, say)
        lines, results, unpack = [], ["P(x, y)"], ""
    else:
        outputs = list(fn.gradient_nodes) + (list(fn.hessian_nodes) if opt.uses_hessian else [])
        names = {id(fn.x_node): "x", id(fn.y_node): "y"}
        names.update({id(p): f"_p{k}" for k, p in enumerate(fn.parameter_nodes)})
        lines, results = codegen.scalar_lines(outputs, [*fn.inputs, *fn.parameter_nodes], names, prefix="_t")
        unpack = "".join(f"_p{k}, " for k in range(len(fn.parameter_nodes)))
    hyper = "".join(f", {h}" for h in opt.hyper)
    ind = "\n" + " " * 12
    body = ind.join(lines + [f"{outs} = {', '.join(results)}"])
    state_vars = [v for buf in opt.state.values() for v in (buf.x, buf.y)]
    push_state = f"push_s(({', '.join(state_vars)},))" if record and state_vars else ""
    # with a schedule, step t uses lr = LRS[t − 1] (the list travels in S's place: S = (state list, LRS))
    first = ["lr = LRS[t - 1]"] if scheduled else []
    update = ("\n" + " " * 8).join(first + list(opt.update) + ([push_state] if push_state else []))
    init_lines = ["S, LRS = S"] if scheduled else []
    init_lines += list(opt.init) + (["push_s = S.append", push_state] if push_state else [])
    init = ("\n" + " " * 4).join(init_lines) or "pass"
    # math functions as default arguments: local lookups in the hot loop
    local = "".join(f", {name}={name}" for name in sorted(codegen.SCALAR_GLOBALS) if name.startswith("_")
                    and name not in ("_inf", "_nan"))
    params = f"{unpack}= P\n    " if unpack else ""
    return f"""def run(x, y, steps, tol2, bound, lr, xs, ys, P, S{hyper}, *, _inf=_inf{local}):
    {params}{init}
    push_x = xs.append
    push_y = ys.append
    t = 0
    while True:
        push_x(x)
        push_y(y)
        try:
            {body}
        except _MATH_ERRORS:
            {outs} = _fallback(x, y, P)
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


def compile_loop(fn: Function | None, method: str, record: bool = False, scheduled: bool = False) -> LoopFn:
    """The compiled loop for `fn`'s text and `method` (see `loop_source`); any parameter values."""
    opt = OPTIMIZERS[method]

    def fallback(x: float, y: float, params: Any) -> tuple[float, ...]:
        if fn is None:
            return params(x, y)
        kernel = fn.derived.point if opt.uses_hessian else fn.derived.point_grad
        return kernel(x, y, *params)[1:]

    namespace = dict(codegen.SCALAR_GLOBALS, _MATH_ERRORS=_MATH_ERRORS, _fallback=fallback,
                     _newton_direction=newton_direction, _inf=math.inf)
    scope: dict = dict(namespace)
    exec(compile(loop_source(fn, method, record, scheduled), f"<gradviz {method} loop>", "exec"), scope)  # noqa: S102
    return scope["run"]
