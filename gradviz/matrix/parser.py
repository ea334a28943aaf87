"""The matrix language: declarations and definitions, then one expression, by an allow-list Pratt parser.

    U: 6x3; V: 3x4; X: 6x4; sum((X - U@V)^2)
    W1: 2x16; b1: 16; W2: 16x1; b2: 1
    score = flat(tanh(X@W1 + b1)@W2 + b2)
    mean(bce_logits(score, t))

`name: n` declares a vector, `name: m x n` (or `mxn`) a matrix; `name = expr` defines a name for later lines.
Names given as data (`parse_program(text, data=...)`, a network's X and t) need no declaration. The expression
may use `@`, `.T`, `sum`, `mean`, `trace`, `dot(a, b)`, `norm`, `flat` (to a vector), `rowsum` and `logsumexp`
(over each row), `onehot(t, k)`, the per-row losses `bce_logits(score, t)` (torch's BCEWithLogitsLoss) and
`cross_entropy(scores, t)` (t: class indices), and every function of the primitive table (the f(x, y)
language's, `max(a, b)` and `min(a, b)` included), with NumPy's broadcasting, except that a vector (n,) never
silently meets a column (n, 1) (that makes an n × n table). Shapes are checked while the graph is built,
before anything runs; a mismatch names both shapes and the column. Nothing typed reaches eval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

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
ARRAY_FUNCTIONS = (*REDUCTIONS, "trace", "norm", "flat", "rowsum", "logsumexp")
BINARY_FUNCTIONS = ("dot", "onehot")
LOSS_FUNCTIONS = ("bce_logits", "cross_entropy")  # per-row losses whose second argument is a data target
_ELEMENTWISE_PAIRS = ("add", "sub", "mul", "div", "pow", "maximum", "minimum")
_BINARY = {"+": (10, "add"), "-": (10, "sub"), "*": (20, "mul"), "/": (20, "div"), "@": (20, "matmul"),
           "^": (40, "pow"), "**": (40, "pow")}
_UNEXPECTED = {":": "declarations (name: m x n) come before the expression"}
_PREFIX_BP = 30


@dataclass(frozen=True)
class TargetUse:
    """A data name used as the target of a per-row loss: `kind` "bce_logits" (values 0 or 1) or "cross_entropy"
    (class indices 0 … classes − 1), at column `pos` of the text."""

    kind: str
    name: str
    classes: int
    pos: int


@dataclass
class MatrixProgram:
    """Declared inputs (in order), definitions, the data names the text uses, and the expression's graph."""

    inputs: dict[str, Node]
    output: Node
    text: str
    body_start: int  # where the expression starts in `text`
    definitions: dict[str, Node] = field(default_factory=dict)
    data: dict[str, Node] = field(default_factory=dict)
    targets: list[TargetUse] = field(default_factory=list)


class _Parser(TokenCursor):
    def __init__(self, text: str, inputs: dict[str, Node] | None = None, data: dict[str, Node] | None = None) -> None:
        self.text = text
        self.tokens = tokenize(text, allow=":@.")
        self.i = 0
        self.depth = 0
        self.inputs: dict[str, Node] = dict(inputs or {})
        self.data: dict[str, Node] = dict(data or {})
        self.definitions: dict[str, Node] = {}
        self.targets: list[TargetUse] = []

    # ----- declarations and definitions -----
    def program(self, declarations: bool = True) -> tuple[Node, int]:
        while self.tok.text in (";", "\n"):
            self.advance()
        while declarations and self.tok.kind == "name" and self.tokens[self.i + 1].text in (":", "="):
            if self.tokens[self.i + 1].text == ":":
                self.declaration()
            else:
                self.definition()
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

    def new_name(self, name_tok: Token, what: str) -> str:
        """The name of a declaration or definition; an error if it is taken."""
        name = name_tok.text
        if name in FUNCTIONS or name in ARRAY_FUNCTIONS or name in BINARY_FUNCTIONS or name in LOSS_FUNCTIONS:
            raise self.error(f"'{name}' is a function and cannot name a {what}", name_tok.pos)
        if name in CONSTANTS or name in KEYWORDS:
            raise self.error(f"'{name}' cannot name a {what}", name_tok.pos)
        if name in self.data:
            raise self.error(f"'{name}' names a data column: a {what} needs a name of its own", name_tok.pos)
        if name in self.inputs or name in self.definitions:
            raise self.error(f"'{name}' is declared twice", name_tok.pos)
        return name

    def definition(self) -> None:
        name_tok = self.advance()
        name = self.new_name(name_tok, "definition")
        self.advance()  # '='
        if self.tok.kind == "end" or self.tok.text in (";", "\n"):
            raise self.error(f"missing expression after '{name} ='", self.tok.pos)
        node, _, _ = self.expr(0)
        self.definitions[name] = node

    def declaration(self) -> None:
        name_tok = self.advance()
        name = self.new_name(name_tok, "weight" if self.data else "variable")
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
        if op in _ELEMENTWISE_PAIRS and len(args) == 2:
            self.refuse_outer_broadcast(args, at, start, end)
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

    def refuse_outer_broadcast(self, args: tuple[Node, ...], at: Token, start: int, end: int) -> None:
        """A vector (n,) meeting a column (n, 1) broadcasts to an n × n table: almost always a slip."""
        shapes = sorted((a.shape for a in args), key=len)
        if len(shapes[0]) == 1 and shapes[1] == (shapes[0][0], 1) and shapes[0][0] > 1:
            n = shapes[0][0]
            raise self.error(f"`{self.text[start:end].strip()}`: a vector of shape ({n},) and a column of shape "
                             f"({n}, 1) would broadcast to a {n} × {n} table; write flat(...) around the column to "
                             "make it a vector", at.pos)

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
        known = name in FUNCTIONS or name in ARRAY_FUNCTIONS or name in BINARY_FUNCTIONS or name in LOSS_FUNCTIONS
        if known:
            if not calls:
                raise self.error(f"'{name}' is a function: write {name}(...)", tok.pos)
            args, end = self.arguments(name, tok)
            wanted = (PRIMITIVES[FUNCTIONS[name]].arity if name in FUNCTIONS
                      else 2 if name in BINARY_FUNCTIONS or name in LOSS_FUNCTIONS else 1)
            if len(args) != wanted:
                raise self.error(f"{name} takes {wanted} argument{'s' if wanted > 1 else ''}, got {len(args)}",
                                 tok.pos)
            return self.call(name, args, tok, end), tok.pos, end
        if name in KEYWORDS:
            raise self.error(f"Python keyword '{name}' is not allowed", tok.pos)
        if calls:
            raise self.error(f"unknown function '{name}'", tok.pos)
        for scope in (self.inputs, self.definitions, self.data):
            if name in scope:
                return scope[name], tok.pos, tok.pos + len(name)
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
        if name == "flat":
            return make("reshape", a, shape=(a.size,))
        if name in ("rowsum", "logsumexp"):
            if a.ndim == 0:
                raise self.error(f"{name} needs a vector or a matrix, got a number", tok.pos)
            if name == "logsumexp":
                return make("logsumexp", a)
            return make("sum", a, axis=(a.ndim - 1,), keepdims=False)
        if name in LOSS_FUNCTIONS:
            return self.loss(name, args, tok, end)
        if name == "onehot":
            return self.onehot(args, tok)
        if name == "trace":
            if a.ndim != 2 or a.shape[0] != a.shape[1]:
                raise self.error(f"trace needs a square matrix, got shape {a.shape}", tok.pos)
            return make("sum", a * const(np.eye(a.shape[0])), axis=None, keepdims=False)
        # dot(a, b): the product of vectors and matrices, as numpy.dot for 1-D and 2-D
        b = args[1]
        if a.ndim == 0 or b.ndim == 0:
            return self.build("mul", (a, b), tok, tok.pos, end)
        return self.build("matmul", (a, b), tok, tok.pos, end)

    def target(self, name: str, t: Node, tok: Token, classes: int) -> None:
        """Record the data name used as a target; an error unless `t` is a data vector."""
        data_name = next((k for k, v in self.data.items() if v is t), None)
        if data_name is None or t.ndim != 1:
            raise self.error(f"the second argument of {name} must be a data column of targets (a vector), "
                             f"like t", tok.pos)
        self.targets.append(TargetUse(name, data_name, classes, tok.pos))

    def loss(self, name: str, args: list[Node], tok: Token, end: int) -> Node:
        score, t = args
        if name == "bce_logits":  # torch's BCEWithLogitsLoss per row: softplus(s) − t·s, for t in {0, 1}
            self.target(name, t, tok, 2)
            if score.shape != t.shape:
                raise self.error(f"bce_logits needs one score per row: shapes {score.shape} and {t.shape} "
                                 "differ (flat(...) makes a column a vector)", tok.pos)
            return make("softplus", score) - score * t
        # cross_entropy: torch's CrossEntropyLoss per row, logsumexp(s) − s[t], t the class index
        if score.ndim != 2 or t.ndim != 1 or score.shape[0] != t.shape[0]:
            raise self.error(f"cross_entropy needs scores of shape (rows, classes) and a vector of class indices, "
                             f"got {score.shape} and {t.shape}", tok.pos)
        classes = score.shape[1]
        self.target(name, t, tok, classes)
        return make("logsumexp", score) - make("sum", make("onehot", t, classes=classes) * score, axis=(1,),
                                               keepdims=False)

    def onehot(self, args: list[Node], tok: Token) -> Node:
        t, k = args
        if not k.is_const() or k.ndim or float(k.value) != int(float(k.value)) or not 1 <= float(k.value) <= MAX_DIM:
            raise self.error(f"onehot(t, k) needs a whole number of classes k from 1 to {MAX_DIM}", tok.pos)
        if t.ndim != 1:
            raise self.error(f"onehot needs a vector of class indices, got shape {t.shape}", tok.pos)
        return make("onehot", t, classes=int(float(k.value)))

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


def parse_program(text: str, data: dict[str, Node] | None = None) -> MatrixProgram:
    """Declarations, definitions and a scalar expression; ExpressionError with the column otherwise.

    `data` are input nodes the text may use without declaring them (a network's X and t)."""
    if not isinstance(text, str):
        raise TypeError(f"expression must be a string, not {type(text).__name__}")
    parser = _Parser(text, data=data)
    with literal_simplification():
        output, start = parser.program()
    if output.shape != ():
        raise ExpressionError(f"the expression gives shape {output.shape}, not a number: reduce it, e.g. "
                              "with sum(...) or norm(...)", start, text)
    return MatrixProgram(parser.inputs, output, text, start, parser.definitions, parser.data, parser.targets)


def parse_expression(text: str, inputs: dict[str, Node]) -> Node:
    """An expression over already declared inputs (a candidate gradient: any shape)."""
    parser = _Parser(text, inputs)
    with literal_simplification():
        node, _ = parser.program(declarations=False)
    return node
