"""The main window: expression bar, linked 3D and contour views, slice, panels, menus and status bar."""

from __future__ import annotations

import math

from PySide6 import QtCore, QtGui, QtWidgets

from gradviz.expr.language import SYNTAX_HELP
from gradviz.gui.files.drops import SessionDrops
from gradviz.gui.files.file_actions import FileActions
from gradviz.gui.panels.backprop_panel import BackpropPanel
from gradviz.gui.panels.controls_panel import ControlsPanel
from gradviz.gui.panels.critical_panel import CriticalPanel
from gradviz.gui.panels.descent_panel import DescentPanel
from gradviz.gui.panels.expression_bar import ExpressionBar
from gradviz.gui.panels.narration import NarrationLabel
from gradviz.gui.panels.parameter_panel import ParameterPanel
from gradviz.gui.panels.playback_bar import PlaybackBar
from gradviz.gui.panels.readout_panel import ReadoutPanel
from gradviz.gui.panels.stepsize_panel import StepSizePanel
from gradviz.gui.tool_windows import ToolWindows
from gradviz.gui.undo_stack import SceneUndoStack, redo_keys
from gradviz.gui.views.contour_view import ContourView
from gradviz.gui.views.loss_view import LossView
from gradviz.gui.views.slice_view import SliceView
from gradviz.gui.views.surface_view import SurfaceView
from gradviz.gui.widgets import theme
from gradviz.gui.widgets.format import num
from gradviz.gui.widgets.theme import muted_css, on_change, ui_font
from gradviz.gui.widgets.work_status import WorkStatus
from gradviz.model.overlays import OVERLAYS
from gradviz.model.presets import PRESETS
from gradviz.model.scene import VIEW_FIELDS, Scene, ViewSettings
from gradviz.version import __version__

OVERLAY_KEYS = {o.name: o.shortcut for o in OVERLAYS}
REMEMBERED = (*(o.name for o in OVERLAYS if o.remembered), "field_sign", "field_density", "contour_count",
              "contour_spacing", "colormap")


class MainWindow(ToolWindows, SessionDrops, QtWidgets.QMainWindow):
    def __init__(self, scene: Scene | None = None, settings: QtCore.QSettings | None = None) -> None:
        super().__init__()
        self.scene = scene or Scene()
        self.settings = settings if settings is not None else QtCore.QSettings()
        self.setWindowTitle(f"gradviz {__version__}")
        self._restore_view_settings()
        saved_theme = str(self.settings.value("view/theme", "system"))
        theme.choose(saved_theme if saved_theme in theme.CHOICES else "system")

        self.expression_bar = ExpressionBar(self.scene)
        self.surface = SurfaceView(self.scene)
        self.contour = ContourView(self.scene)
        self.slice = SliceView(self.scene)
        views = QtWidgets.QSplitter(QtCore.Qt.Orientation.Horizontal)
        self.parameters = ParameterPanel(self.scene)
        self.view_titles: list[QtWidgets.QLabel] = []
        views.addWidget(self._titled(self.surface, "Surface z = f(x, y)  (drag to rotate, wheel to zoom)"))
        views.addWidget(self._titled(self.contour, "Contours, gradient field and probe  (drag the probe)"))
        views.setChildrenCollapsible(False)
        views.setSizes([600, 600])
        self.loss = LossView(self.scene)
        self.playback = PlaybackBar(self.scene)
        self.bottom_tabs = QtWidgets.QTabWidget()
        descent_page = QtWidgets.QWidget()
        descent_layout = QtWidgets.QVBoxLayout(descent_page)
        descent_layout.setContentsMargins(2, 2, 2, 2)
        descent_layout.addWidget(self.playback)
        self.narration = NarrationLabel(self.scene)
        descent_layout.addWidget(self.narration)
        descent_layout.addWidget(self.loss, 1)
        self.bottom_tabs.addTab(descent_page, "Descent: loss curves and results")
        self.bottom_tabs.addTab(self.slice, "Slice through the probe along v: f(w + εv) and its Taylor models")
        self.backprop = BackpropPanel(self.scene)
        self.bottom_tabs.addTab(self.backprop, "Backprop graph at the probe")
        self.stepsize = StepSizePanel(self.scene)
        self.bottom_tabs.addTab(self.stepsize, "Step size and curvature")
        self.bottom_tabs.currentChanged.connect(self._bottom_tab_changed)
        central = QtWidgets.QWidget()
        column = QtWidgets.QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.expression_bar)
        column.addWidget(self.parameters)
        column.addWidget(views, 1)
        self.setCentralWidget(central)
        # the analysis panels in a dock below the views: it can be resized, floated or moved
        self.analysis_dock = QtWidgets.QDockWidget("Descent · Slice · Backprop graph", self)
        self.analysis_dock.setObjectName("analysis_dock")
        self.analysis_dock.setWidget(self.bottom_tabs)
        self.addDockWidget(QtCore.Qt.DockWidgetArea.BottomDockWidgetArea, self.analysis_dock)
        self.setCorner(QtCore.Qt.Corner.BottomRightCorner, QtCore.Qt.DockWidgetArea.RightDockWidgetArea)

        self.readout = ReadoutPanel(self.scene)
        self.controls = ControlsPanel(self.scene)
        self.critical = CriticalPanel(self.scene)
        self.descent = DescentPanel(self.scene)
        self.descent.add_mode.toggled.connect(self._set_add_mode)
        tabs = QtWidgets.QTabWidget()
        for widget, title in ((self.controls, "View"), (self.descent, "Descent")):
            scroll = QtWidgets.QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setWidget(widget)
            tabs.addTab(scroll, title)
        tabs.addTab(self.critical, "Critical points")
        side = QtWidgets.QWidget()
        side_layout = QtWidgets.QVBoxLayout(side)
        side_layout.setContentsMargins(4, 4, 4, 4)
        side_layout.addWidget(self.readout)
        side_layout.addWidget(tabs, 1)
        self.dock = QtWidgets.QDockWidget("Probe", self)
        self.dock.setObjectName("probe_dock")
        self.dock.setWidget(side)
        self.addDockWidget(QtCore.Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.side_tabs = tabs

        self.files = FileActions(self)
        self.undo_stack = SceneUndoStack(self.scene, self)
        self.files.sessions.on_replaced = self.undo_stack.reset  # an opened session starts a new history
        self.hover_label = QtWidgets.QLabel()
        self.statusBar().addWidget(self.hover_label, 1)
        self.work = WorkStatus(self.scene, self)  # long work: its progress and Cancel
        self.statusBar().addPermanentWidget(self.work)
        self.surface.pointed.connect(self.show_hover)
        self.contour.pointed.connect(self.show_hover)
        self._build_menus()
        self.scene.view_changed.connect(self._view_changed)
        self.scene.critical_changed.connect(self._critical_changed)
        self.scene.function_changed.connect(lambda fn: self._name_variables())
        self._name_variables()
        screen = QtGui.QGuiApplication.primaryScreen()
        room = screen.availableGeometry() if screen is not None else QtCore.QRect(0, 0, 1500, 940)
        width, height = min(1500, int(0.95 * room.width())), min(940, int(0.92 * room.height()))
        self.resize(width, height)
        self.resizeDocks([self.analysis_dock], [int(0.32 * height)], QtCore.Qt.Orientation.Vertical)
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = self.settings.value("window/state")
        if state is not None:
            self.restoreState(state)
        self.show_hover(None)
        self.setAcceptDrops(True)

    def _titled(self, widget: QtWidgets.QWidget, title: str) -> QtWidgets.QWidget:
        box = QtWidgets.QWidget()
        layout = QtWidgets.QVBoxLayout(box)
        layout.setContentsMargins(2, 2, 2, 2)
        label = QtWidgets.QLabel(title)
        label.setProperty("template", title)
        self.view_titles.append(label)
        label.setStyleSheet(muted_css())
        label.setFont(ui_font(max(7.0, QtWidgets.QApplication.font().pointSizeF() - 1)))
        on_change(lambda theme, label=label: label.setStyleSheet(muted_css()), label)
        layout.addWidget(label)
        layout.addWidget(widget, 1)
        return box

    def set_theme(self, choice: str) -> None:
        """Light, dark, or the system's scheme (remembered)."""
        theme.choose(choice)
        self.settings.setValue("view/theme", choice)
        self.theme_actions[choice].setChecked(True)

    def _name_variables(self) -> None:
        """Titles and the status bar say f's own variable names (w, b for f(w, b))."""
        u, v = self.scene.function.variables
        if getattr(self, "_named", None) == (u, v):
            return
        self._named = (u, v)
        for label in self.view_titles:
            label.setText(label.property("template").replace("f(x, y)", f"f({u}, {v})"))

    # ----- menus -----
    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.files.build_menu(file_menu)
        quit_action = file_menu.addAction("&Quit")
        quit_action.setShortcut(QtGui.QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)

        edit_menu = bar.addMenu("&Edit")
        undo = self.undo_stack.stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QtGui.QKeySequence.StandardKey.Undo)
        redo = self.undo_stack.stack.createRedoAction(self, "&Redo")
        redo.setShortcuts(redo_keys())
        edit_menu.addAction(undo)
        edit_menu.addAction(redo)
        self.undo_action, self.redo_action = undo, redo

        view_menu = bar.addMenu("&View")
        self.overlay_actions: dict[str, QtGui.QAction] = {}
        for o in OVERLAYS:
            action = view_menu.addAction(o.label)
            action.setCheckable(True)
            action.setChecked(bool(getattr(self.scene.view, o.name)))
            action.setShortcut(QtGui.QKeySequence(o.shortcut))
            action.setToolTip(o.tip)
            action.setStatusTip(o.tip)
            action.toggled.connect(lambda on, n=o.name: self.scene.set_view(**{n: on}))
            self.overlay_actions[o.name] = action
        view_menu.addSeparator()
        fit = view_menu.addAction("&Fit view")
        fit.setShortcut(QtGui.QKeySequence("F"))
        fit.triggered.connect(self.fit_view)
        log_action = view_menu.addAction("&Log-spaced contours")
        log_action.setCheckable(True)
        log_action.setShortcut(QtGui.QKeySequence("L"))
        log_action.setChecked(self.scene.view.contour_spacing == "log")
        log_action.toggled.connect(lambda on: self.scene.set_view(contour_spacing="log" if on else "auto"))
        self.log_action = log_action
        view_menu.addSeparator()
        theme_menu = view_menu.addMenu("T&heme")
        group = QtGui.QActionGroup(self)
        self.theme_actions: dict[str, QtGui.QAction] = {}
        for choice, label in (("system", "Follow the &system"), ("light", "&Light"), ("dark", "&Dark")):
            action = theme_menu.addAction(label)
            action.setCheckable(True)
            action.setChecked(theme.themes().choice == choice)
            action.triggered.connect(lambda _=False, c=choice: self.set_theme(c))
            group.addAction(action)
            self.theme_actions[choice] = action
        hints = QtGui.QGuiApplication.styleHints()
        hints.colorSchemeChanged.connect(lambda scheme: theme.themes().choice == "system" and theme.choose("system"))
        view_menu.addSeparator()
        crit = view_menu.addAction("Find &critical points")
        crit.setShortcut(QtGui.QKeySequence("Ctrl+K"))
        crit.triggered.connect(self.scene.request_critical_points)
        reset = view_menu.addAction("&Reset view settings")
        reset.triggered.connect(lambda: self.scene.set_view(**{k: getattr(ViewSettings(), k) for k in REMEMBERED}))

        presets_menu = bar.addMenu("&Presets")
        groups: dict[str, QtWidgets.QMenu] = {}
        for k, p in enumerate(PRESETS):
            if p.group not in groups:
                if groups:
                    presets_menu.addSeparator()
                section = presets_menu.addSection(p.group)
                section.setEnabled(False)
                groups[p.group] = presets_menu
            action = presets_menu.addAction(f"{p.name}    {p.text}" if len(p.text) < 40 else p.name)
            action.setStatusTip(p.note)
            action.setToolTip(p.note)
            if k < 9:
                action.setShortcut(QtGui.QKeySequence(f"Ctrl+{k + 1}"))
            action.triggered.connect(lambda _=False, name=p.name: self.scene.load_preset(name))
        presets_menu.setToolTipsVisible(True)

        descent_menu = bar.addMenu("&Descent")
        self.add_action = descent_menu.addAction("&Add start points with a click")
        self.add_action.setCheckable(True)
        self.add_action.setShortcut(QtGui.QKeySequence("A"))
        self.add_action.setStatusTip("While on, a click on the contour map adds a start point (Shift+click always)")
        self.add_action.toggled.connect(self._set_add_mode)
        clear = descent_menu.addAction("&Clear start points")
        clear.triggered.connect(lambda: self.scene.descent.set_starts([]))
        descent_menu.addSeparator()
        play = descent_menu.addAction("&Play / pause")
        play.setShortcut(QtGui.QKeySequence("Space"))
        play.triggered.connect(self.playback.play.toggle)
        whole = descent_menu.addAction("Show &whole paths")
        whole.setShortcut(QtGui.QKeySequence("Esc"))
        whole.triggered.connect(self.playback.stop_playback)
        log_loss = descent_menu.addAction("&Log-scale loss")
        log_loss.setCheckable(True)
        log_loss.toggled.connect(self.loss.log_y.setChecked)

        tools = bar.addMenu("&Tools")
        matrix = tools.addAction("&Matrix calculus…")
        matrix.setShortcut(QtGui.QKeySequence("Ctrl+M"))
        matrix.setStatusTip("Gradients of functions of vectors and matrices, with shapes, and a formula checker")
        matrix.triggered.connect(self.show_matrix_window)
        data = tools.addAction("&Loss on data (two weights)…")
        data.setShortcut(QtGui.QKeySequence("Ctrl+D"))
        data.setStatusTip("A model's loss over (w, b) beside its data and fit; full-batch or mini-batch descent")
        data.triggered.connect(lambda: self.show_data_window(tab=0))
        networks = tools.addAction("&Network on data…")
        networks.setShortcut(QtGui.QKeySequence("Ctrl+Shift+N"))
        networks.setStatusTip("Train a model with weight matrices; its loss, its weights and its top Hessian "
                              "eigenvalue beside the optimizer's stability limit")
        networks.triggered.connect(self.show_network_window)

        help_menu = bar.addMenu("&Help")
        syntax = help_menu.addAction("Expression &syntax")
        syntax.setShortcut(QtGui.QKeySequence.StandardKey.HelpContents)
        syntax.triggered.connect(self.show_syntax)
        self.add_lesson_menu(help_menu)
        about = help_menu.addAction("&About gradviz")
        about.setMenuRole(QtGui.QAction.MenuRole.AboutRole)
        about.triggered.connect(self.show_about)
        about_qt = help_menu.addAction("About &Qt")
        about_qt.setMenuRole(QtGui.QAction.MenuRole.AboutQtRole)
        about_qt.triggered.connect(QtWidgets.QApplication.aboutQt)

    def fit_view(self) -> None:
        self.surface.fit_view()
        self.contour.fit_view()
        self.slice.refresh()

    def show_syntax(self) -> None:
        QtWidgets.QMessageBox.information(self, "Expression syntax", SYNTAX_HELP.replace("; ", ";\n"))

    def show_about(self) -> None:
        QtWidgets.QMessageBox.about(
            self, "About gradviz",
            f"<b>gradviz {__version__}</b><p>See multivariable calculus as machine learning uses it: "
            "surfaces, gradients, Taylor models, critical points and descent for any f(x, y) you type.</p>"
            "<p>All derivatives come from gradviz's own NumPy autodiff, exact to rounding.</p>"
            "<p>Copyright © 2026 the gradviz developers. Free software under the MIT licence: you may use, "
            "copy, modify and distribute it; it comes with no warranty (see LICENSE).</p>"
            "<p>Built with Qt for Python (PySide6, LGPLv3), pyqtgraph, NumPy, contourpy and PyOpenGL. "
            "Help → About Qt gives Qt's own licence.</p>")

    # ----- model → window -----
    def _view_changed(self, names: set[str]) -> None:
        for name in names & set(self.overlay_actions):
            action = self.overlay_actions[name]
            action.blockSignals(True)
            action.setChecked(bool(getattr(self.scene.view, name)))
            action.blockSignals(False)
        if "contour_spacing" in names:
            self.log_action.blockSignals(True)
            self.log_action.setChecked(self.scene.view.contour_spacing == "log")
            self.log_action.blockSignals(False)
        self._save_view_settings()

    def _bottom_tab_changed(self, index: int) -> None:
        """The backprop graph needs height: give the analysis dock at least 42 % of the window's."""
        if self.bottom_tabs.widget(index) is self.backprop and not self.analysis_dock.isFloating():
            want = int(0.42 * self.height())
            if self.analysis_dock.height() < want:
                self.resizeDocks([self.analysis_dock], [want], QtCore.Qt.Orientation.Vertical)

    def _set_add_mode(self, on: bool) -> None:
        self.contour.add_mode = on
        for widget in (self.add_action, self.descent.add_mode):
            widget.blockSignals(True)
            widget.setChecked(on)
            widget.blockSignals(False)
        if on:
            self.statusBar().showMessage("Click the contour map to add start points; press A to stop.", 5000)

    def _critical_changed(self, points: list | None) -> None:
        if points is not None:
            self.side_tabs.setCurrentWidget(self.critical)

    def show_hover(self, point: tuple[float, float] | None) -> None:
        if point is not None:
            self.files.active_view = "surface" if self.surface.underMouse() else "contour"
        self.readout.set_hover(point)
        self.surface.show_hover(point)
        self.contour.show_hover(point)
        if point is None:
            self.hover_label.setText("Move the mouse over a view to read f there; drag the probe in the contour view.")
            return
        x, y = point
        u, v = self.scene.function.variables
        f, fx, fy = (float(v) for v in self.scene.function.value_and_grad(x, y))
        self.hover_label.setText(f"{u} = {num(x, 5)}   {v} = {num(y, 5)}   f = {num(f, 6)}   "
                                 f"|∇f| = {num(math.hypot(fx, fy), 5)}")

    # ----- settings -----
    def _restore_view_settings(self) -> None:
        changes = {}
        defaults = ViewSettings()
        for name in REMEMBERED:
            stored = self.settings.value(f"view/{name}")
            if stored is None:
                continue
            kind = type(getattr(defaults, name))
            try:
                value = (stored in (True, "true", "1", 1)) if kind is bool else kind(stored)
                changes[name] = value
            except (TypeError, ValueError):
                continue
        try:
            self.scene.set_view(**changes)
        except ValueError:
            pass  # settings from another version: keep the defaults

    def _save_view_settings(self) -> None:
        for name in REMEMBERED:
            if name in VIEW_FIELDS:
                self.settings.setValue(f"view/{name}", getattr(self.scene.view, name))

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:  # noqa: N802 (Qt API)
        if not self.files.sessions.maybe_keep_changes():
            event.ignore()
            return
        self.scene.cancel_work()  # results still on their way are dropped: none reaches a closed window
        self.work.runner.wait()
        self.files.sessions.closing()
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self._save_view_settings()
        super().closeEvent(event)
