"""Matrix-calculus presets: the chapter's identities, its sign slip, and two ML losses."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MatrixPreset:
    name: str
    text: str
    variable: str
    candidate: str
    note: str


MATRIX_PRESETS: list[MatrixPreset] = [
    MatrixPreset("βᵀx (chapter)", "beta: 4; x: 4; dot(beta, x)", "x", "beta",
                 "The chapter's first identity: d(βᵀx)/dx = β, a vector of x's shape."),
    MatrixPreset("xᵀAx, A not symmetric (chapter)", "A: 4x4; x: 4; x@A@x", "x", "(A + A.T)@x",
                 "d(xᵀAx)/dx = (A + Aᵀ)x; it is 2Ax only when A is symmetric. Try 2*A@x to see the "
                 "checker tell the difference."),
    MatrixPreset("‖X − UV‖², the book's sign (chapter)", "U: 6x3; V: 3x4; X: 6x4; sum((X - U@V)^2)", "V",
                 "2*U.T@(X - U@V)",
                 "The chapter says d‖X − UV‖²/dV = 2Uᵀ(X − UV). Check it: the truth is −2Uᵀ(X − UV)."),
    MatrixPreset("Softmax cross-entropy of a linear model",
                 "W: 3x4; x: 4x1; y: 3x1; sum(y)*log(sum(exp(W@x))) - sum(y*(W@x))", "W",
                 "(sum(y)*exp(W@x)/sum(exp(W@x)) - y)@x.T",
                 "Cross-entropy of softmax(Wx) against targets y (one-hot y has sum(y) = 1): the gradient is "
                 "(softmax(Wx)·Σy − y)xᵀ, an outer product of W's shape."),
    MatrixPreset("Least squares ‖Aw − b‖²", "A: 5x3; w: 3; b: 5; sum((A@w - b)^2)", "w", "2*A.T@(A@w - b)",
                 "The normal equations come from setting this gradient, 2Aᵀ(Aw − b), to zero."),
]


def matrix_preset(name: str) -> MatrixPreset:
    for p in MATRIX_PRESETS:
        if p.name == name:
            return p
    raise KeyError(f"no matrix preset named {name!r}")
