"""Parse f(x, y) text into a traced graph, by an allow-list Pratt parser.

A text is definitions, then f: `k = 2 in [0, 10]; a = x*y; f(x, y) = k*a^2` (the header and
`f =` are optional). A definition whose right side is a plain number is a parameter.

Every construct the language accepts is named here; anything else is refused with an
ExpressionError at its column. Nothing is ever passed to eval or exec. Nesting is capped
so that no input can exhaust Python's stack.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from gradviz.autodiff.graph import Node, const, literal_simplification, make, var
from gradviz.autodiff.primitives import PRIMITIVES
from gradviz.expr.errors import ExpressionError
from gradviz.expr.language import CONSTANTS, FUNCTIONS, KEYWORDS, VARIABLES, default_range
from gradviz.expr.lexer import Token, TokenCursor, tokenize, unexpected_problem
from gradviz.expr.reductions import REDUCTIONS, Reduction, ReductionSyntax

MAX_DEPTH = 200

_BINARY = {"+": (10, "add"), "-": (10, "sub"), "*": (20, "mul"), "/": (20, "div"),
           "^": (40, "pow"), "**": (40, "pow")}
_RIGHT_ASSOC = {"^", "**"}
_UNEXPECTED = {"=": "'=' is only allowed in a definition like a = x + y", ",": "unexpected ','"}
_PREFIX_BP = 30  # binds looser than ^, so -x^2 is -(x^2)


@dataclass(frozen=True)
class ParameterSpec:
    """A declared parameter: its default value, slider range and where it was declared."""

    name: str
    value: float
    lo: float
    hi: float
    position: int = 0


@dataclass
class Parsed:
    """The result of parsing: the output node, the two variables (in order), the parameters
    (in the order declared, each an input node of shape ()) and the named definitions."""

    output: Node
    inputs: dict[str, Node]
    definitions: dict[str, Node] = field(default_factory=dict)
    parameters: dict[str, Node] = field(default_factory=dict)
    specs: dict[str, ParameterSpec] = field(default_factory=dict)
    columns: dict[str, Node] = field(default_factory=dict)  # data columns (input nodes, one value per row)
    reductions: list[Reduction] = field(default_factory=list)


class _Parser(TokenCursor, ReductionSyntax):
    def __init__(self, text: str, columns: tuple[str, ...] = ()) -> None:
        self.text = text
        self.columns: dict[str, Node] = {name: var(name) for name in columns}
        self.reductions: list[Reduction] = []
        self.reducing = False  # inside mean(...) or sum(...)
        self.in_f = False  # parsing f's own expression (not a definition)
        self.tokens = tokenize(text)
        self.i = 0
        self.depth = 0
        self.inputs: dict[str, Node] = {}
        self.definitions: dict[str, Node] = {}
        self.parameters: dict[str, Node] = {}
        self.specs: dict[str, ParameterSpec] = {}
        self.header_positions: dict[str, int] = {}

    # ----- statements -----
    def program(self) -> Parsed:
        statements = self.split_statements()
        if not statements:
            raise self.error("empty expression", 0)
        start, end = statements[-1]
        body_start = self.header(start, end)
        for name in VARIABLES if not self.inputs else ():
            if name in self.columns:
                raise self.error(f"the data has a column '{name}', the name of one of f's default variables: "
                                 f"name the variables in a header, as in f(w, b) = ...", 0)
            self.inputs[name] = var(name)
        for s, e in statements[:-1]:
            self.definition(s, e)
        self.in_f = True
        output = self.expression_between(body_start, end)
        return Parsed(output, self.inputs, self.definitions, self.parameters, self.specs,
                      self.columns, self.reductions)

    def split_statements(self) -> list[tuple[int, int]]:
        """Token ranges between ';' and line breaks, blank ones dropped."""
        spans, start = [], 0
        for k, tok in enumerate(self.tokens):
            if tok.kind == "end" or (tok.kind == "op" and tok.text in ";\n"):
                if k > start:
                    spans.append((start, k))
                start = k + 1
        return spans

    def header(self, start: int, end: int) -> int:
        """Read the last statement's `f = ` or `f(u, v) = ` head, declaring the variables; the
        token index where f's expression starts."""
        t = self.tokens
        first = t[start]
        if first.kind == "name" and end - start >= 2 and t[start + 1].text == "=":
            if first.text != "f":
                raise self.error(f"the last statement must be the expression of f, not a "
                                 f"definition of '{first.text}'", first.pos)
            return start + 2
        if not (first.kind == "name" and first.text == "f" and start + 1 < end and t[start + 1].text == "("):
            return start
        close = next((k for k in range(start + 2, end) if t[k].text == ")"), None)
        if close is None or close + 1 >= end or t[close + 1].text != "=":
            if close is not None and close + 1 < end and t[close + 1].text != "=":
                raise self.error("write the header as f(w, b) = ...", t[close + 1].pos)
            raise self.error("write the header as f(w, b) = ... ('f' is not a function you can call)",
                             first.pos)
        names: list[Token] = []
        k = start + 2
        while k < close:
            tok = t[k]
            if tok.kind != "name":
                raise self.error(f"expected a variable name in f(...), found {self.describe(tok)}", tok.pos)
            names.append(tok)
            k += 1
            if k < close:
                if t[k].text != ",":
                    raise self.error(f"expected ',' between the variables, found {self.describe(t[k])}", t[k].pos)
                k += 1
                if k == close:
                    raise self.error("a variable name is missing after ','", t[k].pos)
        if len(names) != 2:
            where = names[2].pos if len(names) > 2 else t[close].pos
            raise self.error(f"f needs exactly two variables, as in f(w, b); this header has {len(names)}", where)
        for tok in names:
            self.check_variable_name(tok)
        if names[0].text == names[1].text:
            raise self.error(f"the two variables must have different names, but both are '{names[0].text}'",
                             names[1].pos)
        for tok in names:
            self.inputs[tok.text] = var(tok.text)
            self.header_positions[tok.text] = tok.pos
        return close + 2

    def check_variable_name(self, tok: Token) -> None:
        name = tok.text
        if name in FUNCTIONS:
            raise self.error(f"'{name}' is a function and cannot name a variable", tok.pos)
        if name in CONSTANTS:
            raise self.error(f"'{name}' is a constant and cannot name a variable", tok.pos)
        if name in KEYWORDS:
            raise self.error(f"Python keyword '{name}' is not allowed", tok.pos)
        if name == "f":
            raise self.error("'f' names the function; choose other variable names", tok.pos)
        if name in self.columns:
            raise self.error(f"'{name}' is a column of the data and cannot name a variable", tok.pos)

    def definition(self, start: int, end: int) -> None:
        first = self.tokens[start]
        if first.kind == "name" and start + 1 < end and self.tokens[start + 1].text == "in":
            raise self.error(f"parameter '{first.text}' needs a value, as in {first.text} = 1 in [0, 5]",
                             self.tokens[start + 1].pos)
        if not (end - start >= 2 and first.kind == "name" and self.tokens[start + 1].text == "="):
            if first.kind == "name" and first.text == "f" and self.tokens[start + 1].text in ("(", "="):
                raise self.error("f must be defined last", first.pos)
            raise self.error("every statement but the last must be a definition like a = x + y", first.pos)
        name = first.text
        self.check_new_name(name, first.pos)
        spec = self.parameter(name, start + 2, end, first.pos)
        if spec is not None:
            self.specs[name] = spec
            self.parameters[name] = var(name)
            return
        self.definitions[name] = self.expression_between(start + 2, end)

    def parameter(self, name: str, start: int, end: int, pos: int) -> ParameterSpec | None:
        """`name = NUMBER` or `name = NUMBER in [LO, HI]` as a parameter; None for any other body."""
        k, value = self.signed_number(start, end)
        if value is None:
            return None
        value_pos = self.tokens[start].pos
        if k == end:
            lo, hi = default_range(value)
            return ParameterSpec(name, value, lo, hi, pos)
        tok = self.tokens[k]
        if not (tok.kind == "name" and tok.text == "in"):
            return None  # a longer expression such as 2*pi: an ordinary (constant) definition
        k += 1
        if self.tokens[k].text != "[":
            raise self.error(f"write the range of '{name}' as in [lo, hi]", self.tokens[k].pos)
        lo_pos = self.tokens[k + 1].pos
        k, lo = self.signed_number(k + 1, end)
        if lo is None:
            raise self.error(f"the range of '{name}' needs a number for its low end", lo_pos)
        if self.tokens[k].text != ",":
            raise self.error(f"expected ',' between the ends of the range of '{name}'", self.tokens[k].pos)
        hi_pos = self.tokens[k + 1].pos
        k, hi = self.signed_number(k + 1, end)
        if hi is None:
            raise self.error(f"the range of '{name}' needs a number for its high end", hi_pos)
        if self.tokens[k].text != "]":
            raise self.error(f"missing ']' to close the range of '{name}'", self.tokens[k].pos)
        if k + 1 != end:
            raise self.unexpected(self.tokens[k + 1])
        if not lo < hi:
            raise self.error(f"the range of '{name}' needs low < high, got [{lo:g}, {hi:g}]", lo_pos)
        if not lo <= value <= hi:
            raise self.error(f"'{name}' = {value:g} is outside its range [{lo:g}, {hi:g}]", value_pos)
        return ParameterSpec(name, value, lo, hi, pos)

    def signed_number(self, k: int, end: int) -> tuple[int, float | None]:
        """An optionally signed numeric literal at token k: (the token after it, its value), or (k, None)."""
        sign = 1.0
        j = k
        if j < end and self.tokens[j].text in ("-", "+"):
            sign = -1.0 if self.tokens[j].text == "-" else 1.0
            j += 1
        if j < end and self.tokens[j].kind == "num":
            value = sign * float(self.tokens[j].text)
            if not math.isfinite(value):
                raise self.error(f"the number {self.tokens[j].text} is too large (at most about 1.8e308)",
                                 self.tokens[j].pos)
            return j + 1, value
        return k, None

    def check_new_name(self, name: str, pos: int) -> None:
        if name in self.inputs:
            where = self.header_positions.get(name)
            if where is not None:
                raise self.error(f"'{name}' is a variable of f (in the header) and cannot also be defined", pos)
            raise self.error(f"cannot define '{name}': it is a variable", pos)
        if name in CONSTANTS:
            raise self.error(f"cannot define '{name}': it is a constant", pos)
        if name in FUNCTIONS:
            raise self.error(f"cannot define '{name}': it is a function", pos)
        if name in KEYWORDS:
            raise self.error(f"Python keyword '{name}' is not allowed", pos)
        if name in self.columns:
            raise self.error(f"cannot define '{name}': it is a column of the data", pos)
        if name in self.definitions or name in self.parameters:
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
            value = float(tok.text)
            if not math.isfinite(value):  # 1e309: as a parameter's value, refused, not taken as infinity
                raise self.error(f"the number {tok.text} is too large (at most about 1.8e308)", tok.pos)
            return const(value)
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
        if name in REDUCTIONS and calls and name not in self.definitions:
            return self.reduction(name, tok)
        if name in FUNCTIONS:
            if not calls:
                raise self.error(f"'{name}' is a function: write {name}(...)", tok.pos)
            open_tok = self.advance()
            if self.tok.text == ")":
                raise self.error(f"{name}() needs an argument", self.tok.pos)
            arity = PRIMITIVES[FUNCTIONS[name]].arity
            args = [self.expr(0)]
            while self.tok.text == "," and len(args) < arity:
                self.advance()
                args.append(self.expr(0))
            if self.tok.text == ",":
                raise self.error(f"{name} takes {'one argument' if arity == 1 else f'{arity} arguments'}",
                                 self.tok.pos)
            if len(args) < arity:
                raise self.error(f"{name} takes {arity} arguments, as in {name}(a, b)", self.tok.pos)
            self.expect_close(open_tok)
            return make(FUNCTIONS[name], *args)
        if name in KEYWORDS:
            raise self.error(f"Python keyword '{name}' is not allowed", tok.pos)
        if calls:
            if name in self.inputs or name in CONSTANTS or name in self.definitions or name in self.parameters:
                raise self.error(f"'{name}' is not a function (write {name}*(...) to multiply)",
                                 tok.pos)
            raise self.error(f"unknown function '{name}'", tok.pos)
        if name in self.inputs:
            return self.inputs[name]
        if name in self.columns:
            return self.column(name, tok)
        if name in CONSTANTS:
            return const(CONSTANTS[name])
        if name in self.definitions:
            return self.defined(name, tok)
        if name in self.parameters:
            return self.parameters[name]
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
        return self.error(unexpected_problem(tok, _UNEXPECTED), tok.pos)


def parse_graph(text: str, columns: tuple[str, ...] = ()) -> Parsed:
    """Parse `text` into a graph over its two variables (x and y unless a header f(u, v) = ...
    names them) and its parameters; ExpressionError if it is refused.

    With data `columns`, their names may be used inside `mean(...)` and `sum(...)`, which become
    the `reductions` (each an input node of f's graph)."""
    if not isinstance(text, str):
        raise TypeError(f"expression must be a string, not {type(text).__name__}")
    with literal_simplification():
        return _Parser(text, tuple(columns)).program()
