"""The status bar's account of work done off the GUI thread: what is being computed, how far it has got, and a
button that cancels it. The scene hands its jobs to the app's one runner (`BackgroundWork`); the window stays
usable meanwhile. Work shorter than SHOW_AFTER seconds comes and goes without a flicker of the bar."""

from __future__ import annotations

import time

from PySide6 import QtCore, QtWidgets

from gradviz.gui.background import BackgroundWork
from gradviz.model.scene import Scene

LABELS = {"critical": "searching for critical points", "sample": "computing the surface",
          "paths": "computing the descent paths"}
SHOW_AFTER = 0.4  # seconds of work before the bar appears


class WorkStatus(QtWidgets.QWidget):
    def __init__(self, scene: Scene, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.scene = scene
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QtWidgets.QLabel()  # what is being computed (the bar beside it shows how far)
        self.bar = QtWidgets.QProgressBar()
        self.bar.setMinimumWidth(120)
        self.bar.setMaximumWidth(200)
        self.bar.setRange(0, 100)
        self.bar.setFormat("%p%")
        self.cancel = QtWidgets.QPushButton("Cancel")
        self.cancel.setToolTip("Stop this computation; what is shown stays as it was")
        self.cancel.clicked.connect(self._cancel)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel)
        self.runner = BackgroundWork.shared()
        scene.executor = self.runner.executor(scene.accept, scene.is_stale, self)
        self.timer = QtCore.QTimer(self)
        self.timer.setInterval(100)
        self.timer.timeout.connect(self.refresh)
        scene.work_changed.connect(self.refresh)
        self.since: float | None = None  # when the scene last became busy
        self.tasks: list = []  # long work of the window's own (an export in stages), shown before the scene's jobs
        self.setVisible(False)

    def track(self, task: QtCore.QObject) -> None:
        """Show `task` (with `label`, `fraction`, `running`, `cancel()` and a `changed` signal: a `StagedExport`)
        at once, until it ends; Cancel cancels it."""
        self.tasks.append(task)
        task.changed.connect(self.refresh)
        self.refresh()

    def _cancel(self) -> None:
        running = [task for task in self.tasks if task.running]
        if running:
            running[0].cancel()
        else:
            self.scene.cancel_work()

    def refresh(self) -> None:
        self.tasks = [task for task in self.tasks if task.running]
        if self.tasks:
            self._show(self.tasks[0].label, self.tasks[0].fraction)
            return
        jobs = self.scene.busy
        if not jobs:
            self.setVisible(False)
            self.timer.stop()
            self.since = None
            return
        if self.since is None:
            self.since = time.monotonic()
        if not self.timer.isActive():
            self.timer.start()
        if time.monotonic() - self.since < SHOW_AFTER:
            return
        job = jobs[0]
        self._show(LABELS.get(job.kind, job.kind).capitalize(), job.progress.fraction if job.progress else 0.0)

    def _show(self, label: str, fraction: float) -> None:
        self.label.setText(label + "…")
        value = round(100 * fraction)
        if value != self.bar.value():  # a QProgressBar repaints at once on every new value
            self.bar.setValue(value)
        self.setVisible(True)
