"""What gradviz computes as the answer to a question, one entry per kind of answer: the question kind it fits,
its options (for choices), and how it is computed from the step's scene. A lesson names an answer ("saddle",
"step(gd, 0.1, 1)", "stable_lr"), never types its value, so a lesson stays right when its scene is edited."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from gradviz.calculus.critical import search_critical_points
from gradviz.calculus.critical_kinds import CRITICAL_KINDS
from gradviz.calculus.local import LocalModel, classify, local_model
from gradviz.descent.optimizers import OPTIMIZERS
from gradviz.descent.trajectory import descend
from gradviz.lessons.step_scene import StepScene
from gradviz.matrix.matrix_function import parse_matrix

RUN_OUTCOMES = ("converges", "oscillates", "diverges")
KINDS = tuple(CRITICAL_KINDS)  # minimum, maximum, saddle, degenerate: the critical-point registry's names
_CALL = re.compile(r"^(\w+)\s*(?:\((.*)\))?$")


class AnswerError(ValueError):
    """The answer cannot be computed for this scene (no saddle in the domain, say)."""


@dataclass(frozen=True)
class Context:
    """What an answer may read: the step's scene and, for a matrix question, its program, variable and options."""

    scene: StepScene
    matrix: str | None = None
    variable: str | None = None
    options: tuple[str, ...] = ()

    @property
    def local(self) -> LocalModel:
        return local_model(self.scene.function, *self.scene.point)


@dataclass(frozen=True)
class Answer:
    name: str
    kind: str  # "point", "direction", "choice", "number"
    compute: Callable[..., Any]  # (context, *args) -> the value
    options: tuple[str, ...] = ()  # a choice's options (empty: the question lists them)
    meaning: str = ""


def _critical(kind: str) -> Callable[[Context], tuple[float, float]]:
    def compute(ctx: Context) -> tuple[float, float]:
        points = [p for p in search_critical_points(ctx.scene.function, ctx.scene.domain).points if p.kind == kind]
        if not points:
            raise AnswerError(f"there is no {kind} of f in the domain {ctx.scene.domain}")
        px, py = ctx.scene.point
        best = min(points, key=lambda p: math.hypot(p.x - px, p.y - py))  # the one nearest the probe
        return best.x, best.y
    return compute


def _start(ctx: Context) -> tuple[float, float]:
    if not ctx.scene.starts:
        raise AnswerError("the step has no start point (starts: x, y)")
    return ctx.scene.starts[0]


def _step(ctx: Context, method: str = "gd", lr: str = "0.1", k: str = "1") -> tuple[float, float]:
    """Where iterate k of `method` with rate `lr` lands, from the first start."""
    if method not in OPTIMIZERS:
        raise AnswerError(f"unknown optimizer {method!r}")
    traj = descend(ctx.scene.function, _start(ctx), method, lr=float(lr), steps=int(k), **_batch(ctx))
    if len(traj.points) <= int(k):
        raise AnswerError(f"{method} stopped before step {k} ({traj.status})")
    x, y = traj.points[int(k)]
    return float(x), float(y)


def _batch(ctx: Context) -> dict[str, Any]:
    return {} if ctx.scene.batch is None else {"batch_size": ctx.scene.batch, "seed": 0}


def _unit(v: np.ndarray) -> tuple[float, float]:
    n = float(np.hypot(*v))
    if not n > 0:
        raise AnswerError("the direction is zero here (the gradient vanishes at the probe)")
    return float(v[0] / n), float(v[1] / n)


def _eigen(ctx: Context, which: str = "max") -> tuple[float, float]:
    values, vectors = np.linalg.eigh(ctx.local.hessian)
    return _unit(vectors[:, -1 if which == "max" else 0])


def _run(ctx: Context, method: str = "gd", lr: str = "0.1", steps: str = "200") -> str:
    """converges (the steps die out), diverges (they blow up) or oscillates (they neither settle nor grow)."""
    traj = descend(ctx.scene.function, _start(ctx), method, lr=float(lr), steps=int(steps), **_batch(ctx))
    moves = np.linalg.norm(np.diff(traj.points, axis=0), axis=1)
    if traj.status == "diverged" or (len(moves) and moves[-1] > 1e3 * max(moves[0], 1e-300)):
        return "diverges"
    if traj.status == "converged" or (len(moves) and moves[-1] < 1e-6 * max(moves[0], 1e-300)):
        return "converges"
    return "oscillates"


def _kind(ctx: Context) -> str:
    local = ctx.local
    if local.grad_norm > 1e-6 * (1.0 + abs(local.f)):
        raise AnswerError(f"the probe {ctx.scene.point} is not a critical point (|∇f| = {local.grad_norm:.3g})")
    return classify(np.linalg.eigvalsh(local.hessian), tol=1e-7)


def _slope(ctx: Context) -> float:
    local = ctx.local
    if ctx.scene.direction is None:
        return -local.grad_norm  # along −∇f/|∇f|
    a = math.radians(ctx.scene.direction)
    return float(local.fx * math.cos(a) + local.fy * math.sin(a))


def _stable_lr(ctx: Context, method: str = "gd") -> float:
    """The largest stable η of `method` on the quadratic model at the probe: its registry entry's limit."""
    top = float(np.linalg.eigvalsh(ctx.local.hessian)[-1])
    if not top > 0:
        raise AnswerError("H has no positive eigenvalue at the probe: no step size is too large for it")
    limit = OPTIMIZERS[method].limit if method in OPTIMIZERS else None
    if limit is None:
        raise AnswerError(f"{method!r} has no stability limit on λmax(H) in the optimizer registry")
    return limit.lr(top, OPTIMIZERS[method].hyper)


def _count(ctx: Context, kind: str) -> float:
    return float(sum(p.kind == kind for p in search_critical_points(ctx.scene.function, ctx.scene.domain).points))


def _neg(ctx: Context, inner: str) -> float:
    return -float(compute(inner, ctx)[1])


def _condition(ctx: Context) -> float:
    lam = np.abs(np.linalg.eigvalsh(ctx.local.hessian))
    if not lam.min() > 0:
        raise AnswerError("H is singular at the probe: its condition number is infinite")
    return float(lam.max() / lam.min())


def _hessian(ctx: Context, entry: str = "xx") -> float:
    return float({"xx": ctx.local.fxx, "xy": ctx.local.fxy, "yy": ctx.local.fyy}[entry])


def _taylor_error(ctx: Context, order: str, x: str, y: str) -> float:
    """f(q) − its Taylor model of `order` (1 or 2) at the probe, at q = (x, y)."""
    local, q = ctx.local, (float(x), float(y))
    model = local.quadratic_model(*q) if order == "2" else local.f + local.fx * (q[0] - local.x) + local.fy * (
        q[1] - local.y)
    return float(ctx.scene.function(*q) - model)


def _matrix_gradient(ctx: Context) -> str:
    """The one option that the matrix checker finds equal to ∂f/∂variable."""
    if not ctx.matrix or not ctx.variable or not ctx.options:
        raise AnswerError("a matrix_gradient question needs matrix:, variable: and options:")
    fn = parse_matrix(ctx.matrix)
    right = [o for o in ctx.options if fn.check(ctx.variable, o).ok]
    if len(right) != 1:
        raise AnswerError(f"{len(right)} of the options are ∂f/∂{ctx.variable} (exactly one must be)")
    return right[0]


ANSWERS: dict[str, Answer] = {a.name: a for a in [
    *(Answer(k, "point", _critical(k), meaning=f"the {k} of f nearest the probe") for k in KINDS if k != "degenerate"),
    Answer("probe", "point", lambda ctx: ctx.scene.point, meaning="the probe itself"),
    Answer("start", "point", _start, meaning="the first start point"),
    Answer("step", "point", _step, meaning="step(method, lr, k): where iterate k lands from the first start"),
    Answer("descent", "direction", lambda ctx: _unit(-ctx.local.grad), meaning="−∇f/|∇f| at the probe"),
    Answer("ascent", "direction", lambda ctx: _unit(ctx.local.grad), meaning="∇f/|∇f| at the probe"),
    Answer("eigen", "direction", _eigen, meaning="eigen(max|min): the Hessian's eigenvector (either sign)"),
    Answer("run", "choice", _run, RUN_OUTCOMES, "run(method, lr, steps): the run's fate from the first start"),
    Answer("kind", "choice", _kind, KINDS, "the second-derivative test's verdict at the probe"),
    Answer("matrix_gradient", "choice", _matrix_gradient, meaning="the option equal to ∂f/∂variable"),
    Answer("value", "number", lambda ctx: float(ctx.local.f), meaning="f at the probe"),
    Answer("grad_x", "number", lambda ctx: float(ctx.local.fx), meaning="∂f/∂x at the probe"),
    Answer("grad_y", "number", lambda ctx: float(ctx.local.fy), meaning="∂f/∂y at the probe"),
    Answer("grad_norm", "number", lambda ctx: float(ctx.local.grad_norm), meaning="|∇f| at the probe"),
    Answer("slope", "number", _slope, meaning="v·∇f at the probe, v along `direction` (or −∇f/|∇f|)"),
    Answer("stable_lr", "number", _stable_lr, meaning="stable_lr(method): its registry limit on η at the probe"),
    Answer("count", "number", _count, meaning="count(kind): how many critical points of that kind in the domain"),
    Answer("neg", "number", _neg, meaning="neg(answer): minus another number answer (a sign slip's key)"),
    Answer("condition", "number", _condition, meaning="|λ|max/|λ|min at the probe"),
    Answer("hessian", "number", _hessian, meaning="hessian(xx|xy|yy) at the probe"),
    Answer("taylor_error", "number", _taylor_error, meaning="taylor_error(order, x, y): f − its Taylor model"),
]}


def parse_answer(text: str) -> tuple[Answer, list[str]]:
    """The answer entry and its arguments from "name" or "name(a, b)"; ValueError naming the choices."""
    match = _CALL.match(text.strip())
    if match is None or match.group(1) not in ANSWERS:
        raise ValueError(f"unknown answer {text.strip()!r}; gradviz computes: {', '.join(ANSWERS)}")
    args = [a.strip() for a in (match.group(2) or "").split(",") if a.strip()]
    return ANSWERS[match.group(1)], args


def compute(text: str, ctx: Context) -> tuple[Answer, Any]:
    """The entry and its value for this context; AnswerError when it cannot be computed here."""
    entry, args = parse_answer(text)
    try:
        return entry, entry.compute(ctx, *args)
    except TypeError as exc:
        raise AnswerError(f"{entry.name}: wrong arguments ({exc})") from None
