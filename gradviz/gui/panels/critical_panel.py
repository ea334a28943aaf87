"""The list of critical points: found on request, clicked to move the probe there."""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets

from gradviz.calculus.critical_kinds import CRITICAL_KINDS
from gradviz.gui.widgets.format import num
from gradviz.model.scene import Scene


class CriticalPanel(QtWidgets.QWidget):
    def __init__(self, scene: Scene, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.scene = scene
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.button = QtWidgets.QPushButton("Find critical points")
        self.button.setToolTip("Newton's method on ∇f = 0 from a grid of starts over the domain; "
                               "each point is classified by the Hessian's eigenvalues")
        self.button.clicked.connect(self.scene.request_critical_points)  # off the GUI thread
        layout.addWidget(self.button)
        self.table = QtWidgets.QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["kind", "x", "y", "f"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QtWidgets.QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QtWidgets.QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()  # columns as wide as their numbers: never "1.3497…" for 1.35e−16
        header.setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.setTextElideMode(QtCore.Qt.TextElideMode.ElideNone)
        self.table.cellClicked.connect(self._clicked)
        self.table.setToolTip("Click a row to move the probe there")
        layout.addWidget(self.table)
        self.summary = QtWidgets.QLabel("Press the button (or Ctrl+K) to search the domain.")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        scene.critical_changed.connect(self.refresh)

    def refresh(self, points: list | None) -> None:
        points = points or []
        u, v = self.scene.function.variables
        self.table.setHorizontalHeaderLabels(["kind", u, v, "f"])
        header = self.table.horizontalHeader()
        # fitted once after filling: fitting the columns at every cell made 292 points take 2.7 s
        header.setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.Interactive)
        self.table.setRowCount(len(points))
        for r, p in enumerate(points):
            kind = QtWidgets.QTableWidgetItem(f"{CRITICAL_KINDS[p.kind].symbol} {p.kind}")
            kind.setForeground(QtGui.QBrush(QtGui.QColor(CRITICAL_KINDS[p.kind].color)))
            kind.setData(QtCore.Qt.ItemDataRole.UserRole, (p.x, p.y))
            self.table.setItem(r, 0, kind)
            for c, value in enumerate((p.x, p.y, p.f), start=1):
                self.table.setItem(r, c, QtWidgets.QTableWidgetItem(num(value, 5)))
        header.setSectionResizeMode(QtWidgets.QHeaderView.ResizeMode.ResizeToContents)
        if self.scene.found_critical_points is None:
            self.summary.setText("Press the button (or Ctrl+K) to search the domain.")
        elif not points:
            note = self.scene.critical_note
            self.summary.setText("No critical points in this domain." + (f" ⚠ {note}" if note else ""))
        else:
            counts = {k: sum(p.kind == k.name for p in points) for k in CRITICAL_KINDS.values()}
            note = self.scene.critical_note
            summary = ", ".join(k.count(n) for k, n in counts.items() if n)
            self.summary.setText(summary + (f". ⚠ {note}" if note else ""))

    def _clicked(self, row: int, column: int) -> None:
        item = self.table.item(row, 0)
        if item is not None:
            x, y = item.data(QtCore.Qt.ItemDataRole.UserRole)
            self.scene.set_probe(x, y)
