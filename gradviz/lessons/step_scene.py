"""A lesson step's scene: f, its domain, the probe, start points, overlays, optimizers and the locked controls,
read from the step's header (every value checked, a LessonError naming the line otherwise)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

from gradviz.data.datasets import DATASETS, make_dataset
from gradviz.data.parsing import parse
from gradviz.descent.optimizers import OPTIMIZERS
from gradviz.expr.errors import ExpressionError
from gradviz.expr.function import Function
from gradviz.lessons.lesson_format import Field, LessonError
from gradviz.model.overlays import OVERLAY_NAMES

LOCKABLE = ("expression", "domain", "probe", "starts", "optimizers", "view")
DEFAULT_DOMAIN = (-2.0, 2.0, -2.0, 2.0)


def _numbers(f: Field, count: int | None, what: str, source: str) -> list[float]:
    try:
        values = [float(v) for v in f.value.replace(";", ",").split(",") if v.strip()]
    except ValueError:
        raise LessonError(f"{what} must be numbers separated by commas, not {f.value!r}", f.line, source) from None
    if (count is not None and len(values) != count) or not all(math.isfinite(v) for v in values):
        raise LessonError(f"{what} needs {count} finite numbers, got {f.value!r}", f.line, source)
    return values


@dataclass
class StepScene:
    """What the window shows for a step. `optimizers` maps a method to its learning rate."""

    text: str
    domain: tuple[float, float, float, float] = DEFAULT_DOMAIN
    probe: tuple[float, float] | None = None
    starts: list[tuple[float, float]] = field(default_factory=list)
    overlays: list[str] = field(default_factory=list)
    optimizers: dict[str, float] = field(default_factory=dict)
    lock: list[str] = field(default_factory=list)
    direction: float | None = None  # degrees of the direction v of a slope question (None: −∇f)
    data: str | None = None  # a built-in dataset's name: f is then a loss over its rows
    batch: int | None = None  # mini-batch size of the step's runs (None: full batch)

    @cached_property
    def function(self) -> Function:
        return parse(self.text, data=None if self.data is None else make_dataset(self.data))

    @property
    def point(self) -> tuple[float, float]:
        """The probe, or the domain's centre."""
        if self.probe is not None:
            return self.probe
        x0, x1, y0, y1 = self.domain
        return ((x0 + x1) / 2, (y0 + y1) / 2)


def read_scene(fields: dict[str, Field], source: str, line: int) -> StepScene:
    """The step's scene from its header; LessonError with the line of a bad value."""
    if "f" not in fields:
        raise LessonError("the step has no f: write 'f: …' under its title", line, source)
    f = fields["f"]
    scene = StepScene(f.value)
    if "data" in fields:
        scene.data = fields["data"].value.strip()
        if scene.data not in DATASETS:
            raise LessonError(f"unknown dataset {scene.data!r}; choose from {', '.join(DATASETS)}",
                              fields["data"].line, source)
    if "batch" in fields:
        scene.batch = int(_numbers(fields["batch"], 1, "batch", source)[0])
    try:
        scene.function  # noqa: B018 (parsed now: its errors belong to this line)
    except ExpressionError as exc:
        raise LessonError(f"f does not parse: {exc}", f.line, source) from None
    if "domain" in fields:
        x0, x1, y0, y1 = _numbers(fields["domain"], 4, "domain", source)
        if not (x0 < x1 and y0 < y1):
            raise LessonError("domain is xmin, xmax, ymin, ymax with min < max", fields["domain"].line, source)
        scene.domain = (x0, x1, y0, y1)
    if "probe" in fields:
        scene.probe = tuple(_numbers(fields["probe"], 2, "probe", source))  # type: ignore[assignment]
    if "starts" in fields:
        values = [_numbers(Field(p, fields["starts"].line), 2, "each start", source)
                  for p in fields["starts"].value.split(";") if p.strip()]
        scene.starts = [(a, b) for a, b in values]
    if "direction" in fields:
        scene.direction = _numbers(fields["direction"], 1, "direction (degrees)", source)[0]
    scene.overlays = _names(fields.get("overlays"), OVERLAY_NAMES, "overlay", source)
    scene.lock = _names(fields.get("lock"), LOCKABLE, "lockable control", source)
    if "optimizers" in fields:
        for item in fields["optimizers"].value.split(","):
            name, _, rate = item.strip().partition(" lr=")
            name = name.strip()
            if name not in OPTIMIZERS:
                raise LessonError(f"unknown optimizer {name!r}; choose from {', '.join(OPTIMIZERS)}",
                                  fields["optimizers"].line, source)
            scene.optimizers[name] = (float(rate) if rate else OPTIMIZERS[name].default_lr)
    return scene


def _names(f: Field | None, allowed: tuple[str, ...], what: str, source: str) -> list[str]:
    if f is None:
        return []
    names = [n.strip() for n in f.value.split(",") if n.strip()]
    for n in names:
        if n not in allowed:
            raise LessonError(f"unknown {what} {n!r}; choose from {', '.join(allowed)}", f.line, source)
    return names
