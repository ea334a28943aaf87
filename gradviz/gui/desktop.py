"""The application's icon, and a Linux desktop entry (`gradviz --install-desktop`)."""

from __future__ import annotations

import os
import shutil
import sys
from importlib import resources
from pathlib import Path

APP_ID = "gradviz"
ICON_NAME = "gradviz.svg"


def icon_path() -> Path:
    """The SVG icon shipped inside the package (resources/gradviz.svg is the same picture)."""
    return Path(str(resources.files("gradviz.gui") / "assets" / ICON_NAME))


def desktop_entry(executable: str, icon: str) -> str:
    return "\n".join([
        "[Desktop Entry]", "Type=Application", "Name=gradviz",
        "GenericName=Multivariable calculus viewer",
        "Comment=See gradients, descent, Hessians and backprop for any f(x, y)",
        f"Exec={executable} %f", f"Icon={icon}", "Terminal=false",
        "Categories=Education;Science;Math;", "MimeType=application/json;", f"StartupWMClass={APP_ID}", "",
    ])


def install_desktop_entry(home: Path | None = None) -> list[Path]:
    """Write ~/.local/share/applications/gradviz.desktop and the icon (XDG_DATA_HOME is honoured);
    returns the files written."""
    data = Path(os.environ.get("XDG_DATA_HOME") or (home or Path.home()) / ".local" / "share")
    icon_dir = data / "icons" / "hicolor" / "scalable" / "apps"
    apps = data / "applications"
    icon_dir.mkdir(parents=True, exist_ok=True)
    apps.mkdir(parents=True, exist_ok=True)
    icon = icon_dir / ICON_NAME
    shutil.copyfile(icon_path(), icon)
    executable = shutil.which("gradviz") or f"{sys.executable} -m gradviz"
    entry = apps / f"{APP_ID}.desktop"
    entry.write_text(desktop_entry(executable, str(icon)), encoding="utf-8")
    return [entry, icon]
