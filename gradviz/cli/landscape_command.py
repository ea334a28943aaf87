"""`gradviz landscape`: a slice of a network's loss without a window, written as a picture, an .npz or JSON.

    gradviz landscape MODEL_OR_SESSION --data FILE.csv --train adam,lr=0.01,steps=500 --directions pca
                      --grid 51 [--span 1.0] [--scheduler tcp://HOST:8786 | local] -o slice.png|slice.npz|slice.json
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from gradviz.cli.commands import UsageError
from gradviz.data.columns import DataError
from gradviz.descent.optimizers import OPTIMIZERS
from gradviz.expr.errors import ExpressionError
from gradviz.landscape import MAX_GRID, landscape
from gradviz.landscape.cluster import ClusterError, close, connect
from gradviz.landscape.slice_function import SliceFunction
from gradviz.network import NETWORK_DATASETS, Network, network_dataset, parse_model, train
from gradviz.session.fields import SessionError
from gradviz.session.store import read_session

SUFFIXES = (".png", ".svg", ".npz", ".json")
RUN_KEYS = {"lr": float, "steps": int, "batch_size": int, "seed": int}


def training(text: str) -> dict[str, Any]:
    """METHOD[,lr=…,steps=…,batch_size=…,seed=…,HYPER=…] as keyword arguments of gradviz.train."""
    method, *rest = [p.strip() for p in text.split(",")]
    if method not in OPTIMIZERS:
        raise argparse.ArgumentTypeError(f"unknown method {method!r}; choose one of {', '.join(OPTIMIZERS)}")
    out: dict[str, Any] = {"method": method}
    for item in rest:
        key, sep, value = item.partition("=")
        try:
            out[key] = RUN_KEYS.get(key, float)(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{item!r}: expected NAME=NUMBER (lr, steps, batch_size, seed or a "
                                             f"hyperparameter of {method})") from None
        if not sep:
            raise argparse.ArgumentTypeError(f"{item!r}: expected NAME=NUMBER")
    return out


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="gradviz landscape", description="Slice a network's loss on a plane through "
                                "its weights, L(θ + αd₁ + βd₂), on a grid; optionally on a Dask cluster.")
    p.add_argument("model", metavar="MODEL_OR_SESSION", help="the model's text, a file holding it, or a "
                   ".gradviz.json session with a network section (its model, data and run)")
    p.add_argument("--data", help="a CSV file (X: every column but the target), or a built-in dataset: "
                   + ", ".join(NETWORK_DATASETS))
    p.add_argument("--target", help="the CSV's target column (default: the last)")
    p.add_argument("--train", type=training, help="METHOD[,lr=…,steps=…,batch_size=…,seed=…] (default: no "
                   "training, θ at its initialisation)")
    p.add_argument("--directions", choices=("filter", "layer", "none", "pca", "eigen"), default="filter")
    p.add_argument("--grid", type=int, default=51, help=f"points a side (2 to {MAX_GRID}; default 51)")
    p.add_argument("--span", type=float, default=1.0, help="α and β from −SPAN to +SPAN (default 1)")
    p.add_argument("--seed", type=int, default=0, help="the weights' initialisation and the random directions")
    p.add_argument("--scheduler", help="a Dask scheduler (tcp://HOST:8786), or 'local' for a LocalCluster here")
    p.add_argument("-o", "--output", required=True, help=f"a {', '.join(SUFFIXES)} file")
    return p


def _network(args: argparse.Namespace) -> tuple[Network, dict[str, Any]]:
    run: dict[str, Any] = dict(args.train or {})
    source = args.model
    try:
        if source.endswith(".json") and Path(source).exists():
            from gradviz.session import network as network_session

            section = read_session(source).get(network_session.SECTION)
            if section is None:
                raise UsageError(f"{source}: the session has no network section (save one from the network tab)")
            saved = network_session.read_section(section)
            run = {**{k: v for k, v in saved["settings"].items() if k in ("method", "lr", "steps", "batch_size",
                                                                          "seed")}, **run}
            return parse_model(saved["text"], saved["data"]), run
        text = Path(source).read_text(encoding="utf-8") if os.path.isfile(source) else source
        if args.data is None:
            raise UsageError("--data: give a CSV file or a built-in dataset for the model's X and t")
        data = (network_dataset(args.data, seed=args.seed) if args.data in NETWORK_DATASETS
                else args.data)
        return parse_model(text, data, target=args.target), run
    except (ExpressionError, DataError, SessionError) as exc:
        raise UsageError(str(exc)) from None


def landscape_main(argv: Sequence[str]) -> int:
    args = parser().parse_args(argv)
    suffix = Path(args.output).suffix.lower()
    if suffix not in SUFFIXES:
        raise UsageError(f"--output: write a {', '.join(SUFFIXES)} file, not {suffix or 'one without a suffix'}")
    if not 2 <= args.grid <= MAX_GRID:
        raise UsageError(f"--grid must be from 2 to {MAX_GRID}, got {args.grid}")
    if not args.span > 0:
        raise UsageError(f"--span must be positive, got {args.span}")
    net, run_args = _network(args)
    theta = net.init(args.seed)
    run = None
    if run_args.get("steps", 0) and "method" in run_args:
        method = run_args.pop("method")
        try:
            run = train(net, theta, method, **run_args)
        except ValueError as exc:
            raise UsageError(f"--train: {exc}") from None
        theta = run.theta
        print(f"trained {int(run.steps[-1])} steps of {method}: loss {run.losses[-1]:.6g}")
    try:
        sl = landscape(net, theta, directions=args.directions, seed=args.seed, run=run)
    except ValueError as exc:
        raise UsageError(f"--directions {args.directions}: {exc}") from None
    axis = np.linspace(-args.span, args.span, args.grid)
    client = None
    if args.scheduler:
        try:
            client = connect(args.scheduler)
        except ClusterError as exc:
            raise UsageError(f"--scheduler: {exc}") from None
    try:
        losses = sl.grid(axis, axis, client=client)
    finally:
        if client is not None:
            close(client)
    coords, distances = sl.project(run.thetas) if run is not None else (np.zeros((0, 2)), np.zeros(0))
    write(args.output, suffix, sl, axis, losses, coords, distances)
    print(f"wrote {args.output}")
    return 0


def write(out: str, suffix: str, sl: Any, axis: np.ndarray, losses: np.ndarray, coords: np.ndarray,
          distances: np.ndarray) -> None:
    """The slice as arrays (.npz), JSON, or a picture of its contour view (.png, .svg)."""
    arrays = {"alphas": axis, "betas": axis, "losses": losses, "center": sl.center, "d1": sl.directions[0],
              "d2": sl.directions[1], "path": coords, "path_distances": distances}
    if suffix == ".npz":
        np.savez(out, **arrays, kind=np.array(sl.kind))
        return
    if suffix == ".json":
        doc = {k: v.tolist() for k, v in arrays.items()}
        doc.update(kind=sl.kind, explained_variance=None if sl.explained_variance is None
                   else sl.explained_variance.tolist(), model=sl.net.text)
        Path(out).write_text(json.dumps(doc), encoding="utf-8")
        return
    from gradviz.headless.render import draw_headless
    from gradviz.model.scene import Scene

    scene = Scene()
    scene.executor = None
    span = float(axis[-1])
    scene.show_function(SliceFunction(sl), (-span, span, -span, span), [(float(x), float(y)) for x, y in coords[-1:]])
    draw_headless(scene, "contour", (1200, 900), out)


__all__ = ["landscape_main", "training"]
