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

# sample_toolchain_env: the environment a runner step has for the samples: CI=true,
# local Go toolchain, and npm, Maven and Gradle downloads in the shared sample cache
# (SELF_HEAL_SAMPLE_CACHE, as scripts/regen-sample-logs-eco.py and the tests use).
sample_toolchain_env() {
    local cache="${SELF_HEAL_SAMPLE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/self-heal-samples}"
    export CI=true GOTOOLCHAIN=local npm_config_cache="$cache/npm" \
        MAVEN_OPTS="-Dmaven.repo.local=$cache/m2" GRADLE_USER_HOME="$cache/gradle" \
        GRADLE_OPTS="-Dorg.gradle.daemon=false"
}

# sample_checkout SAMPLE_DIR DEST: a git checkout of a sample as CI has it after its
# install step: committed, node_modules ignored and installed from the npm cache.
sample_checkout() {
    rm -rf "$2"
    cp -r "$1" "$2"
    (
        cd "$2" || exit
        printf 'node_modules/\n' > .gitignore
        git init -q -b main && git add -A && git -c user.name=b -c user.email=b@b commit -qm sample
        if [ -f package-lock.json ]; then npm ci --prefer-offline --no-audit --no-fund >/dev/null 2>&1; fi
    )
}

# fake_llm_start DIR ARGS...: starts scripts/bench/fake_llm.py (a port of its own,
# ARGS after the port) and sets FAKE_LLM_PID and FAKE_LLM_PORT; DIR holds its fifo.
# shellcheck disable=SC2034 # FAKE_LLM_PORT is for the caller
fake_llm_start() {
    local dir="$1"
    shift
    rm -f "$dir/fake-llm.port"
    mkfifo "$dir/fake-llm.port"
    python3 scripts/bench/fake_llm.py 0 "$@" > "$dir/fake-llm.port" &
    FAKE_LLM_PID=$!
    read -r FAKE_LLM_PORT < "$dir/fake-llm.port"
}

# fake_llm_stop: stops the server fake_llm_start started, if it runs (never `kill 0`,
# which would be the whole process group).
fake_llm_stop() {
    if [ -n "${FAKE_LLM_PID:-}" ]; then
        kill "$FAKE_LLM_PID" 2>/dev/null || true
        wait "$FAKE_LLM_PID" 2>/dev/null || true
        FAKE_LLM_PID=
    fi
}
