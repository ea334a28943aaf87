"""The matrix-calculus panel's state, Qt-free: the program, the variable, the inputs (seeded
random, or typed), the gradient there and the last check. Setters validate, keep the last good
state on bad input, and announce changes (the panel only draws)."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from gradviz.expr.errors import ExpressionError
from gradviz.matrix.check import CheckResult
from gradviz.matrix.matrix_function import MatrixFunction, parse_matrix
from gradviz.matrix.presets import MATRIX_PRESETS, MatrixPreset
from gradviz.model.signal import Signal

MAX_TYPED = 200_000  # characters of one typed value


class MatrixState:
    """See the module docstring. `changed` is emitted with no arguments after every change."""

    def __init__(self, preset: MatrixPreset | None = None) -> None:
        self.changed = Signal("matrix")
        self.error: ExpressionError | None = None  # in the program
        self.candidate_error: ExpressionError | None = None  # in the candidate
        self.result: CheckResult | None = None
        self.candidate = ""
        self.seed = 0
        self.trials = 5
        self.typed: dict[str, np.ndarray] = {}
        p = preset or MATRIX_PRESETS[2]
        self.function: MatrixFunction = parse_matrix(p.text)
        self.variable = p.variable
        self.candidate = p.candidate
        self.note = p.note

    # ----- setters -----
    def set_text(self, text: str) -> bool:
        """A new program; on an ExpressionError the last good one stays and `error` says why."""
        try:
            fn = parse_matrix(text)
        except ExpressionError as err:
            self.error = err
            self.changed.emit()
            return False
        self.error = None
        self.function = fn
        self.typed = {k: v for k, v in self.typed.items() if fn.shapes.get(k) == v.shape}
        if self.variable not in fn.shapes:
            self.variable = next(iter(fn.shapes))
        self.result = None
        self.note = ""
        self.changed.emit()
        return True

    def load_preset(self, preset: MatrixPreset) -> None:
        self.typed = {}
        self.set_text(preset.text)
        self.variable = preset.variable
        self.candidate = preset.candidate
        self.note = preset.note
        self.check()

    def set_variable(self, name: str) -> None:
        if name not in self.function.shapes:
            raise ValueError(f"no variable {name!r}; declared: {', '.join(self.function.shapes)}")
        if name != self.variable:
            self.variable = name
            self.result = None
            self.changed.emit()

    def redraw_inputs(self, seed: int | None = None) -> None:
        """New seeded random inputs (typed values are dropped)."""
        self.seed = self.seed + 1 if seed is None else int(seed)
        self.typed = {}
        self.changed.emit()

    def type_value(self, text: str) -> None:
        """`name = [[...]]` (JSON numbers) sets one input; ValueError naming the problem otherwise."""
        name, sep, body = text.partition("=")
        name = name.strip()
        if not sep or name not in self.function.shapes:
            raise ValueError(f"write name = value with a declared name ({', '.join(self.function.shapes)})")
        if len(body) > MAX_TYPED:
            raise ValueError(f"the value is too long ({len(body)} characters, at most {MAX_TYPED})")
        try:
            data = json.loads(body, parse_constant=lambda c: math.nan)
            value = np.array(data, dtype=np.float64)
        except (ValueError, TypeError):
            raise ValueError(f"{name}: write the value as numbers in brackets, e.g. [[1, 2], [3, 4]]") from None
        shape = self.function.shapes[name]
        if value.shape != shape:
            raise ValueError(f"{name} has shape {shape}, the value typed has shape {value.shape}")
        if not np.isfinite(value).all():
            raise ValueError(f"{name}: every entry must be a finite number")
        self.typed[name] = value
        self.changed.emit()

    def set_candidate(self, text: str) -> None:
        self.candidate = text
        self.check()

    # ----- what is shown -----
    def inputs(self) -> dict[str, np.ndarray]:
        return {**self.function.random_inputs(self.seed), **self.typed}

    def value(self) -> float:
        return self.function.value(self.inputs())

    def gradient(self) -> np.ndarray:
        return self.function.grad(self.variable, self.inputs())

    def check(self) -> CheckResult | None:
        """Check the candidate (None when it is empty); an ExpressionError in it is kept in
        `candidate_error`."""
        self.result = None
        self.candidate_error = None
        if self.candidate.strip():
            try:
                self.result = self.function.check(self.variable, self.candidate, self.trials, self.seed)
            except ExpressionError as err:
                self.candidate_error = err
        self.changed.emit()
        return self.result

    def report(self) -> dict[str, Any]:
        """Everything the panel shows, as plain data (for JSON)."""
        g = self.gradient()
        return {"program": self.function.text, "shapes": {k: list(v) for k, v in self.function.shapes.items()},
                "variable": self.variable, "gradient_shape": list(g.shape), "seed": self.seed,
                "typed": sorted(self.typed), "value": self.value(), "gradient": g.tolist(),
                "candidate": self.candidate, "check": self.result.as_dict() if self.result else None}

    def report_text(self) -> str:
        r = self.report()
        lines = [f"f = {r['program']}", "shapes: " + ", ".join(f"{k}: {tuple(v)}" for k, v in r["shapes"].items()),
                 f"inputs: seeded random (seed {r['seed']})" + (f", typed: {', '.join(r['typed'])}" if r["typed"]
                                                                  else ""),
                 f"f = {r['value']:.12g}",
                 f"∂f/∂{r['variable']} has shape {tuple(r['gradient_shape'])} (the shape of {r['variable']}):",
                 np.array2string(np.asarray(r["gradient"]), precision=6, suppress_small=True)]
        if self.result is not None:
            lines += [f"candidate: {self.candidate}", f"verdict: {self.result.message}"]
        return "\n".join(lines) + "\n"
