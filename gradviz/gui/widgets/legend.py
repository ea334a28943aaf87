"""Legend entries that come and go: pyqtgraph lists an item once it is added, whether it shows or not."""

from __future__ import annotations

import pyqtgraph as pg


def list_in_legend(legend: pg.LegendItem, item: pg.GraphicsObject, name: str, listed: bool) -> None:
    """Make `legend` list `item` under `name` when `listed`, and not at all otherwise (each at most once)."""
    present = any(sample.item is item for sample, _ in legend.items)
    if listed and not present:
        legend.addItem(item, name)
    elif not listed and present:
        legend.removeItem(item)
