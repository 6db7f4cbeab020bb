# Helpers shared by the scripts in this folder; source it, don't run it.
# shellcheck shell=bash

# Root runs apt-get itself (test machines); a CI runner's user goes through sudo.
as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# apt_install PKG...: installs the Debian packages that are missing. Updates
# the package lists only when an install from the current lists fails.
apt_install() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
    done
    ((${#missing[@]})) || return 0
    printf '[setup] apt-get install %s\n' "${missing[*]}" >&2
    if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

# pip_install PKG...: wheels only (the tools' wheels carry their binaries; a
# build from source would try to download them). Where the system Python is
# externally managed (Ubuntu 24.04 runners), pipx puts each in its own venv.
pip_install() {
    printf '[setup] pip install %s\n' "$*" >&2
    if python3 -m pip install --quiet --disable-pip-version-check --only-binary=:all: "$@" 2>/dev/null; then
        hash -r
        return 0
    fi
    command -v pipx >/dev/null 2>&1 || { echo "pip install $* failed and pipx is missing" >&2; return 1; }
    local pkg
    for pkg in "$@"; do
        pipx install --pip-args=--only-binary=:all: "$pkg" >/dev/null
    done
    hash -r
}

# bench_prereqs: for the benchmarks, run from the checkout's root. Sets FIXTURES
# (SELF_HEAL_FIXTURES, else ../shared/fixtures) and exits 2 when it holds no
# ci-logs; installs GNU time, which reads the peak RSS.
bench_prereqs() {
    FIXTURES="${SELF_HEAL_FIXTURES:-}"
    if [ -z "$FIXTURES" ]; then
        if [ -d ../shared/fixtures ]; then FIXTURES=../shared/fixtures; else FIXTURES=/work/shared/fixtures; fi
    fi
    [ -d "$FIXTURES/ci-logs" ] || { echo "no fixtures at $FIXTURES (set SELF_HEAL_FIXTURES)" >&2; exit 2; }
    [ -x /usr/bin/time ] || apt_install time
}
