"""The matrix language: declarations, then one expression, by an allow-list Pratt parser.

    U: 6x3; V: 3x4; X: 6x4; sum((X - U@V)^2)

`name: n` declares a vector, `name: m x n` (or `mxn`) a matrix. The expression may use `@`,
`.T`, `sum`, `mean`, `trace`, `dot(a, b)`, `norm` and every function of the primitive table (the f(x, y)
language's, `max(a, b)` and `min(a, b)` included), with NumPy's broadcasting. Shapes are checked while the
graph is built, before anything runs; a mismatch names both shapes and the column. Nothing typed reaches eval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from gradviz.autodiff.graph import Node, const, literal_simplification, make, var
from gradviz.autodiff.primitives import PRIMITIVES
from gradviz.expr.errors import ExpressionError
from gradviz.expr.language import CONSTANTS, FUNCTIONS, KEYWORDS
from gradviz.expr.lexer import Token, TokenCursor, tokenize, unexpected_problem
from gradviz.expr.reductions import REDUCTIONS

MAX_DIM = 2000  # rows or columns of one declared array
MAX_ELEMENTS = 1_000_000  # elements of one declared array
MAX_DEPTH = 200
# beside the primitives' functions (FUNCTIONS, from the table, max and min included): the reductions of the
# f(x, y) language (sum, mean: over every entry here) and the array functions of this language
ARRAY_FUNCTIONS = (*REDUCTIONS, "trace", "norm")
BINARY_FUNCTIONS = ("dot",)
_BINARY = {"+": (10, "add"), "-": (10, "sub"), "*": (20, "mul"), "/": (20, "div"), "@": (20, "matmul"),
           "^": (40, "pow"), "**": (40, "pow")}
_UNEXPECTED = {":": "declarations (name: m x n) come before the expression"}
_PREFIX_BP = 30


@dataclass
class MatrixProgram:
    """Declared inputs (in order) and the expression's graph; `spans[id(node)]` is its text."""

    inputs: dict[str, Node]
    output: Node
    text: str
    body_start: int  # where the expression starts in `text`


class _Parser(TokenCursor):
    def __init__(self, text: str, inputs: dict[str, Node] | None = None) -> None:
        self.text = text
        self.tokens = tokenize(text, allow=":@.")
        self.i = 0
        self.depth = 0
        self.inputs: dict[str, Node] = dict(inputs or {})

    # ----- declarations -----
    def program(self, declarations: bool = True) -> tuple[Node, int]:
        while declarations and self.tok.kind == "name" and self.tokens[self.i + 1].text == ":":
            self.declaration()
            if self.tok.text not in (";", "\n"):
                raise self.unexpected(self.tok)
            while self.tok.text in (";", "\n"):
                self.advance()
        if self.tok.kind == "end":
            raise self.error("missing expression after the declarations", self.tok.pos)
        start = self.tok.pos
        node, _, _ = self.expr(0)
        while self.tok.text in (";", "\n"):
            self.advance()
        if self.tok.kind != "end":
            raise self.unexpected(self.tok)
        return node, start

    def declaration(self) -> None:
        name_tok = self.advance()
        name = name_tok.text
        if name in FUNCTIONS or name in ARRAY_FUNCTIONS or name in BINARY_FUNCTIONS:
            raise self.error(f"'{name}' is a function and cannot name a variable", name_tok.pos)
        if name in CONSTANTS or name in KEYWORDS:
            raise self.error(f"'{name}' cannot name a variable", name_tok.pos)
        if name in self.inputs:
            raise self.error(f"'{name}' is declared twice", name_tok.pos)
        self.advance()  # ':'
        dims = [self.dimension()]
        tok = self.tok
        if tok.kind == "name" and tok.text[0] in "xX":
            rest = tok.text[1:]
            self.advance()
            if rest:  # "6x4" reads as 6 and a name "x4"
                if not rest.isdigit():
                    raise self.error(f"write the shape as m x n (numbers), not {tok.text!r}", tok.pos)
                dims.append(self.checked_dim(int(rest), tok.pos + 1))
            else:
                dims.append(self.dimension())
        shape = tuple(dims)
        if math.prod(shape) > MAX_ELEMENTS:
            raise self.error(f"'{name}' would have {math.prod(shape):,} elements; at most {MAX_ELEMENTS:,} "
                             "are allowed", name_tok.pos)
        self.inputs[name] = var(name, shape)

    def dimension(self) -> int:
        tok = self.advance()
        if tok.kind != "num" or not tok.text.isdigit():
            raise self.error(f"expected a size (a whole number) in the declaration, found {self.describe(tok)}",
                             tok.pos)
        return self.checked_dim(int(tok.text), tok.pos)

    def checked_dim(self, n: int, pos: int) -> int:
        if not 1 <= n <= MAX_DIM:
            raise self.error(f"sizes go from 1 to {MAX_DIM}, not {n}", pos)
        return n

    # ----- expressions -----
    def expr(self, min_bp: int) -> tuple[Node, int, int]:
        """(node, start, end) of the text the node comes from."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"expression is nested too deeply (more than {MAX_DEPTH} levels)", self.tok.pos)
        try:
            left, start, end = self.postfix(*self.prefix())
            while True:
                tok = self.tok
                if tok.kind != "op" or tok.text not in _BINARY:
                    if tok.kind in ("num", "name") or tok.text == "(":
                        raise self.error(f"missing operator before {self.describe(tok)} (write * or @)", tok.pos)
                    if tok.kind == "bad":
                        raise self.unexpected(tok)
                    return left, start, end
                bp, op = _BINARY[tok.text]
                if bp <= min_bp:
                    return left, start, end
                self.advance()
                right, _, r_end = self.expr(bp - 1 if tok.text in ("^", "**") else bp)
                left = self.build(op, (left, right), tok, start, r_end)
                end = r_end
        finally:
            self.depth -= 1

    def build(self, op: str, args: tuple[Node, ...], at: Token, start: int, end: int, **params: object) -> Node:
        """make(op, ...), with a shape error reported at the operator, quoting the text."""
        try:
            return make(op, *args, **params)
        except ValueError:
            quoted = self.text[start:end].strip()
            shapes = " and ".join(str(a.shape) for a in args)
            if op == "matmul":
                msg = f"`{quoted}`: shapes {shapes} do not align"
            elif len(args) == 2:
                msg = f"`{quoted}`: shapes {shapes} do not broadcast"
            else:
                msg = f"`{quoted}`: {op} does not fit shape {shapes}"
            raise self.error(msg, at.pos) from None

    def postfix(self, node: Node, start: int, end: int) -> tuple[Node, int, int]:
        while self.tok.text == ".":
            dot = self.advance()
            tok = self.tok
            if tok.kind != "name" or tok.text != "T":
                raise self.error("only .T (transpose) may follow a '.'", dot.pos)
            self.advance()
            end = tok.pos + 1
            if node.ndim == 2:
                node = make("transpose", node, axes=(1, 0))
            elif node.ndim > 2:
                raise self.error("only vectors and matrices can be transposed", dot.pos)
            # a vector's transpose is itself, as in NumPy
        return node, start, end

    def prefix(self) -> tuple[Node, int, int]:
        tok = self.advance()
        if tok.kind == "num":
            return const(float(tok.text)), tok.pos, tok.pos + len(tok.text)
        if tok.kind == "name":
            return self.name(tok)
        if tok.text == "(":
            inner, _, _ = self.expr(0)
            close = self.expect_close(tok)
            return inner, tok.pos, close + 1
        if tok.text in ("-", "+"):
            inner, _, end = self.expr(_PREFIX_BP)
            return (make("neg", inner) if tok.text == "-" else inner), tok.pos, end
        raise self.unexpected(tok)

    def arguments(self, name: str, tok: Token) -> tuple[list[Node], int]:
        open_tok = self.advance()
        args = []
        if self.tok.text == ")":
            raise self.error(f"{name}() needs an argument", self.tok.pos)
        while True:
            node, _, _ = self.expr(0)
            args.append(node)
            if self.tok.text != ",":
                break
            self.advance()
        return args, self.expect_close(open_tok) + 1

    def name(self, tok: Token) -> tuple[Node, int, int]:
        name = tok.text
        calls = self.tok.text == "("
        known = name in FUNCTIONS or name in ARRAY_FUNCTIONS or name in BINARY_FUNCTIONS
        if known:
            if not calls:
                raise self.error(f"'{name}' is a function: write {name}(...)", tok.pos)
            args, end = self.arguments(name, tok)
            wanted = (PRIMITIVES[FUNCTIONS[name]].arity if name in FUNCTIONS
                      else 2 if name in BINARY_FUNCTIONS else 1)
            if len(args) != wanted:
                raise self.error(f"{name} takes {wanted} argument{'s' if wanted > 1 else ''}, got {len(args)}",
                                 tok.pos)
            return self.call(name, args, tok, end), tok.pos, end
        if name in KEYWORDS:
            raise self.error(f"Python keyword '{name}' is not allowed", tok.pos)
        if calls:
            raise self.error(f"unknown function '{name}'", tok.pos)
        if name in self.inputs:
            return self.inputs[name], tok.pos, tok.pos + len(name)
        if name in CONSTANTS:
            return const(CONSTANTS[name]), tok.pos, tok.pos + len(name)
        raise self.error(f"unknown name '{name}' (declare it first, e.g. {name}: 3x3)", tok.pos)

    def call(self, name: str, args: list[Node], tok: Token, end: int) -> Node:
        a = args[0]
        if name in FUNCTIONS:  # every function of the primitive table, elementwise and broadcasting
            return self.build(FUNCTIONS[name], tuple(args), tok, tok.pos, end)
        if name == "sum":
            return make("sum", a, axis=None, keepdims=False)
        if name == "mean":
            return make("sum", a, axis=None, keepdims=False) / float(max(1, a.size))
        if name == "norm":
            return make("sqrt", make("sum", a * a, axis=None, keepdims=False))
        if name == "trace":
            if a.ndim != 2 or a.shape[0] != a.shape[1]:
                raise self.error(f"trace needs a square matrix, got shape {a.shape}", tok.pos)
            return make("sum", a * const(np.eye(a.shape[0])), axis=None, keepdims=False)
        # dot(a, b): the product of vectors and matrices, as numpy.dot for 1-D and 2-D
        b = args[1]
        if a.ndim == 0 or b.ndim == 0:
            return self.build("mul", (a, b), tok, tok.pos, end)
        return self.build("matmul", (a, b), tok, tok.pos, end)

    def expect_close(self, open_tok: Token) -> int:
        tok = self.tok
        if tok.text == ")":
            self.advance()
            return tok.pos
        if tok.kind == "end":
            raise self.error("missing ')' to close this '('", open_tok.pos)
        raise self.unexpected(tok)

    def unexpected(self, tok: Token) -> ExpressionError:
        return self.error(unexpected_problem(tok, _UNEXPECTED), tok.pos)


def parse_program(text: str) -> MatrixProgram:
    """Declarations and a scalar expression; ExpressionError with the column otherwise."""
    if not isinstance(text, str):
        raise TypeError(f"expression must be a string, not {type(text).__name__}")
    parser = _Parser(text)
    with literal_simplification():
        output, start = parser.program()
    if output.shape != ():
        raise ExpressionError(f"the expression gives shape {output.shape}, not a number: reduce it, e.g. "
                              "with sum(...) or norm(...)", start, text)
    return MatrixProgram(parser.inputs, output, text, start)


def parse_expression(text: str, inputs: dict[str, Node]) -> Node:
    """An expression over already declared inputs (a candidate gradient: any shape)."""
    parser = _Parser(text, inputs)
    with literal_simplification():
        node, _ = parser.program(declarations=False)
    return node
