"""What the network tab's views draw, made off the GUI thread where the run advances: a `Snapshot` of the run's
curves, and the model at one of its records (its output over the inputs, its weights, their gradient norms)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from gradviz.network import Network, Trainer

OUTPUT_GRID = 70  # samples per side of the model's output over the input plane


@dataclass(frozen=True)
class Snapshot:
    """The views' data: the records so far as arrays (full-batch `losses` at `steps`, each step's batch loss, the
    held-out loss at each record or an empty array, the curvature), and the model at step `shown_step` (`grid`:
    (xs, ys, values) for two inputs, (xs, values) for one; its weights and gradient norms)."""

    step: int
    steps: np.ndarray
    losses: np.ndarray
    batch_steps: np.ndarray
    batch_losses: np.ndarray
    held_out_losses: np.ndarray
    curvature: dict[str, np.ndarray]
    status: str
    message: str
    shown_step: int
    grid: tuple[np.ndarray, ...]
    weights: dict[str, np.ndarray]
    grad_norms: dict[str, float]


def snapshot(trainer: Trainer) -> Snapshot:
    """The run so far, and the model at its latest step (computed where the trainer runs)."""
    trainer.fill_losses()  # with mini-batches, the full-batch loss of each record (one forward pass each)
    return Snapshot(trainer.t, np.array(trainer.steps, dtype=int), np.array(trainer.losses, dtype=float),
                    np.arange(1, len(trainer.batch_losses) + 1), np.array(trainer.batch_losses),
                    np.array(trainer.held_out_losses), trainer.curvature.arrays(), trainer.status, trainer.message,
                    trainer.t, *model_at(trainer.net, trainer.x.copy()))


def at_record(latest: Snapshot, net: Network, theta: np.ndarray, step: int) -> Snapshot:
    """`latest`'s curves with the model shown at an earlier record (step `step`, weights `theta`)."""
    grid, weights, norms = model_at(net, theta)
    return replace(latest, shown_step=int(step), grid=grid, weights=weights, grad_norms=norms)


def model_at(net: Network, theta: np.ndarray) -> tuple[tuple[np.ndarray, ...], dict[str, np.ndarray], dict[str, float]]:
    """(output grid, weights by name, gradient norm by name) at θ."""
    grads = net.unflatten(net.grad(theta))
    return (output_grid(net, theta), {k: v.copy() for k, v in net.unflatten(theta).items()},
            {k: float(np.linalg.norm(g)) for k, g in grads.items()})


def output_grid(net: Network, theta: np.ndarray) -> tuple[np.ndarray, ...]:
    """The model's `score` over the data's input range: (xs, ys, values[len(xs), len(ys)]) for two inputs, with
    the winning class for several outputs; (xs, values) for one input; () otherwise."""
    x = net.data.get("X")
    if x is None or "score" not in net.definitions or x.ndim != 2 or x.shape[1] not in (1, 2):
        return ()
    lo, hi = x.min(axis=0), x.max(axis=0)
    pad = 0.1 * (hi - lo) + 1e-9
    axes = [np.linspace(a - p, b + p, OUTPUT_GRID) for a, b, p in zip(lo, hi, pad, strict=True)]
    if x.shape[1] == 1:
        return axes[0], np.asarray(net.output("score", theta, {"X": axes[0][:, None]}))
    gx, gy = np.meshgrid(axes[0], axes[1], indexing="ij")
    values = np.asarray(net.output("score", theta, {"X": np.column_stack([gx.ravel(), gy.ravel()])}))
    if values.ndim == 2:
        values = np.argmax(values, axis=1).astype(float)
    return axes[0], axes[1], values.reshape(gx.shape)
