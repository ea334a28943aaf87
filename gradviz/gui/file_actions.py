"""The File menu: sessions (open, save, recent files, unsaved-changes marks, autosave and crash
recovery) and every export."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from gradviz.export import critical_points_csv, trajectories_csv, trajectories_json
from gradviz.gui import exporting
from gradviz.gui.parameter_movie import export_parameter_sweep_dialog
from gradviz.session import SessionError, load_session, save_session
from gradviz.session.store import SUFFIX

AUTOSAVE_MS = 4000
MAX_RECENT = 8
SESSION_FILTER = "gradviz sessions (*.gradviz.json);;JSON (*.json)"


def recovery_path() -> Path:
    """Where the autosave recovery file lives (GRADVIZ_RECOVERY_DIR overrides, for tests)."""
    folder = os.environ.get("GRADVIZ_RECOVERY_DIR") or QtCore.QStandardPaths.writableLocation(
        QtCore.QStandardPaths.StandardLocation.AppDataLocation)
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path / f"recovery{SUFFIX}"


class SizeDialog(QtWidgets.QDialog):
    """Asks for the 3D image's size, scale factor and background."""

    def __init__(self, parent: QtWidgets.QWidget, width: int, height: int) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export the 3D view")
        form = QtWidgets.QFormLayout(self)
        self.width_box, self.height_box = QtWidgets.QSpinBox(), QtWidgets.QSpinBox()
        for box, value in ((self.width_box, width), (self.height_box, height)):
            box.setRange(16, 8000)
            box.setValue(value)
            box.setSuffix(" px")
        self.scale = QtWidgets.QComboBox()
        self.scale.addItems(["1×", "2×", "3×", "4×"])
        self.transparent = QtWidgets.QCheckBox("transparent background")
        form.addRow("width", self.width_box)
        form.addRow("height", self.height_box)
        form.addRow("scale", self.scale)
        form.addRow(self.transparent)
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Ok
                                             | QtWidgets.QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class FileActions(QtCore.QObject):
    """Owns the session state of a MainWindow (current file, unsaved changes) and its exports."""

    def __init__(self, window: QtWidgets.QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.model = window.model
        self.settings: QtCore.QSettings = window.settings
        self.path: Path | None = None
        self.dirty = False
        self._loading = False
        self._autosaved = True
        self.active_view: str = "contour"
        # replaces the Save/Discard/Cancel question when set (tests, scripted use): returns one of those words
        self.ask_unsaved: object = None
        self.warn = QtWidgets.QMessageBox.warning  # (parent, title, text); replaceable in tests
        for signal in (self.model.function_changed, self.model.domain_changed, self.model.view_changed,
                       self.model.probe_changed, self.model.camera_changed, self.model.descent.starts_changed,
                       self.model.descent.settings_changed, self.model.critical_changed):
            signal.connect(self._changed)
        self.timer = QtCore.QTimer(self)
        self.timer.setInterval(AUTOSAVE_MS)
        self.timer.timeout.connect(self.autosave)
        self.timer.start()
        self.update_title()

    # ----- state -----
    def _changed(self, *args: object) -> None:
        if self._loading:
            return
        self.dirty = True
        self._autosaved = False
        self.update_title()

    def update_title(self) -> None:
        name = self.path.name if self.path else "untitled"
        self.window.setWindowTitle(f"{name}[*] — gradviz")
        self.window.setWindowModified(self.dirty)

    def _mark_clean(self, path: Path | None) -> None:
        self.path = path
        self.dirty = False
        self._autosaved = True
        recovery_path().unlink(missing_ok=True)
        self.update_title()

    # ----- menus -----
    def build_menu(self, menu: QtWidgets.QMenu) -> None:
        def add(text: str, slot: object, shortcut: object = None, tip: str = "") -> QtGui.QAction:
            action = menu.addAction(text)
            action.triggered.connect(slot)
            if shortcut is not None:
                action.setShortcut(QtGui.QKeySequence(shortcut))
            if tip:
                action.setStatusTip(tip)
            return action

        add("&New scene", self.new_scene, QtGui.QKeySequence.StandardKey.New, "Start again from the default function")
        add("&Open…", self.open_dialog, QtGui.QKeySequence.StandardKey.Open, "Open a .gradviz.json session")
        self.recent_menu = menu.addMenu("Open &recent")
        self.refresh_recent()
        add("&Save", self.save, QtGui.QKeySequence.StandardKey.Save, "Save the whole scene")
        add("Save &as…", self.save_as_dialog, QtGui.QKeySequence.StandardKey.SaveAs)
        menu.addSeparator()
        export = menu.addMenu("&Export")
        add_e = export.addAction
        add_e("3D view as PNG…").triggered.connect(self.export_3d_dialog)
        for name, label in (("contour", "Contour view"), ("loss", "Loss curves"), ("slice", "Slice view")):
            add_e(f"{label} as PNG or SVG…").triggered.connect(lambda _=False, n=name: self.export_view_dialog(n))
        add_e("Whole window as PNG…").triggered.connect(self.export_window_dialog)
        export.addSeparator()
        add_e("Trajectories as CSV or JSON…").triggered.connect(self.export_trajectories_dialog)
        add_e("Critical points as CSV…").triggered.connect(self.export_critical_dialog)
        add_e("Descent playback as GIF or MP4…").triggered.connect(self.export_playback_dialog)
        add_e("Parameter sweep as GIF or MP4…").triggered.connect(lambda: export_parameter_sweep_dialog(self))
        copy = menu.addAction("&Copy image of the active view")
        copy.setShortcut(QtGui.QKeySequence("Ctrl+Shift+C"))
        copy.triggered.connect(self.copy_image)
        menu.addSeparator()

    def refresh_recent(self) -> None:
        self.recent_menu.clear()
        files = [f for f in self.recent_files() if Path(f).exists()]
        for f in files:
            self.recent_menu.addAction(f).triggered.connect(lambda _=False, p=f: self.open(p))
        self.recent_menu.setEnabled(bool(files))

    def recent_files(self) -> list[str]:
        value = self.settings.value("recent_files") or []
        return [value] if isinstance(value, str) else list(value)

    def _remember(self, path: Path) -> None:
        files = [str(path)] + [f for f in self.recent_files() if f != str(path)]
        self.settings.setValue("recent_files", files[:MAX_RECENT])
        self.refresh_recent()

    # ----- sessions -----
    def new_scene(self) -> None:
        if not self.maybe_keep_changes():
            return
        from gradviz.model.presets import DEFAULT_PRESET
        self._loading = True
        try:
            self.model.load_preset(DEFAULT_PRESET)
        finally:
            self._loading = False
        self._mark_clean(None)

    def open_dialog(self) -> None:
        if not self.maybe_keep_changes():
            return
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self.window, "Open session", "", SESSION_FILTER)
        if path:
            self.open(path)

    def open(self, path: str | os.PathLike) -> bool:
        """Show the session in `path`; on any problem say why and keep the current scene."""
        self._loading = True
        try:
            load_session(self.model, path)
        except SessionError as err:
            self._loading = False
            self.warn(self.window, "Cannot open the session",
                                          f"{err}\n\nThe current scene is unchanged.")
            return False
        finally:
            self._loading = False
        self._mark_clean(Path(path))
        self._remember(Path(path))
        return True

    def save(self) -> bool:
        if self.path is None:
            return self.save_as_dialog()
        return self.save_to(self.path)

    def save_as_dialog(self) -> bool:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self.window, "Save session", "scene" + SUFFIX, SESSION_FILTER)
        if not path:
            return False
        if not path.endswith(".json"):
            path += SUFFIX
        return self.save_to(Path(path))

    def save_to(self, path: str | os.PathLike) -> bool:
        try:
            save_session(self.model, path)
        except OSError as err:
            self.warn(self.window, "Cannot save", f"Could not save {path}: {err}")
            return False
        self._mark_clean(Path(path))
        self._remember(Path(path))
        self.window.statusBar().showMessage(f"Saved {path}", 4000)
        return True

    def autosave(self) -> None:
        """Every few seconds while something changed: write the recovery file (never the user's file)."""
        if self.dirty and not self._autosaved:
            try:
                save_session(self.model, recovery_path())
                self._autosaved = True
            except OSError:
                pass  # a recovery file is a courtesy; never interrupt the user for it

    def offer_recovery(self, ask: object = None) -> bool:
        """After a crash: offer the recovery file's scene. `ask(text) -> bool` replaces the dialog."""
        path = recovery_path()
        if not path.exists():
            return False
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(path.stat().st_mtime))
        text = f"gradviz did not close normally. Restore the unsaved scene autosaved at {when}?"
        if ask is None:
            answer = QtWidgets.QMessageBox.question(self.window, "Restore unsaved work?", text)
            yes = answer == QtWidgets.QMessageBox.StandardButton.Yes
        else:
            yes = bool(ask(text))
        if not yes:
            path.unlink(missing_ok=True)
            return False
        self._loading = True
        try:
            load_session(self.model, path)
        except SessionError:
            path.unlink(missing_ok=True)
            return False
        finally:
            self._loading = False
        self.dirty, self._autosaved = True, True
        self.update_title()
        return True

    def maybe_keep_changes(self) -> bool:
        """True when it is fine to replace the scene: nothing unsaved, or saved or discarded on request."""
        if not self.dirty:
            return True
        if self.ask_unsaved is not None:
            answer_word = self.ask_unsaved()
            return self.save() if answer_word == "save" else answer_word == "discard"
        buttons = (QtWidgets.QMessageBox.StandardButton.Save | QtWidgets.QMessageBox.StandardButton.Discard
                   | QtWidgets.QMessageBox.StandardButton.Cancel)
        answer = QtWidgets.QMessageBox.question(self.window, "Unsaved changes",
                                                "The scene has unsaved changes. Save them first?", buttons)
        if answer == QtWidgets.QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QtWidgets.QMessageBox.StandardButton.Discard

    def closing(self) -> None:
        """A clean exit: the recovery file is no longer needed."""
        self.timer.stop()
        if not self.dirty:
            recovery_path().unlink(missing_ok=True)

    # ----- exports -----
    def _ask_path(self, title: str, default: str, filters: str) -> str:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self.window, title, default, filters)
        return path

    def _report(self, action: object) -> bool:
        try:
            action()
        except (OSError, ValueError, RuntimeError) as err:
            self.warn(self.window, "Export failed", str(err))
            return False
        return True

    def plot_items(self) -> dict[str, object]:
        w = self.window
        return {"contour": w.contour.getPlotItem(), "loss": w.loss.plot.getPlotItem(),
                "slice": w.slice.getPlotItem()}

    def export_3d(self, path: str, width: int, height: int, scale: float = 1.0, transparent: bool = False) -> None:
        exporting.export_3d_png(self.window.surface, path, width, height, scale, transparent)

    def export_3d_dialog(self) -> None:
        dialog = SizeDialog(self.window, 1600, 1200)
        if dialog.exec() != QtWidgets.QDialog.DialogCode.Accepted:
            return
        path = self._ask_path("Export the 3D view", "surface.png", "PNG image (*.png)")
        if path:
            scale = float(dialog.scale.currentText().rstrip("×"))
            self._report(lambda: self.export_3d(path, dialog.width_box.value(), dialog.height_box.value(), scale,
                                                dialog.transparent.isChecked()))

    def export_view(self, name: str, path: str, width: int | None = 1600) -> None:
        exporting.export_plot(self.plot_items()[name], path, width if path.lower().endswith(".png") else None)

    def export_view_dialog(self, name: str) -> None:
        path = self._ask_path(f"Export the {name} view", f"{name}.png", "PNG image (*.png);;SVG drawing (*.svg)")
        if path:
            self._report(lambda: self.export_view(name, path))

    def window_image(self) -> QtGui.QImage:
        return exporting.grab_with_gl(self.window, [self.window.surface])

    def export_window(self, path: str) -> None:
        if not self.window_image().save(path, "PNG"):
            raise OSError(f"could not write {path}")

    def export_window_dialog(self) -> None:
        path = self._ask_path("Export the window", "gradviz.png", "PNG image (*.png)")
        if path:
            self._report(lambda: self.export_window(path))

    def export_trajectories(self, path: str) -> None:
        runs = [t for _, _, t in self.model.descent.trajectories()]
        if path.lower().endswith(".json"):
            trajectories_json(runs, path)
        else:
            trajectories_csv(runs, path)

    def export_trajectories_dialog(self) -> None:
        path = self._ask_path("Export trajectories", "trajectories.csv", "CSV (*.csv);;JSON (*.json)")
        if path:
            self._report(lambda: self.export_trajectories(path))

    def export_critical(self, path: str) -> None:
        points = self.model.critical_points
        if points is None:
            points = self.model.find_critical_points()
        critical_points_csv(points, path, self.model.function.variables)

    def export_critical_dialog(self) -> None:
        path = self._ask_path("Export critical points", "critical_points.csv", "CSV (*.csv)")
        if path:
            self._report(lambda: self.export_critical(path))

    def export_playback(self, path: str, frames: int = 60, fps: int = 20, dialog: bool = False) -> int:
        """Every trajectory animated from step 0 to its end, as seen in the contour view."""
        d = self.model.descent
        last = max((len(t.points) - 1 for _, _, t in d.trajectories()), default=0)
        steps = np.unique(np.linspace(0, last, max(2, frames)).round().astype(int))
        previous = d.playback
        progress = None
        if dialog:
            progress = QtWidgets.QProgressDialog("Rendering the playback…", "Cancel", 0, len(steps), self.window)
            progress.setWindowModality(QtCore.Qt.WindowModality.WindowModal)
            progress.setMinimumDuration(0)

        def frame(k: int) -> QtGui.QImage:
            d.set_playback(int(steps[k]))
            QtWidgets.QApplication.processEvents()
            return self.window.contour.grab().toImage()

        def step(k: int) -> bool:
            if progress is None:
                return True
            progress.setValue(k)
            return not progress.wasCanceled()

        try:
            return exporting.export_movie(path, len(steps), frame, fps, step)
        finally:
            d.set_playback(previous)
            if progress is not None:
                progress.close()

    def export_playback_dialog(self) -> None:
        path = self._ask_path("Export descent playback", "descent.gif", "Animated GIF (*.gif);;MP4 video (*.mp4)")
        if path:
            self._report(lambda: self.export_playback(path, dialog=True))

    def copy_image(self) -> None:
        """Put the view used last on the clipboard."""
        w = self.window
        if self.active_view == "surface":
            image = w.surface.grabFramebuffer()
        else:
            widget = {"contour": w.contour, "slice": w.slice, "loss": w.loss.plot}.get(self.active_view, w.contour)
            image = widget.grab().toImage()
        QtWidgets.QApplication.clipboard().setImage(image)
        w.statusBar().showMessage(f"Copied the {self.active_view} view to the clipboard", 3000)
