"""What can be switched on and off in the views, one entry per overlay: its setting's name, label,
explanation, shortcut, default, whether the app remembers it, and which views redraw for it.
The View menu, the View tab's check boxes, the remembered settings, the session fields and the
ViewSettings fields are all generated from this list."""

from __future__ import annotations

from dataclasses import dataclass

from gradviz.calculus.critical_kinds import legend as critical_legend


@dataclass(frozen=True)
class Overlay:
    name: str
    label: str
    tip: str
    shortcut: str
    default: bool = True
    remembered: bool = True
    views: frozenset[str] = frozenset({"surface", "contour"})


OVERLAYS: list[Overlay] = [
    Overlay("tangent_plane", "Tangent plane",
            "f(w) + ∇f(w)·d: the first-order Taylor model, drawn in orange", "T", views=frozenset({"surface"})),
    Overlay("quadratic_model", "Quadratic model",
            "f(w) + ∇f·d + ½ dᵀHd: the second-order Taylor model, drawn in cyan", "Q", views=frozenset({"surface"})),
    Overlay("eigen_arrows", "Hessian eigen-directions", "Arrows along H's eigenvectors, longer where |λ| is larger "
            "(white: λ₁, the smaller; pink: λ₂)", "E", views=frozenset({"surface"})),
    Overlay("descent_arrow", "Steepest descent −∇f", "The direction in which f decreases fastest, drawn in red", "D",
            views=frozenset({"surface"})),
    Overlay("gradient_field", "Gradient field", "Arrows of equal length along ∇f or −∇f; colour shows |∇f|", "G",
            views=frozenset({"contour"})),
    Overlay("critical_points", "Critical points", f"Where ∇f = 0: {critical_legend()}", "C"),
    Overlay("wireframe", "Wireframe", "Draw the mesh's edges on the 3D surface", "W", default=False,
            views=frozenset({"surface"})),
    Overlay("state_arrows", "Optimizer state (playback)",
            "During playback: momentum's and Nesterov's velocity b, and Adam's first moment m, as arrows beside −∇f "
            "at each iterate", "V", views=frozenset({"contour"})),
    Overlay("metric_ellipses", "Optimizer metrics (playback)",
            "During playback: the steps of equal cost under each method's preconditioner — circles for gradient "
            "descent and momentum, axis-aligned ellipses for AdaGrad, RMSProp and Adam, ellipses along the Hessian's "
            "eigenvectors for Newton", "M", views=frozenset({"contour"})),
]

OVERLAY_NAMES = tuple(o.name for o in OVERLAYS)


def overlay(name: str) -> Overlay:
    for o in OVERLAYS:
        if o.name == name:
            return o
    raise KeyError(f"no overlay named {name!r}")


def redrawn_by(view: str) -> frozenset[str]:
    """The overlay settings whose change `view` ("surface" or "contour") redraws for."""
    return frozenset(o.name for o in OVERLAYS if view in o.views)
