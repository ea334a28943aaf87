"""What the expression language knows: its variables, constants, functions and parameters.

The function names come from the primitive registry (`gradviz.autodiff.table`), so a
primitive added there is a function of the language with nothing listed here.
"""

from __future__ import annotations

import keyword
import math

from gradviz.autodiff import table as _table  # noqa: F401 (registers the primitives)
from gradviz.autodiff.primitives import text_functions

VARIABLES = ("x", "y")  # the two variables when the text has no header f(u, v) = ...

CONSTANTS = {"pi": math.pi, "e": math.e}

FUNCTIONS: dict[str, str] = text_functions()  # name in the text -> primitive op

KEYWORDS = frozenset(keyword.kwlist) | frozenset(getattr(keyword, "softkwlist", []))


def default_range(value: float) -> tuple[float, float]:
    """A parameter's slider range when the text gives none: [−m, m], m the smallest power of ten
    with m ≥ 2|value| (at least 1). 2 → [−10, 10]; 0.5 → [−1, 1]; 0 → [−1, 1]."""
    m = 1.0
    while m < 2.0 * abs(value):
        m *= 10.0
    return -m, m


SYNTAX_HELP = (
    "numbers (2, 2.5, .5, 1e-3), x, y, pi, e; + - * / and ^ or ** (power); "
    "functions " + ", ".join(sorted(FUNCTIONS)) + "; definitions like a = x + y; "
    "parameters (sliders) like k = 2 or k = 2 in [0, 10]; other variable names with a header "
    "f(w, b) = ...")
