"""`Network`: a model's loss on data, as text in the matrix language, with exact derivatives of any order.

The text is traced once per row count (the full data, a mini-batch size, a grid of inputs) and each derivative
is compiled once into straight-line NumPy code whose inputs are the weights, the data and a direction v: new
weights, new rows and new directions never mean new code.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping, Sequence
from functools import cached_property
from typing import Any

import numpy as np

from gradviz.autodiff.backward import vjp
from gradviz.autodiff.graph import Node, toposort, var
from gradviz.data.columns import DataError
from gradviz.data.heap import keep_freed_blocks
from gradviz.expr.errors import ExpressionError
from gradviz.matrix.parser import MatrixProgram, parse_program
from gradviz.network.batched import batched_kernel
from gradviz.network.lanczos import Eigenvalues, hutchinson_trace, lanczos_top
from gradviz.network.network_data import network_data
from gradviz.network.straight_line import Kernel, straight_line

MAX_DENSE_HESSIAN = 3000  # weights: net.hessian builds size × size floats from `size` Hessian-vector products


def _run(kernel: Kernel, args: Sequence[np.ndarray]) -> tuple[np.ndarray, ...]:
    """The kernel's outputs; overflow gives inf and nan quietly, as NumPy does with warnings off."""
    with np.errstate(all="ignore"):
        return kernel(*args)


class _Trace:
    """The model's graph for one shape of the data, with its compiled kernels (built on first use)."""

    def __init__(self, text: str, shapes: Mapping[str, tuple[int, ...]]) -> None:
        self.program: MatrixProgram = parse_program(text, {n: var(n, s) for n, s in shapes.items()})
        self.weights = list(self.program.inputs.values())
        self.data = list(self.program.data.values())
        self._kernels: dict[Any, Kernel] = {}

    @cached_property
    def grads(self) -> list[Node]:
        """∂L/∂W for each weight, derived once."""
        return vjp(self.program.output, self.weights)

    @cached_property
    def hvp_graph(self) -> tuple[list[Node], list[Node]]:
        """(the directions v, one input per weight; the nodes of H·v): the gradient of ∇L·v, derived once."""
        vs = [var(f"v_{w.name}", w.shape) for w in self.weights]
        inner = sum(((g * v).sum() for g, v in zip(self.grads, vs, strict=True)), start=0.0)
        return vs, vjp(inner, self.weights)

    def kernel(self, what: str, batched: bool = False) -> Kernel:
        """The compiled kernel of `what` ("loss", "value_and_grad", "hvp" or a definition's name): straight-line
        code whose inputs are the weights, the data (and v), or with `batched` its form over many weight vectors."""
        key = (what, batched)
        if key not in self._kernels:
            outputs, extra = self._outputs(what)
            self._kernels[key] = (batched_kernel(outputs, self.weights, [*self.data, *extra]) if batched
                                  else straight_line(outputs, [*self.weights, *self.data, *extra], what))
        return self._kernels[key]

    def _outputs(self, what: str) -> tuple[list[Node], list[Node]]:
        """(the kernel's output nodes, its inputs besides the weights and the data)."""
        loss = self.program.output
        if what == "loss":
            return [loss], []
        if what == "value_and_grad":
            return [loss, *self.grads], []
        if what == "hvp":
            vs, hv = self.hvp_graph
            return hv, vs
        return [self.program.definitions[what]], []


class Network:
    """A model's loss on data (see `parse_model`). Weights are one flat float64 vector `theta`, the declared
    arrays in declaration order, each row-major; `unflatten`/`flatten` convert."""

    def __init__(self, text: str, data: Mapping[str, Any] | str | os.PathLike[str],
                 x_columns: Sequence[str] | None = None, target: str | None = None) -> None:
        keep_freed_blocks()  # every step allocates rows × width temporaries: reuse them, do not page-fault
        self.text = text
        self.data = network_data(data, x_columns, target)
        self.rows = len(next(iter(self.data.values())))
        self._traces: dict[tuple, _Trace] = {}
        full = self._trace(self.rows)
        used = {id(n) for n in toposort([full.program.output])}
        unused = [name for name, node in full.program.data.items() if id(node) not in used]
        if unused:
            raise ExpressionError(f"data {unused[0]!r} is never used by the model: use it in the text, or leave it "
                                  "out of the data", 0, text)
        self.weights: dict[str, tuple[int, ...]] = {w.name: w.shape for w in full.weights}
        if not self.weights:
            raise ExpressionError("the model declares no weights (write, e.g., W1: 2x16; b1: 16 before the loss)",
                                  0, text)
        self.size = sum(math.prod(s) for s in self.weights.values())
        self.definitions = list(full.program.definitions)
        self._check_targets(full.program)

    # ----- weights -----
    def init(self, seed: int = 0) -> np.ndarray:
        """Weights as torch's nn.Linear initialises them: a matrix W (m × n, used as X@W) uniform on ±1/√m, a
        vector uniform on ±1/√m of the matrix declared just before it (its layer's bias; ±1 if none)."""
        rng = np.random.default_rng(seed)
        parts, bound = [], 1.0
        for shape in self.weights.values():
            if len(shape) == 2:
                bound = 1.0 / math.sqrt(shape[0])
            parts.append(rng.uniform(-bound, bound, size=shape).ravel())
        return np.concatenate(parts)

    def unflatten(self, theta: Any) -> dict[str, np.ndarray]:
        """{name: array of its declared shape} from the flat vector (views into a float64 copy)."""
        theta = self._theta(theta)
        out, start = {}, 0
        for name, shape in self.weights.items():
            n = math.prod(shape)
            out[name] = theta[start: start + n].reshape(shape)
            start += n
        return out

    def flatten(self, weights: Mapping[str, Any]) -> np.ndarray:
        """The flat vector of a {name: array} dict (every declared name, each of its shape)."""
        parts = []
        for name, shape in self.weights.items():
            if name not in weights:
                raise ValueError(f"no value for weight {name!r} (shape {shape})")
            value = np.asarray(weights[name], dtype=np.float64)
            if value.shape != shape:
                raise ValueError(f"weight {name!r} must have shape {shape}, got {value.shape}")
            parts.append(value.ravel())
        return np.concatenate(parts)

    def _theta(self, theta: Any) -> np.ndarray:
        theta = np.asarray(theta, dtype=np.float64)
        if theta.shape != (self.size,):
            raise ValueError(f"theta must be a flat vector of the {self.size} weights, got shape {theta.shape}")
        return theta

    # ----- the loss and its derivatives -----
    def loss(self, theta: Any, rows: Any = None) -> float:
        """The loss over all rows, or over the rows of the index array `rows` (a mini-batch)."""
        trace, args = self._call(theta, rows)
        return float(_run(trace.kernel("loss"), args)[0])

    def losses(self, thetas: Any, rows: Any = None) -> np.ndarray:
        """The loss at each row of `thetas` (P × size), computed together (one NumPy pass per operation)."""
        return self._batched("loss", thetas, rows)[0]

    def values_and_grads(self, thetas: Any, rows: Any = None) -> tuple[np.ndarray, np.ndarray]:
        """(losses (P,), gradients (P × size)) at each row of `thetas`, computed together."""
        value, *grads = self._batched("value_and_grad", thetas, rows)
        return value, np.concatenate([g.reshape(len(g), -1) for g in grads], axis=1)

    def hvps(self, thetas: Any, v: Any, rows: Any = None) -> np.ndarray:
        """H(θ_p)v for each row θ_p of `thetas` (P × size), one direction v for all, computed together."""
        parts = self._batched("hvp", thetas, rows, list(self.unflatten(v).values()))
        return np.concatenate([p.reshape(len(p), -1) for p in parts], axis=1)

    def _batched(self, what: str, thetas: Any, rows: Any, extra: Sequence[np.ndarray] = ()) -> tuple[np.ndarray, ...]:
        thetas = np.asarray(thetas, dtype=np.float64)
        if thetas.ndim != 2 or thetas.shape[1] != self.size:
            raise ValueError(f"thetas must have shape (points, {self.size}), got {thetas.shape}")
        trace, args = self._call(np.zeros(self.size), rows)
        weights, start = [], 0
        for shape in self.weights.values():
            n = math.prod(shape)
            weights.append(thetas[:, start: start + n].reshape((len(thetas), *shape)))
            start += n
        return _run(trace.kernel(what, batched=True), [*weights, *args[len(weights):], *extra])

    def value_and_grad(self, theta: Any, rows: Any = None) -> tuple[float, np.ndarray]:
        trace, args = self._call(theta, rows)
        value, *grads = _run(trace.kernel("value_and_grad"), args)
        return float(value), self._flat(grads)

    def grad(self, theta: Any, rows: Any = None) -> np.ndarray:
        """∇L(θ), a flat vector the length of theta."""
        return self.value_and_grad(theta, rows)[1]

    def hvp(self, theta: Any, v: Any, rows: Any = None) -> np.ndarray:
        """H(θ)v, exactly: the gradient of ∇L(θ)·v (reverse over reverse), never a finite difference."""
        trace, args = self._call(theta, rows)
        vs = self.unflatten(v).values()
        return self._flat(_run(trace.kernel("hvp"), [*args, *vs]))

    def hessian(self, theta: Any, rows: Any = None, report: Callable[[float], None] | None = None) -> np.ndarray:
        """The dense size × size Hessian, from `size` Hessian-vector products; `report(fraction done)` is called as
        they go (it may raise to stop the work). ValueError above MAX_DENSE_HESSIAN."""
        if self.size > MAX_DENSE_HESSIAN:
            raise ValueError(f"the dense Hessian of {self.size:,} weights is too large (at most {MAX_DENSE_HESSIAN:,}"
                             "); use hessian_eigenvalues or hvp, which never form it")
        eye = np.eye(self.size)
        h = np.empty((self.size, self.size))
        every = max(1, self.size // 50)  # about fifty reports, whatever the size
        for i in range(self.size):
            h[i] = self.hvp(theta, eye[i], rows)
            if report is not None and (i + 1) % every == 0:
                report((i + 1) / self.size)
        return 0.5 * (h + h.T)

    def hessian_eigenvalues(self, theta: Any, k: int = 1, seed: int = 0, rows: Any = None,
                            preconditioner: Any = None, tol: float = 1e-7) -> np.ndarray:
        """The k largest eigenvalues of H(θ), decreasing, by Lanczos on exact Hessian-vector products. With a
        `preconditioner` p (a positive vector), those of P⁻¹H, P = diag(p) (Adam's sharpness: p = √v̂ + ε)."""
        return self.hessian_spectrum(theta, k, seed, rows, preconditioner, tol).values

    def hessian_spectrum(self, theta: Any, k: int = 1, seed: int = 0, rows: Any = None, preconditioner: Any = None,
                         tol: float = 1e-7, start: np.ndarray | None = None) -> Eigenvalues:
        """`hessian_eigenvalues` with the Ritz vectors and the number of products used (see `lanczos_top`);
        `start` warm-starts Lanczos (with a preconditioner, in the scaled coordinates √p·u)."""
        theta = self._theta(theta).copy()
        if preconditioner is None:
            return lanczos_top(lambda v: self.hvp(theta, v, rows), self.size, k, seed, tol, start=start)
        scale = 1.0 / np.sqrt(np.asarray(preconditioner, dtype=np.float64))  # P^−½ H P^−½ has P⁻¹H's eigenvalues
        return lanczos_top(lambda v: scale * self.hvp(theta, scale * v, rows), self.size, k, seed, tol, start=start)

    def hessian_trace(self, theta: Any, samples: int = 100, seed: int = 0, rows: Any = None) -> tuple[float, float]:
        """tr H(θ) by Hutchinson's method: (estimate, standard error) from `samples` Rademacher vectors."""
        theta = self._theta(theta).copy()
        return hutchinson_trace(lambda v: self.hvp(theta, v, rows), self.size, samples, seed)

    def output(self, name: str, theta: Any, data: Mapping[str, Any]) -> np.ndarray:
        """The definition `name` (e.g. "score") at θ on other data (e.g. {"X": a grid of inputs})."""
        full = self._trace(self.rows)
        if name not in full.program.definitions:
            raise ValueError(f"the model defines no {name!r}; it defines: {', '.join(self.definitions) or 'nothing'}")
        given = {k: np.asarray(v, dtype=np.float64) for k, v in data.items()}
        rows = {len(v) for v in given.values()}
        if len(rows) != 1:
            raise ValueError("the arrays given to output must have the same number of rows")
        n = rows.pop()
        shapes = {k: (n, *v.shape[1:]) for k, v in self.data.items()}
        for k, v in given.items():
            if k not in shapes:
                raise ValueError(f"{k!r} is not a data name of the model (it has {', '.join(self.data)})")
            if v.shape[1:] != self.data[k].shape[1:]:
                raise ValueError(f"{k!r} needs shape (rows, {', '.join(map(str, self.data[k].shape[1:]))}), "
                                 f"got {v.shape}")
        trace = self._traces.get(("output", tuple(shapes.items())))
        if trace is None:
            trace = self._traces[("output", tuple(shapes.items()))] = _Trace(self.text, shapes)
        needed = {id(n) for n in toposort([trace.program.definitions[name]])}
        args = []
        for node in trace.data:
            if node.name in given:
                args.append(given[node.name])
            elif id(node) in needed:
                raise ValueError(f"{name} needs data {node.name!r}; give it in data")
            else:
                args.append(np.zeros(node.shape))
        weights = self.unflatten(theta).values()
        return np.array(_run(trace.kernel(name), [*weights, *args])[0])

    # ----- plumbing -----
    def _trace(self, rows: int) -> _Trace:
        if rows not in self._traces:
            shapes = {name: (rows, *a.shape[1:]) for name, a in self.data.items()}
            self._traces[rows] = _Trace(self.text, shapes)
        return self._traces[rows]

    def _call(self, theta: Any, rows: Any) -> tuple[_Trace, list[np.ndarray]]:
        weights = list(self.unflatten(theta).values())
        if rows is None:
            trace = self._trace(self.rows)
            return trace, [*weights, *(self.data[n.name] for n in trace.data)]
        index = np.asarray(rows)
        if index.ndim != 1 or not len(index):
            raise ValueError("rows must be a non-empty 1-D array of row indices")
        trace = self._trace(len(index))
        return trace, [*weights, *(self.data[n.name][index] for n in trace.data)]

    @staticmethod
    def _flat(parts: Sequence[np.ndarray]) -> np.ndarray:
        return np.concatenate([np.ravel(p) for p in parts])

    def _check_targets(self, program: MatrixProgram) -> None:
        for use in program.targets:
            t = self.data[use.name]
            allowed = np.arange(use.classes, dtype=np.float64)
            bad = np.flatnonzero(~np.isin(t, allowed))
            if len(bad):
                wanted = "0 or 1" if use.kind == "bce_logits" else f"a class index 0 … {use.classes - 1}"
                raise DataError(f"{use.kind} needs targets {wanted}: {use.name!r} is {t[bad[0]]:g} in row {bad[0]}")

    def __repr__(self) -> str:
        return f"<gradviz Network: {self.size:,} weights over {self.rows:,} rows>"


def parse_model(text: str, data: Mapping[str, Any] | str | os.PathLike[str], x_columns: Sequence[str] | None = None,
                target: str | None = None) -> Network:
    """A network's loss from text (declared names are weights, names in `data` are data); ExpressionError with the
    column, or DataError naming the array, row or column, for anything refused."""
    return Network(text, data, x_columns, target)
