"""What is drawn and how: the view settings of a scene (one field per overlay, see overlays.py)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, make_dataclass

from gradviz.model import limits
from gradviz.model.color_scale import SPACINGS
from gradviz.model.overlays import OVERLAY_NAMES, OVERLAYS

HEIGHT_MODES = ("auto", "full", "manual")
COLORMAPS = ("viridis", "plasma", "inferno", "magma", "cividis", "turbo", "CET-D1", "CET-L17")


@dataclass(frozen=True)
class _Settings:
    """What is drawn and how, besides the overlays (which come from `overlays.OVERLAYS`)."""

    field_sign: int = -1  # -1: arrows of −∇f (downhill), +1: arrows of ∇f
    field_density: int = 16  # arrows per side
    contour_count: int = 12
    contour_spacing: str = "auto"  # or "linear", "log", "symmetric" (see color_scale.py)
    colormap: str = "viridis"
    radius: float = 0.75  # neighbourhood of the Taylor models, in x/y units
    height_mode: str = "auto"  # the range of f drawn: "auto" (robust), "full" (min to max) or "manual"
    height_min: float = 0.0  # with "manual"
    height_max: float = 1.0
    direction_angle: float | None = None  # degrees; None means −∇f

    def validated(self) -> ViewSettings:
        for name in OVERLAY_NAMES:
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be true or false")
        if self.field_sign not in (-1, 1):
            raise ValueError("field_sign must be -1 (−∇f) or 1 (∇f)")
        lo, hi = limits.FIELD_DENSITY
        if not lo <= self.field_density <= hi:
            raise ValueError(f"field_density must be between {lo} and {hi} arrows per side")
        lo, hi = limits.CONTOUR_COUNT
        if not lo <= self.contour_count <= hi:
            raise ValueError(f"contour_count must be between {lo} and {hi}")
        if self.contour_spacing not in SPACINGS:
            raise ValueError(f"contour_spacing must be one of {', '.join(SPACINGS)}")
        if self.height_mode not in HEIGHT_MODES:
            raise ValueError(f"height_mode must be one of {', '.join(HEIGHT_MODES)}")
        if not (math.isfinite(self.height_min) and math.isfinite(self.height_max)
                and self.height_min < self.height_max):
            raise ValueError("the manual height range needs finite numbers with min < max")
        if self.colormap not in COLORMAPS:
            raise ValueError(f"unknown colour map {self.colormap!r}; choose one of {', '.join(COLORMAPS)}")
        if not (self.radius > 0 and math.isfinite(self.radius)):
            raise ValueError("radius must be a positive number")
        if self.direction_angle is not None and not math.isfinite(self.direction_angle):
            raise ValueError("direction angle must be a finite number of degrees")
        return self


# ViewSettings: the settings above and one boolean per overlay. Every field can be set with
# Scene.set_view(name=value).
ViewSettings = make_dataclass("ViewSettings", [(o.name, bool, field(default=o.default)) for o in OVERLAYS],
                              bases=(_Settings,), frozen=True)
ViewSettings.__doc__ = "What is drawn and how. Every field can be set with Scene.set_view(name=value)."
VIEW_FIELDS = tuple(f.name for f in fields(ViewSettings))


def default_radius(domain: tuple[float, float, float, float]) -> float:
    """A Taylor-model radius that reads well: about an eighth of the domain, rounded to 1, 2 or 5."""
    span = max(domain[1] - domain[0], domain[3] - domain[2]) / 8.0
    base = 10.0 ** math.floor(math.log10(span))
    return min((m * base for m in (1.0, 2.0, 5.0, 10.0)), key=lambda r: abs(math.log(r / span)))


