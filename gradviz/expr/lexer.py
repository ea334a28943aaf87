"""Split f(x, y) text into tokens, refusing every character that is not part of the language."""

from __future__ import annotations

import re
from dataclasses import dataclass

from gradviz.expr.errors import ExpressionError

MAX_LENGTH = 200_000
MAX_TOKENS = 20_000  # far beyond any formula a person writes; keeps every input under a second

_TOKEN = re.compile(r"""
    (?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z_0-9]*)
  | (?P<op>\*\*|[-+*/^(),;=\n\[\]])
  | (?P<space>[ \t\r]+)
""", re.VERBOSE)

# Typographic characters people paste from papers, read as their ASCII meaning.
_ALIASES = {"\u2212": "-", "\u00d7": "*", "\u00b7": "*", "\u22c5": "*", "\u2013": "-"}

_REFUSED = {
    "'": "strings are not allowed",
    '"': "strings are not allowed",
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
    kind: str  # "num", "name", "op", "end", or "bad" (a refused character, see `problem`)
    text: str
    pos: int


def problem(token: Token) -> str:
    """What is wrong with a "bad" token."""
    return _REFUSED.get(token.text, f"unexpected character {token.text!r}")


def tokenize(text: str, allow: str = "") -> list[Token]:
    """Tokens of `text`, ending with an "end" token. Refused characters become "bad" tokens,
    so that the parser reports the first problem in reading order; characters in `allow`
    (the matrix language's ':', '@' and '.') become "op" tokens instead."""
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
            if ch in _ALIASES or ch in allow:
                tokens.append(Token("op", _ALIASES.get(ch, ch), pos))
                pos += 1
                continue
            tokens.append(Token("bad", ch, pos))
            pos += 1
            continue
        kind = m.lastgroup
        if kind != "space":
            if len(tokens) >= MAX_TOKENS:
                raise ExpressionError(f"expression is too long (more than {MAX_TOKENS} symbols)",
                                      pos, text)
            tokens.append(Token(kind, m.group(), pos))
        pos = m.end()
    tokens.append(Token("end", "", n))
    return tokens


def describe(tok: Token) -> str:
    """A token as a message names it: 'end of input', 'line break' or its text quoted."""
    if tok.kind == "end":
        return "end of input"
    if tok.text == "\n":
        return "line break"
    return repr(tok.text)


def unexpected_problem(tok: Token, special: dict[str, str]) -> str:
    """Why `tok` cannot stand where it is; `special` gives a language's own message for some token texts."""
    if tok.kind == "bad":
        return problem(tok)
    if tok.kind == "end":
        return "expression ends too early"
    if tok.text == ")":
        return "unbalanced ')'"
    if tok.text in special:
        return special[tok.text]
    if tok.text in ("[", "]"):
        return "subscripts are not allowed"
    return f"unexpected {describe(tok)}"


class TokenCursor:
    """What both allow-list parsers do with their tokens: read the current one, step past it, and make an
    ExpressionError at a position of `text`. Needs `text`, `tokens` and `i`."""

    text: str
    tokens: list[Token]
    i: int

    def error(self, problem: str, pos: int) -> ExpressionError:
        return ExpressionError(problem, pos, self.text)

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def advance(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def describe(self, tok: Token) -> str:
        return describe(tok)
