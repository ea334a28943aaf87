"""The Loss on data window's part of a session file: the model, the data (a built-in dataset, or a CSV
file's path and column choice), a typed loss, the run settings, the start and the probe.

`to_dict` reads a `DataState`; `read_section` checks everything (reading the CSV file too) and raises
SessionError naming the field ("loss_on_data.run.lr must be ...") before anything changes; `restore`
then applies it.
"""

from __future__ import annotations

import os
from typing import Any

from gradviz.data.columns import DataError, read_columns
from gradviz.data.data_function import DataFunction
from gradviz.data.datasets import DATASETS, make_dataset
from gradviz.data.loss_presets import LOSS_PRESETS, model_function
from gradviz.descent.optimizers import OPTIMIZERS
from gradviz.descent.schedules import SCHEDULES
from gradviz.expr.errors import ExpressionError
from gradviz.expr.lexer import MAX_LENGTH
from gradviz.model import limits
from gradviz.model.loss_on_data import DataState
from gradviz.session import fields
from gradviz.session.fields import SessionError
from gradviz.session.schema import read_parameters

SECTION = "loss_on_data"


def to_dict(state: DataState) -> dict[str, Any]:
    data: dict[str, Any] = ({"csv": state.csv[0], "columns": dict(state.csv[1])} if state.csv
                            else {"dataset": state.dataset})
    parameters = {name: {"value": value, "range": list(state.parameter_ranges[name])}
                  for name, value in state.function.parameters.items()}
    return {"model": state.preset.name, "data": data, "loss": state.text if state.custom else None,
            "parameters": parameters,
            "run": {"method": state.method, "lr": state.lr, "steps": state.steps, "batch_size": state.batch_size,
                    "seed": state.seed, "schedule": state.schedule},
            "start": list(state.start), "probe": list(state.probe)}


def _data(raw: Any, model: str, where: str) -> tuple[DataFunction, str, tuple[str, dict[str, str]] | None]:
    raw = fields.obj(raw, where)
    if "csv" in raw:
        path = fields.text(raw["csv"], f"{where}.csv", 4096)
        columns = {fields.text(k, f"{where}.columns", 200): fields.text(v, f"{where}.columns.{k}", 200)
                   for k, v in fields.obj(raw.get("columns"), f"{where}.columns", {}).items()}
        try:
            fn = model_function(model, read_columns(path, columns))
        except (DataError, ExpressionError) as exc:
            raise SessionError(f"{where}.csv: {os.path.basename(path)}: {exc}") from None
        return fn, os.path.basename(path), (os.path.abspath(path), columns)
    name = fields.choice(raw.get("dataset"), f"{where}.dataset", DATASETS)
    try:
        return model_function(model, make_dataset(name)), f"built-in: {name}", None
    except (DataError, ExpressionError, KeyError) as exc:
        raise SessionError(f"{where}.dataset: the {name} data does not fit the model {model!r} ({exc})") from None


def _run(raw: Any, where: str) -> dict[str, Any]:
    raw = fields.obj(raw, where, {})
    batch = raw.get("batch_size")
    default = limits.DATA_RUN
    return {"method": fields.choice(raw.get("method", default["method"]), f"{where}.method", OPTIMIZERS),
            "lr": fields.number(raw.get("lr", default["lr"]), f"{where}.lr", *limits.LR, positive=True),
            "steps": fields.integer(raw.get("steps", default["steps"]), f"{where}.steps", *limits.STEPS),
            "batch_size": None if batch is None else fields.integer(batch, f"{where}.batch_size", *limits.BATCH),
            "seed": fields.integer(raw.get("seed", default["seed"]), f"{where}.seed", *limits.SEED),
            "schedule": fields.choice(raw.get("schedule", default["schedule"]), f"{where}.schedule", SCHEDULES)}


def read_section(raw: Any, where: str = SECTION) -> dict[str, Any]:
    """The section checked and its data loaded: keyword arguments of `DataState.restore`."""
    raw = fields.obj(raw, where)
    model = fields.choice(raw.get("model"), f"{where}.model", LOSS_PRESETS)
    fn, source, csv = _data(raw.get("data"), model, f"{where}.data")
    loss = raw.get("loss")
    if loss is not None:
        try:
            fn = DataFunction(fields.text(loss, f"{where}.loss", MAX_LENGTH), fn.data)
        except ExpressionError as exc:
            raise SessionError(f"{where}.loss: {exc}") from None
    fn, ranges = read_parameters(fn, raw.get("parameters"), f"{where}.parameters")
    return {"model": model, "fn": fn, "ranges": ranges, "source": source, "csv": csv,
            "settings": _run(raw.get("run"), f"{where}.run"),
            "start": fields.pair(raw.get("start", [0.0, 0.0]), f"{where}.start", limits.COORDINATE),
            "probe": fields.pair(raw.get("probe", [0.0, 0.0]), f"{where}.probe", limits.COORDINATE)}


def restore(state: DataState, section: dict[str, Any]) -> None:
    """Apply a section read by `read_section`."""
    state.restore(**section)
