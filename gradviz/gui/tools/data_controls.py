"""The Loss on data window's controls: model preset, CSV (with a dialog picking the columns), method, η,
batch, seed, steps, schedule and the typed loss. They change the `DataState` only through its setters, and
`_sync_controls` shows the state in them without feeding back."""

from __future__ import annotations

from PySide6 import QtCore, QtGui, QtWidgets

from gradviz.data.columns import DataError, read_header
from gradviz.data.datasets import DATASETS
from gradviz.data.loss_presets import LOSS_PRESETS
from gradviz.descent.optimizers import OPTIMIZERS
from gradviz.descent.schedules import SCHEDULES
from gradviz.gui.widgets.blocking import signals_blocked
from gradviz.gui.widgets.choices import registry_combo
from gradviz.gui.widgets.theme import muted_css, on_change, style_error_label
from gradviz.model import limits
from gradviz.model.loss_on_data import DataState


class DataControls:
    """Mixin of `DataWindow` (a QWidget with `state`): builds the controls and keeps them in step."""

    state: DataState

    def _build_controls(self) -> None:
        self.controls = QtWidgets.QHBoxLayout()
        self.preset_combo = QtWidgets.QComboBox()
        for name, model in LOSS_PRESETS.items():
            self.preset_combo.addItem(model.label, name)
        self.preset_combo.setToolTip("A model preset: its dataset, its loss and the (w, b) domain shown")
        self.dataset = QtWidgets.QComboBox()
        for name, entry in DATASETS.items():
            self.dataset.addItem(entry.label, name)
            self.dataset.setItemData(self.dataset.count() - 1, entry.shows, QtCore.Qt.ItemDataRole.ToolTipRole)
        self.dataset.addItem("(a CSV file)", None)
        self.dataset.setToolTip("The data the model's loss is computed on: a built-in dataset (fixed seed) or "
                                "your own CSV file")
        self.open_csv = QtWidgets.QPushButton("Open CSV…")
        self.open_csv.setToolTip("Use your own data for this model's loss: a CSV file with a header row whose "
                                 "names are the columns the loss uses")
        self.method = registry_combo(OPTIMIZERS.values())
        self.lr = QtWidgets.QDoubleSpinBox()
        self.lr.setDecimals(4)
        self.lr.setRange(*limits.LR)
        self.lr.setSingleStep(0.01)
        self.lr.setPrefix("η ")
        self.batch = QtWidgets.QSpinBox()
        self.batch.setRange(0, limits.BATCH[1])  # 0: full batch
        self.batch.setSpecialValueText("batch: all rows")
        self.batch.setPrefix("batch ")
        self.batch.setToolTip("Rows per step, reshuffled each epoch (0: every row, plain full-batch descent)")
        self.seed = QtWidgets.QSpinBox()
        self.seed.setRange(*limits.SEED)
        self.seed.setPrefix("seed ")
        self.schedule = QtWidgets.QComboBox()
        for name, entry in SCHEDULES.items():
            self.schedule.addItem(entry.label, name)
        self.schedule.setToolTip("Learning-rate schedule, with torch.optim.lr_scheduler's formulas (cosine "
                                 "anneals over all the steps, StepLR decays 4 times, the warm-up takes a tenth)")
        self.steps = QtWidgets.QSpinBox()
        self.steps.setRange(*limits.STEPS)
        self.steps.setPrefix("steps ")
        self.data_row = QtWidgets.QHBoxLayout()  # what is fitted: model, data, loss; `controls`: how
        data_widgets = (("model", self.preset_combo), ("data", self.dataset), ("", self.open_csv))
        for row, widgets in ((self.data_row, data_widgets),
                             (self.controls, (("method", self.method), ("", self.lr), ("", self.batch),
                                              ("", self.seed), ("", self.steps), ("schedule", self.schedule)))):
            for label, widget in widgets:
                if label:
                    row.addWidget(QtWidgets.QLabel(label))
                row.addWidget(widget)
        self.controls.addStretch(1)
        self.loss_text = QtWidgets.QLineEdit()
        self.data_row.addWidget(QtWidgets.QLabel("loss"))
        self.data_row.addWidget(self.loss_text, 1)
        self.loss_text.setFont(QtGui.QFontDatabase.systemFont(QtGui.QFontDatabase.SystemFont.FixedFont))
        self.loss_text.setToolTip("The loss over the data's columns (press Enter): mean(...) and sum(...) reduce "
                                  "over the rows, e.g. f(w, b) = mean(abs(w*x + b - y))")
        self.loss_text.returnPressed.connect(lambda: self.state.set_loss(self.loss_text.text()))
        self.error = QtWidgets.QLabel()
        style_error_label(self.error)
        self.error.setWordWrap(True)
        self.readout = QtWidgets.QLabel()
        self.readout.setStyleSheet(muted_css())
        on_change(lambda theme, w=self.readout: w.setStyleSheet(muted_css()), self.readout)
        self.preset_combo.currentIndexChanged.connect(lambda _i: self.state.load_model(self.preset_combo.currentData()))
        self.open_csv.clicked.connect(self._ask_csv)
        self.dataset.currentIndexChanged.connect(self._dataset_chosen)
        self.method.currentIndexChanged.connect(lambda _i: self.state.set_run(method=self.method.currentData()))
        self.lr.valueChanged.connect(lambda v: self.state.set_run(lr=float(v)))
        self.batch.valueChanged.connect(lambda v: self.state.set_run(batch_size=int(v) or None))
        self.seed.valueChanged.connect(lambda v: self.state.set_run(seed=int(v)))
        self.steps.valueChanged.connect(lambda v: self.state.set_run(steps=int(v)))
        self.schedule.currentIndexChanged.connect(
            lambda _i: self.state.set_run(schedule=self.schedule.currentData()))

    def _ask_csv(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self, "Open data", "", "CSV files (*.csv);;All files (*)")
        if not path:
            return
        try:
            header = read_header(path)  # the first line only: the file is read once, by the state
        except DataError:
            self.state.load_csv(path)  # the state names the problem in place
            return
        needed = self.state.needed_columns
        if set(needed) <= set(header):
            self.state.load_csv(path)
            return
        chosen = self.pick_columns(needed, header)
        if chosen is not None:
            self.state.load_csv(path, chosen)

    def pick_columns(self, needed: tuple[str, ...], header: list[str]) -> dict[str, str] | None:
        """Ask which of the file's columns is each needed one (None if cancelled)."""
        dialog = QtWidgets.QDialog(self)
        dialog.setWindowTitle("Pick the columns")
        form = QtWidgets.QFormLayout(dialog)
        form.addRow(QtWidgets.QLabel(f"The loss uses {', '.join(needed)}: which column of the file is each?"))
        combos = {}
        for k, name in enumerate(needed):
            combo = QtWidgets.QComboBox()
            combo.addItems(header)
            combo.setCurrentIndex(min(k, len(header) - 1))
            form.addRow(name, combo)
            combos[name] = combo
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Ok
                                             | QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        form.addRow(buttons)
        self.column_dialog = dialog
        if dialog.exec() != QtWidgets.QDialog.DialogCode.Accepted:
            return None
        return {name: combo.currentText() for name, combo in combos.items()}

    def _dataset_chosen(self, _index: int) -> None:
        name = self.dataset.currentData()
        if name is None:
            self._ask_csv()
        else:
            self.state.load_dataset(name)
        self._sync_controls()  # a refused choice shows the data still in use

    def _sync_controls(self) -> None:
        s = self.state
        with signals_blocked(self.dataset):
            self.dataset.setCurrentIndex(self.dataset.findData(s.dataset) if s.dataset else self.dataset.count() - 1)
        with signals_blocked(self.preset_combo, self.method, self.lr, self.batch, self.seed, self.steps, self.schedule):
            self.schedule.setCurrentIndex(self.schedule.findData(s.schedule))
            self.preset_combo.setCurrentIndex(self.preset_combo.findData(s.preset.name))
            self.method.setCurrentIndex(self.method.findData(s.method))
            self.lr.setValue(s.lr)
            self.batch.setValue(s.batch_size or 0)
            self.seed.setValue(s.seed)
            self.steps.setValue(s.steps)
        if not s.error:
            self.loss_text.setText(s.text)
        self.error.setText(s.error)
        self.error.setVisible(bool(s.error))
