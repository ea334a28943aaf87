"""Why a step size converges: contraction factors on the local quadratic, momentum's rate over
(η, μ), the metric each optimizer measures steps in, and one step written out with its numbers.
NumPy only; the window draws what these return."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gradviz.descent.optimizers import OPTIMIZERS
from gradviz.descent.trajectory import Trajectory


@dataclass(frozen=True)
class Contraction:
    """Gradient descent with step η along one Hessian eigen-direction: e ← (1 − ηλ)e."""

    eigenvalue: float
    factor: float  # |1 − ηλ|
    verdict: str  # "converges", "oscillates" (converges, flipping sign), "stalls", "diverges"


def contraction_factors(eigenvalues: np.ndarray, lr: float) -> list[Contraction]:
    """Each eigen-direction's contraction factor |1 − ηλ| under gradient descent, with its verdict."""
    out = []
    for lam in np.asarray(eigenvalues, dtype=float):
        r = 1.0 - lr * lam
        factor = abs(r)
        if not math.isfinite(factor) or factor > 1.0:
            verdict = "diverges"
        elif factor == 1.0:
            verdict = "stalls"
        elif r < 0:
            verdict = "oscillates"
        else:
            verdict = "converges"
        out.append(Contraction(float(lam), float(factor), verdict))
    return out


def fastest_stable_lr(eigenvalues: np.ndarray) -> tuple[float, float]:
    """(η*, rate): the step that makes gradient descent converge fastest on the quadratic,
    2/(λmin + λmax), and its rate (κ − 1)/(κ + 1); (nan, nan) unless H is positive definite."""
    lams = np.asarray(eigenvalues, dtype=float)
    lo, hi = float(lams.min()), float(lams.max())
    if not lo > 0:
        return math.nan, math.nan
    return 2.0 / (lo + hi), (hi - lo) / (hi + lo)


def momentum_rate(lr: np.ndarray | float, momentum: np.ndarray | float, eigenvalues: np.ndarray) -> np.ndarray:
    """The convergence rate of heavy-ball momentum (torch's form: b ← μb + g, w ← w − ηb) on the
    quadratic: for each eigenvalue λ the iteration (w, b) ↦ ((1 − ηλ)w − ημb, λw + μb) has the
    matrix [[1 − ηλ, −ημ], [λ, μ]]; its spectral radius, the largest over the eigenvalues.
    Broadcasts over arrays of η and μ. Below 1 it converges, at that rate per step."""
    eta = np.asarray(lr, dtype=float)
    mu = np.asarray(momentum, dtype=float)
    worst = np.zeros(np.broadcast_shapes(eta.shape, mu.shape))
    for lam in np.asarray(eigenvalues, dtype=float):
        trace = 1.0 - eta * lam + mu
        det = mu  # (1 − ηλ)μ + ημλ
        disc = trace * trace - 4.0 * det
        root = np.sqrt(np.abs(disc))
        real = np.maximum(np.abs(trace + root), np.abs(trace - root)) / 2.0  # two real eigenvalues
        complex_ = np.sqrt(np.abs(det))  # a complex pair: |r|² = det
        worst = np.maximum(worst, np.where(disc >= 0, real, complex_))
    return worst


def phase_diagram(eigenvalues: np.ndarray, lrs: np.ndarray, momenta: np.ndarray) -> np.ndarray:
    """momentum_rate on the grid lrs × momenta: shape (len(lrs), len(momenta))."""
    return momentum_rate(np.asarray(lrs)[:, None], np.asarray(momenta)[None, :], eigenvalues)


@dataclass(frozen=True)
class Metric:
    """An ellipse: the steps of equal cost under an optimizer's preconditioner, in units where the
    longer semi-axis is 1; `angle` (radians) turns the first axis from the x axis."""

    axes: tuple[float, float]
    angle: float
    sentence: str


def metric_at(traj: Trajectory, k: int) -> Metric:
    """The metric `traj`'s optimizer uses at step k (after k steps): axes ∝ 1/(√s + ε) for AdaGrad
    and RMSProp, 1/(√v̂ + ε) for Adam and AdamW, 1/|λ| along the damped Hessian's eigenvectors for
    Newton, a circle for the others."""
    opt = OPTIMIZERS[traj.method]
    k = max(0, min(k, len(traj.points) - 1))
    if opt.metric in ("s", "v"):
        s = traj.state[opt.metric][k]
        eps = traj.hyper.get("eps", 0.0)
        if opt.metric == "v" and k > 0:
            s = s / (1.0 - traj.hyper["beta2"] ** k)  # Adam's bias-corrected v̂
        inv = 1.0 / (np.sqrt(np.maximum(s, 0.0)) + eps) if np.all(np.sqrt(s) + eps > 0) else np.ones(2)
        axes = inv / inv.max()
        name = opt.label
        return Metric((float(axes[0]), float(axes[1])), 0.0,
                      f"{name}'s metric: steps of equal cost form this axis-aligned ellipse, "
                      f"its axes ∝ 1/(√{'(v/(1 − β₂ᵗ))' if opt.metric == 'v' else 's'} + ε) per coordinate")
    if opt.metric == "hessian":
        x, y = traj.points[k]
        _, _, _, fxx, fxy, fyy = (float(v) for v in traj.function.derivatives(float(x), float(y)))
        lams, vecs = np.linalg.eigh(np.array([[fxx, fxy], [fxy, fyy]]))
        floor = traj.hyper.get("min_curvature", 1e-3)
        inv = 1.0 / np.maximum(np.abs(lams), floor)
        axes = inv / inv.max()
        angle = math.atan2(vecs[1, 0], vecs[0, 0])
        return Metric((float(axes[0]), float(axes[1])), angle,
                      "Newton's metric: an ellipse along the Hessian's eigenvectors, its axes ∝ 1/|λ| "
                      "(the damped Hessian it inverts)")
    return Metric((1.0, 1.0), 0.0, f"{opt.label}'s metric: a circle (every direction costs the same)")


def _n(v: float) -> str:
    return f"{v:.4g}".replace("-", "−")


def _v(pair: np.ndarray) -> str:
    return "(" + ", ".join(_n(float(c)) for c in pair) + ")"


def narrate(traj: Trajectory, k: int) -> str:
    """Step k (from w_{k−1} to w_k) of `traj` written out in its method's notation, with its numbers:
    "k = 12: ∇f = (…), b ← 0.9·b + ∇f = (…), w ← w − 0.01·b = (…)"."""
    return ", ".join(narrate_parts(traj, k))


def narrate_parts(traj: Trajectory, k: int) -> list[str]:
    """`narrate`'s parts, one formula each (a display may break a line between them, never inside one)."""
    if not 1 <= k < len(traj.points):
        return [f"k = {k}: no step (the run has {len(traj.points) - 1})"]
    opt = OPTIMIZERS[traj.method]
    values = {"lr": _n(traj.lr), "w": _v(traj.points[k]), **{h: _n(v) for h, v in traj.hyper.items()}}
    for name in opt.state:
        values[name] = _v(traj.state[name][k])
    if opt.uses_hessian:  # the step is the damped Newton direction d
        values["d"] = _v((traj.points[k - 1] - traj.points[k]) / traj.hyper["damping"])
    return [f"k = {k}: ∇f = {_v(traj.grads[k - 1])}"] + [line.format(**values) for line in opt.narration]


@dataclass(frozen=True)
class LimitLine:
    """One stability limit to draw: the sharpness `value` above which the listed runs cannot stay, its label
    naming every method whose limit it is (runs whose limits coincide share one line)."""

    value: float
    label: str
    methods: tuple[str, ...]
    tip: str


def stability_lines(runs: list[tuple[str, float, dict[str, float]]], rtol: float = 1e-9) -> list[LimitLine]:
    """The limits on λmax(H) of runs given as (method, lr, hyperparameters), each from its optimizer's registry
    entry: one line per distinct value, labelled with the methods and formulas ("Gradient descent: 2/η = 40;
    Momentum: (2 + 2μ)/η = 76"), highest first. Methods with no such limit are left out."""
    groups: list[tuple[float, dict[str, str], dict[str, str]]] = []  # value, {method: formula}, {method: why}
    for method, lr, hyper in runs:
        limit = OPTIMIZERS[method].limit
        if limit is None or not lr > 0:
            continue
        value = limit.sharpness(lr, hyper)
        for v, formulas, whys in groups:
            if math.isclose(v, value, rel_tol=rtol):
                formulas[method] = limit.formula
                whys[method] = limit.why
                break
        else:
            groups.append((value, {method: limit.formula}, {method: limit.why}))
    lines = []
    for value, formulas, whys in sorted(groups, key=lambda g: -g[0]):
        by_formula: dict[str, list[str]] = {}
        for method, formula in formulas.items():
            by_formula.setdefault(formula, []).append(OPTIMIZERS[method].label)
        label = "; ".join(f"{', '.join(names)}: {formula} = {_n(value)}" for formula, names in by_formula.items())
        tip = " ".join(f"{OPTIMIZERS[m].label}: {why}." for m, why in whys.items())
        lines.append(LimitLine(value, label, tuple(formulas), tip))
    return lines


def unlimited_methods(methods: list[str]) -> list[str]:
    """The labels of the methods among `methods` that have no stability limit on λmax(H) (adaptive, Newton)."""
    return [OPTIMIZERS[m].label for m in dict.fromkeys(methods) if OPTIMIZERS[m].limit is None]
