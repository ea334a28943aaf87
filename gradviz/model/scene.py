"""The scene: everything gradviz shows, as plain Python state that announces its changes.

Views observe the signals and change the scene only through its setters. Setters validate,
do nothing when the value does not change (which blocks widget↔model feedback loops), and
then emit the signal named after what changed.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from gradviz.calculus.critical import SEARCH_CELLS, CriticalPoint, CriticalSearch, search_critical_points
from gradviz.calculus.local import LocalModel, local_model
from gradviz.data.parsing import parse
from gradviz.expr.errors import ExpressionError
from gradviz.expr.function import Function
from gradviz.expr.two_variables import TwoVariableFunction
from gradviz.landscape.plane import Landscape
from gradviz.landscape.slice_function import SliceFunction
from gradviz.model import limits
from gradviz.model.descent_state import DescentState, default_methods
from gradviz.model.parameter_sliders import ParameterSliders
from gradviz.model.presets import DEFAULT_PRESET, Preset, preset_named
from gradviz.model.sampling import Sample
from gradviz.model.scene_work import VIEW_KINDS, SceneWork, prepare_for_view
from gradviz.model.signal import Signal
from gradviz.model.view_settings import (  # noqa: F401 (re-exported: the scene's settings live there)
    COLORMAPS,
    HEIGHT_MODES,
    VIEW_FIELDS,
    ViewSettings,
    default_radius,
)

MIN_RESOLUTION, MAX_RESOLUTION = limits.RESOLUTION
DATA_SEARCH_CELLS = 48  # a loss on data evaluates every row at each grid point: a coarser search grid
PREPARE_INLINE_CHARS = 160  # longer texts are derived and compiled off the GUI thread (600 characters: 28 ms)
@dataclass
class Scene(ParameterSliders, SceneWork):
    """The state of one gradviz scene; see the module docstring for the contract."""

    function: Function = field(default_factory=lambda: parse(preset_named(DEFAULT_PRESET).text))
    domain: tuple[float, float, float, float] = preset_named(DEFAULT_PRESET).domain
    resolution: int = 160
    probe: tuple[float, float] = preset_named(DEFAULT_PRESET).probe
    view: ViewSettings = field(default_factory=ViewSettings)
    preset: str | None = DEFAULT_PRESET
    error: ExpressionError | None = None
    found_critical_points: list[CriticalPoint] | None = None  # the last search's result (None: not searched)
    recent_expressions: list[str] = field(default_factory=list)  # the expression bar's list, newest first
    camera: dict[str, Any] | None = None  # the 3D view's distance, elevation, azimuth, centre
    data: dict[str, np.ndarray] | None = None  # columns f may reduce over (a loss on data shown here), or None

    def __post_init__(self) -> None:
        self.domain = tuple(float(v) for v in self.domain)  # type: ignore[assignment]
        self.function_changed = Signal("function")  # (Function)
        self.error_changed = Signal("error")  # (ExpressionError | None, text)
        self.domain_changed = Signal("domain")  # ()
        self.probe_changed = Signal("probe")  # ((x, y))
        self.view_changed = Signal("view")  # (set of field names)
        self.critical_changed = Signal("critical")  # (list | None)
        self.camera_changed = Signal("camera")  # (dict | None)
        self.parameters_changed = Signal("parameters")  # (set of parameter names whose value or range changed)
        self.sample_changed = Signal("sample")  # () the full sample of the f on screen replaced its preview
        self.parameter_ranges: dict[str, tuple[float, float]] = {
            n: (s.lo, s.hi) for n, s in self.function.parameter_specs.items()}
        self._sample: Sample | None = None
        self._local: LocalModel | None = None
        self.critical_note = ""  # set by find_critical_points: "some may be missing: …" when unsure
        self.descent = DescentState()
        self._init_work()
        self.descent.use_function(self.function, self.domain)
        if not self.recent_expressions:
            self.recent_expressions.append(self.function.text)
        if self.preset is not None:
            p = preset_named(self.preset)
            self.view = replace(self.view, contour_spacing=p.spacing, radius=default_radius(self.domain))
            self.descent.methods = default_methods(p.lr_scale)
            self.descent.set_starts(list(p.default_starts()))

    # ----- the function -----
    @property
    def text(self) -> str:
        return self.function.text

    def set_expression(self, text: str) -> bool:
        """Show f from `text`. On an ExpressionError the current f stays, `error` holds the
        problem and error_changed is emitted; returns whether the text was accepted. With an executor, a text
        longer than PREPARE_INLINE_CHARS is derived off the caller's thread, and shown when that is done (the f
        on screen stays until then; a newer edit drops it)."""
        if text == self.function.text and self.error is None:
            self._invalidate_work(("prepare",))  # an edit on its way is undone
            return True
        try:
            fn = self._parse(text)
        except ExpressionError as err:
            self.error = err
            self.error_changed.emit(err, text)
            return False
        if self.executor is not None and len(text) > PREPARE_INLINE_CHARS:
            self.preparing = text
            self.hand_out("prepare", lambda progress, m=self.descent.enabled_methods: prepare_for_view(fn, m))
            return True
        self._show_expression(fn)
        return True

    def _show_expression(self, fn: Function) -> None:
        """Show a parsed f typed by the user (the preset's suggested scale goes with the preset)."""
        if self.preset is not None and self.view.contour_spacing != "auto":
            self.set_view(contour_spacing="auto")  # the preset's scale was for its own f
        self.preset = None
        self._set_function(fn)

    def _parse(self, text: str) -> Function:
        """f from text (kernels are compiled on first use); a loss over the scene's data when only that
        parses (a column or mean(...) in it), with that error if neither does."""
        try:
            return parse(text)
        except ExpressionError:
            if self.data is None:
                raise
            return parse(text, data=self.data)

    def show_loss(self, fn: TwoVariableFunction, domain: tuple[float, float, float, float],
                  start: tuple[float, float]) -> None:
        """Show a loss on data (a `gradviz.data.DataFunction`, from the Loss on data window) over `domain`,
        descending from `start`; its columns stay available to the expressions typed next."""
        if fn.data is None:
            raise ValueError("show_loss needs a loss on data (gradviz.parse(text, data=...))")
        self.data = {name: column.copy() for name, column in fn.data.items()}
        centre = ((domain[0] + domain[1]) / 2, (domain[2] + domain[3]) / 2)
        self._show(fn, domain, centre, [tuple(start)], None, "auto", None)

    def show_function(self, fn: TwoVariableFunction | Landscape, domain: tuple[float, float, float, float],
                      starts: list[tuple[float, float]] | None = None) -> None:
        """Show any f of two variables (a `gradviz.landscape` slice too) over `domain`, the probe at its centre."""
        fn = SliceFunction(fn) if isinstance(fn, Landscape) else fn
        centre = ((domain[0] + domain[1]) / 2, (domain[2] + domain[3]) / 2)
        self._show(fn, domain, centre, [tuple(s) for s in starts or ()], None, "auto", None)

    def _show(self, fn: Function, domain: tuple[float, float, float, float], probe: tuple[float, float],
              starts: list, preset: str | None, spacing: str, lr_scale: float | None) -> None:
        """A new f with its domain, probe and start points (a preset's, or a loss's), announced once each
        after everything is in place; `lr_scale` (a preset's) resets the optimizers' learning rates."""
        with self.batch():
            self.set_domain(domain)
            self.probe = probe
            self._local = None
            self.preset = preset
            self.set_view(contour_spacing=spacing, radius=default_radius(domain), direction_angle=None)
            self._set_function(fn, carry=False)
            if lr_scale is not None:
                self.descent.reset_methods(lr_scale)
            self.descent.set_playback(None)
            self.descent.set_starts(starts)

    def _carry_parameters(self, fn: Function) -> Function:
        """Keep the slider value and range of each parameter the new text declares as the old one
        did (same name, same value in the text): editing elsewhere in f does not reset sliders."""
        old_specs = self.function.parameter_specs
        old_values = self.function.parameters
        keep = {}
        ranges = {}
        for name, spec in fn.parameter_specs.items():
            old = old_specs.get(name)
            if old is not None and (old.value, old.lo, old.hi) == (spec.value, spec.lo, spec.hi):
                keep[name] = old_values[name]
                ranges[name] = self.parameter_ranges.get(name, (spec.lo, spec.hi))
            else:
                ranges[name] = (spec.lo, spec.hi)
        self.parameter_ranges = ranges
        return fn.with_parameters(**keep) if keep else fn

    def _set_function(self, fn: Function, carry: bool = True) -> None:
        if carry:
            fn = self._carry_parameters(fn)
        else:
            self.parameter_ranges = {n: (s.lo, s.hi) for n, s in fn.parameter_specs.items()}
        self.function = fn
        self._sample = None
        self._local = None
        self.found_critical_points = None
        self.sliding = False  # a new f is shown whole, even while the slider of the old one moves
        self._invalidate_work()  # a search still running is of the old f
        self.parameters_changed.emit(set(fn.parameters))
        if fn.text in self.recent_expressions:
            self.recent_expressions.remove(fn.text)
        self.recent_expressions.insert(0, fn.text)
        del self.recent_expressions[30:]
        if self.error is not None:
            self.error = None
            self.error_changed.emit(None, fn.text)
        self.descent.use_function(fn, self.domain, announce=False)
        self.function_changed.emit(fn)
        self.descent.trajectories_changed.emit()
        self.critical_changed.emit(None)
        self.probe_changed.emit(self.probe)

    def load_preset(self, preset: Preset | str) -> None:
        """Show a preset: its function, domain, probe, start points and suggested settings,
        announced once each after everything is in place."""
        p = preset_named(preset) if isinstance(preset, str) else preset
        self._show(parse(p.text), p.domain, p.probe, list(p.default_starts()), p.name, p.spacing, p.lr_scale)

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Hold every change signal in this block; each is then emitted once (domain and function first)."""
        signals = [self.domain_changed, self.function_changed, self.parameters_changed, self.error_changed,
                   self.view_changed, self.sample_changed,
                   self.probe_changed, self.critical_changed, self.camera_changed, self.descent.starts_changed,
                   self.descent.settings_changed, self.descent.playback_changed, self.descent.trajectories_changed]
        for sig in signals:
            sig.hold()
        try:
            yield
        finally:
            for sig in signals:
                sig.release()

    # ----- parameters -----
    def _settle(self) -> None:
        self.refine_sample()  # the slider stopped: the grid in full

    def _replace_values(self, fn: Function, names: set[str]) -> None:
        """Show f with other parameter values: the same graph, new samples, paths and models."""
        shown = self.found_critical_points is not None
        self._invalidate_work(VIEW_KINDS)  # an f on its way stays on its way
        self.function = fn
        self._sample = None
        self._local = None
        self.found_critical_points = None
        self.parameters_changed.emit(names)
        self.descent.use_function(fn, self.domain, announce=False, tick=True)
        self.function_changed.emit(fn)
        self.descent.trajectories_changed.emit()
        if shown:
            self.request_critical_points()
        else:
            self.critical_changed.emit(None)
        # no probe_changed: the probe did not move, and whatever shows the model at the probe follows function_changed

    # ----- domain and resolution -----
    def set_domain(self, domain: tuple[float, float, float, float]) -> None:
        """Set (xmin, xmax, ymin, ymax); ValueError unless xmin < xmax and ymin < ymax, all finite."""
        d = tuple(float(v) for v in domain)
        if len(d) != 4 or not all(math.isfinite(v) for v in d):
            raise ValueError("the domain needs four finite numbers: xmin, xmax, ymin, ymax")
        if not (d[0] < d[1] and d[2] < d[3]):
            raise ValueError("the domain needs xmin < xmax and ymin < ymax")
        if d == self.domain:
            return
        self.domain = d  # type: ignore[assignment]
        self._invalidate_work(VIEW_KINDS)
        self._sample = None
        self.sliding = False
        self.found_critical_points = None
        span = max(d[1] - d[0], d[3] - d[2])
        if not 0.01 * span <= self.view.radius <= 0.3 * span:  # keep the Taylor patches readable
            self.set_view(radius=default_radius(d))
        self.domain_changed.emit()
        self.descent.use_function(self.function, self.domain)
        self.critical_changed.emit(None)

    def set_resolution(self, n: int) -> None:
        n = int(n)
        if not MIN_RESOLUTION <= n <= MAX_RESOLUTION:
            raise ValueError(f"resolution must be between {MIN_RESOLUTION} and {MAX_RESOLUTION}")
        if n == self.resolution:
            return
        self.resolution = n
        self._sample = None
        self.sliding = False
        self._invalidate_work(("sample",))
        self.domain_changed.emit()

    def height_range(self) -> tuple[float, float]:
        """The range of f the views draw and colour: robust ("auto"), all finite values ("full") or
        the view's manual range."""
        view = self.view
        if view.height_mode == "manual":
            return view.height_min, view.height_max
        s = self.sample()
        if view.height_mode == "full":
            finite = s.f[np.isfinite(s.f)]
            if finite.size and finite.max() > finite.min():
                return float(finite.min()), float(finite.max())
        return s.height_range

    # ----- probe -----
    def set_probe(self, x: float, y: float) -> None:
        p = (float(x), float(y))
        if not all(math.isfinite(v) for v in p):
            raise ValueError("the probe needs finite coordinates")
        if p == self.probe:
            return
        self.probe = p
        self._local = None
        self.probe_changed.emit(p)

    def local(self) -> LocalModel:
        """f, ∇f and the Hessian at the probe."""
        if self._local is None or (self._local.x, self._local.y) != self.probe:
            self._local = local_model(self.function, *self.probe)
        return self._local

    def probe_direction(self) -> np.ndarray:
        """The unit direction for the directional derivative and the slice: the set angle, or
        −∇f (x axis where ∇f = 0)."""
        angle = self.view.direction_angle
        if angle is not None:
            a = math.radians(angle)
            return np.array([math.cos(a), math.sin(a)])
        g = -self.local().grad
        n = float(np.hypot(*g))
        return g / n if n > 0 and math.isfinite(n) else np.array([1.0, 0.0])

    # ----- view settings -----
    def set_view(self, **changes: Any) -> None:
        """Change view settings by name; ValueError for unknown names or bad values."""
        unknown = set(changes) - set(VIEW_FIELDS)
        if unknown:
            raise ValueError(f"unknown view setting(s): {', '.join(sorted(unknown))}")
        new = replace(self.view, **changes).validated()
        changed = {k for k in changes if getattr(new, k) != getattr(self.view, k)}
        if not changed:
            return
        self.view = new
        self.view_changed.emit(changed)

    def set_camera(self, camera: dict[str, Any] | None) -> None:
        if camera == self.camera:
            return
        self.camera = dict(camera) if camera else None
        self.camera_changed.emit(self.camera)

    def replace_state(self, state: dict[str, Any]) -> None:
        """Show a validated session state (see gradviz.session.schema.validate); call inside batch()."""
        self.set_domain(state["domain"])
        self.set_resolution(state["resolution"])
        self.view = state["view"]
        self.view_changed.emit(set(VIEW_FIELDS))
        self.probe = state["probe"]
        self._local = None
        self.data = state.get("data")
        self._set_function(state["function"], carry=False)
        self.parameter_ranges = dict(state["parameter_ranges"])
        self.parameters_changed.emit(set(self.parameter_ranges))
        self.preset = state["preset"] if isinstance(state["preset"], str) else None
        d = self.descent
        for name, settings in state["methods"].items():
            d.set_method(name, enabled=settings.enabled, lr=settings.lr, **settings.hyper_dict)
        d.set_run(steps=state["steps"], tol=state["tol"])
        d.set_starts(state["starts"])
        d.set_playback(state["playback"])
        self.set_camera(state["camera"])
        if state["critical_points_searched"]:
            self.request_critical_points()

    # ----- critical points -----
    def search_cells(self) -> int:
        """Cells per side of the search grid: a loss on data evaluates every row at each grid point."""
        return SEARCH_CELLS if self.function.data is None else DATA_SEARCH_CELLS

    def search_critical_points(self) -> CriticalSearch:
        """The critical points of f in the domain, searched for without changing anything (exports use it)."""
        return search_critical_points(self.function, self.domain, cells=self.search_cells())

    def find_critical_points(self) -> list[CriticalPoint]:
        """Search the domain now (see `search_critical_points`) and show the points; `critical_note` says when the
        search cannot be sure it found every point. `request_critical_points` does it off the caller's thread."""
        self._show_critical(self.search_critical_points())
        return self.found_critical_points or []

    def _show_critical(self, search: CriticalSearch | None) -> None:
        """Show a search's points (None: none, after a failure)."""
        if search is None:
            self.found_critical_points = None
            self.critical_changed.emit(None)
            return
        self.critical_note = search.note
        self.found_critical_points = search.points
        self.critical_changed.emit(self.found_critical_points)
