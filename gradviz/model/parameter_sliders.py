"""`ParameterSliders`: the values and slider ranges of f's parameters, and their rules, shared by every model
that shows a function with parameters (the scene, the Loss on data window's state)."""

from __future__ import annotations

import math
from typing import Any

from gradviz.model.signal import Signal


class ParameterSliders:
    """Mixin: needs `function` (with `parameters` and `with_parameters`), `parameter_ranges` ({name: (lo, hi)}),
    `parameters_changed` (emitted with the set of names whose value or range changed) and
    `_replace_values(fn, names)`, which shows f with the new values (nothing re-derived). A model that can show a
    cheaper version while a slider moves reads `sliding` and overrides `_settle`."""

    function: Any
    parameter_ranges: dict[str, tuple[float, float]]
    parameters_changed: Signal
    sliding: bool = False  # the last value came from a moving slider: what is shown may be coarse until `settle()`

    def _replace_values(self, fn: Any, names: set[str]) -> None:
        raise NotImplementedError

    def _settle(self) -> None:
        """Show in full detail what was shown coarse while sliding (nothing to do by default)."""

    def set_parameter(self, name: str, value: float, sliding: bool = False) -> None:
        """Set a parameter's value; everything that depends on f follows, nothing is re-derived.

        `sliding`: the value comes from a slider being dragged or a sweep playing, so more values follow soon; the
        model may show a coarse version until `settle()` (or a value set without `sliding`).
        ValueError naming the parameters f has for an unknown name, or for a value that is not
        a finite number. A value outside the slider's range widens the range to include it.
        """
        v = float(value)
        if not math.isfinite(v):
            raise ValueError(f"parameter {name!r} needs a finite number, not {value!r}")
        fn = self.function.with_parameters(**{name: v})  # ValueError for an unknown name
        if self.function.parameters[name] == v:
            if not sliding:
                self.settle()
            return
        lo, hi = self.parameter_ranges[name]
        if not lo <= v <= hi:
            self.parameter_ranges[name] = (min(lo, v), max(hi, v))
        self.sliding = sliding
        self._replace_values(fn, {name})

    def settle(self) -> None:
        """The slider was let go or rests: show in full detail what was shown coarse while it moved."""
        if self.sliding:
            self.sliding = False
            self._settle()

    def set_parameter_range(self, name: str, lo: float, hi: float) -> None:
        """Set a parameter's slider range; ValueError unless lo < hi, both finite. A value
        outside the new range is moved to its nearest end."""
        if name not in self.parameter_ranges:
            have = ", ".join(self.parameter_ranges) or "none"
            raise ValueError(f"f has no parameter {name!r} (its parameters: {have})")
        lo, hi = float(lo), float(hi)
        if not (math.isfinite(lo) and math.isfinite(hi)):
            raise ValueError(f"the range of {name!r} needs finite numbers")
        if not lo < hi:
            raise ValueError(f"the range of {name!r} needs low < high, got [{lo:g}, {hi:g}]")
        if (lo, hi) == self.parameter_ranges[name]:
            return
        self.parameter_ranges[name] = (lo, hi)
        value = self.function.parameters[name]
        clamped = min(max(value, lo), hi)
        if clamped != value:
            self.sliding = False  # f is shown again, in full
            self._replace_values(self.function.with_parameters(**{name: clamped}), {name})
        else:
            self.settle()  # what a slide showed coarse, in full
            self.parameters_changed.emit({name})
