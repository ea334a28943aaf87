"""A scene from a few arguments: what `gradviz render` and `gradviz.figure` draw (Qt-free)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from gradviz.descent.optimizers import OPTIMIZERS
from gradviz.expr.function import parse
from gradviz.model import limits
from gradviz.model.presets import DEFAULT_DOMAIN
from gradviz.model.scene import Scene
from gradviz.session import load_session


def scene_for(source: str, domain: Sequence[float] | None = None, probe: Sequence[float] | None = None,
              starts: Sequence[Sequence[float]] = (), methods: Sequence[str] = (), lr: float | None = None,
              steps: int = limits.CLI_STEPS, tol: float = 0.0, log: bool = False,
              params: Mapping[str, float] | None = None,
              hyper: Mapping[str, float] | None = None) -> Scene:
    """The scene of an expression (or a .gradviz.json session file) with these settings applied.

    Raises gradviz.ExpressionError for a bad expression, SessionError for a bad session file and
    ValueError for a bad setting (an unknown parameter, method or hyperparameter).
    """
    scene = Scene()
    is_session = source.endswith(".json") and Path(source).exists()
    if is_session:
        load_session(scene, source)
    else:
        fn = parse(source)  # ExpressionError before anything changes
        with scene.batch():
            scene.set_expression(fn.text)
            scene.set_domain(domain or DEFAULT_DOMAIN)
            scene.set_probe(*(probe or (0.5 * (scene.domain[0] + scene.domain[1]),
                                        0.5 * (scene.domain[2] + scene.domain[3]))))
            scene.descent.set_starts([])
            scene.set_view(contour_spacing="log" if log else "auto")
    for name, value in (params or {}).items():
        scene.set_parameter(name, value)
    if is_session and domain:
        scene.set_domain(domain)
    if log:
        scene.set_view(contour_spacing="log")
    if probe:
        scene.set_probe(*probe)
    d = scene.descent
    if starts:
        d.set_starts([tuple(p) for p in starts])
    if methods:
        unknown = [m for m in methods if m not in OPTIMIZERS]
        if unknown:
            raise ValueError(f"unknown method {unknown[0]!r}; choose from {', '.join(OPTIMIZERS)}")
        for m in OPTIMIZERS:
            given = {n: v for n, v in (hyper or {}).items() if n in OPTIMIZERS[m].hyper}
            d.set_method(m, enabled=m in methods, lr=lr if lr and OPTIMIZERS[m].uses_lr else None, **given)
    if starts or methods:
        d.set_run(steps=max(1, steps), tol=tol)
    return scene
