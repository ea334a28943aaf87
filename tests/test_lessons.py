"""Every shipped lesson: each step loads, gradviz's own answer passes its check, a clearly wrong answer does not,
and each hint's key is computed and recognised. Lesson files with problems are refused with their line."""

import math

import numpy as np
import pytest

import gradviz
from gradviz.lessons import LessonError, LessonRun, check_lesson, lesson, lesson_titles, lessons, read_lesson
from gradviz.model.scene import Scene

CHAPTER = ["gradient", "descent", "critical_points", "quadratic", "backprop", "matrix", "momentum", "sgd"]


def test_eight_lessons_in_the_chapters_order_each_of_4_to_8_steps():
    assert lessons() == CHAPTER
    titles = lesson_titles()
    for name in CHAPTER:
        assert 4 <= len(lesson(name).steps) <= 8, name
        assert titles[name] == lesson(name).title


def _wrong(step):
    """An answer clearly away from gradviz's: across the domain, at right angles, another option, or 3x + 1."""
    q, e = step.question, step.expected
    if q.kind == "point":
        x0, x1, y0, y1 = step.scene.domain
        return (e[0] + 0.45 * (x1 - x0) * (1 if e[0] < (x0 + x1) / 2 else -1), e[1])
    if q.kind == "direction":
        return (-e[1], e[0])  # 90° away: neither the vector nor its opposite
    if q.kind == "choice":
        return next(o for o in q.options if o != e)
    return 3 * e + 1


@pytest.mark.parametrize("name", CHAPTER)
def test_every_step_accepts_its_own_answer_and_refuses_a_wrong_one(name):
    taught = lesson(name)
    check_lesson(taught)
    for step in taught.steps:
        assert step.text and step.question is not None and step.question.prompt
        verdict = step.check(step.expected)
        assert verdict.correct, (step.title, verdict)
        wrong = step.check(_wrong(step))
        assert not wrong.correct, (step.title, wrong)


@pytest.mark.parametrize("name", CHAPTER)
def test_each_hint_answers_the_wrong_answer_it_is_keyed_to(name):
    from gradviz.lessons import answers

    for step in lesson(name).steps:
        q = step.question
        for key, hint in q.hints.items():
            if not key:
                continue
            given = key if q.kind == "choice" else answers.compute(key, q.context)[1]
            if q.kind != "choice" and q.close(given, step.expected):
                continue  # the key coincides with the answer here (the book's point hides the slip)
            verdict = step.check(given)
            assert not verdict.correct and verdict.hint == hint, (step.title, key, verdict)


def test_expected_answers_come_from_the_scene_not_the_file():
    """Edit the scene and the answer follows: a lesson stays right when its f changes."""
    text = lesson("descent").steps[1]
    assert text.expected == pytest.approx(0.1)
    edited = read_lesson("# T\n\n## S\nf: x^2 + 25*y^2\nprobe: 0, 0\n\nText.\n\n? number: stable_lr(gd)\n"
                         "prompt: p\ntolerance: 1%\n")
    assert edited.steps[0].expected == pytest.approx(2 / 50)


def test_the_book_errata_are_shown_where_the_lessons_say():
    backprop = lesson("backprop")
    assert backprop.steps[0].expected == pytest.approx(-4096) == backprop.steps[1].expected  # the slip hides
    generic = backprop.steps[2]
    hint = generic.check(backprop.steps[3].expected)  # the book's y.grad typed as df/dw
    assert not hint.correct and "book" in hint.hint
    quadratic = lesson("quadratic").steps[0]
    assert quadratic.expected == pytest.approx(2 / math.e)  # the Hessian there: the ½ restores (x+1)², not 2(x+1)²
    matrix = lesson("matrix").steps[1]
    assert matrix.expected == "-2*U.T@(X - U@V)"
    assert "book" in matrix.check("2*U.T@(X - U@V)").hint
    assert lesson("critical_points").steps[1].expected == "saddle"  # x = 0 is no minimum


@pytest.mark.parametrize("answer,words", [("abc", "point (x, y)"), ((1.0,), "point"), ((math.nan, 1.0), "finite")])
def test_a_wrong_type_of_answer_is_a_message(answer, words):
    verdict = lesson("critical_points").steps[0].check(answer)
    assert not verdict.correct and words in verdict.message


def test_wrong_types_for_the_other_kinds():
    steps = lesson("descent").steps
    assert "number" in steps[1].check("fast").message
    assert "choose one of" in steps[2].check("maybe").message
    assert "direction" in lesson("gradient").steps[0].check("up").message
    assert lesson("gradient").steps[0].check(56.3).correct  # an angle in degrees: atan2(3, 2) ≈ 56.3°


BAD = {
    "unknown kind": ("# T\n\n## S\nf: x^2\n\nText.\n\n? drawing: minimum\nprompt: p\n", 8, "unknown question kind"),
    "bad f": ("# T\n\n## S\nf: x^^2\n\nText.\n", 4, "f does not parse"),
    "no tolerance": ("# T\n\n## S\nf: x^2 + y^2\n\nText.\n\n? point: minimum\nprompt: p\n", 8, "needs a tolerance"),
    "wrong kind": ("# T\n\n## S\nf: x^2\n\nText.\n\n? number: minimum\nprompt: p\n", 8, "is a point answer"),
    "bad overlay": ("# T\n\n## S\nf: x^2\noverlays: sparkles\n\nText.\n", 5, "unknown overlay"),
    "no title": ("## S\nf: x^2\n", 1, "needs a title"),
    "huge tolerance": ("# T\n\n## S\nf: x^2\n\nText.\n\n? direction: descent\nprompt: p\ntolerance: 90\n", 10,
                       "not sensible"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_lesson_file_names_its_line(case):
    text, line, words = BAD[case]
    with pytest.raises(LessonError) as info:
        read_lesson(text, source="bad.md")
    assert info.value.line == line and words in str(info.value) and f"bad.md:{line}:" in str(info.value)


def test_an_answer_that_cannot_be_computed_is_named_with_its_line():
    bad = read_lesson("# T\n\n## S\nf: x^2 + y^2\n\nText.\n\n? point: saddle\nprompt: p\ntolerance: 0.1\n",
                      source="b.md")
    with pytest.raises(LessonError, match=r"b.md:8: .*no saddle"):
        check_lesson(bad)


def test_a_lesson_run_keeps_progress_and_restarts():
    store: dict = {}
    scene = Scene()
    scene.executor = None
    run = LessonRun(lesson("descent"), scene, store)
    assert scene.text == "x^2 + 10*y^2" and not scene.view.critical_points  # nothing gives the answer away
    run.show(1)
    assert run.answer(0.1).correct and 1 in run.solved and run.revealed
    again = LessonRun(lesson("descent"), scene, store)
    assert again.index == 1 and again.solved == {1}
    again.restart()
    assert again.index == 0 and again.solved == set()


def test_gradviz_lesson_is_the_library_entry():
    assert gradviz.lessons() == CHAPTER
    first = gradviz.lesson("gradient").steps[0]
    np.testing.assert_allclose(first.expected, np.array([2, 3]) / np.hypot(2, 3))
