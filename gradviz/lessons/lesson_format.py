"""Reading a lesson file: Markdown with a small header per step, as Mathigon writes lessons.

    # The gradient and the first-order Taylor model

    ## The gradient points uphill
    f: x^2 + 3*y^2
    domain: -2, 2, -2, 2
    probe: 1, 0.5
    overlays: gradient_field

    Text for the student, in Markdown, as many paragraphs as it needs.

    ? direction: descent
    prompt: Drag an arrow from the probe the way f falls fastest.
    tolerance: 15
    hint ascent: That is where f rises fastest.
    why: The slope along a unit v is v·∇f, smallest for v = −∇f/|∇f|.

Every problem is a LessonError naming its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SCENE_KEYS = ("f", "data", "batch", "domain", "probe", "starts", "overlays", "optimizers", "lock", "direction")
QUESTION_KEYS = ("prompt", "tolerance", "options", "why", "reveal", "matrix", "variable")
_QUESTION = re.compile(r"^\?\s*(\w+)\s*:\s*(.+)$")
_KEY = re.compile(r"^([a-z_]+)(?:\s+([^:]+?))?\s*:\s*(.*)$")


class LessonError(ValueError):
    """A lesson that cannot be used; `line` is where (1-based; 0 for the file as a whole)."""

    def __init__(self, message: str, line: int = 0, source: str = "") -> None:
        where = f"{source}:{line}: " if source and line else f"{source}: " if source else f"line {line}: " if line \
            else ""
        super().__init__(f"{where}{message}")
        self.line = line
        self.problem = message


@dataclass
class Field:
    """A header value and the line it is on."""

    value: str
    line: int


@dataclass
class QuestionSpec:
    kind: str
    answer: str
    line: int
    fields: dict[str, Field] = field(default_factory=dict)
    hints: dict[str, Field] = field(default_factory=dict)  # keyed by an answer of the same kind ("" for any other)


@dataclass
class StepSpec:
    title: str
    line: int
    scene: dict[str, Field] = field(default_factory=dict)
    text: str = ""
    question: QuestionSpec | None = None


@dataclass
class LessonSpec:
    title: str
    steps: list[StepSpec]
    source: str = ""


def parse_lesson(text: str, source: str = "") -> LessonSpec:
    """The lesson's title and steps, read line by line; LessonError naming the line of the first problem."""
    lines = text.splitlines()
    title = ""
    steps: list[StepSpec] = []
    step: StepSpec | None = None
    mode = "none"  # "header" (scene keys), "text", "question"
    body: list[str] = []

    def error(message: str, number: int) -> LessonError:
        return LessonError(message, number, source)

    def finish_text() -> None:
        if step is not None and body:
            step.text = "\n".join(body).strip()
            body.clear()

    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip()
        if line.startswith("# ") and not title and step is None:
            title = line[2:].strip()
            continue
        if line.startswith("## "):
            finish_text()
            step = StepSpec(line[3:].strip(), number)
            steps.append(step)
            mode = "header"
            continue
        if step is None:
            if line.strip() and not line.startswith("#"):
                raise error("text before the first step: a step starts with a line '## Its title'", number)
            continue
        match = _QUESTION.match(line)
        if match:
            if step.question is not None:
                raise error("a step asks one question; start a new step (## …) for another", number)
            finish_text()
            step.question = QuestionSpec(match.group(1), match.group(2).strip(), number)
            mode = "question"
            continue
        if mode == "header":
            if not line.strip():
                mode = "text"
                continue
            key = _KEY.match(line)
            if key is None or key.group(2) is not None or key.group(1) not in SCENE_KEYS:
                raise error(f"expected a scene setting ({', '.join(SCENE_KEYS)}) or a blank line before the text, "
                            f"found {line.strip()!r}", number)
            step.scene[key.group(1)] = Field(key.group(3).strip(), number)
            continue
        if mode == "question":
            if not line.strip():
                continue
            key = _KEY.match(line)
            if key is None:
                raise error(f"expected a question setting (prompt, tolerance, options, hint …, why, reveal), found "
                            f"{line.strip()!r}", number)
            name, qualifier, value = key.group(1), key.group(2), key.group(3).strip()
            question = step.question
            assert question is not None
            if name == "hint":
                question.hints[(qualifier or "").strip()] = Field(value, number)
            elif qualifier is None and name in QUESTION_KEYS:
                question.fields[name] = Field(value, number)
            else:
                raise error(f"unknown question setting {name!r}; use prompt, tolerance, options, hint, why, reveal",
                            number)
            continue
        body.append(line)
    finish_text()
    if not title:
        raise LessonError("the lesson needs a title: a first line '# Its title'", 1, source)
    if not steps:
        raise LessonError("the lesson has no steps: each starts with '## Its title'", len(lines), source)
    return LessonSpec(title, steps, source)
