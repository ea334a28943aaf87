"""Sessions in the window: open, save, recent files, the unsaved-changes mark, the question
before replacing unsaved work, autosave and crash recovery (see `recovery.py`)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from PySide6 import QtCore, QtWidgets

from gradviz.gui.files.recovery import RecoveryStore
from gradviz.model.presets import DEFAULT_PRESET
from gradviz.model.signal import Signal
from gradviz.session import SessionError, save_session, scene_from_dict
from gradviz.session import loss_on_data as data_session
from gradviz.session import network as network_session
from gradviz.session.store import SUFFIX, read_session

AUTOSAVE_MS = 4000
MAX_RECENT = 8
SESSION_FILTER = "gradviz sessions (*.gradviz.json);;JSON (*.json)"

Warn = Callable[[QtWidgets.QWidget, str, str], object]


class SessionController(QtCore.QObject):
    """Owns a window's session state: the current file, unsaved changes, autosave and recovery."""

    def __init__(self, window: QtWidgets.QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.scene = window.scene
        self.settings: QtCore.QSettings = window.settings
        self.path: Path | None = None
        self.dirty = False
        self._loading = False
        self._autosaved = True
        # replaces the Save/Discard/Cancel question when set (tests, scripted use): returns one of those words
        self.ask_unsaved: Callable[[], str] | None = None
        self.warn: Warn = QtWidgets.QMessageBox.warning  # (parent, title, text); replaceable in tests
        self.on_replaced: Callable[[], object] = lambda: None  # the scene was replaced by a file or a new scene
        self.recovery = RecoveryStore()
        m = self.scene
        for signal in (m.function_changed, m.domain_changed, m.view_changed, m.probe_changed, m.camera_changed,
                       m.parameters_changed, m.descent.starts_changed, m.descent.settings_changed,
                       m.critical_changed):
            signal.connect(self._changed)
        self.timer = QtCore.QTimer(self)
        self.timer.setInterval(AUTOSAVE_MS)
        self.timer.timeout.connect(self.autosave)
        self.timer.start()
        self.update_title()

    # ----- state -----
    def watch(self, signal: Signal) -> None:
        """Count the changes announced by `signal` (a tool window's state) as unsaved changes."""
        signal.connect(self._changed)

    def _extra(self) -> dict:
        """The sections of the tool windows that keep a state in the session (the Models on data window's tabs)."""
        data_window = getattr(self.window, "data_window", None)
        if data_window is None:
            return {}
        return {data_session.SECTION: data_session.to_dict(data_window.state),
                network_session.SECTION: network_session.to_dict(data_window.network.state)}

    def _changed(self, *args: object) -> None:
        if self._loading:
            return
        self._autosaved = False
        if not self.dirty:  # a slider's every tick says so: the title changes once
            self.dirty = True
            self.update_title()

    def update_title(self) -> None:
        name = self.path.name if self.path else "untitled"
        self.window.setWindowTitle(f"{name}[*] — gradviz")
        self.window.setWindowModified(self.dirty)

    def _mark_clean(self, path: Path | None) -> None:
        self.path = path
        self.dirty = False
        self._autosaved = True
        self.recovery.clear()
        self.update_title()

    # ----- recent files -----
    def attach_recent_menu(self, menu: QtWidgets.QMenu) -> None:
        self.recent_menu = menu
        self.refresh_recent()

    def refresh_recent(self) -> None:
        menu = getattr(self, "recent_menu", None)
        if menu is None:
            return
        menu.clear()
        files = [f for f in self.recent_files() if Path(f).exists()]
        for f in files:
            menu.addAction(f).triggered.connect(lambda _=False, p=f: self.open(p))
        menu.setEnabled(bool(files))

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
        self._loading = True
        try:
            self.scene.load_preset(DEFAULT_PRESET)
        finally:
            self._loading = False
        self._mark_clean(None)
        self.on_replaced()

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
            self._load(path)
        except SessionError as err:
            self._loading = False
            self.warn(self.window, "Cannot open the session", f"{err}\n\nThe current scene is unchanged.")
            return False
        finally:
            self._loading = False
        self._mark_clean(Path(path))
        self._remember(Path(path))
        self.on_replaced()
        return True

    def _load(self, path: str | os.PathLike) -> None:
        """Show the session in `path`, the tool windows' sections too; SessionError, and nothing changed,
        if any part of it is wrong."""
        data = read_session(path)
        section = data.get(data_session.SECTION) if isinstance(data, dict) else None
        tool = None if section is None else data_session.read_section(section)  # checked before any change
        section = data.get(network_session.SECTION) if isinstance(data, dict) else None
        network = None if section is None else network_session.read_section(section)
        scene_from_dict(self.scene, data)
        if tool is not None or network is not None:
            self.window.show_data_window()
        if tool is not None:
            data_session.restore(self.window.data_window.state, tool)
        if network is not None:
            network_session.restore(self.window.data_window.network.state, network)

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
            save_session(self.scene, path, self._extra())
        except OSError as err:
            self.warn(self.window, "Cannot save", f"Could not save {path}: {err}\n\nThe file on disk is as it was.")
            return False
        self._mark_clean(Path(path))
        self._remember(Path(path))
        self.window.statusBar().showMessage(f"Saved {path}", 4000)
        return True

    # ----- autosave and recovery -----
    def autosave(self) -> None:
        """Every few seconds while something changed: write this instance's recovery file (never the
        user's file)."""
        if self.dirty and not self._autosaved:
            try:
                self.recovery.write(self.scene, self._extra())
                self._autosaved = True
            except OSError:
                pass  # a recovery file is a courtesy; never interrupt the user for it

    def offer_recovery(self, ask: Callable[[str], bool] | None = None) -> bool:
        """At launch: offer the newest scene left by an instance that did not exit cleanly, once.
        `ask(text) -> bool` replaces the dialog. Restoring or declining removes it."""
        orphans = self.recovery.orphans()
        restored = False
        for path in orphans:
            if restored:  # an older one, from another crash: one question is enough
                self.recovery.dismiss(path)
                continue
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(path.stat().st_mtime))
            text = f"gradviz did not close normally. Restore the unsaved scene autosaved at {when}?"
            if ask is None:
                answer = QtWidgets.QMessageBox.question(self.window, "Restore unsaved work?", text)
                yes = answer == QtWidgets.QMessageBox.StandardButton.Yes
            else:
                yes = bool(ask(text))
            if yes:
                self._loading = True
                try:
                    self._load(path)
                    restored = True
                except SessionError:
                    pass
                finally:
                    self._loading = False
            self.recovery.dismiss(path)
            if restored:
                self.dirty, self._autosaved = True, False
                self.update_title()
        return restored

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
        """A clean exit (saved, unchanged or discarded): nothing is left to recover."""
        self.timer.stop()
        self.recovery.release()
