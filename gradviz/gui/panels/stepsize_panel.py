"""Curvature and step size at the probe: each Hessian eigen-direction's contraction factor under
gradient descent with its verdict, the fastest stable η, and momentum's convergence rate over
(η, μ) as a phase diagram. Clicking the diagram sets momentum's η and μ, and the paths redraw."""

from __future__ import annotations

import html
import math

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from gradviz.descent.insight import contraction_factors, fastest_stable_lr, momentum_rate, phase_diagram
from gradviz.descent.optimizers import OPTIMIZERS
from gradviz.gui.widgets.format import num
from gradviz.gui.widgets.lazy import show_event_refreshing, when_visible
from gradviz.gui.widgets.theme import current, on_change, style_axis, style_plot
from gradviz.model.scene import Scene

LR_CELLS, MU_CELLS = 140, 100
MU_MAX = 0.995
RATE_MAX = 1.2  # colours saturate here: everything above 1 diverges anyway


@show_event_refreshing
class StepSizePanel(QtWidgets.QWidget):
    def __init__(self, scene: Scene, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.scene = scene
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        self.text = QtWidgets.QLabel()
        self.text.setTextFormat(QtCore.Qt.TextFormat.RichText)
        self.text.setWordWrap(True)
        self.text.setAlignment(QtCore.Qt.AlignmentFlag.AlignTop)
        self.text.setMinimumWidth(300)
        layout.addWidget(self.text, 2)
        self.diagram = pg.PlotWidget()
        style_plot(self.diagram)
        plot = self.diagram.getPlotItem()
        plot.setLabel("bottom", "log₁₀ η (momentum's learning rate)")
        plot.setLabel("left", "μ (momentum)")
        plot.setTitle("Momentum's rate on the local quadratic (dashed: its limit η = (2 + 2μ)/λmax; pale: diverges)",
                      size="9pt")
        for side in ("bottom", "left"):
            plot.getAxis(side).enableAutoSIPrefix(False)
        self.image = pg.ImageItem(axisOrder="col-major")
        self.image.setToolTip("Each cell: the spectral radius of momentum's iteration on the quadratic model at "
                              "the probe, the largest over the Hessian's eigenvalues. Below 1 momentum converges, "
                              "that much closer per step; above 1 it diverges. Click to use that η and μ.")
        plot.addItem(self.image)
        self.colorbar = pg.ColorBarItem(values=(0, RATE_MAX), colorMap=pg.colormap.get("magma"), interactive=False,
                                        label="rate per step", width=12)
        self.colorbar.setImageItem(self.image, insert_in=plot)
        style_axis(self.colorbar.axis, self)
        self.boundary = pg.PlotCurveItem(pen=pg.mkPen("#00e5ff", width=2.0, style=QtCore.Qt.PenStyle.DashLine),
                                         connect="finite")
        self.boundary.setToolTip("Rate 1: the edge between converging (left, below) and diverging")
        plot.addItem(self.boundary)
        self.current = pg.ScatterPlotItem(size=14, symbol="o", pen=pg.mkPen("#00e5ff", width=2.5), brush=None)
        self.current.setToolTip("Momentum's current η and μ")
        plot.addItem(self.current)
        layout.addWidget(self.diagram, 3)
        self.extent: tuple[float, float] | None = None  # (log10 η low, high)
        self.diagram.scene().sigMouseClicked.connect(self._clicked)
        scene.probe_changed.connect(lambda p: self.refresh())
        scene.function_changed.connect(lambda fn: self.refresh())
        scene.descent.settings_changed.connect(lambda m: self.refresh())
        on_change(lambda theme: self.refresh(), self)

    @when_visible
    def refresh(self) -> None:
        m = self.scene.local()
        lams = np.array(m.eigen()[0], dtype=float)
        d = self.scene.descent
        gd_lr = d.methods["gd"].lr
        self.text.setText(self._contraction_text(lams, gd_lr) + self._limits_text(lams))
        self._draw_diagram(lams, d.methods["momentum"].lr, d.methods["momentum"].hyper_dict["momentum"])

    @staticmethod
    def _contraction_text(lams: np.ndarray, lr: float) -> str:
        if not np.isfinite(lams).all():
            return "f is not defined at the probe: there is no quadratic model here."
        rows = []
        for k, c in enumerate(contraction_factors(lams, lr), start=1):
            theme = current()
            colour = {"converges": theme.ok, "oscillates": theme.warn, "stalls": theme.muted, "diverges": theme.error}
            rows.append(f"<tr><td>λ{'₁₂'[k - 1]} = {num(c.eigenvalue, 4)}</td><td>|1 − ηλ| = {num(c.factor, 4)}</td>"
                        f"<td style='color:{colour[c.verdict]}'><b>{c.verdict}</b></td></tr>")
        top = float(lams.max())
        stable = f"2/λmax = {num(2 / top, 4)}" if top > 0 else "no step size is stable (no positive curvature)"
        best, rate = fastest_stable_lr(lams)
        fastest = (f"the fastest η is 2/(λ₁ + λ₂) = {num(best, 4)}, which shrinks the error by {num(rate, 3)} per step"
                   if math.isfinite(best) else "H is not positive definite here: no η converges in every direction")
        return (f"<b>Gradient descent at the probe</b>, η = {num(lr, 4)} (the Descent tab's setting): along each "
                f"Hessian eigen-direction the error is multiplied by 1 − ηλ per step.<table cellspacing='6'>"
                f"{''.join(rows)}</table>Stable while η &lt; {html.escape(stable)}; {fastest}.")

    def _limits_text(self, lams: np.ndarray) -> str:
        """Each enabled method's largest stable η at the probe, from its registry entry (a paragraph)."""
        if not np.isfinite(lams).all() or not float(lams.max()) > 0:
            return ""
        top = float(lams.max())
        d = self.scene.descent
        rows, free = [], []
        for m in d.enabled_methods:
            opt, s = OPTIMIZERS[m], d.methods[m]
            if opt.limit is None:
                free.append(opt.label)
                continue
            best = opt.limit.lr(top, s.hyper_dict)
            verdict = "stable" if s.lr < best else "<b>unstable</b>"
            formula = html.escape(opt.limit.formula.replace("η", "λmax"))
            rows.append(f"<tr><td>{html.escape(opt.label)}</td><td>η &lt; {formula} = {num(best, 4)}</td>"
                        f"<td>η = {num(s.lr, 4)}: {verdict}</td></tr>")
        text = (f"<p><b>Each method's stability limit</b> on this quadratic (λmax = {num(top, 4)}): a method that "
                f"keeps λmax below its limit converges.<table cellspacing='6'>{''.join(rows)}</table>")
        if free:
            text += f"{html.escape(', '.join(free))}: no fixed limit (their step adapts to the gradient's size)."
        return text + "</p>"

    def _draw_diagram(self, lams: np.ndarray, lr: float, mu: float) -> None:
        top = float(np.nanmax(lams)) if np.isfinite(lams).any() else math.nan
        if not (top > 0 and math.isfinite(top)):
            self.image.clear()
            self.boundary.setData([], [])
            self.current.setData([], [])
            self.extent = None
            return
        lo, hi = math.log10(1e-3 / top), math.log10(4.0 / top)
        self.extent = (lo, hi)
        log_lrs = np.linspace(lo, hi, LR_CELLS)
        mus = np.linspace(0.0, MU_MAX, MU_CELLS)
        rates = phase_diagram(lams, 10.0 ** log_lrs, mus)
        best = float(np.nanmin(rates))
        low = min(best, 0.999)  # colours span the rates that occur, so slow regions still show their shape
        self.image.setImage(np.minimum(rates, RATE_MAX), levels=(low, 1.0 + 0.1 * (1.0 - low)))
        self.colorbar.setLevels((low, 1.0 + 0.1 * (1.0 - low)))
        self.image.setRect(QtCore.QRectF(lo, 0.0, hi - lo, MU_MAX))
        # the edge of stability from the registry: η = (2 + 2μ)/λmax for heavy-ball momentum
        limit = OPTIMIZERS["momentum"].limit
        edge_mus = np.linspace(0.0, MU_MAX, MU_CELLS)
        edge = np.log10([limit.lr(top, {"momentum": mu}) for mu in edge_mus])
        inside = (edge >= lo) & (edge <= hi)
        self.boundary.setData(edge[inside], edge_mus[inside])
        self.boundary.setToolTip(f"The stability limit {limit.formula} = λmax: left of it momentum converges along "
                                 "the sharpest direction, right of it it diverges")
        x = math.log10(lr)
        self.current.setData([x], [mu])
        rate = float(momentum_rate(lr, mu, lams))
        self.current.setToolTip(f"Momentum now: η = {num(lr, 4)}, μ = {num(mu, 3)}, rate {num(rate, 4)} per step")
        self.diagram.getPlotItem().setRange(xRange=(lo, hi), yRange=(0.0, MU_MAX), padding=0.0)

    def _clicked(self, event: object) -> None:
        if self.extent is None:
            return
        vb = self.diagram.getPlotItem().getViewBox()
        p = vb.mapSceneToView(event.scenePos())
        lo, hi = self.extent
        if not (lo <= p.x() <= hi and 0.0 <= p.y() <= MU_MAX):
            return
        self.set_momentum(10.0 ** p.x(), p.y())

    def set_momentum(self, lr: float, mu: float) -> None:
        """Use η and μ for momentum (switched on): what a click on the diagram does."""
        self.scene.descent.set_method("momentum", enabled=True, lr=float(lr), momentum=round(float(mu), 3))
