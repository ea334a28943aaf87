"""The probe's numbers: f, ∇f, |∇f|, the Hessian with its eigen-decomposition, the point's
classification, the directional derivative, and how good both Taylor models are."""

from __future__ import annotations

import math

from PySide6 import QtCore, QtWidgets

from gradviz.calculus.critical_kinds import CRITICAL_KINDS
from gradviz.gui.widgets import theme as palette
from gradviz.gui.widgets.format import num, vec
from gradviz.gui.widgets.theme import current, on_change
from gradviz.model.scene import Scene

KIND_TEXT = {**{k.name: k.meaning for k in CRITICAL_KINDS.values()},
             "regular": "not a critical point (∇f ≠ 0)", "undefined": "f is undefined here"}


class ReadoutPanel(QtWidgets.QLabel):
    """Rich-text readout, refreshed on every probe change (cheap: a few µs of math)."""

    def __init__(self, scene: Scene, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.scene = scene
        self.hover: tuple[float, float] | None = None
        self.setTextFormat(QtCore.Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self.setAlignment(QtCore.Qt.AlignmentFlag.AlignTop | QtCore.Qt.AlignmentFlag.AlignLeft)
        self.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setMinimumWidth(280)
        self.setToolTip("The local picture at the probe. Drag the probe in the contour view, or type it below.")
        scene.probe_changed.connect(lambda p: self.refresh())
        scene.function_changed.connect(lambda fn: self.refresh())
        scene.view_changed.connect(lambda names: self.refresh())
        on_change(lambda theme: self.refresh(), self)
        self.refresh()

    def set_hover(self, point: tuple[float, float] | None) -> None:
        """Where the mouse is, for the errors of the two Taylor models there."""
        self.hover = point
        self.refresh()

    @staticmethod
    def _stable_rate_text(rate: float) -> str:
        if math.isinf(rate):
            return "no limit here (H has no positive eigenvalue)"
        return f"{num(rate, 4)}: gradient descent with a larger step diverges on this quadratic"

    def refresh(self) -> None:
        m = self.scene.local()
        lams, vecs = m.eigen()
        v = self.scene.probe_direction()
        angle = self.scene.view.direction_angle
        dir_name = "−∇f/|∇f|" if angle is None else f"{num(angle, 4)}°"
        kind = m.kind()
        tangent = palette.rgb_hex(palette.TANGENT_COLOR)
        quad = palette.rgb_hex(palette.QUADRATIC_COLOR)
        u, v_name = self.scene.function.variables
        outside = not math.isfinite(m.f)
        rows = [
            (f"probe ({u}, {v_name})", vec(self.scene.probe)),
            ("f", "<b>undefined</b>: the probe is outside f's domain (no Taylor models here)" if outside
             else num(m.f, 7)),
            ("∇f", vec((m.fx, m.fy))),
            ("|∇f|", num(m.grad_norm)),
            ("H", f"[[{num(m.fxx)}, {num(m.fxy)}], [{num(m.fxy)}, {num(m.fyy)}]]"),
            ("eigenvalues", f"λ₁ = {num(lams[0])}, λ₂ = {num(lams[1])}"),
            ("eigenvectors", f"{vec(vecs[:, 0], 3)}, {vec(vecs[:, 1], 3)}"),
            ("this point", KIND_TEXT.get(kind, kind)),
            ("curvature", m.curvature_shape()),
            (f"slope along v = {dir_name}", f"v·∇f = {num(m.directional_derivative(v))}"),
            ("2/λ<sub>max</sub>", self._stable_rate_text(m.stable_learning_rate())),
        ]
        if self.hover is not None and m.finite:
            hx, hy = self.hover
            f_true = float(self.scene.function(hx, hy))
            e1 = f_true - float(m.tangent_plane(hx, hy))
            e2 = f_true - float(m.quadratic_model(hx, hy))
            d = math.hypot(hx - m.x, hy - m.y)
            rows.append(("at the mouse", f"{vec((hx, hy), 4)}, |d| = {num(d, 3)}"))
            rows.append((f"<span style='color:{tangent}'>■</span> tangent error", num(e1, 4)))
            rows.append((f"<span style='color:{quad}'>■</span> quadratic error", num(e2, 4)))
        muted = current().muted
        html = "<table cellspacing='2' cellpadding='1'>" + "".join(
            f"<tr><td style='color:{muted}'>{k}</td><td>&nbsp;{val}</td></tr>" for k, val in rows) + "</table>"
        self.setText(html)
