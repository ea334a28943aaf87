"""The network window's controls: the model (a preset or typed text), the data, the run's settings, and the
buttons that play, step and reset it. Each control changes the `NetworkState` only through its setters."""

from __future__ import annotations

from collections.abc import Callable

from PySide6 import QtCore, QtGui, QtWidgets

from gradviz.data.columns import DataError, read_header
from gradviz.descent.optimizers import OPTIMIZERS
from gradviz.descent.schedules import SCHEDULES
from gradviz.gui.widgets.choices import labelled_row, registry_combo
from gradviz.gui.widgets.spin_boxes import double_spin, int_spin
from gradviz.gui.widgets.theme import style_error_label
from gradviz.model import limits
from gradviz.model.network_landscape import PLANES, SLICE_GRID
from gradviz.model.network_training import MAX_CURVATURE_EVERY
from gradviz.network import NETWORK_DATASETS
from gradviz.network.datasets import NOISE, ROWS
from gradviz.network.mlp import ACTIVATIONS, LOSSES


class NetworkControls:
    """Mixed into the window: `_build_controls()` returns the controls' column; needs `state`."""

    def _build_controls(self) -> QtWidgets.QWidget:
        column = QtWidgets.QWidget()
        layout = QtWidgets.QVBoxLayout(column)
        model = QtWidgets.QGroupBox("Model")
        form = QtWidgets.QFormLayout(model)
        self.sizes = QtWidgets.QLineEdit("2, 16, 16, 1")
        self.sizes.setToolTip("layer widths n₀, …, n_L: n₀ inputs, n_L outputs (1, or one per class)")
        self.activation = QtWidgets.QComboBox()
        self.activation.addItems(ACTIVATIONS)
        self.loss = QtWidgets.QComboBox()
        self.loss.addItems(list(LOSSES))
        self.loss.setCurrentText("logistic")
        build = QtWidgets.QPushButton("Build MLP")
        build.clicked.connect(self._build_preset)
        row = QtWidgets.QHBoxLayout()
        for w in (self.activation, self.loss, build):
            row.addWidget(w)
        form.addRow("Sizes", self.sizes)
        form.addRow(row)
        self.text = QtWidgets.QPlainTextEdit(self.state.text)
        self.text.setFont(QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.SystemFont.FixedFont))
        self.text.setFixedHeight(90)
        self.text.setToolTip("declared names (W1: 2x16) are weights; X and t come from the data; "
                             "name = … defines a name; the last line is the loss")
        form.addRow(self.text)
        apply = QtWidgets.QPushButton("Apply text (Ctrl+Enter)")
        apply.setShortcut(QtGui.QKeySequence("Ctrl+Return"))
        apply.clicked.connect(lambda: self.state.set_text(self.text.toPlainText()))
        form.addRow(apply)
        layout.addWidget(model)

        data = QtWidgets.QGroupBox("Data")
        form = QtWidgets.QFormLayout(data)
        self.dataset = registry_combo(NETWORK_DATASETS.values())
        self.dataset.currentIndexChanged.connect(lambda _: self._data_changed())
        self.rows = int_spin(*ROWS, self.state.rows, "rows")
        self.noise = double_spin(*NOISE, 2, 0.05, value=self.state.noise)
        self.data_seed = int_spin(0, 10**6, 0, "seed")
        for w in (self.rows, self.data_seed):
            w.editingFinished.connect(self._data_changed)
        self.noise.editingFinished.connect(self._data_changed)
        form.addRow("Dataset", self.dataset)
        open_csv = QtWidgets.QPushButton("Open CSV…")
        open_csv.setToolTip("a CSV file with a header row: choose the target column; the others form X")
        open_csv.clicked.connect(self._open_csv)
        form.addRow(open_csv)
        form.addRow(labelled_row((("rows", self.rows), ("noise", self.noise), ("seed", self.data_seed))))
        layout.addWidget(data)

        run = QtWidgets.QGroupBox("Training")
        form = QtWidgets.QFormLayout(run)
        self.method = registry_combo(OPTIMIZERS.values())
        self.method.currentIndexChanged.connect(lambda _: self._run_changed())
        self.lr = double_spin(1e-5, 100.0, 5, 0.05, value=self.state.lr)
        self.schedule = registry_combo(SCHEDULES.values())
        self.schedule.setToolTip("torch's learning-rate schedulers, their lengths fitted to the run's steps")
        self.schedule.currentIndexChanged.connect(lambda _: self._run_changed())
        self.batch = int_spin(0, limits.BATCH[1], 0, "")
        self.batch.setSpecialValueText("full batch")
        self.steps = int_spin(*limits.STEPS, self.state.steps, "")
        self.seed = int_spin(0, 10**6, 0, "")
        self.every = int_spin(0, MAX_CURVATURE_EVERY, self.state.curvature_every, "")
        self.every.setSpecialValueText("off")
        self.every.setToolTip("the top Hessian eigenvalue (exact Hessian-vector products, Lanczos) every k steps")
        self.held = int_spin(0, 90, 0, "a share of the rows kept out of training; its loss is drawn beside the rest")
        self.held.setSuffix(" %")
        self.held.setSpecialValueText("none")
        for w in (self.batch, self.steps, self.seed, self.every, self.held):
            w.editingFinished.connect(self._run_changed)
        self.lr.setToolTip("changing η while it trains goes on from the current step: raise it and watch the "
                           "sharpness climb to the new limit")
        self.lr.setKeyboardTracking(False)
        self.lr.valueChanged.connect(self.state.set_lr)
        form.addRow("Optimizer", self.method)
        form.addRow("Learning rate η", self.lr)
        form.addRow("Schedule", self.schedule)
        form.addRow("Batch size", self.batch)
        form.addRow("Steps", self.steps)
        form.addRow("Seed", self.seed)
        form.addRow("Curvature every", self.every)
        form.addRow("Held out", self.held)
        buttons = QtWidgets.QHBoxLayout()
        self.play = QtWidgets.QPushButton("▶ Train")
        self.play.setCheckable(True)
        self.play.toggled.connect(self.state.play)
        step = QtWidgets.QPushButton("Step")
        step.setToolTip("train one chunk of steps")
        step.clicked.connect(lambda: self.state.advance())
        reset = QtWidgets.QPushButton("Reset")
        reset.clicked.connect(self._run_changed)
        for w in (self.play, step, reset):
            buttons.addWidget(w)
        form.addRow(buttons)
        self.train_progress, self.train_cancel = self._progress_row(form, "training… %p%", self.state.cancel_training)
        self.train_cancel.setToolTip("stop after the step in hand (a Newton step: before it); every step taken is kept")
        layout.addWidget(run)
        layout.addWidget(self._build_landscape_controls())
        scrub = QtWidgets.QHBoxLayout()
        scrub.addWidget(QtWidgets.QLabel("Show step"))
        self.record = QtWidgets.QSlider(QtCore.Qt.Orientation.Horizontal)
        self.record.setToolTip("scrub through the run: the output, weights and gradient norms at an earlier step")
        self.record.sliderMoved.connect(self.state.scrub)
        scrub.addWidget(self.record, 1)
        layout.addLayout(scrub)
        self.status = QtWidgets.QLabel()
        self.status.setWordWrap(True)
        self.error = QtWidgets.QLabel()
        self.error.setWordWrap(True)
        style_error_label(self.error)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        layout.addStretch(1)
        column.setFixedWidth(360)
        return column

    def _build_landscape_controls(self) -> QtWidgets.QGroupBox:
        box = QtWidgets.QGroupBox("Landscape through the weights shown")
        form = QtWidgets.QFormLayout(box)
        self.plane = QtWidgets.QComboBox()
        for name, label in PLANES.items():
            self.plane.addItem(label, name)
        self.span = double_spin(0.0, 100.0, 2, 0.25, value=0.0)
        self.span.setSpecialValueText("fit the path")
        self.span.setToolTip("α and β run from −span to +span; \"fit the path\": wide enough for the projected "
                             "training path, at least 1")
        self.plane_grid = int_spin(*SLICE_GRID, 41, "grid points a side")
        form.addRow("Plane", self.plane)
        form.addRow(labelled_row((("span", self.span), ("grid", self.plane_grid))))
        buttons = QtWidgets.QHBoxLayout()
        make = QtWidgets.QPushButton("Slice")
        make.setToolTip("compute the loss on the plane and project the training path onto it")
        make.clicked.connect(lambda: self.state.make_landscape(self.plane.currentData(), self.span.value() or None,
                                                               self.plane_grid.value()))
        self.show_slice = QtWidgets.QPushButton("Show in the main window")
        self.show_slice.setToolTip("the slice as f(α, β) in the main window: surface, contours, gradient field, "
                                   "the probe's Hessian on the plane, critical points and descent")
        self.show_slice.clicked.connect(self.show_slice_in_main_window)
        buttons.addWidget(make)
        buttons.addWidget(self.show_slice)
        form.addRow(buttons)
        keep = QtWidgets.QPushButton("Keep as run A")
        keep.setToolTip("keep this run; train another (say with another optimizer) and slice the plane \"the start "
                        "and the ends of runs A and B\" to compare both on one picture")
        keep.clicked.connect(self.state.keep_run_as_a)
        self.run_a_label = QtWidgets.QLabel("")
        self.run_a_label.setWordWrap(True)
        form.addRow(keep, self.run_a_label)
        self.scheduler = QtWidgets.QLineEdit()
        self.scheduler.setPlaceholderText("in-process (or tcp://HOST:8786, or local)")
        self.scheduler.setToolTip("a Dask scheduler computes big grids on its workers; \"local\" starts a cluster of "
                                  "processes on this machine; empty: in-process")
        self.scheduler.editingFinished.connect(lambda: setattr(self.state, "scheduler",
                                                               self.scheduler.text().strip()))
        form.addRow("Dask", self.scheduler)
        self.slice_progress, self.slice_cancel = self._progress_row(form, "slicing… %p%", self.state.cancel_landscape)
        return box

    @staticmethod
    def _progress_row(form: QtWidgets.QFormLayout, text: str,
                      cancel: Callable[[], None]) -> tuple[QtWidgets.QProgressBar, QtWidgets.QPushButton]:
        """A progress bar (with `text`, %p% for the percentage) and its Cancel, as a row of `form`, hidden until
        shown."""
        row = QtWidgets.QHBoxLayout()
        bar = QtWidgets.QProgressBar()
        bar.setFormat(text)
        button = QtWidgets.QPushButton("Cancel")
        button.clicked.connect(cancel)
        row.addWidget(bar, 1)
        row.addWidget(button)
        form.addRow(row)
        for w in (bar, button):
            w.setVisible(False)
        return bar, button

    def show_slice_in_main_window(self) -> None:
        """The main window's scene shows the slice as f(α, β) over ±span, descending from θ (the origin)."""
        view = self.state.landscape
        main = self.window().parent()
        if view is None or not hasattr(main, "scene"):
            return
        s = view.span
        main.scene.show_function(view.function, (-s, s, -s, s), [(0.0, 0.0)])
        main.raise_()
        main.activateWindow()

    def sync_controls(self) -> None:
        """Every control shows the state's setting (after a session is opened, say), without re-applying it."""
        s = self.state
        values = [(self.method, s.method), (self.schedule, s.schedule), (self.dataset, s.dataset),
                  (self.plane, s.landscape_settings["kind"])]
        for combo, data in values:
            index = combo.findData(data)
            if index >= 0 and combo.currentIndex() != index:
                combo.blockSignals(True)
                combo.setCurrentIndex(index)
                combo.blockSignals(False)
        numbers = [(self.lr, s.lr), (self.batch, s.batch_size or 0), (self.steps, s.steps), (self.seed, s.seed),
                   (self.every, s.curvature_every), (self.held, round(100 * s.held_out)), (self.rows, s.rows),
                   (self.noise, s.noise), (self.data_seed, s.data_seed),
                   (self.span, s.landscape_settings["span"] or 0.0),
                   (self.plane_grid, s.landscape_settings["resolution"])]
        for spin, value in numbers:
            if spin.value() != value:
                spin.blockSignals(True)
                spin.setValue(value)
                spin.blockSignals(False)
        if self.text.toPlainText() != s.text:
            self.text.setPlainText(s.text)
        if self.scheduler.text() != s.scheduler:
            self.scheduler.setText(s.scheduler)

    def _build_preset(self) -> None:
        try:
            sizes = [int(s) for s in self.sizes.text().replace(",", " ").split()]
        except ValueError:
            self.state._refuse(f"sizes must be whole numbers separated by commas, not {self.sizes.text()!r}")
            return
        if self.state.use_preset(sizes, self.activation.currentText(), self.loss.currentText()):
            self.text.setPlainText(self.state.text)

    def _open_csv(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self, "Open data", "", "CSV (*.csv)")
        if not path:
            return
        try:
            names = read_header(path)
        except DataError as exc:
            self.state._refuse(str(exc))
            return
        target, ok = QtWidgets.QInputDialog.getItem(self, "Target column", "t is the column (X: all the others)",
                                                    names, len(names) - 1, False)
        if ok:
            self.state.set_csv(path, [n for n in names if n != target], target)

    def _data_changed(self) -> None:
        self.state.set_dataset(self.dataset.currentData(), self.rows.value(), self.noise.value(),
                               self.data_seed.value())

    def _run_changed(self) -> None:
        self.play.setChecked(False)
        self.state.set_run(method=self.method.currentData(), lr=self.lr.value(),
                           batch_size=self.batch.value() or None, steps=self.steps.value(), seed=self.seed.value(),
                           curvature_every=self.every.value(), held_out=self.held.value() / 100.0,
                           schedule=self.schedule.currentData())
