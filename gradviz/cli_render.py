"""`gradviz render`: the arguments, and the scene they describe (no Qt here); the drawing itself is
`gradviz.gui.render.draw`. The dependency runs one way: the CLI uses the GUI, never the reverse.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from gradviz.cli_commands import (
    HYPER_OPTIONS,
    UsageError,
    add_descent_options,
    add_parameter_option,
    domain,
    parse_expression,
    point,
)
from gradviz.export import suffix_of
from gradviz.model.scene import Scene


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
    p.add_argument("-o", "--output", required=True, help="out.png or out.svg (SVG: contour view only)")
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
        suffix = suffix_of(out, (".png", ".svg"), "the figure")
    except ValueError as err:
        raise UsageError(f"--output: {err}") from None
    if suffix == ".svg" and args.view != "contour":
        raise UsageError("SVG is for the contour view (the 3D view is pixels): use --view contour, or a .png file")
    scene = scene_from_args(args)  # bad input is refused before any display is started
    from gradviz.gui.render import draw_headless

    draw_headless(scene, args.view, args.size, out)
    print(f"wrote {out}")
    return 0


def scene_from_args(args: argparse.Namespace) -> Scene:
    """The scene `gradviz render` draws: a session file or an expression, with the options applied."""
    from gradviz.session import SessionError, load_session

    scene = Scene()
    source = args.source
    if source.endswith(".json") and Path(source).exists():
        try:
            load_session(scene, source)
        except SessionError as err:
            raise UsageError(str(err)) from None
    else:
        fn = parse_expression(source)
        with scene.batch():
            scene.set_expression(fn.text)
            scene.set_domain(args.domain or (-3.0, 3.0, -3.0, 3.0))
            scene.set_probe(*(args.probe or (0.5 * (scene.domain[0] + scene.domain[1]),
                                             0.5 * (scene.domain[2] + scene.domain[3]))))
            scene.descent.set_starts([])
            scene.set_view(contour_spacing="log" if args.log else "linear")
    for name, value in args.param:
        try:
            scene.set_parameter(name, value)
        except ValueError as err:
            raise UsageError(f"--param: {err}") from None
    if args.domain and source.endswith(".json"):
        scene.set_domain(args.domain)
    if args.log:
        scene.set_view(contour_spacing="log")
    if args.probe:
        scene.set_probe(*args.probe)
    d = scene.descent
    if args.start:
        d.set_starts(list(args.start))
    if args.method:
        from gradviz.descent.optimizers import OPTIMIZERS
        for m in OPTIMIZERS:
            hyper = {n: getattr(args, n) for n in HYPER_OPTIONS
                     if getattr(args, n) is not None and n in OPTIMIZERS[m].hyper}
            d.set_method(m, enabled=m in args.method, lr=args.lr if args.lr and m != "newton" else None, **hyper)
    if args.start or args.method:
        d.set_run(steps=max(1, args.steps), tol=args.tol)
    return scene


__all__ = ["render_main", "scene_from_args", "size"]
