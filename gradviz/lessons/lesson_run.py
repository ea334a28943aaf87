"""A lesson being taken, Qt-free: which step is shown, the answers given and their verdicts, the reveal, and the
progress kept between sessions in any mapping-like store (the window passes its settings). Each step sets up the
scene: f, domain, probe, starts, exactly the step's overlays (so nothing gives the answer away) and optimizers."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from gradviz.descent.optimizers import OPTIMIZERS
from gradviz.lessons.lesson import Lesson, Step
from gradviz.lessons.questions import Verdict
from gradviz.model.overlays import OVERLAY_NAMES
from gradviz.model.scene import Scene
from gradviz.model.signal import Signal


def apply_step(step: Step, scene: Scene, reveal: bool = False) -> None:
    """Show the step's scene; with `reveal`, its question's reveal overlays too. A question about a run or a step
    keeps the step's optimizers off until the reveal: their paths would give the answer away."""
    s = step.scene
    spoils = step.question is not None and step.question.answer.startswith(("run", "step"))
    with scene.batch():
        scene.show_function(s.function, s.domain, s.starts)
        if s.probe is not None:
            scene.set_probe(*s.probe)
        shown = set(s.overlays) | (set(step.question.reveal) if reveal and step.question else set())
        scene.set_view(**{name: name in shown for name in OVERLAY_NAMES}, direction_angle=s.direction)
        for method in OPTIMIZERS:
            on = method in s.optimizers and (reveal or not spoils)
            scene.descent.set_method(method, enabled=on, lr=s.optimizers.get(method))
    if "critical_points" in shown:
        scene.request_critical_points()  # the overlay draws what the search finds


class LessonRun:
    """`lesson` taken on `scene`; `changed` is emitted after every move. `store` keeps the progress under
    "lessons/<name>/…" (step reached, steps answered right)."""

    def __init__(self, lesson: Lesson, scene: Scene, store: MutableMapping[str, Any] | None = None) -> None:
        self.lesson, self.scene = lesson, scene
        self.store: MutableMapping[str, Any] = {} if store is None else store
        self.changed = Signal("lesson")
        self.verdict: Verdict | None = None
        self.revealed = False
        saved = self.store.get(self._key("step"), 0)
        self.index = min(max(int(saved or 0), 0), len(lesson.steps) - 1)
        self.show(self.index)

    def _key(self, what: str) -> str:
        return f"lessons/{self.lesson.name}/{what}"

    @property
    def step(self) -> Step:
        return self.lesson.steps[self.index]

    @property
    def solved(self) -> set[int]:
        """The steps answered right (kept in the store)."""
        raw = self.store.get(self._key("solved"), "")
        return {int(k) for k in str(raw).split(",") if k.strip().isdigit()}

    def show(self, index: int) -> None:
        self.index = max(0, min(int(index), len(self.lesson.steps) - 1))
        self.verdict, self.revealed = None, False
        self.store[self._key("step")] = self.index
        apply_step(self.step, self.scene)
        self.changed.emit()

    def next(self) -> None:
        self.show(self.index + 1)

    def back(self) -> None:
        self.show(self.index - 1)

    def restart(self) -> None:
        """Forget the progress and start at step 1."""
        self.store[self._key("solved")] = ""
        self.show(0)

    def answer(self, given: Any) -> Verdict:
        """Check an answer; a right one is remembered and revealed."""
        self.verdict = self.step.check(given)
        if self.verdict.correct:
            self.store[self._key("solved")] = ",".join(str(k) for k in sorted(self.solved | {self.index}))
            self.reveal()
        self.changed.emit()
        return self.verdict

    def reveal(self) -> None:
        """Switch on the reveal: its overlays, and the sentence on why (`step.question.why`)."""
        self.revealed = True
        apply_step(self.step, self.scene, reveal=True)
        self.changed.emit()
