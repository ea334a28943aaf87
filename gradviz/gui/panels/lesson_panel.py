"""The lesson panel, docked beside the scene: a step's text and question, the student's answer given in the window
itself (a click in the contour map for a point, the tip of an arrow from the probe for a direction, a choice, a
number), the verdict and its hint, and the reveal. It drives a `LessonRun`; the teacher's locks disable the
controls a step does not need."""

from __future__ import annotations

import os
from collections.abc import Iterator, MutableMapping
from typing import Any

import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from gradviz.gui.widgets.theme import style_error_label
from gradviz.lessons import Lesson, LessonRun
from gradviz.lessons.step_text import scene_step

ANSWER_PEN = pg.mkPen("#e6550d", width=3)
EXPECTED_PEN = pg.mkPen("#2ca02c", width=3)
ARROW_LENGTH = 0.25  # of the domain's smaller side: the drawn answer and expected arrows


class SettingsStore(MutableMapping):
    """QSettings as the mapping a LessonRun keeps its progress in."""

    def __init__(self, settings: QtCore.QSettings) -> None:
        self.settings = settings

    def __getitem__(self, key: str) -> Any:
        if not self.settings.contains(key):
            raise KeyError(key)
        return self.settings.value(key)

    def __setitem__(self, key: str, value: Any) -> None:
        self.settings.setValue(key, value)

    def __delitem__(self, key: str) -> None:
        self.settings.remove(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self.settings.allKeys())

    def __len__(self) -> int:
        return len(self.settings.allKeys())


class LessonPanel(QtWidgets.QWidget):
    def __init__(self, window: Any, lesson: Lesson, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.window_ = window
        self.run = LessonRun(lesson, window.scene, SettingsStore(window.settings))
        layout = QtWidgets.QVBoxLayout(self)
        self.title = QtWidgets.QLabel(f"<b>{lesson.title}</b>")
        self.title.setWordWrap(True)
        self.where = QtWidgets.QLabel()
        nav = QtWidgets.QHBoxLayout()
        self.back = QtWidgets.QPushButton("◀ Back")
        self.next = QtWidgets.QPushButton("Next ▶")
        restart = QtWidgets.QPushButton("Restart")
        restart.setToolTip("forget this lesson's progress and start again at step 1")
        self.back.clicked.connect(self.run.back)
        self.next.clicked.connect(self.run.next)
        restart.clicked.connect(self.run.restart)
        for w in (self.back, self.next, restart):
            nav.addWidget(w)
        self.text = QtWidgets.QTextBrowser()
        self.text.setOpenExternalLinks(True)
        self.prompt = QtWidgets.QLabel()
        self.prompt.setWordWrap(True)
        self.choices = QtWidgets.QWidget()
        self.choice_layout = QtWidgets.QVBoxLayout(self.choices)
        self.choice_group = QtWidgets.QButtonGroup(self)
        self.number = QtWidgets.QLineEdit()
        self.number.setPlaceholderText("type a number and press Enter")
        self.number.returnPressed.connect(lambda: self.answer(self.number.text()))
        self.check = QtWidgets.QPushButton("Check")
        self.check.clicked.connect(self._check_input)
        self.verdict = QtWidgets.QLabel()
        self.verdict.setWordWrap(True)
        self.hint = QtWidgets.QLabel()
        self.hint.setWordWrap(True)
        style_error_label(self.hint)
        self.why = QtWidgets.QLabel()
        self.why.setWordWrap(True)
        self.reveal = QtWidgets.QPushButton("Show me")
        self.reveal.setToolTip("reveal the answer without answering")
        self.reveal.clicked.connect(self.run.reveal)
        self.save = QtWidgets.QPushButton("Save this scene as a lesson step…")
        self.save.clicked.connect(self.save_step_dialog)
        for w in (self.title, self.where):
            layout.addWidget(w)
        layout.addLayout(nav)
        layout.addWidget(self.text, 1)
        for w in (self.prompt, self.choices, self.number, self.check, self.verdict, self.hint, self.why,
                  self.reveal, self.save):
            layout.addWidget(w)
        self._items: list[Any] = []
        self.run.changed.connect(self.refresh)
        window.contour.answer_click = self._clicked
        window.contour.answer_drag = self._dragged
        self._was_revealed = False
        self.refresh()

    # ----- answers -----
    def _clicked(self, x: float, y: float) -> bool:
        """A click in the contour map: the answer of a point or direction question (True: taken)."""
        question = self.run.step.question
        if question is None or question.kind not in ("point", "direction") or self.run.revealed:
            return False
        if question.kind == "point":
            self.answer((x, y))
        else:
            px, py = self.run.scene.probe
            if (x, y) == (px, py):
                return True
            self.answer((x - px, y - py))
        return True

    def _dragged(self, x: float, y: float, done: bool) -> bool:
        """A drag in the contour map draws the arrow from the probe to the mouse; its release is the answer."""
        question = self.run.step.question
        if question is None or question.kind != "direction" or self.run.revealed:
            return False
        px, py = self.run.scene.probe
        if done:
            if (x, y) != (px, py):
                self.answer((x - px, y - py))
            return True
        self._given = (x - px, y - py)
        self._draw_answers(live=True)
        return True

    def _check_input(self) -> None:
        question = self.run.step.question
        if question is None:
            return
        if question.kind == "choice":
            button = self.choice_group.checkedButton()
            self.answer(button.text() if button is not None else "")
        elif question.kind == "number":
            self.answer(self.number.text())

    def answer(self, given: Any) -> None:
        self._given = given
        self.run.answer(given)

    # ----- drawing -----
    def refresh(self) -> None:
        run, step = self.run, self.run.step
        question = step.question
        self.where.setText(f"Step {run.index + 1} of {len(run.lesson.steps)}: {step.title}"
                           + ("  ✓" if run.index in run.solved else ""))
        self.back.setEnabled(run.index > 0)
        self.next.setEnabled(run.index < len(run.lesson.steps) - 1)
        self.text.setMarkdown(step.text)
        kind = question.kind if question else None
        self.prompt.setText(f"<b>{question.prompt}</b>" if question else "")
        self.prompt.setVisible(question is not None)
        how = {"point": "Click your answer in the contour map.",
               "direction": "Drag an arrow in the contour map (it starts at the probe), or click its tip."}
        if kind in how:
            self.prompt.setText(self.prompt.text() + f"<br><i>{how[kind]}</i>")
        self._build_choices(question.options if kind == "choice" else ())
        self.choices.setVisible(kind == "choice")
        self.number.setVisible(kind == "number")
        self.check.setVisible(kind in ("choice", "number"))
        verdict = run.verdict
        self.verdict.setText("" if verdict is None else "✔ Right." if verdict.correct else f"✘ {verdict.message}")
        self.hint.setText("" if verdict is None or not verdict.hint else f"Hint: {verdict.hint}")
        self.why.setText(f"Why: {question.why}" if question and run.revealed and question.why else "")
        self.reveal.setEnabled(question is not None and not run.revealed)
        apply_lock(self.window_, step.scene.lock)
        if kind == "direction" and not run.revealed:
            self.window_.contour.probe.movable = False  # a drag from the probe draws the arrow, not moves it
        answered = question is None or run.revealed
        self.window_.readout.setVisible(answered)  # predict first: no readout to peek at
        self.window_.critical.setEnabled(answered)  # nor a search for the critical points
        if run.revealed and not self._was_revealed and question is not None and question.answer.startswith(
                ("run", "step")):
            self.window_.playback.play.setChecked(True)  # the reveal plays the run the question was about
        self._was_revealed = run.revealed
        self._draw_answers()

    def _build_choices(self, options: tuple[str, ...]) -> None:
        current = [b.text() for b in self.choice_group.buttons()]
        if current == list(options):
            return
        for b in self.choice_group.buttons():
            self.choice_group.removeButton(b)
            b.deleteLater()
        for option in options:
            button = QtWidgets.QRadioButton(option)
            self.choice_group.addButton(button)
            self.choice_layout.addWidget(button)

    def _draw_answers(self, live: bool = False) -> None:
        """The student's answer (orange; `live` while an arrow is being dragged) and, once revealed, gradviz's
        (green), in the contour map."""
        plot = self.window_.contour.getPlotItem()
        for item in self._items:
            plot.removeItem(item)
        self._items = []
        question = self.run.step.question
        if question is None or question.kind not in ("point", "direction"):
            return
        given = getattr(self, "_given", None) if self.run.verdict is not None or live else None
        shown = [(given, ANSWER_PEN)] if given is not None else []
        if self.run.revealed:
            shown.append((question.expected, EXPECTED_PEN))
        for value, pen in shown:
            try:
                x, y = (float(v) for v in value)
            except (TypeError, ValueError):
                continue
            if question.kind == "point":
                item = pg.ScatterPlotItem([x], [y], size=14, pen=pen, brush=pg.mkBrush(None), symbol="o")
            else:
                px, py = self.run.scene.probe
                x0, x1, y0, y1 = self.run.scene.domain
                scale = ARROW_LENGTH * min(x1 - x0, y1 - y0) / max((x * x + y * y) ** 0.5, 1e-300)
                item = pg.PlotDataItem([px, px + scale * x], [py, py + scale * y], pen=pen)
            plot.addItem(item)
            self._items.append(item)

    def save_step_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self, "Save the scene as a lesson step", "lesson.md",
                                                        "Lessons (*.md)")
        if path:
            from_scene_step(self.run.scene, path)

    def closing(self) -> None:
        """The panel goes: the contour map's clicks and the locked controls are the window's again."""
        self.window_.contour.answer_click = None
        self.window_.contour.answer_drag = None
        apply_lock(self.window_, [])
        self.window_.readout.setVisible(True)
        self.window_.critical.setEnabled(True)
        for item in self._items:
            self.window_.contour.getPlotItem().removeItem(item)
        self._items = []


def apply_lock(window: Any, names: list[str]) -> None:
    """Disable the controls a step locks ("expression", "domain", "probe", "starts", "optimizers", "view")."""
    window.expression_bar.setEnabled("expression" not in names)
    for spin in window.controls.domain:
        spin.setEnabled("domain" not in names)
    window.contour.probe.movable = "probe" not in names  # TargetItem reads it on each drag
    window.contour.starts_locked = "starts" in names
    window.add_action.setEnabled("starts" not in names)
    window.descent.setEnabled("optimizers" not in names)
    window.controls.setEnabled("view" not in names)


def from_scene_step(scene: Any, path: str) -> None:
    """Append the scene as a lesson step to the file at `path` (a new file gets a title line)."""
    exists = os.path.exists(path)
    with open(path, "a", encoding="utf-8") as handle:
        if not exists:
            handle.write("# A new lesson\n")
        handle.write("\n" + scene_step(scene))
