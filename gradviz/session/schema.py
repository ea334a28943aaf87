"""The session format: a plain dict (JSON) holding everything a scene shows, with a schema version.

`scene_to_dict` reads a Scene; `scene_from_dict` validates a dict completely and only then
applies it, so a bad file never leaves a scene half-changed. Every field is read by a typed
reader (`fields.py`) within the same limits as the window's controls (`gradviz.model.limits`);
a problem raises SessionError naming the field's path.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import numpy as np

from gradviz.data.columns import MAX_ROWS, DataError, load_data
from gradviz.data.parsing import parse
from gradviz.descent.optimizers import OPTIMIZERS, hyperparameters
from gradviz.expr.errors import ExpressionError
from gradviz.expr.lexer import MAX_LENGTH
from gradviz.model import limits
from gradviz.model.descent_state import MethodSettings
from gradviz.model.overlays import OVERLAYS
from gradviz.model.scene import MAX_RESOLUTION, MIN_RESOLUTION, Scene, ViewSettings
from gradviz.session import fields, landscape_section
from gradviz.session.fields import SessionError

FORMAT = "gradviz-session"
SCHEMA_VERSION = 1

__all__ = ["FORMAT", "SCHEMA_VERSION", "SessionError", "scene_from_dict", "scene_to_dict", "validate"]


def scene_to_dict(scene: Scene) -> dict[str, Any]:
    d = scene.descent
    columns = scene.function.data  # a loss on data carries its columns
    data = None if columns is None else {name: column.tolist() for name, column in columns.items()}
    landscape = landscape_section.to_dict(scene.function)
    return {
        **({"data": data} if data is not None else {}),
        **({landscape_section.SECTION: landscape} if landscape is not None else {}),
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
        "critical_points_searched": scene.found_critical_points is not None,
        "descent": {
            "starts": [[p.x, p.y] for p in d.starts],
            "steps": d.steps,
            "tol": d.tol,
            "playback": d.playback,
            "methods": {m: {"enabled": s.enabled, "lr": s.lr, "hyper": s.hyper_dict} for m, s in d.methods.items()},
        },
    }




def read_parameters(fn: Any, data: Any, section: str = "parameters") -> tuple[Any, dict[str, tuple[float, float]]]:
    """f (a Function or DataFunction) with the session's parameter values, and the slider ranges; parameters
    the session does not mention keep the text's value and range. `section` is the field path in messages."""
    ranges = {n: (s.lo, s.hi) for n, s in fn.parameter_specs.items()}
    if data is None:
        return fn, ranges
    data = fields.obj(data, section)
    values = {}
    for name, spec in data.items():
        where = f"{section}.{name}"
        if name not in ranges:
            have = ", ".join(ranges) or "none"
            raise SessionError(f"{where}: the function has no parameter {name!r} (its parameters: {have})")
        spec = fields.obj(spec, where)
        value = fields.number(spec.get("value"), f"{where}.value", -limits.PARAMETER, limits.PARAMETER)
        lo, hi = fields.pair(spec.get("range", list(ranges[name])), f"{where}.range", limits.PARAMETER)
        if not lo < hi:
            raise SessionError(f"{where}.range needs low < high")
        if not lo <= value <= hi:
            raise SessionError(f"{where}.value {value:g} is outside its range [{lo:g}, {hi:g}]")
        values[name] = value
        ranges[name] = (lo, hi)
    return fn.with_parameters(**values), ranges


_VIEW_TYPES = {**{o.name: bool for o in OVERLAYS}, "field_sign": int, "field_density": int, "contour_count": int,
               "contour_spacing": str, "colormap": str, "radius": float, "direction_angle": float,
               "height_mode": str, "height_min": float, "height_max": float}


def _view(data: Any) -> ViewSettings:
    data = fields.obj(data, "view", {})
    values: dict[str, Any] = {}
    for name, kind in _VIEW_TYPES.items():
        if name not in data:
            continue
        where = f"view.{name}"
        value = data[name]
        if kind is bool:
            values[name] = fields.boolean(value, where)
        elif kind is int:
            values[name] = fields.integer(value, where, -1000, 1000)
        elif kind is str:
            values[name] = fields.text(value, where, 40)
        elif name == "direction_angle":
            values[name] = None if value is None else fields.number(value, where, *limits.DIRECTION)
        elif name in ("height_min", "height_max"):
            values[name] = fields.number(value, where, -limits.HEIGHT, limits.HEIGHT)
        else:
            values[name] = fields.number(value, where, *limits.RADIUS)
    try:
        return ViewSettings(**{**asdict(ViewSettings()), **values}).validated()
    except ValueError as err:
        raise SessionError(f"view: {err}") from None


def _camera(data: Any) -> dict | None:
    if data is None:
        return None
    data = fields.obj(data, "camera")
    camera: dict[str, Any] = {}
    for key in ("distance", "elevation", "azimuth", "fov"):
        if key in data:
            camera[key] = fields.number(data[key], f"camera.{key}", -limits.CAMERA, limits.CAMERA,
                                        positive=key in ("distance", "fov"))
    if "center" in data:
        centre = fields.array(data["center"], "camera.center", 3)
        if len(centre) != 3:
            raise SessionError("camera.center must be three numbers [x, y, z]")
        camera["center"] = [fields.number(c, f"camera.center[{k}]", -limits.CAMERA, limits.CAMERA)
                            for k, c in enumerate(centre)]
    return camera or None


def _methods(data: Any) -> dict[str, MethodSettings]:
    methods = {}
    for name, spec in fields.obj(data, "descent.methods", {}).items():
        where = f"descent.methods.{name}"
        if name not in OPTIMIZERS:
            raise SessionError(f"{where}: unknown optimizer {name!r} (gradviz has {', '.join(OPTIMIZERS)})")
        spec = fields.obj(spec, where)
        hyper = {}
        for key, value in fields.obj(spec.get("hyper"), f"{where}.hyper", {}).items():
            if key not in OPTIMIZERS[name].hyper:
                known = ", ".join(OPTIMIZERS[name].hyper) or "none"
                raise SessionError(f"{where}.hyper: {name} has no hyperparameter {key!r} (it takes: {known})")
            hyper[key] = fields.number(value, f"{where}.hyper.{key}", *limits.HYPER[key])
        lr = fields.number(spec.get("lr", 0.01), f"{where}.lr", *limits.LR, positive=True)
        enabled = fields.boolean(spec.get("enabled", False), f"{where}.enabled")
        methods[name] = MethodSettings(enabled, lr, tuple(hyperparameters(name, hyper).items()))
    return methods


def _descent(data: Any) -> dict[str, Any]:
    descent = fields.obj(data, "descent", {})
    starts = fields.array(descent.get("starts", []), "descent.starts", limits.MAX_STARTS)
    playback = descent.get("playback")
    return {"starts": [fields.pair(p, f"descent.starts[{k}]", limits.COORDINATE) for k, p in enumerate(starts)],
            "steps": fields.integer(descent.get("steps", limits.DEFAULT_STEPS), "descent.steps", *limits.STEPS),
            "tol": fields.number(descent.get("tol", limits.DEFAULT_TOL), "descent.tol", *limits.TOL),
            "playback": None if playback is None else fields.integer(playback, "descent.playback", 0, limits.MAX_STEPS),
            "methods": _methods(descent.get("methods"))}


def _domain(data: Any) -> tuple[float, float, float, float]:
    domain = fields.array(data, "domain", 4)
    if len(domain) != 4:
        raise SessionError("domain must be [xmin, xmax, ymin, ymax]")
    d = tuple(fields.number(v, f"domain[{k}]", -limits.COORDINATE, limits.COORDINATE) for k, v in enumerate(domain))
    if not (d[1] - d[0] >= limits.MIN_SPAN and d[3] - d[2] >= limits.MIN_SPAN):
        raise SessionError(f"domain needs xmin < xmax and ymin < ymax (at least {limits.MIN_SPAN:g} apart)")
    return d  # type: ignore[return-value]


def read_columns(data: Any) -> dict[str, np.ndarray]:
    """The data columns f reduces over: {name: [numbers]}, equal lengths; SessionError naming the field."""
    data = fields.obj(data, "data")
    columns = {}
    for name, values in data.items():
        values = fields.array(values, f"data.{name}", MAX_ROWS)
        bad = [k for k, v in enumerate(values) if isinstance(v, bool) or not isinstance(v, (int, float))]
        if bad:
            raise SessionError(f"data.{name}[{bad[0]}] must be a number, not {values[bad[0]]!r}")
        columns[name] = np.array(values, dtype=np.float64)
    try:
        return load_data(columns)
    except DataError as err:
        raise SessionError(f"data: {err}") from None


def _searched(data: dict) -> bool:
    """Whether the critical points were searched for (sessions before 2026-12 called it "critical_points")."""
    key = "critical_points_searched" if "critical_points_searched" in data else "critical_points"
    return fields.boolean(data.get(key, False), key)


def validate(data: Any) -> dict[str, Any]:
    """Everything in `data` checked and converted; SessionError naming the first problem's field."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise SessionError("this is not a gradviz session (no \"format\": \"gradviz-session\")")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise SessionError("version must be a whole number ≥ 1 (the session's schema version)")
    if version > SCHEMA_VERSION:
        raise SessionError(f"this session was saved by a newer gradviz (schema {version}; this version reads "
                           f"up to {SCHEMA_VERSION}). Update gradviz to open it.")
    if "function" not in data:
        raise SessionError("the session has no function")
    columns = read_columns(data["data"]) if data.get("data") is not None else None
    try:
        if data.get(landscape_section.SECTION) is not None:  # a slice of a network's loss, stored as vectors
            fn = landscape_section.read(data[landscape_section.SECTION])
        else:
            fn = parse(fields.text(data["function"], "function", MAX_LENGTH), data=columns)
    except ExpressionError as err:
        raise SessionError(f"function: the session's function is not valid: {err}") from None
    fn, ranges = read_parameters(fn, data.get("parameters"))
    preset = data.get("preset")
    return {"function": fn, "parameter_ranges": ranges, "data": columns,
            "preset": None if preset is None else fields.text(preset, "preset", 200),
            "domain": _domain(data.get("domain")),
            "resolution": fields.integer(data.get("resolution", 160), "resolution", MIN_RESOLUTION, MAX_RESOLUTION),
            "probe": fields.pair(data.get("probe", [0.0, 0.0]), "probe", limits.COORDINATE),
            "view": _view(data.get("view")), "camera": _camera(data.get("camera")),
            "critical_points_searched": _searched(data),
            **_descent(data.get("descent"))}


def scene_from_dict(scene: Scene, data: Any) -> None:
    """Make `scene` show the session `data`; SessionError (scene untouched) if anything is wrong."""
    state = validate(data)
    with scene.batch():
        scene.replace_state(state)
