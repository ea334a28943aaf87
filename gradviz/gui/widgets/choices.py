"""Small layouts the panels repeat: a combo box listing a registry's entries, and a row of labelled widgets."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6 import QtWidgets


def registry_combo(entries: Iterable[object]) -> QtWidgets.QComboBox:
    """A combo box with one item per entry (anything with `label` and `name`): the label shown, the name as data."""
    box = QtWidgets.QComboBox()
    for entry in entries:
        box.addItem(entry.label, entry.name)
    return box


def labelled_row(pairs: Iterable[tuple[str, QtWidgets.QWidget]]) -> QtWidgets.QHBoxLayout:
    """A row of (label, widget) pairs, each widget after its label."""
    row = QtWidgets.QHBoxLayout()
    for label, widget in pairs:
        row.addWidget(QtWidgets.QLabel(label))
        row.addWidget(widget)
    return row
