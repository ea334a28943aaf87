#!/usr/bin/env bash
# Set up gradviz on a fresh Debian/Ubuntu machine: the system libraries Qt and OpenGL need
# (installed with apt-get when run as root, otherwise listed for you), then a virtual
# environment in .venv with gradviz, its video and cluster (Dask) extras and its test tools. Safe to run again:
# when nothing changed since the last run (same pyproject.toml, same Python, same packages)
# it returns at once without calling pip.
set -euo pipefail
cd "$(dirname "$0")/.."

# each entry: a package, or alternatives separated by "|" (Debian 13 / Ubuntu 24.04 renamed some: t64)
DEB_PACKAGES="xvfb libgl1 libegl1 libglx-mesa0 libgl1-mesa-dri libglib2.0-0t64|libglib2.0-0 libdbus-1-3
libfontconfig1 fonts-dejavu-core libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
libxcb-render-util0 libxcb-shape0 libxcb-randr0 libxcb-xinerama0 libxcb-xkb1"
PYTHON="${PYTHON:-python3}"
STAMP=.venv/.gradviz-setup

stamp() {  # what the environment was set up for
  { cat pyproject.toml; "$PYTHON" -c 'import sys; print(sys.version)'; echo "$DEB_PACKAGES"; } | sha256sum | cut -c1-64
}

if [ "${1:-}" = "--print-stamp" ]; then stamp; exit 0; fi  # what a finished setup records

if [ -x .venv/bin/python ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$(stamp)" ]; then
  exit 0  # already set up for this pyproject.toml: nothing to do
fi

missing=""
if command -v dpkg-query >/dev/null 2>&1; then
  installed="$(dpkg-query -W -f='${Package} ${Status}\n' 2>/dev/null | awk '/ ok installed$/ {print $1}')"
  for entry in $DEB_PACKAGES; do
    found=""
    for p in ${entry//|/ }; do
      if grep -qx "$p" <<<"$installed" || grep -qx "$p:amd64" <<<"$installed"; then found=1; break; fi
    done
    [ -n "$found" ] || missing="$missing $entry"
  done
  # stock Debian/Ubuntu Pythons need python3-venv for `python3 -m venv`
  if [ ! -x .venv/bin/python ] && ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    missing="$missing python3-venv"
  fi
fi
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "setup: please install these system packages first:${missing//|/ or }" >&2
    exit 1
  fi
  echo "setup: installing system packages:${missing//|/ or }"
  $SUDO apt-get update -qq
  chosen=""
  for entry in $missing; do  # the first alternative this distribution has
    for p in ${entry//|/ }; do
      if apt-cache show "$p" >/dev/null 2>&1; then chosen="$chosen $p"; break; fi
    done
  done
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $chosen >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true  # an old pip still installs
log="$(mktemp)"
if ! .venv/bin/python -m pip install -q -e ".[video,test,cluster]" >"$log" 2>&1; then
  cat "$log" >&2  # everything pip said, only when it failed
  rm -f "$log"
  exit 1
fi
rm -f "$log"
stamp > "$STAMP"
echo "setup: ready (.venv)"
