"""Where gradviz keeps its settings, recovery files and autosaves.

By default the platform's own places (Qt's QStandardPaths: on Linux ~/.config/gradviz for settings
and ~/.local/share/gradviz for recovery files). `GRADVIZ_HOME` moves all of them under one folder
(settings/ and data/), which is how the tests and the scripts they run keep the user's profile
untouched; `GRADVIZ_RECOVERY_DIR` still moves the recovery files alone.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6 import QtCore

ORGANIZATION = "gradviz"
APPLICATION = "gradviz"


def home_override() -> Path | None:
    value = os.environ.get("GRADVIZ_HOME")
    return Path(value) if value else None


def configure_settings() -> None:
    """Make QSettings() use GRADVIZ_HOME/settings when it is set (call before any QSettings exists)."""
    home = home_override()
    if home is not None:
        folder = home / "settings"
        folder.mkdir(parents=True, exist_ok=True)
        QtCore.QSettings.setDefaultFormat(QtCore.QSettings.Format.IniFormat)
        for scope in (QtCore.QSettings.Scope.UserScope, QtCore.QSettings.Scope.SystemScope):
            QtCore.QSettings.setPath(QtCore.QSettings.Format.IniFormat, scope, str(folder))


def data_folder() -> Path:
    """Autosaves and recovery files: GRADVIZ_RECOVERY_DIR, else GRADVIZ_HOME/data, else the platform's."""
    explicit = os.environ.get("GRADVIZ_RECOVERY_DIR")
    if explicit:
        folder = Path(explicit)
    elif home_override() is not None:
        folder = home_override() / "data"
    else:
        folder = Path(QtCore.QStandardPaths.writableLocation(QtCore.QStandardPaths.StandardLocation.AppDataLocation))
    folder.mkdir(parents=True, exist_ok=True)
    return folder
