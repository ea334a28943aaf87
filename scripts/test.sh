#!/usr/bin/env bash
# Set up (see setup.sh), lint, and run the whole test suite; GUI tests run on a virtual X
# server (Xvfb, started by pytest-xvfb) with Mesa's software OpenGL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check .
export QT_QPA_PLATFORM=xcb
exec .venv/bin/python -m pytest "$@"
