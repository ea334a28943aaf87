"""Layering: the floors of pyproject.toml hold (import-linter), the core and the scene model never import Qt,
pyqtgraph or OpenGL, and no core module hides an import inside a function."""

import ast
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "gradviz"
FORBIDDEN = ("PySide6", "PyQt5", "PyQt6", "pyqtgraph", "OpenGL", "shiboken6")
# where Qt may be imported: the GUI, and the headless renderer that draws the GUI's views without a window
QT_ALLOWED = ("gui/", "headless/render.py")
# entry points that may defer loading Qt, GL, video or Dask until a command needs them
DEFERRING = ("gui/", "cli/", "headless/render.py", "figure.py", "__main__.py")


def _imports(path: pathlib.Path, nested_only: bool = False) -> list[tuple[str, int]]:
    """(module, line) of every import in `path`; with `nested_only`, those inside a function or class body
    (an `if TYPE_CHECKING:` block at module level is not counted: it never runs)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    top = set()
    if nested_only:
        for node in tree.body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                top.add(id(node))
            elif isinstance(node, (ast.If, ast.Try)):
                top.update(id(n) for n in ast.walk(node) if isinstance(n, (ast.Import, ast.ImportFrom)))
    found = []
    for node in ast.walk(tree):
        if id(node) in top:
            continue
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, node.lineno))
    return found


def _relative(path: pathlib.Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def test_no_qt_import_outside_the_gui():
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        rel = _relative(path)
        if rel.startswith(QT_ALLOWED):
            continue
        for module, line in _imports(path):
            if module.split(".")[0] in FORBIDDEN:
                offenders.append(f"{rel}:{line} imports {module}")
    assert offenders == []


def test_the_rule_finds_a_qt_import(tmp_path):
    """The check above can fail: a module importing PySide6 is found."""
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from PySide6 import QtCore\n")
    assert _imports(bad) == [("PySide6", 2)]
    assert _imports(bad, nested_only=True) == [("PySide6", 2)]


def test_no_gradviz_import_inside_a_function_in_the_core():
    """Cycles are not dodged by importing late: outside the GUI, the CLI and the rendering entry points,
    every gradviz import is at the top of its module."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        rel = _relative(path)
        if rel.startswith(DEFERRING):
            continue
        for module, line in _imports(path, nested_only=True):
            if module.split(".")[0] == "gradviz":
                offenders.append(f"{rel}:{line} imports {module} inside a function")
    assert offenders == []


def test_the_floors_hold():
    """import-linter checks pyproject.toml's contracts: no import runs up a floor, and the core loads no Qt."""
    result = subprocess.run([str(pathlib.Path(sys.executable).parent / "lint-imports"), "--no-cache"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_only_entry_points_import_the_package_root():
    """The package root re-exports the library (and so imports the figure); a module below the CLI that
    imported it would reach up every floor."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        rel = _relative(path)
        if rel.startswith(("cli/", "__init__.py", "__main__.py")):
            continue
        for module, line in _imports(path):
            if module == "gradviz":
                offenders.append(f"{rel}:{line} imports the package root")
    assert offenders == []


def test_importing_the_core_loads_no_qt():
    code = ("import sys, gradviz, gradviz.autodiff, gradviz.descent, gradviz.expr;"
            "import gradviz.calculus, gradviz.model, gradviz.session, gradviz.export, gradviz.geometry;"
            "import gradviz.matrix, gradviz.data, gradviz.model.loss_on_data, gradviz.session.loss_on_data;"
            "import gradviz.model.matrix_calculus, gradviz.headless.quick_scene;"
            "import gradviz.cli, gradviz.cli.commands;"
            f"bad = [m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}];"
            "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_files_stay_small():
    big = [(_relative(p), n) for p in PACKAGE.rglob("*.py") if (n := len(p.read_text().splitlines())) > 400]
    assert big == []


def test_gui_files_live_in_rooms():
    """gui/ is grouped by what its files serve; only the window, the app and its runner sit at its top."""
    top = sorted(p.name for p in (PACKAGE / "gui").glob("*.py"))
    assert len(top) <= 10, top
    for room in ("views", "panels", "tools", "widgets", "files"):
        assert (PACKAGE / "gui" / room / "__init__.py").exists()
