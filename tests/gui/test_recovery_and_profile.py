"""Recovery tells the truth across real processes, and the window's code writes nothing into the
user's profile when GRADVIZ_HOME points elsewhere (as it does for the whole test suite)."""

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

HOLDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from gradviz.gui.files.recovery import RecoveryStore
    store = RecoveryStore(Path(sys.argv[1]))
    store.path.write_text('{"unsaved": true}')
    print(store.path, flush=True)
    time.sleep(120)
""")


def _holder(folder):
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(folder)], stdout=subprocess.PIPE, text=True,
                            cwd=ROOT)
    return proc, Path(proc.stdout.readline().strip())


def test_a_running_instances_file_is_never_offered_and_a_killed_ones_once(tmp_path):
    from gradviz.gui.files.recovery import RecoveryStore

    proc, theirs = _holder(tmp_path)
    try:
        assert theirs.exists()
        mine = RecoveryStore(tmp_path)
        assert mine.orphans() == []  # running: not a crash
        assert RecoveryStore(tmp_path).orphans() == []
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    assert theirs.exists()  # a kill leaves the file, as a crash does
    first = RecoveryStore(tmp_path)
    assert first.orphans() == [theirs]
    assert RecoveryStore(tmp_path).orphans() == []  # claimed by the first launch: offered once
    first.dismiss(theirs)
    assert not theirs.exists()
    assert RecoveryStore(tmp_path).orphans() == []
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("recovery-") and
            p.name.split("-")[1] == str(proc.pid)] == []  # its lock is gone too


def test_every_clean_exit_removes_the_recovery_file(qtbot, tmp_path):
    from PySide6 import QtCore

    from gradviz.gui.main_window import MainWindow
    from gradviz.model.scene import Scene

    for answer in ("discard", "save"):
        settings = QtCore.QSettings(str(tmp_path / "s.ini"), QtCore.QSettings.Format.IniFormat)
        win = MainWindow(Scene(), settings)
        qtbot.addWidget(win)
        win.files.ask_unsaved = lambda a=answer: a
        win.files.sessions.path = tmp_path / "scene.gradviz.json"
        win.show()
        win.scene.set_expression("x*y")
        win.files.sessions.autosave()
        own = win.files.sessions.recovery.path
        assert own.exists()
        assert win.close()
        assert not own.exists(), answer
        assert not any(p.name.startswith(own.name[:-len(".gradviz.json")]) for p in own.parent.iterdir())


def test_declining_clears_the_file(qtbot, window):
    from gradviz.gui.main_window import MainWindow
    from gradviz.model.scene import Scene

    window.scene.set_expression("x - y")
    window.files.sessions.autosave()
    own = window.files.sessions.recovery.path
    window.files.sessions.recovery._lock.unlock()  # as if its process had died
    other = MainWindow(Scene(), window.settings)
    other.files.ask_unsaved = lambda: "discard"
    qtbot.addWidget(other)
    assert not other.files.sessions.offer_recovery(ask=lambda text: False)
    assert not own.exists() and other.scene.function.text != "x - y"


SCENARIO = textwrap.dedent("""
    from PySide6 import QtCore
    from gradviz.gui.qt_setup import ensure_app
    app = ensure_app()
    from gradviz.gui.main_window import MainWindow
    from gradviz.model.scene import Scene
    win = MainWindow(Scene())
    win.files.ask_unsaved = lambda: "discard"
    win.show()
    for _ in range(5):
        app.processEvents()
    win.scene.set_expression("k = 2; x^2 + k*y^2")
    win.files.sessions.autosave()
    win.files.sessions._remember(__import__("pathlib").Path("/tmp/some.gradviz.json"))
    win.close()
    QtCore.QSettings().sync()
    print("ok")
""")


def _files_under(folder):
    return sorted(str(p.relative_to(folder)) for p in Path(folder).rglob("*") if p.is_file())


def _run_window(home, gradviz_home):
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_") and k != "GRADVIZ_HOME"}
    env["HOME"] = str(home)
    if gradviz_home is not None:
        env["GRADVIZ_HOME"] = str(gradviz_home)
    result = subprocess.run([sys.executable, "-c", SCENARIO], env=env, cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0 and "ok" in result.stdout, result.stderr
    return result


def test_the_window_writes_nothing_into_the_profile_with_gradviz_home(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    elsewhere = tmp_path / "elsewhere"
    _run_window(home, elsewhere)
    leaked = [f for f in _files_under(home) if "gradviz" in f.lower()]
    assert leaked == []
    assert any(f.startswith("settings") for f in _files_under(elsewhere))  # the settings went here instead
    # the watcher can see a leak: without GRADVIZ_HOME the same code writes into the profile
    _run_window(home, None)
    assert any("gradviz" in f.lower() for f in _files_under(home))


KILLED_BEFORE_AUTOSAVE = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from gradviz.gui.files.recovery import RecoveryStore
    store = RecoveryStore(Path(sys.argv[1]))  # holds its lock, never autosaves
    print(store.path, flush=True)
    time.sleep(120)
""")


def test_stale_locks_of_killed_instances_are_removed(tmp_path):
    """Three instances killed before their first autosave left three locks; the next launch removes them, and
    leaves the lock of one still running."""
    from gradviz.gui.files.recovery import RecoveryStore

    procs = [subprocess.Popen([sys.executable, "-c", KILLED_BEFORE_AUTOSAVE, str(tmp_path)], stdout=subprocess.PIPE,
                              text=True, cwd=ROOT) for _ in range(4)]
    for proc in procs:
        proc.stdout.readline()
    for proc in procs[:3]:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    try:
        assert len(list(tmp_path.glob("recovery-*.lock"))) == 4
        store = RecoveryStore(tmp_path)
        locks = sorted(p.name for p in tmp_path.glob("recovery-*.lock"))
        assert locks == sorted([f"recovery-{procs[3].pid}-0.lock", store.path.name.replace(".gradviz.json", ".lock")])
    finally:
        procs[3].send_signal(signal.SIGKILL)
        procs[3].wait(timeout=10)
