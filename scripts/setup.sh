#!/usr/bin/env bash
# Set up gradviz on a fresh Debian/Ubuntu machine: the system libraries Qt and OpenGL need
# (installed with apt-get when run as root, otherwise listed for you), then a virtual
# environment in .venv with gradviz and its test tools. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

DEB_PACKAGES="xvfb libgl1 libegl1 libglx-mesa0 libgl1-mesa-dri libglib2.0-0 libdbus-1-3 libfontconfig1
fonts-dejavu-core libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
libxcb-render-util0 libxcb-shape0 libxcb-randr0 libxcb-xinerama0 libxcb-xkb1"

if command -v dpkg-query >/dev/null 2>&1; then
  missing=""
  for p in $DEB_PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
  done
  if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ]; then
      echo "setup: installing system packages:$missing"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq
      apt-get install -y -qq --no-install-recommends $missing >/dev/null
    elif command -v sudo >/dev/null 2>&1; then
      echo "setup: installing system packages with sudo:$missing"
      sudo apt-get update -qq
      sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
    else
      echo "setup: please install these system packages first:$missing" >&2
      exit 1
    fi
  fi
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e ".[test]"
echo "setup: ready (.venv)"
