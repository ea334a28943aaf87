"""The session format: a plain dict (JSON) holding everything a scene shows, with a schema version.

`scene_to_dict` reads a Scene; `scene_from_dict` validates a dict completely and only then
applies it, so a bad file never leaves a scene half-changed.
"""

from __future__ import annotations

import math
from dataclasses import asdict, fields
from typing import Any

from gradviz.descent.optimizers import OPTIMIZERS, hyperparameters
from gradviz.expr.errors import ExpressionError
from gradviz.expr.function import Function, parse
from gradviz.model.descent_state import MAX_STEPS, MethodSettings
from gradviz.model.scene import MAX_RESOLUTION, MIN_RESOLUTION, Scene, ViewSettings

FORMAT = "gradviz-session"
SCHEMA_VERSION = 1


class SessionError(ValueError):
    """A session file that cannot be used; the message says why (and the scene is unchanged)."""


def scene_to_dict(scene: Scene) -> dict[str, Any]:
    d = scene.descent
    return {
        "format": FORMAT,
        "version": SCHEMA_VERSION,
        "function": scene.function.text,
        "parameters": {name: {"value": value, "range": list(scene.parameter_ranges[name])}
                       for name, value in scene.function.parameters.items()},
        "preset": scene.preset,
        "domain": list(scene.domain),
        "resolution": scene.resolution,
        "probe": list(scene.probe),
        "view": asdict(scene.view),
        "camera": dict(scene.camera) if scene.camera else None,
        "critical_points": scene.critical_points is not None,
        "descent": {
            "starts": [[p.x, p.y] for p in d.starts],
            "steps": d.steps,
            "tol": d.tol,
            "playback": d.playback,
            "methods": {m: {"enabled": s.enabled, "lr": s.lr, "hyper": s.hyper_dict} for m, s in d.methods.items()},
        },
    }


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise SessionError(f"{where} must be a finite number, not {value!r}")
    return float(value)


def _pair(value: Any, where: str) -> tuple[float, float]:
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise SessionError(f"{where} must be a pair of numbers")
    return _number(value[0], f"{where}[0]"), _number(value[1], f"{where}[1]")


def _parameters(fn: Function, data: Any) -> tuple[Function, dict[str, tuple[float, float]]]:
    """f with the session's parameter values, and the slider ranges; parameters the session does
    not mention keep the text's value and range."""
    ranges = {n: (s.lo, s.hi) for n, s in fn.parameter_specs.items()}
    if data is None:
        return fn, ranges
    if not isinstance(data, dict):
        raise SessionError("parameters must be an object: name -> {\"value\": v, \"range\": [lo, hi]}")
    values = {}
    for name, spec in data.items():
        where = f"parameters.{name}"
        if name not in ranges:
            have = ", ".join(ranges) or "none"
            raise SessionError(f"{where}: the function has no parameter {name!r} (its parameters: {have})")
        if not isinstance(spec, dict):
            raise SessionError(f"{where} must be an object with \"value\" and \"range\"")
        value = _number(spec.get("value"), f"{where}.value")
        lo, hi = _pair(spec.get("range", list(ranges[name])), f"{where}.range")
        if not lo < hi:
            raise SessionError(f"{where}.range needs low < high")
        if not lo <= value <= hi:
            raise SessionError(f"{where}.value {value:g} is outside its range [{lo:g}, {hi:g}]")
        values[name] = value
        ranges[name] = (lo, hi)
    return fn.with_parameters(**values), ranges


def validate(data: Any) -> dict[str, Any]:
    """Everything in `data` checked and converted; SessionError naming the first problem."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise SessionError("this is not a gradviz session (no \"format\": \"gradviz-session\")")
    version = data.get("version")
    if not isinstance(version, int):
        raise SessionError("the session has no schema version")
    if version > SCHEMA_VERSION:
        raise SessionError(f"this session was saved by a newer gradviz (schema {version}; this version reads "
                           f"up to {SCHEMA_VERSION}). Update gradviz to open it.")
    try:
        fn = parse(str(data["function"]))
    except KeyError:
        raise SessionError("the session has no function") from None
    except ExpressionError as err:
        raise SessionError(f"the session's function is not valid: {err}") from None
    fn, ranges = _parameters(fn, data.get("parameters"))
    domain = data.get("domain")
    if not isinstance(domain, list) or len(domain) != 4:
        raise SessionError("domain must be [xmin, xmax, ymin, ymax]")
    dom = tuple(_number(v, "domain") for v in domain)
    if not (dom[0] < dom[1] and dom[2] < dom[3]):
        raise SessionError("domain needs xmin < xmax and ymin < ymax")
    resolution = data.get("resolution", 160)
    if not isinstance(resolution, int) or not MIN_RESOLUTION <= resolution <= MAX_RESOLUTION:
        raise SessionError(f"resolution must be a whole number from {MIN_RESOLUTION} to {MAX_RESOLUTION}")
    known = {f.name for f in fields(ViewSettings)}
    view_data = {k: v for k, v in dict(data.get("view") or {}).items() if k in known}
    try:
        view = ViewSettings(**{**asdict(ViewSettings()), **view_data}).validated()
    except (TypeError, ValueError) as err:
        raise SessionError(f"view settings: {err}") from None
    camera = data.get("camera")
    if camera is not None:
        if not isinstance(camera, dict):
            raise SessionError("camera must be an object")
        camera = {k: _number(v, f"camera.{k}") if not isinstance(v, list) else [_number(c, f"camera.{k}") for c in v]
                  for k, v in camera.items()}
    descent = data.get("descent") or {}
    starts = [_pair(p, "a start point") for p in descent.get("starts", [])]
    steps = descent.get("steps", 500)
    if not isinstance(steps, int) or not 1 <= steps <= MAX_STEPS:
        raise SessionError(f"descent steps must be a whole number from 1 to {MAX_STEPS}")
    tol = _number(descent.get("tol", 1e-6), "descent tolerance")
    playback = descent.get("playback")
    if playback is not None and (not isinstance(playback, int) or playback < 0):
        raise SessionError("playback must be a step number or null")
    methods = {}
    for name, spec in dict(descent.get("methods") or {}).items():
        if name not in OPTIMIZERS:
            raise SessionError(f"unknown optimizer {name!r} in the session")
        try:
            hyper = hyperparameters(name, dict(spec.get("hyper") or {}))
        except (ValueError, TypeError, AttributeError) as err:
            raise SessionError(f"optimizer {name}: {err}") from None
        lr = _number(spec.get("lr", 0.01), f"{name} learning rate")
        if lr <= 0:
            raise SessionError(f"{name} learning rate must be positive")
        methods[name] = MethodSettings(bool(spec.get("enabled", False)), lr, tuple(hyper.items()))
    return {"function": fn, "parameter_ranges": ranges, "preset": data.get("preset"), "domain": dom,
            "resolution": resolution,
            "probe": _pair(data.get("probe", [0.0, 0.0]), "probe"), "view": view, "camera": camera,
            "critical_points": bool(data.get("critical_points", False)), "starts": starts, "steps": steps,
            "tol": tol, "playback": playback, "methods": methods}


def scene_from_dict(scene: Scene, data: Any) -> None:
    """Make `scene` show the session `data`; SessionError (scene untouched) if anything is wrong."""
    state = validate(data)
    with scene.batch():
        scene.replace_state(state)
