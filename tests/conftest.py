"""Test set-up: GUI tests need a real X display (pytest-xvfb starts Xvfb) and shared GL contexts.

No test touches the user's profile: GRADVIZ_HOME (and the XDG folders, for anything that asks the
platform directly, and Dask's scratch and config folders) point into a temporary folder for the whole run, and
every subprocess a test starts inherits them.
"""

import gc
import os
import shutil
import tempfile

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
_HOME = tempfile.mkdtemp(prefix="gradviz-tests-")
for _name, _sub in (("GRADVIZ_HOME", "gradviz"), ("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data"),
                    ("XDG_CACHE_HOME", "cache"), ("XDG_STATE_HOME", "state"), ("DASK_TEMPORARY_DIRECTORY", "dask"),
                    ("DASK_CONFIG", "dask-config")):
    os.environ[_name] = os.path.join(_HOME, _sub)


def pytest_sessionfinish(session, exitstatus) -> None:  # noqa: ARG001 (pytest's hook signature)
    """The closed windows' objects are collected on this (the GUI) thread while Qt is whole: the windows' job runner
    leaves garbage collection to the GUI thread, and left to the interpreter's exit pyqtgraph printed errors."""
    gc.collect()


def pytest_unconfigure(config) -> None:  # noqa: ARG001 (pytest's hook signature)
    """The temporary profile goes when the run ends: nothing of a test run stays behind."""
    shutil.rmtree(_HOME, ignore_errors=True)


@pytest.fixture
def queued():
    """A Qt-free scene whose jobs are collected in a list instead of run (the test runs and delivers them)."""
    from gradviz.model.scene import Scene

    scene = Scene()
    jobs = []
    scene.executor = jobs.append
    return scene, jobs
