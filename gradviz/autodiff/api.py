"""The differential operators: grad, value_and_grad, jacobian, hessian, elementwise_grad.

Each traces `f` once on a symbolic input shaped like the argument, builds the derivative
graph with the reverse pass and evaluates it. Called on a traced value (inside another
operator) they return graph nodes instead, which is how `hessian` and higher orders work.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from gradviz.autodiff.backward import vjp
from gradviz.autodiff.evaluate import evaluate
from gradviz.autodiff.graph import Node, as_node, const, make, toposort, var

Function = Callable[..., Any]


def _trace(f: Function, args: tuple, argnum: int) -> tuple[Node, Node, dict[Node, Any]]:
    """Run f with argument `argnum` replaced by a fresh input node; returns (input, output, values).

    The input is fresh even when the argument is itself being traced by an outer operator (its
    value is then that outer node): otherwise the inner derivative would also differentiate every
    other use of the outer value ("perturbation confusion")."""
    if not 0 <= argnum < len(args):
        raise IndexError(f"argnum={argnum} but the function was called with {len(args)} argument(s)")
    x = args[argnum]
    if isinstance(x, Node):
        inp = var(f"arg{argnum}", x.shape)
        values: dict[Node, Any] = {inp: x}
    else:
        value = np.asarray(x, dtype=np.float64)
        inp = var(f"arg{argnum}", value.shape)
        values = {inp: value}
    traced = list(args)
    traced[argnum] = inp
    out = as_node(f(*traced))
    return inp, out, values


def substitute(nodes: list[Node], replace: dict[Node, Node]) -> list[Node]:
    """The graphs of `nodes` with some inputs replaced by other nodes (rebuilt through `make`)."""
    new: dict[int, Node] = {id(k): v for k, v in replace.items()}
    for node in toposort(nodes):
        if id(node) in new or node.op in ("const", "var"):
            continue
        if any(id(a) in new for a in node.args):
            args = [new.get(id(a), a) for a in node.args]
            new[id(node)] = make(node.op, *args, **dict(node.params))
    return [new.get(id(n), n) for n in nodes]


def _finish(nodes: list[Node], values: dict[Node, Any], symbolic: bool) -> list[Any]:
    """Values of `nodes`, or graphs while an outer operator is tracing.

    When the argument is an outer operator's traced value, or f closes over one (the nodes then
    depend on an input with no value here), this operator's own input is replaced by its value
    (the outer node, or a constant) and the result stays a graph for the outer operator.
    """
    if not symbolic and not any(n.op == "var" and n not in values for n in toposort(nodes)):
        return evaluate(nodes, values)
    return substitute(nodes, {inp: v if isinstance(v, Node) else const(v) for inp, v in values.items()})


def _unwrap(result: np.ndarray) -> Any:
    return result[()] if result.ndim == 0 else result


def value_and_grad(f: Function, argnum: int = 0) -> Function:
    """f ↦ (x ↦ (f(x), ∇f(x))) for scalar-valued f; the gradient is shaped like x.

    Raises TypeError, suggesting jacobian or elementwise_grad, when f's output is not a scalar.
    """
    @functools.wraps(f)
    def wrapped(*args: Any) -> tuple[Any, Any]:
        inp, out, values = _trace(f, args, argnum)
        if out.shape != ():
            raise TypeError(
                f"grad needs a function with a scalar output, but this one returns shape "
                f"{out.shape}. Use jacobian(f) for the full derivative, or elementwise_grad(f) "
                f"when each output depends only on the matching input, or reduce the output "
                f"to a scalar (e.g. anp.sum).")
        (g,) = vjp(out, [inp])
        value, gradient = _finish([out, g], values, isinstance(args[argnum], Node))
        return (value, gradient) if isinstance(value, Node) else (_unwrap(value), _unwrap(gradient))
    return wrapped


def grad(f: Function, argnum: int = 0) -> Function:
    """f ↦ ∇f, for scalar-valued f of one array argument (argument `argnum`)."""
    vg = value_and_grad(f, argnum)

    @functools.wraps(f)
    def wrapped(*args: Any) -> Any:
        return vg(*args)[1]
    return wrapped


def elementwise_grad(f: Function, argnum: int = 0) -> Function:
    """The gradient of sum(f(x)): for elementwise f, the derivative at every point in one pass.

    This is how a whole grid's gradient is computed at once.
    """
    @functools.wraps(f)
    def wrapped(*args: Any) -> Any:
        inp, out, values = _trace(f, args, argnum)
        (g,) = vjp(out, [inp], seed=const(1.0, out.shape))
        (result,) = _finish([g], values, isinstance(args[argnum], Node))
        return result if isinstance(result, Node) else _unwrap(result)
    return wrapped


def jacobian(f: Function, argnum: int = 0) -> Function:
    """f ↦ J, shaped f(x).shape + x.shape, from one reverse pass per output element."""
    @functools.wraps(f)
    def wrapped(*args: Any) -> Any:
        inp, out, values = _trace(f, args, argnum)
        rows = []
        for i in range(out.size):
            onehot = np.zeros(out.size)
            onehot[i] = 1.0
            (row,) = vjp(out, [inp], seed=const(onehot.reshape(out.shape)))
            rows.append((onehot, row))
        jac = None
        for onehot, row in rows:
            # J = Σ_i e_i ⊗ row_i, built from differentiable operations so it nests.
            term = make("mul", const(onehot.reshape(out.shape + (1,) * inp.ndim)),
                        make("reshape", row, shape=(1,) * out.ndim + inp.shape))
            jac = term if jac is None else make("add", jac, term)
        if jac is None:
            jac = const(0.0, out.shape + inp.shape)
        (result,) = _finish([jac], values, isinstance(args[argnum], Node))
        return result if isinstance(result, Node) else _unwrap(result)
    return wrapped


def hessian(f: Function, argnum: int = 0) -> Function:
    """f ↦ the matrix of second derivatives, shaped x.shape + x.shape: jacobian(grad(f))."""
    return jacobian(grad(f, argnum), argnum)
