"""Data for losses: columns (from dicts or CSV files) and functions f(w, b) that reduce over their rows."""

from gradviz.data.columns import MAX_ROWS, DataError, load_data, read_csv
from gradviz.data.data_function import DataFunction
from gradviz.data.parsing import parse

__all__ = ["MAX_ROWS", "DataError", "DataFunction", "load_data", "parse", "read_csv"]
