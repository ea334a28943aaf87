"""Overlays drawn by the views their registry entry names (`gradviz.model.overlays`): each view lists the method
that draws each of its overlays in `OVERLAY_DRAWERS`, and `draw_overlays` calls them when settings change."""

from __future__ import annotations

from typing import Any

from gradviz.model.overlays import redrawn_by


def draw_overlays(view: Any, names: set[str]) -> None:
    """Call, once each, the drawers of the overlays among `names` that `view` (with `VIEW` and `OVERLAY_DRAWERS`)
    draws. KeyError naming the overlay when the view lacks a drawer its registry entry promises."""
    drawers = []
    for name in sorted(names & redrawn_by(view.VIEW)):
        if name not in view.OVERLAY_DRAWERS:
            raise KeyError(f"the {view.VIEW} view has no drawer for the overlay {name!r} (OVERLAY_DRAWERS)")
        drawers.append(view.OVERLAY_DRAWERS[name])
    for method in dict.fromkeys(drawers):
        getattr(view, method)()
