"""The main window's tool windows (Matrix calculus, Models on data): opened once, then raised; each keeps
its state while gradviz runs."""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from gradviz.gui.panels.lesson_panel import LessonPanel
from gradviz.lessons import LessonError, lesson, lesson_titles


class ToolWindows:
    """Mixed into the main window: `show_*_window` open or raise one tool window, parented to it."""

    def show_matrix_window(self) -> None:
        """Open (or raise) the Matrix calculus window; it keeps its state while gradviz runs."""
        from gradviz.gui.tools.matrix_window import MatrixWindow
        self._raise_tool("matrix_window", MatrixWindow)

    def show_data_window(self, tab: int | None = None) -> None:
        """Open (or raise) the Models on data window (on `tab` when given: 0 two weights, 1 a network); it keeps
        its state while gradviz runs."""
        from gradviz.gui.tools.data_window import DataWindow
        if self._raise_tool("data_window", DataWindow) and hasattr(self, "files"):
            self.files.sessions.watch(self.data_window.state.changed)  # its changes are unsaved work too
            self.files.sessions.watch(self.data_window.network.state.settings_changed)
        if tab is not None:
            self.data_window.tabs.setCurrentIndex(tab)

    def show_network_window(self) -> None:
        """Open (or raise) the Models on data window on its network tab."""
        self.show_data_window(tab=1)

    def add_lesson_menu(self, menu: QtWidgets.QMenu) -> None:
        """Help → Lessons: each shipped lesson, and a lesson file."""
        lessons_menu = menu.addMenu("&Lessons")
        for name, title in lesson_titles().items():  # the title lines only: nothing parsed at start-up
            lessons_menu.addAction(title).triggered.connect(lambda _=False, n=name: self.show_lesson(n))
        lessons_menu.addSeparator()
        lessons_menu.addAction("Open a lesson &file…").triggered.connect(self._open_lesson_file)

    def _open_lesson_file(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self, "Open a lesson", "", "Lessons (*.md)")
        if path:
            self.show_lesson(path)

    def show_lesson(self, name: str) -> bool:
        """Open a lesson (a shipped name or a file) in a panel beside the scene; a bad file is a message, and the
        scene stays. True when the lesson opened."""
        try:
            taught = lesson(name)
        except (LessonError, ValueError, OSError) as exc:
            QtWidgets.QMessageBox.warning(self, "gradviz: this lesson cannot be opened", str(exc))
            return False
        old = getattr(self, "lesson_dock", None)
        if old is not None:
            old.widget().closing()
            old.deleteLater()
        self.lesson_panel = LessonPanel(self, taught)
        self.lesson_dock = QtWidgets.QDockWidget("Lesson", self)
        self.lesson_dock.setObjectName("lesson_dock")
        self.lesson_dock.setWidget(self.lesson_panel)
        self.addDockWidget(QtCore.Qt.DockWidgetArea.LeftDockWidgetArea, self.lesson_dock)
        self.lesson_dock.visibilityChanged.connect(self._lesson_visibility)
        return True

    def _lesson_visibility(self, visible: bool) -> None:
        if not visible and getattr(self, "lesson_panel", None) is not None and not self.lesson_dock.isVisible():
            self.lesson_panel.closing()

    def _raise_tool(self, attr: str, factory: type) -> bool:
        """Show the tool window `attr`, made by `factory` the first time (then True)."""
        tool = getattr(self, attr, None)
        made = tool is None
        if made:
            tool = factory(parent=self)
            setattr(self, attr, tool)
        tool.show()
        tool.raise_()
        tool.activateWindow()
        return made
