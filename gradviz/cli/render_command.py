"""`gradviz render`: the arguments, and the scene they describe (no Qt here); the drawing itself is
`gradviz.headless.render.draw`. The dependency runs one way: the CLI uses the GUI, never the reverse.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from gradviz.cli.commands import (
    HYPER_OPTIONS,
    UsageError,
    add_descent_options,
    add_parameter_option,
    domain,
    parse_expression,
    point,
)
from gradviz.export import suffix_of
from gradviz.export.formats import suffixes
from gradviz.expr.errors import ExpressionError
from gradviz.headless.quick_scene import scene_for
from gradviz.model.scene import Scene
from gradviz.session import SessionError


def size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WxH such as 1600x1000, got {text!r}") from None
    if not (16 <= w <= 8000 and 16 <= h <= 8000):
        raise argparse.ArgumentTypeError("width and height must be between 16 and 8000 pixels")
    return w, h


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="gradviz render", description="Draw f(x, y) (or a saved session) to a "
                                "PNG or SVG file without a window: the 3D surface, the contour view, or both.")
    p.add_argument("source", metavar="EXPR_OR_SESSION", help="f(x, y), or a .gradviz.json session file")
    p.add_argument("-o", "--output", required=True,
                   help=f"a {' or '.join(suffixes('figure'))} file ({' or '.join(suffixes('figure_3d'))} with the 3D "
                        "view)")
    p.add_argument("--view", choices=("3d", "contour", "both"), default="both")
    p.add_argument("--size", type=size, default=(1600, 900), metavar="WxH", help="image size (default 1600x900)")
    p.add_argument("--domain", type=domain, default=None, metavar="XMIN,XMAX,YMIN,YMAX")
    p.add_argument("--probe", type=point, default=None, metavar="X,Y", help="where to draw the Taylor models")
    p.add_argument("--log", action="store_true", help="log-spaced contours and colours (steep functions)")
    add_descent_options(p)
    add_parameter_option(p)
    return p


def render_main(argv: Sequence[str]) -> int:
    args = parser().parse_args(argv)
    out = args.output
    try:
        suffix = suffix_of(out, suffixes("figure"), "the figure")
    except ValueError as err:
        raise UsageError(f"--output: {err}") from None
    if args.view != "contour" and suffix not in suffixes("figure_3d"):
        raise UsageError(f"{suffix} is for the contour view (the 3D view is pixels): use --view contour, or a "
                         f"{' or '.join(suffixes('figure_3d'))} file")
    scene = scene_from_args(args)  # bad input is refused before any display is started
    from gradviz.headless.render import draw_headless

    draw_headless(scene, args.view, args.size, out)
    print(f"wrote {out}")
    return 0


def scene_from_args(args: argparse.Namespace) -> Scene:
    """The scene `gradviz render` draws: a session file or an expression, with the options applied."""
    if not (args.source.endswith(".json") and Path(args.source).exists()):
        parse_expression(args.source)  # the message with the column under the text
    hyper = {n: getattr(args, n) for n in HYPER_OPTIONS if getattr(args, n) is not None}
    try:
        return scene_for(args.source, domain=args.domain, probe=args.probe, starts=args.start or (),
                         methods=args.method or (), lr=args.lr, steps=args.steps, tol=args.tol, log=args.log,
                         params=dict(args.param), hyper=hyper)
    except SessionError as err:
        raise UsageError(str(err)) from None
    except ExpressionError as err:
        raise UsageError(str(err)) from None
    except ValueError as err:
        raise UsageError(f"--param: {err}" if "parameter" in str(err) else str(err)) from None


__all__ = ["render_main", "scene_from_args", "size"]
