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
