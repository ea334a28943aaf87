#!/usr/bin/env bash
# Set up (see setup.sh) and launch gradviz; arguments are passed on (e.g. an f(x, y) to show).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/gradviz "$@"
