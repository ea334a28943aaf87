"""Descent controls: which optimizers race, their learning rates and hyperparameters (torch's
names), steps and tolerance, how to add start points, and 2/λ_max beside the learning rate."""

from __future__ import annotations

import math

from PySide6 import QtCore, QtGui, QtWidgets

from gradviz.calculus.local import local_model
from gradviz.descent.optimizers import HYPER_SPECS, OPTIMIZERS
from gradviz.gui.widgets.format import num
from gradviz.gui.widgets.styles import style_icon
from gradviz.gui.widgets.theme import current, muted_css, on_change
from gradviz.model import limits
from gradviz.model.descent_state import METHODS
from gradviz.model.scene import Scene

HYPER_LABELS = {name: (s.symbol, s.lo, s.hi, s.decimals) for name, s in HYPER_SPECS.items()}
LR_MIN, LR_MAX = limits.LR


class SciSpinBox(QtWidgets.QDoubleSpinBox):
    """A spin box that shows small numbers compactly (1e-08), steps by factors of 10."""

    def __init__(self, lo: float, hi: float) -> None:
        super().__init__()
        self.setDecimals(15)
        self.setRange(lo, hi)
        self.setMinimumWidth(84)

    def textFromValue(self, value: float) -> str:  # noqa: N802 (Qt API)
        return f"{value:.3g}"

    def valueFromText(self, text: str) -> float:  # noqa: N802 (Qt API)
        try:
            return float(text)
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int) -> object:
        try:
            float(text)
            return QtGui.QValidator.State.Acceptable, text, pos
        except ValueError:
            return QtGui.QValidator.State.Intermediate, text, pos

    def stepBy(self, steps: int) -> None:  # noqa: N802 (Qt API)
        v = self.value()
        self.setValue(v * 10.0 ** steps if v > 0 else 10.0 ** (steps - 9))


class LogSlider(QtWidgets.QSlider):
    """A horizontal slider over a log scale; value() in slider units, lr() in real units."""

    def __init__(self) -> None:
        super().__init__(QtCore.Qt.Orientation.Horizontal)
        self.setRange(round(100 * math.log10(LR_MIN)), round(100 * math.log10(LR_MAX)))
        self.setMinimumWidth(90)

    def set_lr(self, lr: float) -> None:
        self.setValue(round(100 * math.log10(max(LR_MIN, min(LR_MAX, lr)))))

    def lr(self) -> float:
        return float(f"{10 ** (self.value() / 100):.3g}")


class DescentPanel(QtWidgets.QWidget):
    def __init__(self, scene: Scene, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.scene = scene
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        hint = QtWidgets.QLabel("<b>Start points</b>: Shift+click the contour map (or turn on <i>Add start "
                                "points</i>) to add one; drag one to move it, in the contour map or on the "
                                "3D surface; right-click it to delete.")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        row = QtWidgets.QHBoxLayout()
        self.add_mode = QtWidgets.QPushButton("Add start points")
        self.add_mode.setCheckable(True)
        self.add_mode.setToolTip("While on, every click on the contour map adds a start point")
        self.clear = QtWidgets.QPushButton("Clear start points")
        self.clear.clicked.connect(lambda: self.scene.descent.set_starts([]))
        row.addWidget(self.add_mode)
        row.addWidget(self.clear)
        layout.addLayout(row)

        box = QtWidgets.QGroupBox("Optimizers (PyTorch's update rules and defaults)")
        grid = QtWidgets.QGridLayout(box)
        grid.setHorizontalSpacing(6)
        grid.addWidget(QtWidgets.QLabel("learning rate η"), 0, 1, 1, 2)
        self.enabled: dict[str, QtWidgets.QCheckBox] = {}
        self.sliders: dict[str, LogSlider] = {}
        self.lrs: dict[str, QtWidgets.QDoubleSpinBox] = {}
        self.hyper: dict[tuple[str, str], QtWidgets.QDoubleSpinBox] = {}
        for k, m in enumerate(METHODS):
            r = 1 + 2 * k
            opt = OPTIMIZERS[m]
            check = QtWidgets.QCheckBox(opt.label)
            check.setIcon(style_icon(m))
            check.setToolTip(f"{opt.label}: {opt.note}")
            check.toggled.connect(lambda on, m=m: self.scene.descent.set_method(m, enabled=on))
            grid.addWidget(check, r, 0)
            self.enabled[m] = check
            if OPTIMIZERS[m].uses_lr:
                slider = LogSlider()
                slider.setToolTip("Learning rate on a log scale")
                spin = SciSpinBox(LR_MIN, LR_MAX)
                spin.setKeyboardTracking(False)
                spin.setToolTip("Learning rate η (arrows step by ×10)")
                slider.valueChanged.connect(lambda _, m=m, s=slider: self.scene.descent.set_method(m, lr=s.lr()))
                spin.valueChanged.connect(lambda v, m=m: self.scene.descent.set_method(m, lr=v))
                grid.addWidget(slider, r, 1)
                grid.addWidget(spin, r, 2)
                self.sliders[m], self.lrs[m] = slider, spin
            else:
                note = QtWidgets.QLabel("steps by H⁻¹∇f, no η")
                note.setToolTip(opt.note)
                grid.addWidget(note, r, 1, 1, 2)
            extras = QtWidgets.QHBoxLayout()
            extras.setContentsMargins(22, 0, 0, 4)
            for name in opt.hyper:
                label, lo, hi, decimals = HYPER_LABELS[name]
                if name in ("eps", "min_curvature"):
                    spin = SciSpinBox(lo, hi)
                else:
                    spin = QtWidgets.QDoubleSpinBox()
                    spin.setRange(lo, hi)
                    spin.setDecimals(decimals)
                    spin.setSingleStep(10 ** -min(decimals, 2))
                spin.setKeyboardTracking(False)
                spin.setMinimumWidth(84)
                spin.setToolTip(f"{opt.label}: {name} ({opt.note})")
                spin.valueChanged.connect(lambda v, m=m, n=name: self.scene.descent.set_method(m, **{n: v}))
                extras.addWidget(QtWidgets.QLabel(label))
                extras.addWidget(spin)
                self.hyper[(m, name)] = spin
            extras.addStretch(1)
            if opt.hyper:
                grid.addLayout(extras, r + 1, 0, 1, 3)
        layout.addWidget(box)
        safeguard = QtWidgets.QLabel("Newton's safeguard: where H is not positive definite, its eigenvalues are "
                                     "replaced by their absolute values (at least min |λ|), so the step still "
                                     "goes downhill instead of towards a saddle or a maximum.")
        safeguard.setWordWrap(True)
        safeguard.setStyleSheet(muted_css())
        on_change(lambda theme, w=safeguard: w.setStyleSheet(muted_css()), safeguard)
        layout.addWidget(safeguard)

        run = QtWidgets.QHBoxLayout()
        self.steps = QtWidgets.QSpinBox()
        self.steps.setRange(*limits.STEPS)
        self.steps.setKeyboardTracking(False)
        self.steps.setToolTip("Updates per run")
        self.tol = SciSpinBox(0.0, 1e3)
        self.tol.setKeyboardTracking(False)
        self.tol.setToolTip("A run stops when |∇f| ≤ this tolerance (0: run every step)")
        run.addWidget(QtWidgets.QLabel("steps"))
        run.addWidget(self.steps)
        run.addWidget(QtWidgets.QLabel("stop at |∇f| ≤"))
        run.addWidget(self.tol)
        layout.addLayout(run)
        self.steps.valueChanged.connect(lambda n: self.scene.descent.set_run(steps=n))
        self.tol.valueChanged.connect(lambda t: self.scene.descent.set_run(tol=t))
        self.stability = QtWidgets.QLabel()
        self.stability.setWordWrap(True)
        self.stability.setTextFormat(QtCore.Qt.TextFormat.RichText)
        self.stability.setToolTip("Plain gradient descent on the local quadratic model is stable only for "
                                  "η < 2/λ_max, where λ_max is the Hessian's largest eigenvalue")
        layout.addWidget(self.stability)
        layout.addStretch(1)
        d = scene.descent
        d.settings_changed.connect(lambda m: self.sync())
        d.playback_changed.connect(lambda s: self.show_stability())
        scene.probe_changed.connect(lambda p: self.show_stability())
        scene.function_changed.connect(lambda fn: self.show_stability())
        self.sync()

    def sync(self) -> None:
        d = self.scene.descent
        widgets: list[tuple[QtWidgets.QWidget, object]] = [(self.steps, d.steps), (self.tol, d.tol)]
        for m, s in d.methods.items():
            widgets.append((self.enabled[m], s.enabled))
            if m in self.lrs:
                widgets.append((self.lrs[m], s.lr))
                widgets.append((self.sliders[m], s.lr))
            for name, value in s.hyper:
                widgets.append((self.hyper[(m, name)], value))
        for w, value in widgets:
            w.blockSignals(True)
            if isinstance(w, QtWidgets.QCheckBox):
                w.setChecked(bool(value))
            elif isinstance(w, LogSlider):
                w.set_lr(float(value))
            else:
                w.setValue(value)
            w.blockSignals(False)
        self.show_stability()

    def show_stability(self) -> None:
        """2/λ_max at the probe, or at the playback iterate of the first run, beside GD's η."""
        d = self.scene.descent
        runs = d.trajectories() if d.playback is not None else []  # the paths only when one is played back
        where = "the probe"
        m = self.scene.local()
        if runs:
            p, method, traj = runs[0]
            k = min(d.playback, len(traj.points) - 1)
            x, y = traj.points[k]
            if math.isfinite(x) and math.isfinite(y):
                m = local_model(self.scene.function, x, y)
                where = f"step {k} of {OPTIMIZERS[method].label} from start {p.key + 1}"
        rate = m.stable_learning_rate()
        lr = d.methods["gd"].lr
        if math.isinf(rate):
            self.stability.setText(f"At {where}: H has no positive eigenvalue, so no learning rate makes plain "
                                   "gradient descent diverge on the local quadratic (2/λ<sub>max</sub> = ∞).")
            return
        elif lr < rate:
            verdict = f"<span style='color:{current().ok}'>GD's η = {num(lr, 3)} is below it: stable here</span>"
        else:
            verdict = (f"<span style='color:{current().error}'>GD's η = {num(lr, 3)} is above it: GD diverges "
                       "here</span>")
        self.stability.setText(f"At {where}: 2/λ<sub>max</sub> = {num(rate, 4)}. {verdict}")
