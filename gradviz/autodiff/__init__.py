"""Reverse-mode automatic differentiation on NumPy arrays.

    from gradviz.autodiff import grad, hessian, numpy as anp
    f = lambda w: anp.sum(anp.tanh(w) ** 2)
    grad(f)(np.ones(3))
"""

from gradviz.autodiff import (
           numpy,
           table,  # noqa: F401  (the primitives, registered first)
)
from gradviz.autodiff.api import elementwise_grad, grad, hessian, jacobian, value_and_grad
from gradviz.autodiff.graph import Node, TraceError

__all__ = ["Node", "TraceError", "elementwise_grad", "grad", "hessian", "jacobian", "numpy",
           "value_and_grad"]
