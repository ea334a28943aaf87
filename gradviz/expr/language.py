"""What the expression language knows: its variables, constants and functions."""

from __future__ import annotations

import keyword
import math

VARIABLES = ("x", "y")

CONSTANTS = {"pi": math.pi, "e": math.e}

# name in the text -> primitive op
FUNCTIONS = {
    "sin": "sin", "cos": "cos", "tan": "tan",
    "exp": "exp", "log": "log", "ln": "log", "log2": "log2", "log10": "log10",
    "sqrt": "sqrt", "abs": "abs",
    "sinh": "sinh", "cosh": "cosh", "tanh": "tanh",
    "asin": "arcsin", "acos": "arccos", "atan": "arctan",
    "arcsin": "arcsin", "arccos": "arccos", "arctan": "arctan",
}

KEYWORDS = frozenset(keyword.kwlist) | frozenset(getattr(keyword, "softkwlist", []))

SYNTAX_HELP = (
    "numbers (2, 2.5, .5, 1e-3), x, y, pi, e; + - * / and ^ or ** (power); "
    "functions " + ", ".join(sorted(set(FUNCTIONS))) + "; definitions like a = x + y; f")
