"""The main window's tool windows (Matrix calculus, Models on data): opened once, then raised; each keeps
its state while gradviz runs."""

from __future__ import annotations


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
