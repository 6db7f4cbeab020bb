#!/usr/bin/env bash
# Installs what the Rust test suite runs for real: Python 3 with pytest (sample projects
# are validated with the real pytest), git, Debian's Chromium with its WebDriver (the
# approval page is tested in a real headless browser), and the toolchains the other
# ecosystems' samples are run with (Node.js with npm, Maven with a JDK, Debian's Gradle, Ruby with
# RSpec, Minitest and rake, cargo-nextest;
# Go must be on PATH: Debian's is too old). Idempotent; quiet when all is present.
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
# coverage.py: the Python coverage plugin's coverage.py engine (tests/it/coverage.rs).
if ! python3 -c 'import coverage' >/dev/null 2>&1; then
  python3 -m pip install -q --disable-pip-version-check coverage \
    || python3 -m pip install -q --disable-pip-version-check --break-system-packages coverage
fi
# The venv tests (tests/it/venv.rs) make a venv and an editable install offline.
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || apt_install python3-venv
if ! python3 -c 'import setuptools, wheel' >/dev/null 2>&1; then
  python3 -m pip install -q --disable-pip-version-check setuptools wheel \
    || python3 -m pip install -q --disable-pip-version-check --break-system-packages setuptools wheel
fi
python3 -m pytest --version
chromedriver --version

if ! have node || ! have npm; then apt_install nodejs npm; fi
if ! have mvn || ! have javac; then apt_install maven openjdk-17-jdk-headless; fi
# Debian's Surefire 2.22 (in /usr/share/maven-repo): JUnit 4 ids in its 2.x form.
[ -d /usr/share/maven-repo/org/apache/maven/plugins/maven-surefire-plugin/2.22.3 ] \
  || apt_install libsurefire-java
# Debian's Gradle 4.4 (patched to run on JDK 17): Gradle's own distribution is a
# download that is not available here.
have gradle || apt_install gradle
# Ruby with RSpec, Minitest and rake, all from Debian (the Ruby samples run with them).
{ have ruby && have rspec && have rake && ruby -e 'require "minitest"' 2>/dev/null; } \
  || apt_install ruby ruby-rspec ruby-minitest rake
if ! have go; then
  echo "missing go: install Go >= 1.22 and put it on PATH" >&2
  exit 1
fi
cargo nextest --version >/dev/null 2>&1 || cargo install --locked --quiet cargo-nextest

# The Python formatters and linter the recipe samples are checked and fixed with
# (tests/it/recipes.rs); rustfmt and clippy come with the Rust toolchain.
for tool in black ruff isort; do
  if ! have "$tool"; then
    python3 -m pip install -q --disable-pip-version-check "$tool" \
      || python3 -m pip install -q --disable-pip-version-check --break-system-packages "$tool"
  fi
done
if have rustup; then
  # llvm-tools: the Rust coverage runner's llvm-profdata and llvm-cov (tests/it/coverage_runs.rs).
  for comp in rustfmt clippy llvm-tools; do
    rustup component list --installed 2>/dev/null | grep -q "^$comp" || rustup component add "$comp"
  done
fi
