"""A chunk of training steps reports how far it has got, also inside a Newton step's dense Hessian, and stops when
cancelled with every step it took kept: going on afterwards gives the run of an uncancelled trainer, bit for bit."""

import numpy as np
import pytest

import gradviz
from gradviz.model.jobs import Progress
from gradviz.network import Trainer, parse_model

RNG = np.random.default_rng(5)
X = RNG.normal(size=(60, 2))
T = np.sin(X[:, 0]) + 0.5 * X[:, 1]


@pytest.fixture(scope="module")
def net():
    return parse_model(gradviz.mlp([2, 6, 1], "tanh", "mse"), {"X": X, "t": T})


class CancelAfter(Progress):
    """A job's progress that the 'window' cancels after `writes` updates of its fraction, recording each."""

    def __init__(self, writes: int) -> None:
        super().__init__()
        self.writes, self.seen = writes, []

    @property
    def fraction(self) -> float:
        return self.seen[-1] if self.seen else 0.0

    @fraction.setter
    def fraction(self, value: float) -> None:
        self.seen = [*getattr(self, "seen", []), value]
        if len(self.seen) >= getattr(self, "writes", 10**9):
            self.cancel()


def trainer(net, method, batch):
    hyper = {"damping": 0.5} if method == "newton" else {}
    return Trainer(net, net.init(3), method, lr=0.3 if method == "newton" else 0.02, steps=12, batch_size=batch,
                   seed=4, curvature_every=4, **hyper)


@pytest.mark.parametrize(("method", "batch", "writes"), [
    ("newton", 20, 40),  # cancelled inside the dense Hessian of step 2 (25 weights: a report per product)
    ("adam", 16, 3),  # cancelled between steps
])
def test_a_cancelled_chunk_keeps_its_steps_and_the_run_goes_on_exactly(net, method, batch, writes):
    whole = trainer(net, method, batch)
    whole.advance(12)
    cut = trainer(net, method, batch)
    progress = CancelAfter(writes)
    taken = cut.advance(12, progress)
    assert progress.cancelled and 0 < taken < 12 and cut.t == taken
    assert cut.steps[-1] == taken and len(cut.thetas) == taken + 1
    np.testing.assert_array_equal(cut.x, whole.thetas[taken])  # the weights of the last step taken
    assert progress.seen == sorted(progress.seen) and taken / 12 <= progress.seen[-1] < (taken + 1) / 12
    cut.advance(12)  # Train again: the rest of the run
    a, b = whole.run(), cut.run()
    np.testing.assert_array_equal(b.thetas, a.thetas)
    np.testing.assert_array_equal(b.batch_losses, a.batch_losses)
    np.testing.assert_array_equal(b.curvature.eigenvalues, a.curvature.eigenvalues)


def test_an_uncancelled_chunk_reports_up_to_whole(net):
    t = trainer(net, "newton", None)
    seen = []

    class Watch(Progress):
        def __setattr__(self, name, value):
            if name == "fraction":
                seen.append(value)
            super().__setattr__(name, value)

    progress = Watch()
    assert t.advance(3, progress) == 3
    assert seen[-1] == pytest.approx(1.0) and seen == sorted(seen)
    assert len(seen) > 3 * 10  # steps and, within each Newton step, its Hessian's products


def test_the_dense_hessian_reports_and_can_be_stopped(net):
    theta = net.init(1)
    fractions = []
    h = net.hessian(theta, report=fractions.append)
    eye = np.eye(net.size)
    np.testing.assert_allclose(h, 0.5 * (np.array([net.hvp(theta, e) for e in eye]) + np.array(
        [net.hvp(theta, e) for e in eye]).T), rtol=1e-12, atol=1e-12)
    assert fractions[-1] == 1.0 and fractions == sorted(fractions) and len(fractions) >= 10

    def stop(fraction):
        if fraction > 0.3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        net.hessian(theta, report=stop)
