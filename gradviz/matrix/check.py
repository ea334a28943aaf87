"""Checking a student's closed form for a gradient against autodiff, with a diagnosis.

The candidate is evaluated at several random inputs and compared to the gradient there. When
it is not right, the checker says how: the largest error and where it is, and the common slips
it recognises: a sign (−1 × the gradient), a factor (2 ×, ½ ×, c ×), a transpose, a wrong shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

REL_TOLERANCE = 1e-9  # "correct to rounding": relative to the gradient's largest entry
SCALE_TOLERANCE = 1e-7  # how exactly candidate = c · gradient must hold to say so


@dataclass
class CheckResult:
    """The verdict on a candidate gradient.

    `ok`: equal to the gradient to rounding at every trial. `max_abs_error`, `max_rel_error`
    (relative to the gradient's largest magnitude) over the trials, and `where` (trial, index) of
    the largest error. `scale`: the c with candidate ≈ c · gradient when one fits, else None.
    `message` says it in a sentence.
    """

    ok: bool
    max_abs_error: float
    max_rel_error: float
    scale: float | None
    message: str
    where: tuple[int, tuple[int, ...]] | None = None
    expected_shape: tuple[int, ...] = ()
    candidate_shape: tuple[int, ...] = ()
    transposed: bool = False
    trials: int = 0
    details: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"ok": self.ok, "max_abs_error": self.max_abs_error, "max_rel_error": self.max_rel_error,
                "scale": self.scale, "message": self.message, "transposed": self.transposed,
                "where": None if self.where is None else {"trial": self.where[0], "index": list(self.where[1])},
                "expected_shape": list(self.expected_shape), "candidate_shape": list(self.candidate_shape),
                "trials": self.trials}


def _name_scale(c: float) -> str:
    for value, text in ((-1.0, "−1 × the gradient (a sign error)"), (2.0, "2 × the gradient: off by a factor of 2"),
                        (0.5, "½ × the gradient: off by a factor of 2"),
                        (-2.0, "−2 × the gradient: off by a factor of 2, and the sign"),
                        (-0.5, "−½ × the gradient: off by a factor of 2, and the sign")):
        if abs(c - value) <= 1e-6 * abs(value):
            return text
    return f"{c:.6g} × the gradient"


def compare(name: str, gradients: list[np.ndarray], candidates: list[np.ndarray]) -> CheckResult:
    """The verdict on `candidates[k]` against `gradients[k]` (k over the trials)."""
    expected = gradients[0].shape
    got = candidates[0].shape
    trials = len(gradients)
    if got != expected:
        if len(expected) == 2 and got == expected[::-1]:
            if all(np.allclose(c.T, g, rtol=1e-9, atol=1e-12 * max(1.0, float(np.abs(g).max(initial=0))))
                   for c, g in zip(candidates, gradients, strict=True)):
                return CheckResult(False, np.nan, np.nan, None,
                                   f"transposed: your formula gives the gradient's transpose, shape {got}; "
                                   f"∂f/∂{name} has {name}'s shape {expected}", None, expected, got, True, trials)
        return CheckResult(False, np.nan, np.nan, None,
                           f"shape {expected} expected (the shape of {name}), got {got}", None, expected, got,
                           False, trials)
    errors = [np.abs(c - g) for c, g in zip(candidates, gradients, strict=True)]
    worst = max(range(trials), key=lambda k: float(np.nanmax(errors[k], initial=0.0)))
    max_abs = float(np.nanmax(errors[worst], initial=0.0))
    index = tuple(int(i) for i in np.unravel_index(int(np.nanargmax(errors[worst])), expected)) if expected else ()
    magnitude = max(float(np.abs(g).max(initial=0.0)) for g in gradients)
    max_rel = max_abs / magnitude if magnitude > 0 else (0.0 if max_abs == 0 else np.inf)
    if not all(np.isfinite(c).all() for c in candidates):
        return CheckResult(False, max_abs, max_rel, None, "your formula gives nan or ∞ at these inputs",
                           (worst, index), expected, got, False, trials)
    if max_rel <= REL_TOLERANCE:
        return CheckResult(True, max_abs, max_rel, 1.0, f"correct (to rounding): it equals ∂f/∂{name} at "
                           f"{trials} random inputs (largest relative difference {max_rel:.1e})",
                           (worst, index), expected, got, False, trials)
    g_all = np.concatenate([g.ravel() for g in gradients])
    c_all = np.concatenate([c.ravel() for c in candidates])
    gg = float(g_all @ g_all)
    scale = None
    if gg > 0:
        c_fit = float(c_all @ g_all) / gg
        residual = float(np.linalg.norm(c_all - c_fit * g_all))
        near_one = abs(c_fit - 1.0) <= 1e-6  # "1 × the gradient" would contradict "wrong": say how far instead
        if residual <= SCALE_TOLERANCE * max(float(np.linalg.norm(c_all)), 1e-300) and c_fit != 0 and not near_one:
            scale = c_fit
    if scale is None and len(expected) == 2 and expected[0] == expected[1]:
        if all(np.allclose(c.T, g, rtol=1e-9, atol=1e-12 * max(1.0, magnitude))
               for c, g in zip(candidates, gradients, strict=True)):
            return CheckResult(False, max_abs, max_rel, None,
                               "transposed: your formula gives the transpose of the gradient",
                               (worst, index), expected, got, True, trials)
    at = f"{name}[{', '.join(map(str, index))}]" if index else name
    if scale is not None:
        message = f"wrong: your formula is {_name_scale(scale)}"
    elif max_rel < 1e-3:
        message = (f"close, but not equal: your formula differs from ∂f/∂{name} by up to {max_abs:.2g} (relative "
                   f"{max_rel:.2g}, past the tolerance {REL_TOLERANCE:g} of rounding) at {at} in trial {worst + 1}")
    else:
        message = (f"wrong: the largest error is {max_abs:.4g} (relative {max_rel:.2g}) at {at} "
                   f"in trial {worst + 1} of {trials}")
    return CheckResult(False, max_abs, max_rel, scale, message, (worst, index), expected, got, False, trials)
