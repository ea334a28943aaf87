"""A step's question: its kind, prompt and options, the answer gradviz computes, the tolerance, the hints keyed
to common wrong answers, and the reveal. `check(answer)` gives a Verdict; a wrong type of answer gets a message,
never a traceback."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gradviz.lessons import answers
from gradviz.lessons.answers import Context

KINDS = ("point", "direction", "choice", "number")
MAX_DIRECTION_DEGREES = 45.0


@dataclass(frozen=True)
class Verdict:
    """`correct`, a sentence saying so (`message`, with the reason on a right answer), and a `hint` or None."""

    correct: bool
    message: str
    hint: str | None = None
    html: Callable[[Verdict], str] | None = field(default=None, repr=False, compare=False)  # its notebook form

    def _repr_html_(self) -> str | None:
        return None if self.html is None else self.html(self)


@dataclass
class Question:
    """`kind` is "point", "direction", "choice" or "number"; `answer` names what gradviz computes; `tolerance` a
    distance (points), degrees (directions), or a number or "N%" (numbers); `hints` map an answer name of the same
    kind (or "" for any other wrong answer) to a hint; `why` the reveal's sentence, `reveal` overlays to switch on."""

    kind: str
    answer: str
    prompt: str
    context: Context
    tolerance: float = 0.0
    relative: bool = False
    options: tuple[str, ...] = ()
    hints: dict[str, str] = field(default_factory=dict)
    why: str = ""
    reveal: tuple[str, ...] = ()
    line: int = 0  # of the question in its lesson file

    @property
    def expected(self) -> Any:
        return answers.compute(self.answer, self.context)[1]

    def close(self, given: Any, target: Any) -> bool:
        """Whether an answer (already read) is within the tolerance of `target`."""
        if self.kind == "choice":
            return given == target
        if self.kind == "number":
            allowed = self.tolerance * abs(target) if self.relative else self.tolerance
            return abs(given - target) <= allowed
        if self.kind == "point":
            return math.hypot(given[0] - target[0], given[1] - target[1]) <= self.tolerance
        cos = (given[0] * target[0] + given[1] * target[1]) / math.hypot(*given) / math.hypot(*target)
        if self.answer.startswith("eigen"):
            cos = abs(cos)  # an eigenvector's sign is arbitrary
        return math.degrees(math.acos(max(-1.0, min(1.0, cos)))) <= self.tolerance

    def read(self, answer: Any) -> tuple[Any, str | None]:
        """(the answer in this kind's form, None), or (None, why it cannot be read)."""
        if self.kind == "choice":
            text = str(answer).strip() if isinstance(answer, str) else None
            if text not in self.options:
                return None, f"choose one of: {', '.join(self.options)}"
            return text, None
        if self.kind == "number":
            try:
                if isinstance(answer, bool):
                    raise TypeError
                value = float(answer)
            except (TypeError, ValueError):
                return None, f"the answer is a number, not {answer!r}"
            return (value, None) if math.isfinite(value) else (None, "the answer must be a finite number")
        try:
            x, y = (float(v) for v in np.asarray(answer, dtype=float).ravel())
        except (TypeError, ValueError):
            if self.kind == "direction" and isinstance(answer, (int, float)) and not isinstance(answer, bool):
                a = math.radians(float(answer))  # an angle in degrees
                return (math.cos(a), math.sin(a)), None
            what = "a point (x, y)" if self.kind == "point" else "a direction (dx, dy) or an angle in degrees"
            return None, f"the answer is {what}, not {answer!r}"
        if not (math.isfinite(x) and math.isfinite(y)) or (self.kind == "direction" and x == 0 == y):
            return None, "the answer must be finite" + (" and not zero" if self.kind == "direction" else "")
        return (x, y), None

    def check(self, answer: Any) -> Verdict:
        given, problem = self.read(answer)
        if problem is not None:
            return Verdict(False, problem)
        if self.close(given, self.expected):
            return Verdict(True, "Right. " + self.why if self.why else "Right.")
        for key, hint in self.hints.items():
            if key and self._matches(key, given):
                return Verdict(False, "Not quite.", hint)
        return Verdict(False, "Not quite.", self.hints.get(""))

    def _matches(self, key: str, given: Any) -> bool:
        """Whether the wrong answer is the one hint `key` names (an answer of the same kind, or a choice)."""
        if self.kind == "choice":
            return given == key
        try:
            return self.close(given, answers.compute(key, self.context)[1])
        except answers.AnswerError:
            return False
