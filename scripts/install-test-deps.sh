#!/usr/bin/env bash
# Installs what the Rust test suite runs for real: Python 3 with pytest (sample projects
# are validated with the real pytest), git, and Debian's Chromium with its WebDriver
# (the approval page is tested in a real headless browser). Idempotent; quiet when all
# is present.
set -euo pipefail

have() { command -v "$1" >/dev/null 2>&1; }
apt_install() {
  if [ "$(id -u)" = 0 ] && have apt-get; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null || {
      apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
    }
  else
    echo "missing $*: install it and re-run" >&2
    exit 1
  fi
}

have git || apt_install git
have python3 || apt_install python3 python3-pip
# Debian's packages: Chromium's own download of a browser build is never used.
{ have chromium && have chromedriver; } || apt_install chromium chromium-driver
if ! python3 -m pytest --version >/dev/null 2>&1; then
  python3 -m pip install -q --disable-pip-version-check pytest \
    || python3 -m pip install -q --disable-pip-version-check --break-system-packages pytest
fi
python3 -m pytest --version
chromedriver --version
