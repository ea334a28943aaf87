"""The optimizers, as the update lines of one step, following PyTorch's `torch.optim` formulas.

Each update reads the gradient `gx, gy` (and, for Newton, the Hessian `hxx, hxy, hyy`)
at the current point `x, y` and the step number `t` (1-based), and moves `x, y`.
Hyperparameter names and defaults are torch's. Lines are templates for the generated
descent loop (see `loop.py`); they never see user text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class HyperSpec:
    """How a hyperparameter is shown and bounded (shared by every optimizer that has it)."""

    symbol: str
    lo: float
    hi: float
    decimals: int


HYPER_SPECS: dict[str, HyperSpec] = {
    "momentum": HyperSpec("μ", 0.0, 0.999, 3), "beta1": HyperSpec("β₁", 0.0, 0.9999, 4),
    "beta2": HyperSpec("β₂", 0.0, 0.99999, 5), "eps": HyperSpec("ε", 0.0, 1.0, 10),
    "alpha": HyperSpec("α", 0.0, 0.9999, 4), "weight_decay": HyperSpec("λ", 0.0, 1.0, 4),
    "damping": HyperSpec("damping", 0.01, 2.0, 3), "min_curvature": HyperSpec("min |λ|", 0.0, 1e3, 4),
}


@dataclass(frozen=True)
class StateBuffer:
    """One buffer an optimizer carries: torch's name for it, the loop's variables for its x and y parts,
    its `role` ("velocity", "first_moment": drawn as an arrow beside −∇f; "sum_of_squares",
    "second_moment": the metric's scale) and what a person reads when hovering it."""

    torch_name: str
    x: str
    y: str
    role: str
    meaning: str

    @property
    def arrow(self) -> bool:
        """Whether the buffer is a direction (drawn as an arrow beside −∇f in playback)."""
        return self.role in ("velocity", "first_moment")


@dataclass(frozen=True)
class StabilityLimit:
    """The largest curvature λ at which the method still converges on a 1-D quadratic ½λw², for learning rate η:
    λ < factor(hyper)/η (so η < factor/λ). `of` says which curvature: "λmax(H)" for the Hessian itself, or
    "λmax(P⁻¹H)" for the Hessian preconditioned by the method's own diagonal (Adam). `formula` is the limit as
    a person writes it, `why` where it comes from."""

    factor: Callable[[Mapping[str, float]], float]
    formula: str
    why: str
    of: str = "λmax(H)"

    def sharpness(self, lr: float, hyper: Mapping[str, float]) -> float:
        """The limit on λ for learning rate `lr` and hyperparameters `hyper`."""
        return self.factor(hyper) / lr

    def lr(self, sharpness: float, hyper: Mapping[str, float]) -> float:
        """The largest stable learning rate where the curvature is `sharpness`."""
        return self.factor(hyper) / sharpness


@dataclass(frozen=True)
class Optimizer:
    """Every fact about one optimizer. The window's rows, the CLI's options, the session fields, the
    line styles and the default learning rates are all generated from these entries.

    `update` are the loop's lines for one step; `state` maps the name the library uses (b, s, m, v)
    to its `StateBuffer`; `metric` names the state that preconditions the step ("s", "v", or "hessian"
    for Newton); `narration` writes one step out. `uses_hessian`: the step needs ∇²f too; `uses_lr`: the
    step is scaled by η (Newton's by its damping instead). `limit` is the stability limit on a quadratic,
    where one exists; `limit_note` says honestly why there is none otherwise.
    """

    name: str
    label: str
    hyper: dict[str, float] = field(default_factory=dict)
    init: tuple[str, ...] = ()
    update: tuple[str, ...] = ()
    uses_hessian: bool = False
    note: str = ""
    default_lr: float = 0.01
    scale_free: bool = False  # steps do not grow with |∇f|: the default lr needs no rescaling per function
    dashes: tuple[float, ...] | None = None  # line style, in pen widths (None: solid)
    state: dict[str, StateBuffer] = field(default_factory=dict)
    metric: str | None = None
    narration: tuple[str, ...] = ()
    uses_lr: bool = True
    limit: StabilityLimit | None = None
    limit_note: str = ""
    preconditioned_limit: StabilityLimit | None = None  # on λmax(P⁻¹H), P the method's own diagonal (Adam)


_ADAM_MOMENTS = (
    "mx = beta1 * mx + c1 * gx",
    "my = beta1 * my + c1 * gy",
    "vx = beta2 * vx + c2 * gx * gx",
    "vy = beta2 * vy + c2 * gy * gy",
    "step_size = lr / (1.0 - beta1 ** t)",
    "root_c2 = _sqrt(1.0 - beta2 ** t)",
    "x -= step_size * mx / (_sqrt(vx) / root_c2 + eps)",
    "y -= step_size * my / (_sqrt(vy) / root_c2 + eps)",
)
_ADAM_INIT = ("mx = 0.0", "my = 0.0", "vx = 0.0", "vy = 0.0", "c1 = 1.0 - beta1", "c2 = 1.0 - beta2")
_ADAM_STATE = {"m": StateBuffer("exp_avg", "mx", "my", "first_moment", "first moment m (torch's exp_avg)"),
               "v": StateBuffer("exp_avg_sq", "vx", "vy", "second_moment", "second moment v (torch's exp_avg_sq)")}
_VELOCITY = {"b": StateBuffer("momentum_buffer", "bx", "by", "velocity", "velocity b (torch's momentum_buffer)")}
_ADAPTIVE = ("it divides each coordinate's step by a running size of the gradient, so how far it moves does not "
             "grow with the curvature as η∇f does: no fixed limit on λmax(H) exists in the same sense")
# Heavy-ball momentum on ½λw² (torch's form b ← μb + λw, w ← w − ηb) iterates (w, b) by [[1 − ηλ, −ημ], [λ, μ]]:
# characteristic polynomial z² − (1 − ηλ + μ)z + μ. Both roots lie inside the unit circle iff |1 − ηλ + μ| < 1 + μ,
# i.e. ηλ < 2 + 2μ. Nesterov (w ← w − η(λw + μb′)) gives z² − (1 − ηλ(1 + μ) + μ)z + μ(1 − ηλ), stable iff
# ηλ(1 + 2μ) < 2 + 2μ. Adam near a minimum is heavy-ball momentum with the step η(1 − β₁)/(√v̂ + ε) per coordinate
# (Cohen et al. 2022): stable while λmax(P⁻¹H) < (2 + 2β₁)/((1 − β₁)η), P = diag(√v̂ + ε).
_GD_LIMIT = StabilityLimit(lambda h: 2.0, "2/η", "gradient descent multiplies the error along an eigenvector by "
                           "1 − ηλ per step: |1 − ηλ| < 1 needs λ < 2/η")
_MOMENTUM_LIMIT = StabilityLimit(
    lambda h: 2.0 + 2.0 * h["momentum"], "(2 + 2μ)/η",
    "on ½λw² heavy-ball momentum's iteration has the characteristic polynomial z² − (1 − ηλ + μ)z + μ; both roots "
    "stay inside the unit circle while ηλ < 2 + 2μ")
_NESTEROV_LIMIT = StabilityLimit(
    lambda h: (2.0 + 2.0 * h["momentum"]) / (1.0 + 2.0 * h["momentum"]), "(2 + 2μ)/((1 + 2μ)η)",
    "on ½λw² Nesterov's iteration has the characteristic polynomial z² − (1 + μ − ηλ(1 + μ))z + μ(1 − ηλ); both "
    "roots stay inside the unit circle while ηλ(1 + 2μ) < 2 + 2μ")
_ADAM_LIMIT = StabilityLimit(
    lambda h: (2.0 + 2.0 * h["beta1"]) / (1.0 - h["beta1"]), "(2 + 2β₁)/((1 − β₁)η)",
    "with v̂ held fixed Adam is heavy-ball momentum preconditioned by P = diag(√v̂ + ε), with step (1 − β₁)η: "
    "stable while λmax(P⁻¹H) < (2 + 2β₁)/((1 − β₁)η)", of="λmax(P⁻¹H)")
_ADAM_NARRATION = ("m ← {beta1}·m + (1 − {beta1})·∇f = {m}", "v ← {beta2}·v + (1 − {beta2})·∇f² = {v}",
                   "w ← w − {lr}·(m/(1 − {beta1}ᵗ)) / (√(v/(1 − {beta2}ᵗ)) + ε) = {w}")  # m̂, v̂ spelled out

OPTIMIZERS: dict[str, Optimizer] = {o.name: o for o in [
    Optimizer("gd", "Gradient descent", {}, (), (
        "x -= lr * gx",
        "y -= lr * gy",
    ), note="w ← w − η∇f", default_lr=0.01, narration=("w ← w − {lr}·∇f = {w}",), limit=_GD_LIMIT),
    Optimizer("momentum", "Momentum", {"momentum": 0.9}, ("bx = 0.0", "by = 0.0"), (
        # torch.optim.SGD(momentum=μ): b₁ = g, then b ← μb + g; w ← w − ηb
        "bx = gx if t == 1 else momentum * bx + gx",
        "by = gy if t == 1 else momentum * by + gy",
        "x -= lr * bx",
        "y -= lr * by",
    ), note="b ← μb + ∇f;  w ← w − ηb", default_lr=0.005, dashes=(5, 4), state=_VELOCITY, limit=_MOMENTUM_LIMIT,
        narration=("b ← {momentum}·b + ∇f = {b}", "w ← w − {lr}·b = {w}")),
    Optimizer("nesterov", "Nesterov", {"momentum": 0.9}, ("bx = 0.0", "by = 0.0"), (
        # torch.optim.SGD(momentum=μ, nesterov=True): w ← w − η(g + μb)
        "bx = gx if t == 1 else momentum * bx + gx",
        "by = gy if t == 1 else momentum * by + gy",
        "x -= lr * (gx + momentum * bx)",
        "y -= lr * (gy + momentum * by)",
    ), note="b ← μb + ∇f;  w ← w − η(∇f + μb)", default_lr=0.005, dashes=(6, 2, 1, 2), state=_VELOCITY,
        limit=_NESTEROV_LIMIT,
        narration=("b ← {momentum}·b + ∇f = {b}", "w ← w − {lr}·(∇f + {momentum}·b) = {w}")),
    Optimizer("adagrad", "AdaGrad", {"eps": 1e-10}, ("sx = 0.0", "sy = 0.0"), (
        # torch.optim.Adagrad: s ← s + g²; w ← w − η g / (√s + ε)
        "sx += gx * gx",
        "sy += gy * gy",
        "x -= lr * gx / (_sqrt(sx) + eps)",
        "y -= lr * gy / (_sqrt(sy) + eps)",
    ), note="s ← s + ∇f²;  w ← w − η∇f/(√s + ε)", default_lr=0.5, scale_free=True, dashes=(1, 2),
        state={"s": StateBuffer("sum", "sx", "sy", "sum_of_squares", "sum of squared gradients s (torch's sum)")},
        metric="s", limit_note=_ADAPTIVE,
        narration=("s ← s + ∇f² = {s}", "w ← w − {lr}·∇f/(√s + ε) = {w}")),
    Optimizer("rmsprop", "RMSProp", {"alpha": 0.99, "eps": 1e-8}, ("sx = 0.0", "sy = 0.0", "ca = 1.0 - alpha"), (
        # torch.optim.RMSprop: s ← αs + (1−α)g²; w ← w − η g / (√s + ε)
        "sx = alpha * sx + ca * gx * gx",
        "sy = alpha * sy + ca * gy * gy",
        "x -= lr * gx / (_sqrt(sx) + eps)",
        "y -= lr * gy / (_sqrt(sy) + eps)",
    ), note="s ← αs + (1−α)∇f²;  w ← w − η∇f/(√s + ε)", default_lr=0.01, scale_free=True,
        dashes=(3, 2, 1, 2, 1, 2), metric="s", limit_note=_ADAPTIVE,
        state={"s": StateBuffer("square_avg", "sx", "sy", "second_moment",
                                "mean square of the gradient s (torch's square_avg)")},
        narration=("s ← {alpha}·s + (1 − {alpha})·∇f² = {s}", "w ← w − {lr}·∇f/(√s + ε) = {w}")),
    Optimizer("adam", "Adam", {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}, _ADAM_INIT, _ADAM_MOMENTS,
              # torch.optim.Adam: bias-corrected moments; denom = √v/√(1−β₂ᵗ) + ε
              note="m, v: moving averages of ∇f, ∇f² with bias correction; w ← w − η m̂/(√v̂ + ε)",
              default_lr=0.05, scale_free=True, dashes=(7, 2.5, 1, 2.5, 1, 2.5), state=_ADAM_STATE, metric="v",
              narration=_ADAM_NARRATION, limit_note=_ADAPTIVE,
              preconditioned_limit=_ADAM_LIMIT),
    Optimizer("adamw", "AdamW", {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.01}, _ADAM_INIT, (
        # torch.optim.AdamW: decoupled weight decay w ← w(1 − ηλ) first, then Adam's step
        "x *= 1.0 - lr * weight_decay",
        "y *= 1.0 - lr * weight_decay",
        *_ADAM_MOMENTS,
    ), note="w ← w(1 − ηλ), then Adam's step: weight decay apart from the gradient", default_lr=0.05,
        scale_free=True, dashes=(9, 3, 3, 3), state=_ADAM_STATE, metric="v", limit_note=_ADAPTIVE,
        preconditioned_limit=_ADAM_LIMIT, narration=("w ← (1 − {lr}·{weight_decay})·w", *_ADAM_NARRATION)),
    Optimizer("newton", "Newton", {"damping": 1.0, "min_curvature": 1e-3}, (), (
        "dx, dy = _newton_direction(gx, gy, hxx, hxy, hyy, min_curvature)",
        "x -= damping * dx",
        "y -= damping * dy",
    ), uses_hessian=True, uses_lr=False,
        limit_note="on a quadratic its step lands on the minimum for damping 1 and converges for any damping in "
                   "(0, 2), whatever the curvature: it has no limit on λ",
        note="w ← w − α H⁻¹∇f; where H is not positive definite, its eigenvalues are "
             "replaced by their absolute values (at least min_curvature), so the step "
             "always goes downhill instead of towards a saddle or maximum",
        default_lr=1.0, scale_free=True, dashes=(2, 4), metric="hessian",
        narration=("d = H⁻¹∇f (|λ| ≥ {min_curvature}) = {d}", "w ← w − {damping}·d = {w}")),
]}

HYPER_NAMES: tuple[str, ...] = tuple(dict.fromkeys(h for o in OPTIMIZERS.values() for h in o.hyper))


def newton_direction(gx: float, gy: float, hxx: float, hxy: float, hyy: float,
                     min_curvature: float) -> tuple[float, float]:
    """H⁻¹g for the 2×2 symmetric H, with |eigenvalues| floored at `min_curvature` unless H is
    positive definite with both eigenvalues at least that (then the plain Newton step)."""
    mean = 0.5 * (hxx + hyy)
    half_diff = 0.5 * (hxx - hyy)
    radius = (half_diff * half_diff + hxy * hxy) ** 0.5
    lam1, lam2 = mean + radius, mean - radius
    if lam2 >= min_curvature:
        det = hxx * hyy - hxy * hxy
        return (hyy * gx - hxy * gy) / det, (hxx * gy - hxy * gx) / det
    if hxy != 0.0:
        ux, uy = lam1 - hyy, hxy
        norm = (ux * ux + uy * uy) ** 0.5
        ux, uy = ux / norm, uy / norm
    elif hxx >= hyy:
        ux, uy = 1.0, 0.0
    else:
        ux, uy = 0.0, 1.0
    vx, vy = -uy, ux
    c1 = max(abs(lam1), min_curvature)
    c2 = max(abs(lam2), min_curvature)
    p1 = (ux * gx + uy * gy) / c1
    p2 = (vx * gx + vy * gy) / c2
    return p1 * ux + p2 * vx, p1 * uy + p2 * vy


def hyperparameters(method: str, given: dict[str, float]) -> dict[str, float]:
    """The method's defaults updated by `given`; ValueError naming an unknown method or name.

    `betas=(b1, b2)` is accepted as torch spells it.
    """
    if method not in OPTIMIZERS:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(OPTIMIZERS)}")
    opt = OPTIMIZERS[method]
    given = dict(given)
    if "betas" in given:
        given["beta1"], given["beta2"] = given.pop("betas")
    values = dict(opt.hyper)
    for key, value in given.items():
        if key not in values:
            known = ", ".join(opt.hyper) or "none"
            raise ValueError(f"{method} has no hyperparameter {key!r} (it takes: {known})")
        values[key] = float(value)
    return values
