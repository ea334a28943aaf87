"""Playback: a step slider and a play button that animate every trajectory together."""

from __future__ import annotations

from PySide6 import QtCore, QtWidgets

from gradviz.model.scene import Scene

TICK_MS = 33


class PlaybackBar(QtWidgets.QWidget):
    def __init__(self, scene: Scene, parent: QtWidgets.QWidget | None = None) -> None:
        super().__init__(parent)
        self.scene = scene
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(2, 0, 2, 0)
        self.play = QtWidgets.QPushButton("▶ Play")
        self.play.setCheckable(True)
        self.play.setToolTip("Animate all trajectories together (Space)")
        self.slider = QtWidgets.QSlider(QtCore.Qt.Orientation.Horizontal)
        self.slider.setToolTip("The step shown; the current iterate shows its −∇f arrow, and for Newton the "
                               "quadratic model it minimises")
        self.label = QtWidgets.QLabel()
        self.label.setMinimumWidth(90)
        self.speed = QtWidgets.QSpinBox()
        self.speed.setRange(1, 2000)
        self.speed.setValue(30)
        self.speed.setSuffix(" steps/s")
        self.speed.setToolTip("Playback speed")
        self.whole = QtWidgets.QPushButton("Whole paths")
        self.whole.setToolTip("Leave playback and show every path to its end")
        for w in (self.play, self.slider, self.label, self.speed, self.whole):
            layout.addWidget(w, 1 if w is self.slider else 0)
        self.timer = QtCore.QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self._position = 0.0
        self.play.toggled.connect(self._play_toggled)
        self.slider.valueChanged.connect(lambda v: self.scene.descent.set_playback(v))
        self.whole.clicked.connect(self.stop_playback)
        d = scene.descent
        d.playback_changed.connect(self._show)
        d.settings_changed.connect(lambda m: self._show(d.playback))
        self._show(d.playback)

    def last_step(self) -> int:
        runs = self.scene.descent.trajectories()
        return max((len(t.points) - 1 for _, _, t in runs), default=0)

    def _show(self, step: int | None) -> None:
        self.slider.blockSignals(True)
        self.slider.setRange(0, self.scene.descent.steps)
        self.slider.setValue(self.scene.descent.steps if step is None else step)
        self.slider.blockSignals(False)
        self.label.setText("whole paths" if step is None else f"step {step}")

    def _play_toggled(self, on: bool) -> None:
        self.play.setText("❚❚ Pause" if on else "▶ Play")
        if on:
            d = self.scene.descent
            start = d.playback
            if start is None or start >= self.last_step():
                start = 0
            self._position = float(start)
            d.set_playback(start)
            self.timer.start()
        else:
            self.timer.stop()

    def _tick(self) -> None:
        last = self.last_step()
        self._position += self.speed.value() * TICK_MS / 1000.0
        step = min(int(self._position), last)
        self.scene.descent.set_playback(step)
        if step >= last:
            self.play.setChecked(False)  # reached the end: stop there

    def stop_playback(self) -> None:
        self.play.setChecked(False)
        self.scene.descent.set_playback(None)
