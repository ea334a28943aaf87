"""Split f(x, y) text into tokens, refusing every character that is not part of the language."""

from __future__ import annotations

import re
from dataclasses import dataclass

from gradviz.expr.errors import ExpressionError

MAX_LENGTH = 200_000

_TOKEN = re.compile(r"""
    (?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z_0-9]*)
  | (?P<op>\*\*|[-+*/^(),;=\n])
  | (?P<space>[ \t\r]+)
""", re.VERBOSE)

# Typographic characters people paste from papers, read as their ASCII meaning.
_ALIASES = {"\u2212": "-", "\u00d7": "*", "\u00b7": "*", "\u22c5": "*", "\u2013": "-"}

_REFUSED = {
    "'": "strings are not allowed",
    '"': "strings are not allowed",
    "[": "subscripts are not allowed",
    "]": "subscripts are not allowed",
    ".": "attribute access ('.') is not allowed",
    "{": "braces are not allowed",
    "}": "braces are not allowed",
    ":": "':' is not allowed (no slices, lambdas or dicts)",
    "@": "'@' is not allowed",
    "#": "comments are not allowed",
    "\\": "'\\' is not allowed",
    "<": "comparisons are not allowed",
    ">": "comparisons are not allowed",
    "!": "'!' is not allowed",
    "%": "'%' is not allowed",
}


@dataclass(frozen=True)
class Token:
    kind: str  # "num", "name", "op" or "end"
    text: str
    pos: int


def tokenize(text: str) -> list[Token]:
    """Tokens of `text`, ending with an "end" token; ExpressionError at the first bad character."""
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"expression is too long ({len(text)} characters, at most "
                              f"{MAX_LENGTH})", MAX_LENGTH, text)
    tokens: list[Token] = []
    pos = 0
    n = len(text)
    while pos < n:
        m = _TOKEN.match(text, pos)
        if m is None:
            ch = text[pos]
            if ch in _ALIASES:
                tokens.append(Token("op", _ALIASES[ch], pos))
                pos += 1
                continue
            problem = _REFUSED.get(ch, f"unexpected character {ch!r}")
            raise ExpressionError(problem, pos, text)
        kind = m.lastgroup
        if kind != "space":
            tokens.append(Token(kind, m.group(), pos))
        pos = m.end()
    tokens.append(Token("end", "", n))
    return tokens
