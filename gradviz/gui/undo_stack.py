"""Undo and redo for scene edits (Qt's QUndoStack): the expression, the domain, parameters, start
points, optimizer settings and the overlays. Each edit is recorded as the session state before and
after it; a run of edits of one kind in quick succession (a drag, a slider) merges into one step.
The probe and the camera are not part of an undo step (they stay where they are)."""

from __future__ import annotations

import json
import time

from PySide6 import QtCore, QtGui

from gradviz.model.scene import Scene
from gradviz.session import scene_from_dict, scene_to_dict

MERGE_SECONDS = 1.0
_NOT_UNDONE = ("probe", "camera", "critical_points_searched")


def _state(scene: Scene, columns: dict[int, dict]) -> dict:
    """The scene as a session dict without what undo leaves alone; a loss's data columns are kept in
    `columns` and named by a key (so that comparing two states does not dump them)."""
    data = scene_to_dict(scene)
    for key in _NOT_UNDONE:
        data.pop(key, None)
    if "data" in data:
        columns[id(scene.data)] = scene.data  # type: ignore[assignment]
        data["data"] = id(scene.data)
    return data


class SnapshotCommand(QtGui.QUndoCommand):
    """One edit: the scene before and after it."""

    def __init__(self, undo_stack: SceneUndoStack, before: dict, after: dict, kind: str, text: str) -> None:
        super().__init__(text)
        self.undo_stack = undo_stack
        self.before, self.after, self.kind = before, after, kind
        self.time = time.monotonic()
        self._done = True  # pushed after the edit happened: the first redo has nothing to do

    def id(self) -> int:  # noqa: A003 (Qt API)
        return 1

    def mergeWith(self, other: QtGui.QUndoCommand) -> bool:  # noqa: N802 (Qt API)
        if not isinstance(other, SnapshotCommand) or other.kind != self.kind or self.kind == "expression":
            return False
        if other.time - self.time > MERGE_SECONDS:
            return False
        self.after = other.after
        self.time = other.time
        return True

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self.undo_stack.apply(self.after)

    def undo(self) -> None:
        self.undo_stack.apply(self.before)


class SceneUndoStack(QtCore.QObject):
    """Records the scene's edits on an undo stack and applies them back."""

    def __init__(self, scene: Scene, parent: QtCore.QObject | None = None) -> None:
        super().__init__(parent)
        self.scene = scene
        self.stack = QtGui.QUndoStack(self)
        self.stack.setUndoLimit(200)
        self._applying = False
        self._columns: dict[int, dict] = {}
        self._snapshot = _state(scene, self._columns)
        self._timer = QtCore.QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.commit)
        d = scene.descent
        for signal in (scene.function_changed, scene.parameters_changed, scene.domain_changed, scene.view_changed,
                       d.starts_changed, d.settings_changed):
            signal.connect(self._changed)

    def _changed(self, *args: object) -> None:
        if not self._applying:
            self._timer.start()

    @staticmethod
    def _kind_of(before: dict, after: dict) -> str:
        """What an edit changed, from the two states (the text first: a new f changes its parameters too)."""
        if before.get("function") != after.get("function"):
            return "expression"
        for key, kind in (("parameters", "parameters"), ("domain", "domain"), ("resolution", "domain"),
                          ("view", "view")):
            if before.get(key) != after.get(key):
                return kind
        b, a = before.get("descent", {}), after.get("descent", {})
        return "starts" if b.get("starts") != a.get("starts") else "optimizer"

    def commit(self) -> None:
        """Record what changed since the last step (called once per burst of signals)."""
        self._timer.stop()
        new = _state(self.scene, self._columns)
        if json.dumps(new, sort_keys=True) == json.dumps(self._snapshot, sort_keys=True):
            return
        kind = self._kind_of(self._snapshot, new)
        text = {"expression": "Edit f", "parameters": "Change a parameter", "domain": "Change the domain",
                "view": "Change what is shown", "starts": "Move start points",
                "optimizer": "Change optimizer settings"}.get(kind, "Edit")
        before, self._snapshot = self._snapshot, new
        self.stack.push(SnapshotCommand(self, before, new, kind, text))

    def apply(self, state: dict) -> None:
        """Show `state`, keeping the probe and the camera where they are."""
        self._timer.stop()
        self._applying = True
        try:
            full = {**state, "probe": list(self.scene.probe), "camera": self.scene.camera,
                    "critical_points_searched": self.scene.found_critical_points is not None}
            if "data" in state:
                full["data"] = {n: c.tolist() for n, c in self._columns[state["data"]].items()}
            scene_from_dict(self.scene, full)
        finally:
            self._applying = False
        self._snapshot = _state(self.scene, self._columns)

    def reset(self) -> None:
        """Forget the history (a session was opened or a new scene started)."""
        self._timer.stop()
        self.stack.clear()
        self._snapshot = _state(self.scene, self._columns)


def redo_keys() -> list[QtGui.QKeySequence]:
    """The platform's Redo keys (QKeySequence.Redo), and Ctrl+Y where the platform does not bind it: each once (a
    key bound twice is an "ambiguous shortcut" that does nothing)."""
    keys = list(QtGui.QKeySequence.keyBindings(QtGui.QKeySequence.StandardKey.Redo))
    for extra in (QtGui.QKeySequence("Ctrl+Y"), QtGui.QKeySequence("Ctrl+Shift+Z")):
        if extra not in keys:
            keys.append(extra)
    return keys
