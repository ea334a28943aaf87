"""The optimizers, as the update lines of one step, following PyTorch's `torch.optim` formulas.

Each update reads the gradient `gx, gy` (and, for Newton, the Hessian `hxx, hxy, hyy`)
at the current point `x, y` and the step number `t` (1-based), and moves `x, y`.
Hyperparameter names and defaults are torch's. Lines are templates for the generated
descent loop (see `loop.py`); they never see user text.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Optimizer:
    name: str
    label: str
    hyper: dict[str, float] = field(default_factory=dict)
    init: tuple[str, ...] = ()
    update: tuple[str, ...] = ()
    uses_hessian: bool = False
    note: str = ""


OPTIMIZERS: dict[str, Optimizer] = {o.name: o for o in [
    Optimizer("gd", "Gradient descent", {}, (), (
        "x -= lr * gx",
        "y -= lr * gy",
    ), note="w ← w − η∇f"),
    Optimizer("momentum", "Momentum", {"momentum": 0.9}, ("bx = 0.0", "by = 0.0"), (
        # torch.optim.SGD(momentum=μ): b₁ = g, then b ← μb + g; w ← w − ηb
        "bx = gx if t == 1 else momentum * bx + gx",
        "by = gy if t == 1 else momentum * by + gy",
        "x -= lr * bx",
        "y -= lr * by",
    ), note="b ← μb + ∇f;  w ← w − ηb"),
    Optimizer("nesterov", "Nesterov", {"momentum": 0.9}, ("bx = 0.0", "by = 0.0"), (
        # torch.optim.SGD(momentum=μ, nesterov=True): w ← w − η(g + μb)
        "bx = gx if t == 1 else momentum * bx + gx",
        "by = gy if t == 1 else momentum * by + gy",
        "x -= lr * (gx + momentum * bx)",
        "y -= lr * (gy + momentum * by)",
    ), note="b ← μb + ∇f;  w ← w − η(∇f + μb)"),
    Optimizer("adagrad", "AdaGrad", {"eps": 1e-10}, ("sx = 0.0", "sy = 0.0"), (
        # torch.optim.Adagrad: s ← s + g²; w ← w − η g / (√s + ε)
        "sx += gx * gx",
        "sy += gy * gy",
        "x -= lr * gx / (_sqrt(sx) + eps)",
        "y -= lr * gy / (_sqrt(sy) + eps)",
    ), note="s ← s + ∇f²;  w ← w − η∇f/(√s + ε)"),
    Optimizer("rmsprop", "RMSProp", {"alpha": 0.99, "eps": 1e-8}, ("sx = 0.0", "sy = 0.0", "ca = 1.0 - alpha"), (
        # torch.optim.RMSprop: s ← αs + (1−α)g²; w ← w − η g / (√s + ε)
        "sx = alpha * sx + ca * gx * gx",
        "sy = alpha * sy + ca * gy * gy",
        "x -= lr * gx / (_sqrt(sx) + eps)",
        "y -= lr * gy / (_sqrt(sy) + eps)",
    ), note="s ← αs + (1−α)∇f²;  w ← w − η∇f/(√s + ε)"),
    Optimizer("adam", "Adam", {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
              ("mx = 0.0", "my = 0.0", "vx = 0.0", "vy = 0.0", "c1 = 1.0 - beta1", "c2 = 1.0 - beta2"), (
        # torch.optim.Adam: bias-corrected moments; denom = √v/√(1−β₂ᵗ) + ε
        "mx = beta1 * mx + c1 * gx",
        "my = beta1 * my + c1 * gy",
        "vx = beta2 * vx + c2 * gx * gx",
        "vy = beta2 * vy + c2 * gy * gy",
        "step_size = lr / (1.0 - beta1 ** t)",
        "root_c2 = _sqrt(1.0 - beta2 ** t)",
        "x -= step_size * mx / (_sqrt(vx) / root_c2 + eps)",
        "y -= step_size * my / (_sqrt(vy) / root_c2 + eps)",
    ), note="m, v: moving averages of ∇f, ∇f² with bias correction; w ← w − η m̂/(√v̂ + ε)"),
    Optimizer("newton", "Newton", {"damping": 1.0, "min_curvature": 1e-3}, (), (
        "dx, dy = _newton_direction(gx, gy, hxx, hxy, hyy, min_curvature)",
        "x -= damping * dx",
        "y -= damping * dy",
    ), uses_hessian=True,
        note="w ← w − α H⁻¹∇f; where H is not positive definite, its eigenvalues are "
             "replaced by their absolute values (at least min_curvature), so the step "
             "always goes downhill instead of towards a saddle or maximum"),
]}


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
