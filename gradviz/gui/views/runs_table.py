"""The results table's model: one row per run (start point, method, trajectory), its cells written only when a view
asks for them (the rows on screen), so that 768 runs cost a list, not 5,000 table items (a QTableWidget wrote ~100
µs a row: 20-27 ms a pass for 256 start points)."""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6 import QtCore, QtGui

from gradviz.descent.optimizers import OPTIMIZERS
from gradviz.descent.trajectory import Trajectory
from gradviz.gui.widgets.format import num, vec
from gradviz.gui.widgets.styles import start_color, style_icon
from gradviz.gui.widgets.theme import current


def status_text(traj: Trajectory) -> str:
    """How a run ended, for the table: "converged", "diverged at step 3", "left f's domain at step 1", "max steps"."""
    if traj.status == "diverged":
        return f"diverged at step {traj.stop_step}"
    if traj.status == "converged":
        return "converged"
    if traj.status == "left_domain":
        return f"left f's domain at step {traj.stop_step}"
    return "max steps"


def row_texts(p: Any, method: str, traj: Trajectory) -> tuple[str, ...]:
    """The seven cells of a run's row: method, start, final point, final f, |∇f| there, steps, status."""
    g = traj.grads[-1]
    return (OPTIMIZERS[method].label, vec((p.x, p.y), 3), vec(traj.points[-1], 5), num(traj.values[-1], 6),
            num(float(np.hypot(*g)), 3), str(traj.stop_step) if traj.status == "converged" else "—",
            status_text(traj))


class RunsTableModel(QtCore.QAbstractTableModel):
    """Rows of (start point, method, trajectory); `set_runs` replaces them and tells the view what changed."""

    def __init__(self, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.runs: list[tuple[Any, str, Trajectory]] = []
        self.variables: tuple[str, ...] = ("x", "y")
        self._texts: dict[int, tuple[str, ...]] = {}  # by row, written on first ask
        self._icons: dict[tuple[str, str], QtGui.QIcon] = {}

    def headers(self) -> list[str]:
        return ["method", "start", f"final ({', '.join(self.variables)})", "final f", "|∇f|", "steps", "status"]

    def set_runs(self, runs: list, variables: tuple[str, ...]) -> bool:
        """Show `runs`; True when the rows were replaced (another number of runs, other variables: the caller then
        fits the columns), False when only some changed, or none (their rows are redrawn)."""
        renamed = tuple(variables) != self.variables
        if renamed:
            self.variables = tuple(variables)
            self.headerDataChanged.emit(QtCore.Qt.Orientation.Horizontal, 0, len(self.headers()) - 1)
        old = self.runs
        same = [k for k, (a, b) in enumerate(zip(old, runs, strict=False))
                if a[2] is b[2] and a[1] == b[1] and (a[0].x, a[0].y, a[0].key) == (b[0].x, b[0].y, b[0].key)]
        if len(old) != len(runs):
            self.beginResetModel()
            self.runs = list(runs)
            self._texts = {k: self._texts[k] for k in same if k in self._texts}
            self.endResetModel()
            return True
        if len(same) == len(runs):
            return renamed
        kept = set(same)
        changed = [k for k in range(len(runs)) if k not in kept]
        self.runs = list(runs)
        for k in changed:
            self._texts.pop(k, None)
        self.dataChanged.emit(self.index(changed[0], 0), self.index(changed[-1], self.columnCount() - 1))
        return renamed

    def restyled(self) -> None:
        """The theme changed: every row's colours are asked for again."""
        if self.runs:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.runs) - 1, self.columnCount() - 1))

    def text(self, row: int, column: int) -> str:
        texts = self._texts.get(row)
        if texts is None:
            texts = self._texts[row] = row_texts(*self.runs[row])
        return texts[column]

    # ----- QAbstractTableModel -----
    def rowCount(self, parent: QtCore.QModelIndex = QtCore.QModelIndex()) -> int:  # noqa: N802, B008 (Qt API)
        return 0 if parent.isValid() else len(self.runs)

    def columnCount(self, parent: QtCore.QModelIndex = QtCore.QModelIndex()) -> int:  # noqa: N802, B008 (Qt API)
        return 0 if parent.isValid() else 7

    def data(self, index: QtCore.QModelIndex, role: int = QtCore.Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        if role == QtCore.Qt.ItemDataRole.DisplayRole:
            return self.text(row, column)
        p, method, traj = self.runs[row]
        if role == QtCore.Qt.ItemDataRole.DecorationRole and column == 0:
            key = (method, start_color(p.key))
            if key not in self._icons:
                self._icons[key] = style_icon(*key)
            return self._icons[key]
        if role == QtCore.Qt.ItemDataRole.ForegroundRole and column == 6:
            bad = traj.diverged or traj.status == "left_domain"
            return QtGui.QBrush(QtGui.QColor(current().error if bad else current().plot_fg))
        return None

    def headerData(self, section: int, orientation: QtCore.Qt.Orientation,  # noqa: N802 (Qt API)
                   role: int = QtCore.Qt.ItemDataRole.DisplayRole) -> Any:
        if role == QtCore.Qt.ItemDataRole.DisplayRole and orientation == QtCore.Qt.Orientation.Horizontal:
            return self.headers()[section]
        return None
