"""The data part of the language: `mean(...)` and `sum(...)` over the rows, and data columns.

A column (one value per row) may appear only inside a reduction in f; each reduction becomes an
input node of f's graph (see `Reduction`), so the derivatives can be taken under the sum.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gradviz.autodiff.graph import Node, toposort, var
from gradviz.expr.lexer import Token

REDUCTIONS = ("mean", "sum")  # reduce over the data rows; only with data


@dataclass(frozen=True, eq=False)
class Reduction:
    """`kind`(`inner`) over the data rows, standing in f's graph as the input node `node`.

    `inner` is elementwise in the variables, parameters and columns (no reduction inside)."""

    node: Node
    kind: str
    inner: Node


class ReductionSyntax:
    """Parser methods for data: the parser sets `columns`, `reductions`, `reducing`, `in_f`."""

    columns: dict[str, Node]
    definitions: dict[str, Node]
    reductions: list[Reduction]
    reducing: bool
    in_f: bool
    tok: Token
    error: Any
    advance: Any
    expr: Any
    expect_close: Any

    def column(self, name: str, tok: Token) -> Node:
        if self.in_f and not self.reducing:
            raise self.error(f"'{name}' is a data column (one value per row): use it inside "
                             f"mean(...) or sum(...)", tok.pos)
        return self.columns[name]

    def defined(self, name: str, tok: Token) -> Node:
        node = self.definitions[name]
        if self.in_f and not self.reducing and self.uses(node, self.columns.values()):
            raise self.error(f"'{name}' depends on the data (one value per row): use it inside "
                             f"mean(...) or sum(...)", tok.pos)
        if self.reducing and self.uses(node, [r.node for r in self.reductions]):
            raise self.error(f"'{name}' holds a mean or sum already: a mean or sum inside another "
                             f"is not supported", tok.pos)
        return node

    @staticmethod
    def uses(node: Node, leaves: object) -> bool:
        wanted = {id(n) for n in leaves}  # type: ignore[attr-defined]
        return bool(wanted) and any(id(n) in wanted for n in toposort([node]))

    def reduction(self, kind: str, tok: Token) -> Node:
        """`mean(...)` or `sum(...)` over the data rows: a new input node standing for it."""
        if not self.columns:
            raise self.error(f"{kind}(...) reduces over the rows of data, and f has no data: pass "
                             f"data=... to gradviz.parse, or load a dataset", tok.pos)
        if self.reducing:
            raise self.error("a mean or sum inside another is not supported", tok.pos)
        open_tok = self.advance()
        if self.tok.text == ")":
            raise self.error(f"{kind}() needs an argument", self.tok.pos)
        self.reducing = True
        try:
            inner = self.expr(0)
        finally:
            self.reducing = False
        if self.tok.text == ",":
            raise self.error(f"{kind} takes one argument (it reduces over the data rows)", self.tok.pos)
        self.expect_close(open_tok)
        if not self.uses(inner, self.columns.values()):
            raise self.error(f"{kind}(...) of something that does not depend on the data: use a column "
                             f"({', '.join(self.columns)}) inside it", tok.pos)
        node = var(f"{kind}_{len(self.reductions)}")
        self.reductions.append(Reduction(node, kind, inner))
        return node

