"""Reading and writing session files: atomic saves, clear refusals."""

from __future__ import annotations

import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

from gradviz.model.scene import Scene
from gradviz.session.schema import SessionError, scene_from_dict, scene_to_dict

SUFFIX = ".gradviz.json"


def _mode_for(target: Path) -> int:
    """The permissions the written file should have: the old file's, else what a new file gets."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def write_atomic(path: str | os.PathLike, text: str) -> None:
    """Write `text` to `path` so that a reader sees the old file or the new one, never a part:
    a temporary file in the same folder, flushed to disk, then renamed over the target. The file
    keeps the permissions it had; if writing fails (a full disk), the old file is left intact."""
    target = Path(path)
    mode = _mode_for(target)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    try:
        os.chmod(tmp, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_session(scene: Scene, path: str | os.PathLike, extra: dict[str, Any] | None = None) -> None:
    """Save the scene to `path` atomically (OSError if the folder cannot be written); `extra` holds further
    sections (the tool windows' state, e.g. "loss_on_data")."""
    write_atomic(path, json.dumps({**scene_to_dict(scene), **(extra or {})}, indent=2, allow_nan=False) + "\n")


def read_session(path: str | os.PathLike) -> Any:
    """The JSON in a session file; SessionError for a missing, unreadable, truncated or corrupt file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SessionError(f"no such file: {path}") from None
    except (OSError, UnicodeDecodeError) as err:
        raise SessionError(f"cannot read {path}: {err}") from None
    if not text.strip():
        raise SessionError(f"{path} is empty")
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise SessionError(f"{path} is corrupt or truncated (invalid JSON at line {err.lineno}, "
                           f"column {err.colno})") from None
    except RecursionError:
        raise SessionError(f"{path} is nested too deeply to be a gradviz session") from None


def load_session(scene: Scene, path: str | os.PathLike) -> None:
    """Show the session in `path`; SessionError with the reason, and the scene unchanged, otherwise."""
    scene_from_dict(scene, read_session(path))
