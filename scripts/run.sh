#!/usr/bin/env bash
# Set up (see setup.sh) and launch gradviz on its default function; arguments are passed on
# (e.g. an f(x, y) to show). With no display, it runs on a virtual screen (Xvfb) and says so.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && command -v xvfb-run >/dev/null 2>&1; then
  echo "run: no display found, so gradviz runs on a virtual screen (Xvfb). On a desktop it opens a window."
  exec xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/gradviz "$@"
fi
exec .venv/bin/gradviz "$@"
