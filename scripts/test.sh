#!/usr/bin/env bash
# Set up (see setup.sh), lint, check the floors (import-linter), and run the whole test suite; GUI tests run on a virtual X
# server (Xvfb, started by pytest-xvfb) with Mesa's software OpenGL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check .
.venv/bin/lint-imports --no-cache  # the floors of pyproject.toml: no import runs up
export QT_QPA_PLATFORM=xcb
exec .venv/bin/python -m pytest "$@"
