"""Beside playback: the current step of each run written out with its numbers, in its method's own
notation ("k = 12: ∇f = (…), b ← 0.9·b + ∇f = (…), w ← w − 0.01·b = (…)")."""

from __future__ import annotations

import html

from PySide6 import QtCore, QtWidgets

from gradviz.descent.insight import narrate_parts
from gradviz.descent.optimizers import OPTIMIZERS
from gradviz.gui.widgets.lazy import FollowPaths
from gradviz.gui.widgets.styles import start_color
from gradviz.gui.widgets.theme import current, on_change
from gradviz.model.scene import Scene

MAX_LINES = 6


class NarrationLabel(QtWidgets.QLabel):
    def __init__(self, scene: Scene, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.scene = scene
        self.setTextFormat(QtCore.Qt.TextFormat.RichText)
        self.setWordWrap(True)
        self.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setToolTip("The update each optimizer made at the playback step, with its numbers; step with the "
                        "playback slider")
        scene.descent.playback_changed.connect(lambda step: self.refresh())
        self.follow = FollowPaths(scene, self.refresh, self, over_f=False)
        scene.descent.trajectories_changed.connect(self.follow.changed)
        on_change(lambda theme: self.refresh(), self)
        self.refresh()

    def lines(self) -> list[tuple[str, str]]:
        """(colour, text) for each run at the playback step (at most MAX_LINES)."""
        d = self.scene.descent
        if d.playback is None:
            return []
        out = []
        for p, method, traj in d.trajectories()[:MAX_LINES]:
            k = min(d.playback, len(traj.points) - 1)
            parts = [part.replace(" ", "\u00a0") for part in narrate_parts(traj, k)]  # break between formulas only
            out.append((start_color(p.key), f"{OPTIMIZERS[method].label} from start {p.key + 1}: {', '.join(parts)}"))
        return out

    def refresh(self) -> None:
        lines = self.lines()
        if not lines:
            self.setText(f"<span style='color:{current().muted}'>Play or step the descent to see each update "
                         "written out with its numbers.</span>")
            return
        self.setText("<br>".join(f"<span style='color:{c}'>■</span> {html.escape(t)}" for c, t in lines))
