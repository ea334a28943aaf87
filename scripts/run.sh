#!/usr/bin/env bash
# Set up (see setup.sh) and launch gradviz on its default function; arguments are passed on
# (e.g. an f(x, y) to show). With no display, it runs on a virtual screen (Xvfb) and says so.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && command -v xvfb-run >/dev/null 2>&1; then
  echo "run: no display found, so gradviz runs on an invisible virtual screen (Xvfb): no window will appear here."
  echo "run: it keeps running until you stop it: press Ctrl+C (or: pkill -f .venv/bin/gradviz)."
  echo "run: to see the window, run this on a desktop, or log in with ssh -X so that DISPLAY is set."
  echo "run: for a picture without any screen: .venv/bin/gradviz render \"x*exp(-x^2-y^2)\" -o figure.png"
  exec xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/gradviz "$@"
fi
exec .venv/bin/gradviz "$@"
