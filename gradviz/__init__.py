"""gradviz: see multivariable calculus as machine learning uses it.

    import gradviz
    fn = gradviz.parse("log(exp(x) + exp(y))")
    fn(0, 0.6931), fn.grad(0, 0.6931), fn.hessian(0, 0.6931)
"""

from gradviz.data import DataFunction, parse
from gradviz.descent import Trajectory, descend, descend_many, descend_paths
from gradviz.expr import ExpressionError, Function
from gradviz.figure import Figure, figure
from gradviz.landscape import Landscape, landscape
from gradviz.lessons import lesson, lessons
from gradviz.matrix import MatrixFunction, parse_matrix
from gradviz.network import Network, Run, mlp, parse_model, train
from gradviz.version import __version__

__all__ = ["DataFunction", "ExpressionError", "Figure", "Function", "Landscape", "MatrixFunction", "Network", "Run",
           "Trajectory", "__version__", "descend", "descend_many", "descend_paths", "figure", "landscape", "lesson",
           "lessons", "mlp",
           "parse", "parse_matrix", "parse_model", "train"]
