#!/bin/bash
# Entrypoint of the self-heal container action.
#
# Bash, not sh, on purpose: GitHub passes inputs as INPUT_<NAME> with dashes
# kept (INPUT_DRY-RUN, INPUT_MAX-ATTEMPTS). Those are not valid shell names and
# dash (Debian's /bin/sh) silently drops them from the environment it hands to
# exec'd programs; bash passes them on. tests/action/image.sh checks both.
set -euo pipefail

# The workspace is a bind mount owned by the runner's user, not by root in
# here, so git refuses it as "dubious ownership". Trust it in the container's
# system config: that file dies with the container, whereas --global would
# write into /github/home, which the runner keeps for the job's later steps,
# and GIT_CONFIG_* env would be replaced by the binary's own per-command git
# environment (token header for the push).
trust_dir() {
    local dir=$1
    [ -n "$dir" ] || return 0
    if ! git config --system --get-all safe.directory 2>/dev/null | grep -qxF -- "$dir"; then
        # Not fatal: run as a non-root user the file is read-only, and git
        # then says which directory it refuses.
        git config --system --add safe.directory "$dir" 2>/dev/null ||
            echo "self-heal: could not mark $dir as a safe git directory" >&2
    fi
}
trust_dir /github/workspace
trust_dir "${GITHUB_WORKSPACE:-}"

exec /usr/local/bin/self-heal "$@"
