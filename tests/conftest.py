"""Test set-up: GUI tests need a real X display (pytest-xvfb starts Xvfb) and shared GL contexts."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
