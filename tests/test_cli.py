"""The gradviz command: no traceback without a display; bad expressions exit 2 with the column."""

import os
import subprocess
import sys


def _run(*args, env_extra=None):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "gradviz", *args], capture_output=True, text=True, env=env,
                          timeout=60)


def test_no_display_explains_how_to_run_it():
    result = _run()
    assert result.returncode == 1
    assert "xvfb-run" in result.stderr and "Traceback" not in result.stderr


def test_bad_expression_exits_2_with_the_column():
    result = _run("x + z")
    assert result.returncode == 2
    assert "unknown name 'z' at column 5" in result.stderr and "Traceback" not in result.stderr


def test_version():
    result = _run("--version")
    assert result.returncode == 0 and "gradviz" in result.stdout
