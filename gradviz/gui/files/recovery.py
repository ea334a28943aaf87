"""Crash recovery that tells the truth: one recovery file per running instance.

Each instance autosaves to recovery-<pid>.gradviz.json and holds recovery-<pid>.lock (a QLockFile)
while it runs. A clean exit removes both. A file whose lock is held belongs to a running instance
and is never offered; a file whose owner is gone (crash, kill) can be locked by the next launch,
which offers it once: restoring it or declining it removes it.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path

from PySide6 import QtCore

from gradviz.gui.files.locations import data_folder
from gradviz.model.scene import Scene
from gradviz.session import save_session
from gradviz.session.store import SUFFIX

PREFIX = "recovery-"
_instances = itertools.count()  # several windows in one process each have their own file


class RecoveryStore:
    """This instance's recovery file, and the orphans of instances that did not exit cleanly.

    `path` is recovery-<pid>-<n>.gradviz.json, n counting the windows of this process.
    """

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = Path(folder) if folder is not None else data_folder()
        self.folder.mkdir(parents=True, exist_ok=True)
        self.pid = os.getpid()
        self.path = self.folder / f"{PREFIX}{self.pid}-{next(_instances)}{SUFFIX}"
        self._lock = self._lock_for(self.path)
        self._lock.tryLock(0)
        self._claimed: dict[Path, QtCore.QLockFile] = {}
        self.remove_stale_locks()

    def remove_stale_locks(self) -> int:
        """Delete the locks of instances that are gone and left no recovery file (killed before their first
        autosave); returns how many. A lock whose owner runs is left alone."""
        removed = 0
        for lock_path in self.folder.glob(f"{PREFIX}*.lock"):
            session = lock_path.with_name(lock_path.name[: -len(".lock")] + SUFFIX)
            if session.exists() or lock_path == self._lock_path(self.path):
                continue  # offered (and then removed) by orphans(), or our own
            lock = QtCore.QLockFile(str(lock_path))
            lock.setStaleLockTime(0)
            if lock.tryLock(0):  # its owner is gone
                lock.unlock()  # removes the file
                removed += 1
        return removed

    @staticmethod
    def _lock_path(path: Path) -> Path:
        return path.with_name(path.name[: -len(SUFFIX)] + ".lock")

    def _lock_for(self, path: Path) -> QtCore.QLockFile:
        lock = QtCore.QLockFile(str(self._lock_path(path)))
        lock.setStaleLockTime(0)  # stale only when its process is gone, never by age
        return lock

    def write(self, scene: Scene, extra: dict | None = None) -> None:
        """Autosave the scene, with the tool windows' sections `extra` (OSError if the folder cannot be
        written)."""
        save_session(scene, self.path, extra)

    def clear(self) -> None:
        """Nothing left to recover (the work was saved, discarded, or restored)."""
        self.path.unlink(missing_ok=True)

    def release(self) -> None:
        """A clean exit: remove this instance's recovery file and its lock."""
        self.clear()
        self._lock.unlock()
        for path in list(self._claimed):
            self.dismiss(path)

    def orphans(self) -> list[Path]:
        """Recovery files whose instance is not running (newest first). Each is claimed (locked) so
        that no other launch offers it too."""
        found = []
        for path in self.folder.glob(f"{PREFIX}*{SUFFIX}"):
            if path == self.path or path in self._claimed:
                continue
            lock = self._lock_for(path)
            if lock.tryLock(0):  # its owner is gone: a crash or a kill
                self._claimed[path] = lock
                found.append(path)
        legacy = self.folder / f"recovery{SUFFIX}"  # gradviz 0.1's single file
        if legacy.exists():
            found.append(legacy)
        return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)

    def dismiss(self, path: Path) -> None:
        """An orphan was restored or declined: it is not offered again."""
        path.unlink(missing_ok=True)
        lock = self._claimed.pop(path, None)
        if lock is not None:
            lock.unlock()  # removes the lock file
