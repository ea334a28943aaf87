"""The one error the expression language raises for text it refuses."""

from __future__ import annotations


class ExpressionError(ValueError):
    """Text that is not a valid f(x, y).

    `position` is the 0-based index of the offending character in `text`; the message
    names the problem and the 1-based column, e.g. "unknown name 'z' at column 5".
    """

    def __init__(self, problem: str, position: int, text: str = "") -> None:
        self.problem = problem
        self.position = max(0, int(position))
        self.text = text
        super().__init__(f"{problem} at column {self.position + 1}")

    @property
    def column(self) -> int:
        """1-based column of the problem."""
        return self.position + 1
