"""Lessons: the chapter's sections as guided steps where the student predicts before seeing. Each step sets a
scene and asks one question whose answer gradviz computes on that scene."""

from gradviz.lessons.answers import ANSWERS, AnswerError
from gradviz.lessons.lesson import Lesson, Step, check_lesson, lesson, lesson_titles, lessons, read_lesson
from gradviz.lessons.lesson_format import LessonError
from gradviz.lessons.lesson_run import LessonRun, apply_step
from gradviz.lessons.questions import Question, Verdict

__all__ = ["ANSWERS", "AnswerError", "Lesson", "LessonError", "LessonRun", "Question", "Step", "Verdict",
           "apply_step", "check_lesson", "lesson", "lesson_titles", "lessons", "read_lesson"]
