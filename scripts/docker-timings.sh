#!/usr/bin/env bash
# Docker vs subprocess validation on the samples, for docs/measurements.md's table
# ("Docker vs subprocess validation"): each project of
# tests/it/docker_validation.rs repaired with either runner, REPS times (default
# 3), printing one markdown row per project: median (min–max) of the report's
# validation_ms. Needs the engine and images (it sets them up as
# scripts/test-action.sh does, without the static binary or act).
#
#   scripts/docker-timings.sh    REPS=5 scripts/docker-timings.sh    ONLY=jest scripts/docker-timings.sh
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
scripts/docker-env.sh up
scripts/docker-env.sh base-image
scripts/docker-env.sh validation-images
echo "| project | image | docker | subprocess |"
echo "|---|---|---|---|"
SELF_HEAL_TIMING_REPS=${REPS:-3} SELF_HEAL_TIMING_ONLY=${ONLY:-} cargo test --locked --test it \
    docker_validation::timings_of_docker_and_subprocess_validation -- \
    --ignored --exact --nocapture --test-threads 1 2>&1 |
    sed -n 's/^.*timing-row: //p'
