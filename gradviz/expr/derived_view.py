"""What a function of two variables is, read off its shared derivation: the text, the variables, the
parameters and the graph's nodes. `Function` (f(x, y)) and `DataFunction` (a loss on data) both are one.

`with_parameters` gives a copy over the same derivation with other parameter values: nothing re-derived.
"""

from __future__ import annotations

import math
from typing import Any

from gradviz.autodiff.graph import Node
from gradviz.expr.parser import ParameterSpec, Parsed


class ParsedText:
    """The parts of one parsed text that every derivation starts from: the two variables' nodes and
    names, f's output node, the named definitions and the parameters (nodes and declarations)."""

    def __init__(self, text: str, parsed: Parsed) -> None:
        self.text = text
        self.x_node, self.y_node = parsed.inputs.values()
        self.variables: tuple[str, str] = tuple(parsed.inputs)  # type: ignore[assignment]
        self.output = parsed.output
        self.definitions = parsed.definitions
        self.parameter_nodes: list[Node] = list(parsed.parameters.values())
        self.specs: dict[str, ParameterSpec] = parsed.specs

    @property
    def inputs(self) -> list[Node]:
        return [self.x_node, self.y_node]


def updated_values(specs: dict[str, ParameterSpec], current: tuple[float, ...],
                   values: dict[str, float]) -> tuple[float, ...]:
    """`current` parameter values with `values` set by name; ValueError naming f's parameters for an
    unknown name, and for a value that is not a finite number."""
    unknown = [name for name in values if name not in specs]
    if unknown:
        have = ", ".join(specs) if specs else "none"
        raise ValueError(f"f has no parameter {unknown[0]!r} (its parameters: {have})")
    new = list(current)
    names = list(specs)
    for name, value in values.items():
        v = float(value)
        if not math.isfinite(v):
            raise ValueError(f"parameter {name!r} must be a finite number, not {value!r}")
        new[names.index(name)] = v
    return tuple(new)


class DerivedView:
    """Reads `self._derived` (the derivation shared by every parameter value) and `self._values` (this
    copy's parameter values, in declared order). `_SHARED` names the attributes a copy shares."""

    _derived: Any
    _values: tuple[float, ...]
    _SHARED: tuple[str, ...] = ("_derived",)

    def with_parameters(self, **values: float) -> Any:
        """This f with some parameters set: the same graph and kernels, nothing re-derived.

        Raises ValueError naming the parameters f has when a name is not one of them, and
        for a value that is not a finite number.
        """
        fn = type(self).__new__(type(self))
        for name in self._SHARED:
            setattr(fn, name, getattr(self, name))
        fn._values = updated_values(self._derived.specs, self._values, values)
        return fn

    @property
    def text(self) -> str:
        return self._derived.text

    @property
    def variables(self) -> tuple[str, str]:
        """The names of the two variables, ("x", "y") unless a header f(u, v) = ... names them."""
        return self._derived.variables

    @property
    def parameters(self) -> dict[str, float]:
        """The parameters and their current values, in the order they were declared."""
        return dict(zip(self._derived.specs, self._values, strict=True))

    @property
    def parameter_specs(self) -> dict[str, ParameterSpec]:
        """Each parameter's declaration: its value in the text and its slider range (lo, hi)."""
        return dict(self._derived.specs)

    @property
    def parameter_values(self) -> tuple[float, ...]:
        return self._values

    @property
    def derived(self) -> Any:
        """The shared graphs (and kernels), one per text."""
        return self._derived

    @property
    def x_node(self) -> Node:
        return self._derived.x_node

    @property
    def y_node(self) -> Node:
        return self._derived.y_node

    @property
    def inputs(self) -> list[Node]:
        """The two variables' input nodes."""
        return self._derived.inputs

    @property
    def parameter_nodes(self) -> list[Node]:
        return self._derived.parameter_nodes

    @property
    def output(self) -> Node:
        return self._derived.output

    @property
    def definitions(self) -> dict[str, Node]:
        return self._derived.definitions

    @property
    def gradient_nodes(self) -> tuple[Node, Node]:
        """The graphs of (∂f/∂x, ∂f/∂y), built by the reverse pass on first use."""
        return self._derived.gradient_nodes

    @property
    def hessian_nodes(self) -> tuple[Node, Node, Node]:
        """The graphs of (fxx, fxy, fyy): the reverse pass applied to the gradient graphs."""
        return self._derived.hessian_nodes
