"""The `gradviz` command: launch the app, or (no window needed) trace and find critical points."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

NO_DISPLAY_HELP = """gradviz needs a display to open its window, and none was found (DISPLAY is not set).
  - On a desktop, run it from a graphical session.
  - On a server, run it on a virtual screen:   xvfb-run -s "-screen 0 1600x1000x24" gradviz
  - For figures without a window, use the library (see README.md)."""


def has_display() -> bool:
    if sys.platform != "linux":
        return True
    if os.environ.get("QT_QPA_PLATFORM", "").startswith(("offscreen", "minimal", "vnc")):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def build_parser() -> argparse.ArgumentParser:
    from gradviz.version import __version__

    parser = argparse.ArgumentParser(
        prog="gradviz",
        description="See multivariable calculus as machine learning uses it: type f(x, y) and see "
                    "its surface, contours, gradients, descent paths, Hessian models and critical points.",
        epilog="Without a window: gradviz render EXPR -o out.png | gradviz trace EXPR --start X,Y -o t.csv | "
               "gradviz critical EXPR | gradviz landscape MODEL --data moons -o slice.npz | gradviz lesson NAME  "
               "(each has --help)")
    parser.add_argument("expression", nargs="?", default=None, metavar="EXPR_OR_SESSION",
                        help="f(x, y) to show, e.g. \"(x^2+y-11)^2+(x+y^2-7)^2\" (default: Himmelblau), or a "
                             ".gradviz.json session file to open")
    parser.add_argument("--version", action="version", version=f"gradviz {__version__}")
    parser.add_argument("--install-desktop", action="store_true",
                        help="Linux: add gradviz to the desktop's application menu (a .desktop file and the icon)")
    return parser


COMMANDS = ("render", "trace", "critical", "landscape", "lesson")


def looks_like_a_file(text: str) -> bool:
    """A session to open rather than an f to parse: a .json name, or an existing file."""
    return text.lower().endswith(".json") or (os.sep in text and os.path.isfile(text))


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in COMMANDS:
        from gradviz.cli.commands import critical_main, run_command, trace_main
        if argv[0] == "render":
            from gradviz.cli.render_command import render_main
            return run_command(render_main, argv[1:])
        if argv[0] == "landscape":
            from gradviz.cli.landscape_command import landscape_main
            return run_command(landscape_main, argv[1:])
        if argv[0] == "lesson":
            from gradviz.cli.lesson_command import lesson_main
            return run_command(lesson_main, argv[1:])
        return run_command(trace_main if argv[0] == "trace" else critical_main, argv[1:])
    args = build_parser().parse_args(argv)
    if args.install_desktop:
        from gradviz.gui.desktop import install_desktop_entry
        for path in install_desktop_entry():
            print(f"wrote {path}")
        return 0
    session = None
    if args.expression is not None and looks_like_a_file(args.expression):
        session, args.expression = args.expression, None
        if not os.path.isfile(session):
            print(f"gradviz: no such session file: {session}", file=sys.stderr)
            return 2
    if args.expression is not None:
        from gradviz import ExpressionError, parse
        try:
            parse(args.expression)
        except ExpressionError as err:
            print(f"gradviz: {err}\n  {args.expression}\n  {' ' * err.position}^", file=sys.stderr)
            return 2
    if not has_display():
        print(NO_DISPLAY_HELP, file=sys.stderr)
        return 1
    try:
        from gradviz.gui.app import run
    except ImportError as err:
        print(f"gradviz: the window cannot start: {err}\n"
              "Run scripts/setup.sh to install what it needs.", file=sys.stderr)
        return 1
    return run(args.expression, session=session)


if __name__ == "__main__":
    sys.exit(main())
