"""`mlp`: the model text of a multilayer perceptron, for `parse_model`, written as a person would type it."""

from __future__ import annotations

from collections.abc import Sequence

ACTIVATIONS = ("tanh", "relu", "sigmoid", "softplus")
LOSSES = {  # the loss over the rows, on the definition `score`; t comes from the data
    "mse": "mean((score - t)^2)",
    "logistic": "mean(bce_logits(score, t))",  # torch's BCEWithLogitsLoss, t in {0, 1}
    "cross_entropy": "mean(cross_entropy(score, t))",  # torch's CrossEntropyLoss, t the class index
}


def mlp(sizes: Sequence[int], activation: str = "tanh", loss: str = "mse") -> str:
    """The text of an MLP with layer sizes n_0 … n_L: weights W1, b1, W2, b2, … (Wk of shape (n_{k-1}, n_k), used
    as X@Wk + bk), `activation` after every layer but the last, the last layer's output named `score` (a vector
    when n_L = 1), then `loss`. ValueError naming a bad size, activation or loss."""
    sizes = [int(n) for n in sizes]
    if len(sizes) < 2 or any(n < 1 for n in sizes):
        raise ValueError(f"sizes must list at least two layer widths, each >= 1 (e.g. [2, 16, 1]), got {sizes}")
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; choose one of {', '.join(ACTIVATIONS)}")
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")
    if loss in ("mse", "logistic") and sizes[-1] != 1:
        raise ValueError(f"the {loss} loss needs one output (sizes ending in 1), got {sizes[-1]}")
    if loss == "cross_entropy" and sizes[-1] < 2:
        raise ValueError("the cross_entropy loss needs one output per class (at least 2)")
    pairs = enumerate(zip(sizes, sizes[1:], strict=False), 1)
    declarations = "; ".join(f"W{k}: {m}x{n}; b{k}: {n}" for k, (m, n) in pairs)
    h = "X"
    for k in range(1, len(sizes)):
        layer = f"{h}@W{k} + b{k}"
        h = layer if k == len(sizes) - 1 else f"{activation}({layer})"
    score = f"flat({h})" if sizes[-1] == 1 else h
    return f"{declarations}\nscore = {score}\n{LOSSES[loss]}"
