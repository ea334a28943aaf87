"""`gradviz lesson NAME|FILE` opens a lesson beside the scene; `gradviz lesson check FILE` validates a lesson file:
every scene parses, every answer and hint can be computed, every tolerance is sensible (errors carry the line)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from gradviz.cli.commands import UsageError
from gradviz.lessons import LessonError, check_lesson, lesson, lessons


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="gradviz lesson", description="Open a lesson beside the scene, or check a "
                                "lesson file (gradviz lesson check FILE).",
                                epilog=f"shipped lessons: {', '.join(lessons())}")
    p.add_argument("target", metavar="NAME_OR_FILE", help="a shipped lesson's name, a lesson file, or 'check'")
    p.add_argument("file", nargs="?", help="with check: the lesson file to validate")
    return p


def lesson_main(argv: Sequence[str]) -> int:
    args = parser().parse_args(argv)
    if args.target == "check":
        if not args.file:
            raise UsageError("gradviz lesson check FILE: which file?")
        try:
            taught = lesson(args.file)
            check_lesson(taught)
        except (LessonError, ValueError) as exc:
            raise UsageError(str(exc)) from None
        questions = sum(s.question is not None for s in taught.steps)
        print(f"{args.file}: {taught.title!r}, {len(taught.steps)} steps, {questions} questions: every answer "
              "computed, every tolerance sensible")
        return 0
    try:
        lesson(args.target)
    except (LessonError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    from gradviz.cli import NO_DISPLAY_HELP, has_display

    if not has_display():
        print(NO_DISPLAY_HELP, file=sys.stderr)
        return 1
    from gradviz.gui.app import run

    return run(lesson=args.target)
