"""Parse f(x, y) text into a traced graph, by an allow-list Pratt parser.

Every construct the language accepts is named here; anything else is refused with an
ExpressionError at its column. Nothing is ever passed to eval or exec. Nesting is capped
so that no input can exhaust Python's stack.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gradviz.autodiff.graph import Node, const, literal_simplification, make, var
from gradviz.expr.errors import ExpressionError
from gradviz.expr.language import CONSTANTS, FUNCTIONS, KEYWORDS, VARIABLES
from gradviz.expr.lexer import Token, problem, tokenize

MAX_DEPTH = 200

_BINARY = {"+": (10, "add"), "-": (10, "sub"), "*": (20, "mul"), "/": (20, "div"),
           "^": (40, "pow"), "**": (40, "pow")}
_RIGHT_ASSOC = {"^", "**"}
_PREFIX_BP = 30  # binds looser than ^, so -x^2 is -(x^2)


@dataclass
class Parsed:
    """The result of parsing: the output node, the inputs and the named definitions."""

    output: Node
    inputs: dict[str, Node]
    definitions: dict[str, Node] = field(default_factory=dict)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0
        self.depth = 0
        self.inputs = {name: var(name) for name in VARIABLES}
        self.definitions: dict[str, Node] = {}

    # ----- helpers -----
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
        if tok.kind == "end":
            return "end of input"
        if tok.text == "\n":
            return "line break"
        return repr(tok.text)

    # ----- statements -----
    def program(self) -> Parsed:
        statements = self.split_statements()
        if not statements:
            raise self.error("empty expression", 0)
        for start, end in statements[:-1]:
            self.definition(start, end, final=False)
        start, end = statements[-1]
        output = self.definition(start, end, final=True)
        return Parsed(output, self.inputs, self.definitions)

    def split_statements(self) -> list[tuple[int, int]]:
        """Token ranges between ';' and line breaks, blank ones dropped."""
        spans, start = [], 0
        for k, tok in enumerate(self.tokens):
            if tok.kind == "end" or (tok.kind == "op" and tok.text in ";\n"):
                if k > start:
                    spans.append((start, k))
                start = k + 1
        return spans

    def definition(self, start: int, end: int, final: bool) -> Node:
        first = self.tokens[start]
        is_def = (end - start >= 2 and first.kind == "name"
                  and self.tokens[start + 1].text == "=")
        if is_def:
            name = first.text
            if final and name != "f":
                raise self.error(f"the last statement must be the expression of f, not a "
                                 f"definition of '{name}'", first.pos)
            if not final:
                self.check_new_name(name, first.pos)
            body_start = start + 2
        else:
            if not final:
                raise self.error("every statement but the last must be a definition "
                                 "like a = x + y", first.pos)
            body_start = start
        node = self.expression_between(body_start, end)
        if is_def and not final:
            self.definitions[name] = node
        return node

    def check_new_name(self, name: str, pos: int) -> None:
        if name in self.inputs:
            raise self.error(f"cannot define '{name}': it is a variable", pos)
        if name in CONSTANTS:
            raise self.error(f"cannot define '{name}': it is a constant", pos)
        if name in FUNCTIONS:
            raise self.error(f"cannot define '{name}': it is a function", pos)
        if name in KEYWORDS:
            raise self.error(f"Python keyword '{name}' is not allowed", pos)
        if name in self.definitions:
            raise self.error(f"'{name}' is defined twice", pos)
        if name == "f":
            raise self.error("'f' names the final expression; define it last", pos)

    def expression_between(self, start: int, end: int) -> Node:
        if start >= end:
            raise self.error("missing expression", self.tokens[start].pos)
        saved_end = self.tokens[end]
        self.tokens[end] = Token("end", "", saved_end.pos)
        self.i = start
        try:
            node = self.expr(0)
            tok = self.tok
            if tok.kind != "end":
                raise self.unexpected(tok)
        finally:
            self.tokens[end] = saved_end
        return node

    # ----- expressions (Pratt) -----
    def expr(self, min_bp: int) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"expression is nested too deeply (more than {MAX_DEPTH} levels)",
                             self.tok.pos)
        try:
            left = self.prefix()
            while True:
                tok = self.tok
                if tok.kind != "op" or tok.text not in _BINARY:
                    if tok.kind == "bad":
                        raise self.unexpected(tok)
                    if tok.kind in ("num", "name") or tok.text == "(":
                        raise self.error(
                            f"missing operator before {self.describe(tok)} (write * for "
                            f"multiplication)", tok.pos)
                    return left
                bp, op = _BINARY[tok.text]
                if bp <= min_bp:
                    return left
                self.advance()
                right = self.expr(bp - 1 if tok.text in _RIGHT_ASSOC else bp)
                left = make(op, left, right)
        finally:
            self.depth -= 1

    def prefix(self) -> Node:
        tok = self.advance()
        if tok.kind == "num":
            return const(float(tok.text))
        if tok.kind == "name":
            return self.name(tok)
        if tok.text == "(":
            inner = self.expr(0)
            self.expect_close(tok)
            return inner
        if tok.text == "-":
            return make("neg", self.expr(_PREFIX_BP))
        if tok.text == "+":
            return self.expr(_PREFIX_BP)
        raise self.unexpected(tok)

    def name(self, tok: Token) -> Node:
        name = tok.text
        calls = self.tok.text == "("
        if name in FUNCTIONS:
            if not calls:
                raise self.error(f"'{name}' is a function: write {name}(...)", tok.pos)
            open_tok = self.advance()
            if self.tok.text == ")":
                raise self.error(f"{name}() needs an argument", self.tok.pos)
            arg = self.expr(0)
            if self.tok.text == ",":
                raise self.error(f"{name} takes one argument", self.tok.pos)
            self.expect_close(open_tok)
            return make(FUNCTIONS[name], arg)
        if name in KEYWORDS:
            raise self.error(f"Python keyword '{name}' is not allowed", tok.pos)
        if calls:
            if name in self.inputs or name in CONSTANTS or name in self.definitions:
                raise self.error(f"'{name}' is not a function (write {name}*(...) to multiply)",
                                 tok.pos)
            raise self.error(f"unknown function '{name}'", tok.pos)
        if name in self.inputs:
            return self.inputs[name]
        if name in CONSTANTS:
            return const(CONSTANTS[name])
        if name in self.definitions:
            return self.definitions[name]
        raise self.error(f"unknown name '{name}'", tok.pos)

    def expect_close(self, open_tok: Token) -> None:
        tok = self.tok
        if tok.text == ")":
            self.advance()
            return
        if tok.kind == "end":
            raise self.error("missing ')' to close this '('", open_tok.pos)
        raise self.unexpected(tok)

    def unexpected(self, tok: Token) -> ExpressionError:
        if tok.kind == "bad":
            return self.error(problem(tok), tok.pos)
        if tok.kind == "end":
            return self.error("expression ends too early", tok.pos)
        if tok.text == ")":
            return self.error("unbalanced ')'", tok.pos)
        if tok.text == "=":
            return self.error("'=' is only allowed in a definition like a = x + y", tok.pos)
        if tok.text == ",":
            return self.error("unexpected ','", tok.pos)
        return self.error(f"unexpected {self.describe(tok)}", tok.pos)


def parse_graph(text: str) -> Parsed:
    """Parse `text` into a graph over the inputs x and y; ExpressionError if it is refused."""
    if not isinstance(text, str):
        raise TypeError(f"expression must be a string, not {type(text).__name__}")
    with literal_simplification():
        return _Parser(text).program()
