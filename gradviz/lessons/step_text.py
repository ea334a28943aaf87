"""A scene written as a lesson step ("Save this scene as a lesson step"): its f, domain, probe, starts, the
overlays on and the optimizers enabled, a line of text to replace, and a question that always has an answer
(f at the probe) for the author to change."""

from __future__ import annotations

from gradviz.model.overlays import OVERLAY_NAMES
from gradviz.model.scene import Scene


def _numbers(values: tuple[float, ...]) -> str:
    return ", ".join(f"{v:.6g}" for v in values)


def scene_step(scene: Scene, title: str = "A new step") -> str:
    """The step's text, ending with a blank line; `gradviz lesson check` reads it back."""
    lines = [f"## {title}", f"f: {scene.text}", f"domain: {_numbers(tuple(scene.domain))}",
             f"probe: {_numbers(tuple(scene.probe))}"]
    starts = "; ".join(_numbers((p.x, p.y)) for p in scene.descent.starts)
    if starts:
        lines.append(f"starts: {starts}")
    overlays = [name for name in OVERLAY_NAMES if getattr(scene.view, name)]
    if overlays:
        lines.append(f"overlays: {', '.join(overlays)}")
    methods = [f"{m} lr={s.lr:g}" for m, s in scene.descent.methods.items() if s.enabled]
    if methods:
        lines.append(f"optimizers: {', '.join(methods)}")
    lines += ["", "Write what the student reads here.", "", "? number: value", "prompt: Type f at the probe.",
              "tolerance: 1%", "why: Say why here.", ""]
    return "\n".join(lines) + "\n"
