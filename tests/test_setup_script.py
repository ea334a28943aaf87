"""scripts/setup.sh returns at once, without pip, when the environment is set up for this
pyproject.toml (the fast relaunch of scripts/run.sh)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_setup_is_a_no_op_when_nothing_changed(tmp_path):
    shutil.copytree(ROOT / "scripts", tmp_path / "scripts")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    venv_bin = tmp_path / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    calls = tmp_path / "calls.log"
    fake = venv_bin / "python"  # records every use: pip would go through it
    fake.write_text(f"#!/bin/sh\necho \"$@\" >> {calls}\n")
    fake.chmod(0o755)
    env = {**os.environ, "PYTHON": sys.executable}
    stamp = subprocess.run(["bash", "scripts/setup.sh", "--print-stamp"], cwd=tmp_path, env=env, capture_output=True,
                           text=True)
    assert stamp.returncode == 0 and len(stamp.stdout.strip()) == 64, stamp.stderr
    (tmp_path / ".venv" / ".gradviz-setup").write_text(stamp.stdout)
    result = subprocess.run(["bash", "scripts/setup.sh"], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and not calls.exists()  # nothing installed, pip never ran
    # a changed pyproject.toml is noticed (the stamp no longer matches)
    with open(tmp_path / "pyproject.toml", "a") as f:
        f.write("\n# changed\n")
    changed = subprocess.run(["bash", "scripts/setup.sh", "--print-stamp"], cwd=tmp_path, env=env,
                             capture_output=True, text=True)
    assert changed.stdout != stamp.stdout


def test_run_without_a_display_says_where_it_runs_and_how_to_stop(tmp_path):
    """On a machine with no screen run.sh ran the app on an invisible display and never said so."""
    shutil.copytree(ROOT / "scripts", tmp_path / "scripts")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    venv_bin = tmp_path / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    for name in ("python", "gradviz"):  # stand-ins: the app is not the subject here, the messages are
        (venv_bin / name).write_text("#!/bin/sh\necho started \"$@\"\n")
        (venv_bin / name).chmod(0o755)
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    (fake_bin / "xvfb-run").write_text("#!/bin/sh\nshift 3\nexec \"$@\"\n")  # drops -a -s SPEC
    (fake_bin / "xvfb-run").chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(PYTHON=sys.executable, PATH=f"{fake_bin}:{env['PATH']}")
    stamp = subprocess.run(["bash", "scripts/setup.sh", "--print-stamp"], cwd=tmp_path, env=env, capture_output=True,
                           text=True)
    (tmp_path / ".venv" / ".gradviz-setup").write_text(stamp.stdout)
    result = subprocess.run(["bash", "scripts/run.sh", "--version"], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "invisible virtual screen" in out and "Ctrl+C" in out and "gradviz render" in out
    assert "started --version" in out
