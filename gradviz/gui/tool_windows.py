"""The main window's tool windows (Matrix calculus, Loss on data): opened once, then raised; each keeps
its state while gradviz runs."""

from __future__ import annotations


class ToolWindows:
    """Mixed into the main window: `show_*_window` open or raise one tool window, parented to it."""

    def show_matrix_window(self) -> None:
        """Open (or raise) the Matrix calculus window; it keeps its state while gradviz runs."""
        from gradviz.gui.tools.matrix_window import MatrixWindow
        self._raise_tool("matrix_window", MatrixWindow)

    def show_data_window(self) -> None:
        """Open (or raise) the Loss on data window; it keeps its state while gradviz runs."""
        from gradviz.gui.tools.data_window import DataWindow
        if self._raise_tool("data_window", DataWindow) and hasattr(self, "files"):
            self.files.sessions.watch(self.data_window.state.changed)  # its changes are unsaved work too

    def show_network_window(self) -> None:
        """Open (or raise) the Networks window; it keeps its state while gradviz runs."""
        from gradviz.gui.tools.network_window import NetworkWindow
        self._raise_tool("network_window", NetworkWindow)

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
