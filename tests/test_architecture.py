"""Layering: the core and the scene model never import Qt, pyqtgraph or OpenGL."""

import ast
import pathlib
import subprocess
import sys

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "gradviz"
GUI_PACKAGES = {"gui"}
FORBIDDEN = ("PySide6", "PyQt5", "PyQt6", "pyqtgraph", "OpenGL", "shiboken6")


def _imports(path: pathlib.Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, node.lineno))
    return found


def test_no_qt_import_outside_the_gui_package():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] in GUI_PACKAGES:
            continue
        for module, line in _imports(path):
            if module.split(".")[0] in FORBIDDEN:
                offenders.append(f"{rel}:{line} imports {module}")
    assert offenders == []


def test_importing_the_core_loads_no_qt():
    code = ("import sys, gradviz, gradviz.autodiff, gradviz.descent, gradviz.expr;"
            "import gradviz.calculus, gradviz.model, gradviz.session, gradviz.export, gradviz.geometry;"
            "import gradviz.matrix, gradviz.data, gradviz.data.state, gradviz.data.session;"
            "import gradviz.cli, gradviz.cli_commands;"
            f"bad = [m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}];"
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_files_stay_small():
    big = [(str(p.relative_to(PACKAGE)), n) for p in PACKAGE.rglob("*.py")
           if (n := len(p.read_text().splitlines())) > 400]
    assert big == []


def test_the_cli_uses_the_gui_never_the_reverse():
    offenders = []
    for path in (PACKAGE / "gui").rglob("*.py"):
        for module, line in _imports(path):
            if module.startswith(("gradviz.cli", "gradviz.__main__")):
                offenders.append(f"gui/{path.name}:{line} imports {module}")
    assert offenders == []
