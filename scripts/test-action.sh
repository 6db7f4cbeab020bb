#!/usr/bin/env bash
# The Action's whole test, offline: Docker engine, bootstrapped base image,
# static binary, action image, validation images, image checks, docker
# validation on sample projects, then the workflow through act (with
# subprocess and with docker validation).
# Stops the engine at the end if it started it (SELF_HEAL_KEEP_DOCKER=1 keeps
# it). Prints a "timing:" line per phase and one "N passed, N failed" line.
#
# Pass SMOKE_MODE=real (and what scripts/act-smoke.sh asks for) once the
# binary's `run` command exists.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

total_start=$(date +%s)
started_engine=
if ! docker info >/dev/null 2>&1; then started_engine=1; fi
finish() {
    if [ -n "$started_engine" ] && [ -z "${SELF_HEAL_KEEP_DOCKER:-}" ]; then
        scripts/docker-env.sh down || true
    fi
}
trap finish EXIT

scripts/docker-env.sh up
scripts/docker-env.sh base-image
scripts/build-static.sh
scripts/docker-env.sh action-image
scripts/docker-env.sh validation-images

passed=0
failed=0
run_suite() {
    local name=$1 out rc start
    shift
    start=$(date +%s)
    set +e
    out=$("$@" 2>&1)
    rc=$?
    set -e
    printf '%s\n' "$out" | grep -v -E '^[0-9]+ passed, [0-9]+ failed$'
    passed=$((passed + $(grep -c '^ok - ' <<<"$out" || true)))
    failed=$((failed + $(grep -c '^not ok - ' <<<"$out" || true)))
    if [ "$rc" -ne 0 ] && ! grep -q '^not ok - ' <<<"$out"; then
        failed=$((failed + 1))
        printf 'not ok - %s exited %s\n' "$name" "$rc"
    elif [ "$rc" -eq 0 ] && ! grep -q '^ok - ' <<<"$out"; then
        passed=$((passed + 1))
        printf 'ok - %s\n' "$name"
    fi
    printf 'timing: %s %ss\n' "$name" "$(($(date +%s) - start))"
}
run_suite image-checks tests/action/image.sh
run_suite act-smoke scripts/act-smoke.sh
# validation: docker on the local engine (tests/it/docker_validation.rs). One
# thread: its checks for leftover containers look at the whole engine. The
# timings for docs/measurements.md are scripts/docker-timings.sh's, not a check.
run_suite docker-validation cargo test --locked --test it docker_validation -- --ignored --nocapture --test-threads 1 \
    --skip docker_validation::timings_of_docker_and_subprocess_validation
# The real binary end to end through act, against the in-process fakes of the Rust
# test suite (shares the debug build of `cargo test`).
run_suite act-e2e cargo test --locked --test it action_container -- --ignored --nocapture --test-threads 1

printf 'timing: test-action total %ss\n' "$(($(date +%s) - total_start))"
printf '%d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
