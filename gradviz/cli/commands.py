"""`gradviz trace` and `gradviz critical`: descent paths and critical points without a window.

Exit codes for every command: 0 success, 2 bad input (the message names the problem and its
column), 1 any other failure.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from gradviz.calculus.critical import search_critical_points
from gradviz.descent.optimizers import HYPER_NAMES, OPTIMIZERS
from gradviz.descent.trajectory import descend
from gradviz.export import export_critical_points, export_trajectories, suffix_of
from gradviz.export.formats import suffixes
from gradviz.expr.errors import ExpressionError
from gradviz.expr.function import Function, parse
from gradviz.model import limits
from gradviz.model.presets import DEFAULT_DOMAIN

HYPER_OPTIONS = HYPER_NAMES  # every optimizer's hyperparameters, generated from the registry


class UsageError(ValueError):
    """Bad command-line input (exit code 2)."""


def point(text: str) -> tuple[float, float]:
    try:
        x, y = (float(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected X,Y (two numbers and a comma), got {text!r}") from None
    return x, y


def domain(text: str) -> tuple[float, float, float, float]:
    try:
        values = tuple(float(v) for v in text.split(","))
    except ValueError:
        values = ()
    if len(values) != 4 or not (values[0] < values[1] and values[2] < values[3]):
        raise argparse.ArgumentTypeError(f"expected XMIN,XMAX,YMIN,YMAX with min < max, got {text!r}")
    return values  # type: ignore[return-value]


def parse_expression(text: str) -> Function:
    """parse(text), or a UsageError that shows the column under the text."""
    try:
        return parse(text)
    except ExpressionError as err:
        raise UsageError(f"{err}\n  {text}\n  {' ' * err.position}^") from None


def parameter(text: str) -> tuple[str, float]:
    """NAME=VALUE, as --param takes it."""
    name, sep, value = text.partition("=")
    try:
        number = float(value)
    except ValueError:
        number = float("nan")
    if not sep or not name.strip() or number != number or number in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE with a finite number, got {text!r}")
    return name.strip(), number


def add_parameter_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--param", type=parameter, action="append", default=[], metavar="NAME=VALUE",
                   help="set a parameter declared in f, e.g. --param k=10 (repeatable)")


def with_parameters(fn: Function, given: Sequence[tuple[str, float]]) -> Function:
    """fn with the --param values; UsageError naming the parameters f has."""
    try:
        return fn.with_parameters(**dict(given))
    except ValueError as err:
        raise UsageError(f"--param: {err}") from None


def add_descent_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--start", type=point, action="append", metavar="X,Y", help="a start point (repeatable)")
    p.add_argument("--method", action="append", choices=list(OPTIMIZERS), metavar="NAME",
                   help=f"optimizer (repeatable): {', '.join(OPTIMIZERS)}")
    p.add_argument("--lr", type=float, default=None, help=f"learning rate (default: {limits.DEFAULT_LR})")
    p.add_argument("--steps", type=int, default=limits.CLI_STEPS, help=f"updates per run (default: {limits.CLI_STEPS})")
    p.add_argument("--tol", type=float, default=0.0, help="stop when |∇f| ≤ TOL (default 0: run every step)")
    for name in HYPER_OPTIONS:
        p.add_argument(f"--{name}", type=float, default=None,
                       help=f"{name} (torch's name), for the methods that use it")


def runs_from(args: argparse.Namespace, fn: Function) -> list:
    if not args.start:
        raise UsageError("give at least one start point with --start X,Y")
    if args.steps < 0:
        raise UsageError("--steps must be ≥ 0")
    runs = []
    for method in args.method or ["gd"]:
        hyper = {n: getattr(args, n) for n in HYPER_OPTIONS
                 if getattr(args, n) is not None and n in OPTIMIZERS[method].hyper}
        for start in args.start:
            lr = limits.DEFAULT_LR if args.lr is None else args.lr
            runs.append(descend(fn, start, method, lr=lr, steps=args.steps, tol=args.tol, **hyper))
    return runs


def trace_main(argv: Sequence[str]) -> int:
    p = argparse.ArgumentParser(prog="gradviz trace", description="Run optimizers on f(x, y) from start points "
                                "and write every iterate (method, hyperparameters, step, x, y, f, fx, fy, status).")
    p.add_argument("expression", help="f(x, y), e.g. \"(1-x)^2 + 100*(y-x^2)^2\"")
    add_descent_options(p)
    add_parameter_option(p)
    p.add_argument("-o", "--output", help=f"a {' or '.join(suffixes('trajectories'))} file (default: a summary on "
                   "stdout only)")
    args = p.parse_args(argv)
    fn = with_parameters(parse_expression(args.expression), args.param)
    runs = runs_from(args, fn)
    if args.output:
        try:
            export_trajectories(runs, args.output)
        except ValueError as err:
            raise UsageError(f"--output: {err}") from None
    u, v = fn.variables
    print(f"{'method':<10} {f'start ({u}, {v})':<20} {f'end ({u}, {v})':<32} {'f':>14} {'steps':>6}  status")
    for t in runs:
        end = f"({t.points[-1][0]:.6g}, {t.points[-1][1]:.6g})"
        start = f"({t.start[0]:g}, {t.start[1]:g})"
        print(f"{t.method:<10} {start:<20} {end:<32} {t.values[-1]:>14.6g} {t.stop_step:>6}  {t.status}")
    if args.output:
        print(f"wrote {args.output}")
    return 0


def critical_main(argv: Sequence[str]) -> int:
    p = argparse.ArgumentParser(prog="gradviz critical", description="List the critical points of f(x, y) in a "
                                "domain, found by Newton's method on ∇f = 0 and classified by the Hessian.")
    p.add_argument("expression", help="f(x, y)")
    p.add_argument("--domain", type=domain, default=DEFAULT_DOMAIN, metavar="XMIN,XMAX,YMIN,YMAX",
                   help=f"where to search (default: {','.join(f'{v:g}' for v in DEFAULT_DOMAIN)}, the window's)")
    add_parameter_option(p)
    p.add_argument("-o", "--output", help=f"also write them to a {' or '.join(suffixes('critical_points'))} file")
    args = p.parse_args(argv)
    fn = with_parameters(parse_expression(args.expression), args.param)
    if args.output:
        try:
            suffix_of(args.output, suffixes("critical_points"), "critical points")
        except ValueError as err:
            raise UsageError(f"--output: {err}") from None
    search = search_critical_points(fn, args.domain)
    points = search.points
    u, v = fn.variables
    print(f"{'kind':<11} {u:>14} {v:>14} {'f':>14}")
    for c in points:
        print(f"{c.kind:<11} {c.x + 0.0:>14.8g} {c.y + 0.0:>14.8g} {c.f + 0.0:>14.8g}")
    if not points:
        print("no critical points in this domain")
    if search.note:
        print(f"note: {search.note}")
    if args.output:
        export_critical_points(points, args.output, fn.variables)
        print(f"wrote {args.output}")
    return 0


VALUE_OPTIONS = ("--start", "--domain", "--probe", "--param")


def join_negative_values(argv: Sequence[str]) -> list[str]:
    """`--start -1.2,1` as `--start=-1.2,1`: argparse would take "-1.2,1" for an option."""
    out: list[str] = []
    args = list(argv)
    k = 0
    while k < len(args):
        a = args[k]
        nxt = args[k + 1] if k + 1 < len(args) else ""
        if a in VALUE_OPTIONS and nxt.startswith("-") and len(nxt) > 1 and (nxt[1].isdigit() or nxt[1] == "."):
            out.append(f"{a}={nxt}")
            k += 2
            continue
        out.append(a)
        k += 1
    return out


def run_command(main: object, argv: Sequence[str]) -> int:
    """Run a command with the exit codes of the module docstring; no traceback reaches the user."""
    try:
        return main(join_negative_values(argv))
    except UsageError as err:
        print(f"gradviz: {err}", file=sys.stderr)
        return 2
    except SystemExit as exc:  # argparse: 2 for bad arguments, 0 for --help
        return int(exc.code or 0)
    except Exception as err:  # noqa: BLE001 (the promise is: never a traceback)
        print(f"gradviz: {type(err).__name__}: {err}", file=sys.stderr)
        return 1
