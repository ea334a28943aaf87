"""Light and dark: gradviz follows the system's colour scheme (Qt 6 reports it), or View → Theme
overrides it. Every view, label and exported figure takes its colours from the current `Theme`;
widgets that draw with them register here and are restyled when the theme changes."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass

import pyqtgraph as pg
import shiboken6
from PySide6 import QtCore, QtGui, QtWidgets

CHOICES = ("system", "light", "dark")


@dataclass(frozen=True)
class Theme:
    name: str
    dark: bool
    plot_bg: str  # 2D plots
    plot_fg: str  # their axes, ticks and titles
    muted: str  # secondary text
    legend_bg: tuple[int, int, int, int]
    legend_edge: str
    graph_bg: str  # the backprop graph's canvas
    graph_edge: str
    gl_bg: str  # the 3D view
    gl_text: tuple[int, int, int]
    gl_muted: tuple[int, int, int]
    error: str  # text that says something is wrong (an error, "diverges", "wrong")
    ok: str  # text that says all is well ("converges", "correct")
    warn: str  # text between the two ("oscillates")


LIGHT = Theme("light", False, "#ffffff", "#202020", "#555555", (255, 255, 255, 225), "#999999", "#ffffff", "#666666",
              "#e9ecf1", (25, 28, 34), (90, 96, 108), "#b03a2e", "#1e7b34", "#b8860b")
DARK = Theme("dark", True, "#1e2025", "#e4e6ea", "#a9aeb8", (40, 43, 50, 225), "#6b7280", "#1e2025", "#9aa0aa",
             "#1d2127", (225, 225, 230), (170, 175, 185), "#ff7b6b", "#6fd38a", "#f0c040")

# Colours that mean the same in both themes: the probe and the probe's overlays (tangent plane, quadratic model,
# steepest descent, the Hessian's eigen-directions). RGB in [0, 1] for OpenGL; `rgb_hex` for the 2D views.
PROBE_COLOR = "#e6550d"
TANGENT_COLOR = (1.0, 0.55, 0.10)
QUADRATIC_COLOR = (0.15, 0.80, 1.0)
DESCENT_COLOR = (0.95, 0.15, 0.15)
EIGEN_COLORS = ((1.0, 1.0, 1.0), (0.95, 0.35, 0.95))


def rgb_hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(c * 255):02x}" for c in rgb)


class _Themes(QtCore.QObject):
    changed = QtCore.Signal(object)  # the new Theme

    def __init__(self) -> None:
        super().__init__()
        self.choice = "system"
        self.theme = LIGHT
        self._plots: weakref.WeakSet = weakref.WeakSet()
        self._hooks: list[weakref.WeakMethod | Callable] = []


_themes: _Themes | None = None


def themes() -> _Themes:
    global _themes
    if _themes is None:
        _themes = _Themes()
    return _themes


def current() -> Theme:
    return themes().theme


def system_is_dark() -> bool:
    app = QtGui.QGuiApplication.instance()
    if app is None:
        return False
    scheme = app.styleHints().colorScheme()
    if scheme == QtCore.Qt.ColorScheme.Unknown:  # no answer: judge the platform palette's window colour
        return app.palette().color(QtGui.QPalette.ColorRole.Window).lightness() < 128
    return scheme == QtCore.Qt.ColorScheme.Dark


def _palette(dark: bool) -> QtGui.QPalette:
    if not dark:
        return QtWidgets.QStyleFactory.create("Fusion").standardPalette()
    p = QtGui.QPalette()
    c = QtGui.QColor
    roles = QtGui.QPalette.ColorRole
    for role, colour in ((roles.Window, c(37, 39, 44)), (roles.WindowText, c(228, 230, 234)),
                         (roles.Base, c(28, 30, 34)), (roles.AlternateBase, c(44, 47, 53)),
                         (roles.Text, c(228, 230, 234)), (roles.Button, c(48, 51, 57)),
                         (roles.ButtonText, c(228, 230, 234)), (roles.ToolTipBase, c(48, 51, 57)),
                         (roles.ToolTipText, c(228, 230, 234)), (roles.Highlight, c(42, 130, 218)),
                         (roles.HighlightedText, c(255, 255, 255)), (roles.PlaceholderText, c(150, 155, 165)),
                         (roles.Link, c(110, 170, 255)), (roles.Mid, c(70, 74, 82)), (roles.Dark, c(20, 21, 24))):
        p.setColor(role, colour)
    p.setColor(QtGui.QPalette.ColorGroup.Disabled, roles.Text, c(120, 124, 132))
    p.setColor(QtGui.QPalette.ColorGroup.Disabled, roles.WindowText, c(120, 124, 132))
    p.setColor(QtGui.QPalette.ColorGroup.Disabled, roles.ButtonText, c(120, 124, 132))
    return p


def choose(choice: str) -> Theme:
    """Use "system", "light" or "dark"; restyle everything that registered; returns the theme."""
    if choice not in CHOICES:
        raise ValueError(f"theme must be one of {', '.join(CHOICES)}, not {choice!r}")
    t = themes()
    t.choice = choice
    dark = system_is_dark() if choice == "system" else choice == "dark"
    theme = DARK if dark else LIGHT
    app = QtWidgets.QApplication.instance()
    if app is not None and choice != "system":
        app.setStyle("Fusion")  # the palette below is honoured the same way on every platform
        app.setPalette(_palette(dark))
    elif app is not None:
        app.setPalette(QtGui.QPalette())  # the platform's own
    pg.setConfigOptions(background=theme.plot_bg, foreground=theme.plot_fg)
    t.theme = theme
    for plot in list(t._plots):
        if shiboken6.isValid(plot) and plot.getPlotItem() is not None:  # a closed PlotWidget drops its item
            style_plot(plot)
        else:
            t._plots.discard(plot)
    t.changed.emit(theme)
    return theme


def style_plot(widget: pg.PlotWidget) -> None:
    """Background, axes and title of a pyqtgraph plot in the current theme (and again when it changes)."""
    theme = current()
    themes()._plots.add(widget)
    widget.setBackground(theme.plot_bg)
    item = widget.getPlotItem()
    for name in ("left", "bottom", "right", "top"):
        axis = item.getAxis(name)
        axis.setPen(pg.mkPen(theme.plot_fg))
        axis.setTextPen(pg.mkPen(theme.plot_fg))
        if axis.label is not None:
            axis.label.setDefaultTextColor(QtGui.QColor(theme.plot_fg))
    if item.titleLabel is not None and item.titleLabel.text:
        item.titleLabel.setText(item.titleLabel.text, color=theme.plot_fg)


def style_axis(axis: pg.AxisItem, owner: QtCore.QObject) -> None:
    """An axis outside a plot's frame (a colour bar's) in the theme's colours, now and on every change."""
    def apply(theme: Theme) -> None:
        axis.setPen(pg.mkPen(theme.plot_fg))
        axis.setTextPen(pg.mkPen(theme.plot_fg))
        if axis.label is not None:
            axis.label.setDefaultTextColor(QtGui.QColor(theme.plot_fg))
    apply(current())
    on_change(apply, owner)


def ui_font(point_size: float, bold: bool = False) -> QtGui.QFont:
    """The application's own font at a size (no font name that a platform might lack)."""
    font = QtGui.QFont(QtWidgets.QApplication.font())
    font.setPointSizeF(point_size)
    font.setBold(bold)
    return font


def labelled_plot(widget: pg.PlotWidget, bottom: str, left: str) -> pg.PlotItem:
    """Style `widget` with the theme and give it axis labels and a light grid, without SI prefixes."""
    style_plot(widget)
    plot = widget.getPlotItem()
    plot.setLabel("bottom", bottom)
    plot.setLabel("left", left)
    plot.showGrid(x=True, y=True, alpha=0.25)
    for side in ("bottom", "left"):
        plot.getAxis(side).enableAutoSIPrefix(False)
    return plot


def muted_css() -> str:
    return f"color: {current().muted}"


def error_css() -> str:
    return f"color: {current().error}"


def style_error_label(label: QtWidgets.QWidget) -> None:
    """Show `label`'s text in the theme's error colour, now and after every change of theme."""
    label.setStyleSheet(error_css())
    on_change(lambda theme: label.setStyleSheet(error_css()), label)


def on_change(callback: Callable[[Theme], object], owner: QtCore.QObject) -> None:
    """Call `callback(theme)` whenever the theme changes, while `owner` lives."""
    themes().changed.connect(callback)
    owner.destroyed.connect(lambda *_: _disconnect(callback))


def _disconnect(callback: Callable) -> None:
    try:
        themes().changed.disconnect(callback)
    except (RuntimeError, TypeError, SystemError):  # already gone at exit
        pass
