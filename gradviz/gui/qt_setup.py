"""Process-wide Qt and pyqtgraph set-up, done once before the first widget exists."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6 import QtCore, QtGui, QtWidgets

from gradviz.gui.background import share_main_heap
from gradviz.gui.desktop import icon_path
from gradviz.gui.files.locations import APPLICATION, ORGANIZATION, configure_settings
from gradviz.gui.widgets import key_guard, theme


def ensure_app(argv: list[str] | None = None) -> QtWidgets.QApplication:
    """The QApplication, created with OpenGL contexts shared (needed by every GLViewWidget)."""
    app = QtWidgets.QApplication.instance()
    first = app is None
    if app is None:
        share_main_heap()  # before Qt starts threads of its own
        QtCore.QCoreApplication.setAttribute(QtCore.Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
        app = QtWidgets.QApplication(argv or ["gradviz"])
    app.setApplicationName(APPLICATION)
    app.setOrganizationName(ORGANIZATION)
    app.setDesktopFileName(APPLICATION)  # Wayland and the taskbar match the window to gradviz.desktop
    app.setWindowIcon(QtGui.QIcon(str(icon_path())))
    configure_settings()  # GRADVIZ_HOME moves settings out of the user's profile (tests, scripts)
    pg.setConfigOptions(antialias=True)
    key_guard.install(app)  # Space ticks a focused check box instead of starting playback
    if first:
        theme.choose(theme.themes().choice)  # the system's scheme until the window reads its setting
    return app
