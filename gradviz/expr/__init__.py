"""The expression language for f(x, y): parse text into a differentiable `Function`."""

from gradviz.expr.errors import ExpressionError
from gradviz.expr.function import Function, parse

__all__ = ["ExpressionError", "Function", "parse"]
