"""The network tab's part of a session file: the model's text, the data (a built-in dataset with its size, noise
and seed, or a CSV file's path and column choice), and the run's settings and seed, so that a run reproduces bit
for bit.

`to_dict` reads a `NetworkState`; `read_section` checks everything (loading the data and parsing the model) and
raises SessionError naming the field ("network.run.lr must be ...") before anything changes; `restore` applies it.
"""

from __future__ import annotations

import os
from typing import Any

from gradviz.data.columns import DataError
from gradviz.descent.optimizers import OPTIMIZERS
from gradviz.descent.schedules import SCHEDULES
from gradviz.expr.errors import ExpressionError
from gradviz.expr.lexer import MAX_LENGTH
from gradviz.model import limits
from gradviz.model.network_landscape import PLANES, SLICE_GRID
from gradviz.model.network_training import CURVATURE_EVERY, MAX_CURVATURE_EVERY, NetworkState
from gradviz.network import NETWORK_DATASETS, network_dataset, parse_model
from gradviz.network.datasets import NOISE, ROWS
from gradviz.network.network_data import network_data
from gradviz.session import fields
from gradviz.session.fields import SessionError

SECTION = "network"


def to_dict(state: NetworkState) -> dict[str, Any]:
    if state.csv is not None:
        path, x_columns, target = state.csv
        data: dict[str, Any] = {"csv": os.path.abspath(path), "x_columns": x_columns, "target": target}
    else:
        data = {"dataset": state.dataset, "rows": state.rows, "noise": state.noise, "seed": state.data_seed}
    return {"model": state.text, "data": data,
            "run": {"method": state.method, "lr": state.lr, "batch_size": state.batch_size, "steps": state.steps,
                    "seed": state.seed, "curvature_every": state.curvature_every, "held_out": state.held_out,
                    "schedule": state.schedule},
            "landscape": {**state.landscape_settings, "scheduler": state.scheduler}}


def _data(raw: Any, where: str) -> tuple[dict, tuple]:
    raw = fields.obj(raw, where)
    try:
        if "csv" in raw:
            path = fields.text(raw["csv"], f"{where}.csv", 4096)
            x_columns = raw.get("x_columns")
            if x_columns is not None:
                items = fields.array(x_columns, f"{where}.x_columns", 10_000)
                x_columns = [fields.text(c, f"{where}.x_columns[{k}]", 200) for k, c in enumerate(items)]
            target = raw.get("target")
            target = None if target is None else fields.text(target, f"{where}.target", 200)
            return network_data(path, x_columns, target), (f"csv:{path}", (path, x_columns, target), None, None)
        name = fields.choice(raw.get("dataset"), f"{where}.dataset", NETWORK_DATASETS)
        rows = fields.integer(raw.get("rows", 200), f"{where}.rows", *ROWS)
        noise = fields.number(raw.get("noise", NETWORK_DATASETS[name].noise), f"{where}.noise", *NOISE)
        seed = fields.integer(raw.get("seed", 0), f"{where}.seed", *limits.SEED)
        return network_dataset(name, rows, noise, seed), (name, None, noise, seed)
    except (DataError, ValueError) as exc:
        if isinstance(exc, SessionError):
            raise
        raise SessionError(f"{where}: {exc}") from None


def _run(raw: Any, where: str) -> dict[str, Any]:
    raw = fields.obj(raw, where, {})
    method = fields.choice(raw.get("method", "gd"), f"{where}.method", OPTIMIZERS)
    batch = raw.get("batch_size")
    return {"method": method, "lr": fields.number(raw.get("lr", 0.5), f"{where}.lr", *limits.LR, positive=True),
            "batch_size": None if batch is None else fields.integer(batch, f"{where}.batch_size", *limits.BATCH),
            "steps": fields.integer(raw.get("steps", 2000), f"{where}.steps", *limits.STEPS),
            "seed": fields.integer(raw.get("seed", 0), f"{where}.seed", *limits.SEED),
            "curvature_every": fields.integer(raw.get("curvature_every", CURVATURE_EVERY), f"{where}.curvature_every",
                                              0, MAX_CURVATURE_EVERY),
            "held_out": fields.number(raw.get("held_out", 0.0), f"{where}.held_out", 0.0, 0.9),
            "schedule": fields.choice(raw.get("schedule", "constant"), f"{where}.schedule", SCHEDULES)}



def read_section(raw: Any, where: str = SECTION) -> dict[str, Any]:
    """The section checked, its data loaded and its model parsed: keyword arguments of `NetworkState.restore`."""
    raw = fields.obj(raw, where)
    text = fields.text(raw.get("model"), f"{where}.model", MAX_LENGTH)
    data, source = _data(raw.get("data"), f"{where}.data")
    try:
        parse_model(text, data)
    except (ExpressionError, DataError, ValueError) as exc:
        raise SessionError(f"{where}.model: {exc}") from None
    return {"text": text, "data": data, "source": source, "settings": _run(raw.get("run"), f"{where}.run"),
            "landscape": _landscape(raw.get("landscape"), f"{where}.landscape")}


def _landscape(raw: Any, where: str) -> dict[str, Any]:
    """The landscape controls: the plane's kind, its span (None: fit the path), the grid and the Dask scheduler."""
    raw = fields.obj(raw, where, {})
    kind = fields.choice(raw.get("kind", "filter"), f"{where}.kind", PLANES)
    span = raw.get("span")
    return {"kind": kind, "span": None if span is None else fields.number(span, f"{where}.span", 1e-9, 1e6),
            "resolution": fields.integer(raw.get("resolution", 41), f"{where}.resolution", *SLICE_GRID),
            "scheduler": fields.text(raw.get("scheduler", ""), f"{where}.scheduler", 500)}


def restore(state: NetworkState, section: dict[str, Any]) -> None:
    """Apply a section read by `read_section`."""
    state.restore(**section)
