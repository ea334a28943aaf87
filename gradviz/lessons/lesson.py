"""Lessons: the chapter as steps that ask the student to predict before they see. `lesson(name_or_path)` reads a
lesson file (see `lesson_format`), checks every step and question, and computes nothing until asked."""

from __future__ import annotations

import base64
import html
import math
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

from gradviz.lessons import answers
from gradviz.lessons.answers import Context
from gradviz.lessons.lesson_format import LessonError, QuestionSpec, StepSpec, parse_lesson
from gradviz.lessons.questions import KINDS, MAX_DIRECTION_DEGREES, Question, Verdict
from gradviz.lessons.step_scene import StepScene, read_scene
from gradviz.model.overlays import OVERLAY_NAMES

SHIPPED = "gradviz.lessons.shipped"
_ANSWER_FORM = {"point": "step.check((x, y))", "direction": "step.check((dx, dy)) or an angle in degrees",
                "choice": "step.check(one of the options)", "number": "step.check(a number)"}
RENDERERS: list[Callable[[Any, bool], bytes]] = []  # (step, reveal) -> PNG; gradviz.figure registers one


def register_renderer(render: Callable[[Any, bool], bytes]) -> None:
    """Let steps and verdicts show their scene in a notebook (the figure floor draws; this one only asks)."""
    RENDERERS[:] = [render]


def _figure_html(step: Step, reveal: bool) -> str:
    if not RENDERERS:
        return ""
    png = base64.b64encode(RENDERERS[0](step, reveal)).decode("ascii")
    return f'<img src="data:image/png;base64,{png}"/>'


@dataclass
class Step:
    """One step: a title, its text, its scene and its question (or None)."""

    title: str
    text: str
    scene: StepScene
    question: Question | None
    line: int

    @property
    def expected(self) -> Any:
        """The answer gradviz computes on this step's scene (None without a question)."""
        return None if self.question is None else self.question.expected

    def check(self, answer: Any) -> Verdict:
        """The verdict on `answer`: .correct, .message, .hint (a wrong type of answer is a message too). In a
        notebook it shows itself, with the reveal's figure when the answer is right."""
        if self.question is None:
            return Verdict(True, "This step asks nothing: read on.")
        return replace(self.question.check(answer), html=self._verdict_html)

    def _verdict_html(self, verdict: Verdict) -> str:
        q = self.question
        parts = [f"<p><b>{'✔' if verdict.correct else '✘'} {html.escape(verdict.message)}</b></p>"]
        if verdict.hint:
            parts.append(f"<p>Hint: {html.escape(verdict.hint)}</p>")
        if verdict.correct and q is not None:
            parts.append(_figure_html(self, reveal=True))
        return "".join(parts)

    def _repr_html_(self) -> str:
        """The step in a notebook: its title, text, question and figure."""
        q = self.question
        parts = [f"<h3>{html.escape(self.title)}</h3>"]
        parts += [f"<p>{html.escape(p)}</p>" for p in self.text.split("\n\n") if p.strip()]
        parts.append(_figure_html(self, reveal=False))
        if q is not None:
            parts.append(f"<p><b>{html.escape(q.prompt)}</b> <i>({_ANSWER_FORM[q.kind]})</i></p>")
            if q.options:
                parts.append("<ul>" + "".join(f"<li>{html.escape(o)}</li>" for o in q.options) + "</ul>")
        return "".join(parts)


@dataclass
class Lesson:
    name: str
    title: str
    steps: list[Step]
    source: str = ""

    def __repr__(self) -> str:
        return f"<gradviz lesson {self.name!r}: {self.title}, {len(self.steps)} steps>"

    def _repr_html_(self) -> str:
        """The lesson in a notebook: every step, with its figure."""
        return f"<h2>{html.escape(self.title)}</h2>" + "".join(s._repr_html_() for s in self.steps)


def lessons() -> list[str]:
    """The names of the shipped lessons, in the chapter's order."""
    files = sorted(p.name for p in resources.files(SHIPPED).iterdir() if p.name.endswith(".md"))
    return [name[:-3].split("_", 1)[1] for name in files]  # "01_gradient.md": the number keeps the order


def lesson_titles() -> dict[str, str]:
    """{name: title} of the shipped lessons, in order, from their title lines only (nothing parsed or computed:
    the window's menu lists them at start-up)."""
    titles = {}
    for name in lessons():
        first = _shipped_path(name).read_text(encoding="utf-8").lstrip().splitlines()[0]
        titles[name] = first.removeprefix("# ").strip()
    return titles


def _shipped_path(name: str) -> Any:
    for p in resources.files(SHIPPED).iterdir():
        if p.name.endswith(".md") and p.name[:-3].split("_", 1)[1] == name:
            return p
    return None


def lesson(name: str | os.PathLike[str]) -> Lesson:
    """A shipped lesson by name (see `lessons()`), or a lesson file by path; LessonError naming the line of the
    first problem, ValueError for an unknown name."""
    shipped = _shipped_path(str(name)) if isinstance(name, str) else None
    if shipped is not None:
        return read_lesson(shipped.read_text(encoding="utf-8"), str(name), f"{name}.md")
    path = Path(name)
    if not path.is_file():
        raise ValueError(f"no lesson {str(name)!r}: give one of {', '.join(lessons())}, or a lesson file's path")
    return read_lesson(path.read_text(encoding="utf-8"), path.stem, str(path))


def read_lesson(text: str, name: str = "lesson", source: str = "") -> Lesson:
    spec = parse_lesson(text, source)
    return Lesson(name, spec.title, [_step(s, source) for s in spec.steps], source)


def _step(spec: StepSpec, source: str) -> Step:
    scene = read_scene(spec.scene, source, spec.line)
    question = None if spec.question is None else _question(spec.question, scene, source)
    return Step(spec.title, spec.text, scene, question, spec.line)


def _question(spec: QuestionSpec, scene: StepScene, source: str) -> Question:
    if spec.kind not in KINDS:
        raise LessonError(f"unknown question kind {spec.kind!r}; choose from {', '.join(KINDS)}", spec.line, source)
    try:
        entry, _ = answers.parse_answer(spec.answer)
    except ValueError as exc:
        raise LessonError(str(exc), spec.line, source) from None
    if entry.kind != spec.kind:
        raise LessonError(f"{entry.name!r} is a {entry.kind} answer, not a {spec.kind}", spec.line, source)
    f = spec.fields
    options = tuple(o.strip() for o in f["options"].value.split("|")) if "options" in f else entry.options
    context = Context(scene, f["matrix"].value if "matrix" in f else None,
                      f["variable"].value if "variable" in f else None, options)
    question = Question(spec.kind, spec.answer, f["prompt"].value if "prompt" in f else "", context, options=options,
                        why=f["why"].value if "why" in f else "",
                        reveal=tuple(n.strip() for n in f["reveal"].value.split(",")) if "reveal" in f else (),
                        hints={k: h.value for k, h in spec.hints.items()}, line=spec.line)
    for name in question.reveal:
        if name not in OVERLAY_NAMES:
            raise LessonError(f"unknown overlay {name!r} to reveal", f["reveal"].line, source)
    if spec.kind != "choice":
        _tolerance(question, f.get("tolerance"), scene, spec.line, source)
    elif not question.options:
        raise LessonError("a choice question needs options: a | b | c", spec.line, source)
    if "prompt" not in f:
        raise LessonError("the question needs a prompt: the sentence the student reads", spec.line, source)
    return question


def _tolerance(question: Question, field: Any, scene: StepScene, line: int, source: str) -> None:
    """Read and check the tolerance: positive, and sensible for the kind (a point's within a quarter of the
    domain, a direction's under 45°, a relative one under 50%)."""
    if field is None:
        raise LessonError(f"a {question.kind} question needs a tolerance", line, source)
    text = field.value.strip()
    try:
        value = float(text.rstrip("%°").strip())
    except ValueError:
        raise LessonError(f"tolerance must be a number (or N% for numbers), not {text!r}", field.line, source) from None
    question.relative = text.endswith("%")
    question.tolerance = value / 100 if question.relative else value
    span = min(scene.domain[1] - scene.domain[0], scene.domain[3] - scene.domain[2])
    sensible = {"point": span / 4, "direction": MAX_DIRECTION_DEGREES,
                "number": 0.5 if question.relative else math.inf}[question.kind]
    if not 0 < question.tolerance <= sensible:
        raise LessonError(f"tolerance {text} is not sensible for a {question.kind} question (it must be > 0 and at "
                          f"most {sensible:g}{'°' if question.kind == 'direction' else ''})", field.line, source)


def check_lesson(lesson: Lesson) -> None:
    """Compute every step's answer and every hint's key on its scene; LessonError naming the question's line for
    an answer that cannot be computed there (no saddle in the domain, say)."""
    for step in lesson.steps:
        question = step.question
        if question is None:
            continue
        try:
            expected = question.expected
            if not question.check(expected).correct:
                raise answers.AnswerError("the computed answer does not pass its own check (tolerance?)")
            for key in question.hints:
                if key and question.kind != "choice":
                    answers.compute(key, question.context)
                elif key and key not in question.options:
                    raise answers.AnswerError(f"the hint's key {key!r} is not one of the options")
        except (answers.AnswerError, ValueError) as exc:
            raise LessonError(f"step {step.title!r}: {exc}", question.line, lesson.source) from None
