"""Matrix calculus a student can check: scalar functions of declared vectors and matrices, their
gradients (shaped like each variable) and a checker for a closed form typed by the student."""

from gradviz.matrix.check import CheckResult
from gradviz.matrix.matrix_function import MatrixFunction, parse_matrix

__all__ = ["CheckResult", "MatrixFunction", "parse_matrix"]
