#!/usr/bin/env bash
# Runs the Action the way GitHub does, through act, against servers on the
# host's 127.0.0.1: a failed `workflow_run` event goes in, a workflow with
# `uses: ./` runs the container action, and a later step reads its outputs.
#
#   scripts/act-smoke.sh            (mode probe, the default)
#   SMOKE_MODE=real scripts/act-smoke.sh
#
# Modes:
#   probe  The image is self-heal-action:test with a probe standing in for
#          /usr/local/bin/self-heal (python, exec'd by the real entrypoint).
#          It proves the plumbing the real binary relies on: dashed INPUT_*
#          names arrive, github.token reaches the github-token input, the
#          event file is readable, GITHUB_API_URL and openai-base-url point at
#          127.0.0.1 servers the container can reach, outputs written to
#          GITHUB_OUTPUT (heredoc form too) are step outputs, and the job
#          summary is written, and a `git push` from the container lands in
#          the bare origin beside the repository.
#   real   The image is self-heal-action:test as built, running `self-heal run`.
#          The caller starts the fake GitHub API and the fake LLM on 127.0.0.1
#          and passes SMOKE_API_URL and SMOKE_LLM_URL; SMOKE_EXPECT_STATUS
#          is what the status output must be (default: fixed, or proposed
#          when SMOKE_DRY_RUN=true; dry-run defaults to false here). The repo
#          under repair is SMOKE_REPO_SRC (e.g. a sample project), its origin
#          the bare repo "$WORK/repo/.origin.git" (SMOKE_KEEP=1 keeps $WORK).
#          The caller then asserts on what its fakes recorded.
#          SMOKE_VALIDATION, SMOKE_VALIDATION_IMAGE and SMOKE_SETUP_COMMAND,
#          when set, become the validation, validation-image and
#          setup-command inputs (docker validation reaches the engine through
#          the socket the runner mounts into container actions).
#
# Needs scripts/docker-env.sh all (engine, base image, action image) first.
# Prints "timing: <phase> <seconds>s" lines.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MODE=${SMOKE_MODE:-probe}
ACTION_IMAGE=${ACTION_IMAGE_TAG:-self-heal-action:test}
BASE_IMAGE=${BASE_IMAGE_TAG:-self-heal-base:bookworm}
PROBE_IMAGE=self-heal-action:probe
RUN_ID=${SMOKE_RUN_ID:-4242}

log() { printf '[act-smoke] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
now() { date +%s.%N; }
timing() { awk -v n="$1" -v a="$2" -v b="$(now)" 'BEGIN { printf "timing: %s %.1fs\n", n, b - a }'; }

command -v act >/dev/null 2>&1 || die "act missing: run scripts/docker-env.sh up"
docker info >/dev/null 2>&1 || die "no docker engine: run scripts/docker-env.sh up"
docker image inspect "$ACTION_IMAGE" >/dev/null 2>&1 || die "$ACTION_IMAGE missing: run scripts/docker-env.sh action-image"
docker image inspect "$BASE_IMAGE" >/dev/null 2>&1 || die "$BASE_IMAGE missing: run scripts/docker-env.sh base-image"

# SMOKE_WORK: a directory chosen (and cleaned) by the caller, which then inspects it.
if [ -n "${SMOKE_WORK:-}" ]; then
    WORK=$SMOKE_WORK
    mkdir -p "$WORK"
    SMOKE_KEEP=1
else
    WORK=$(mktemp -d)
fi
SERVER_PID=
cleanup() {
    [ -z "$SERVER_PID" ] || kill "$SERVER_PID" 2>/dev/null || true
    # The container pushed into .origin.git as root: a runner's user needs sudo.
    if [ -n "${SMOKE_KEEP:-}" ]; then
        log "kept $WORK"
    else
        rm -rf "$WORK" 2>/dev/null || sudo -n rm -rf "$WORK" 2>/dev/null || log "could not remove $WORK"
    fi
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

case "$MODE" in
probe)
    start=$(now)
    # The probe replaces only the binary: entrypoint.sh, the base, the tools
    # and the env handling are those of the shipped image.
    mkdir -p "$WORK/probe-image"
    cp "$ROOT/tests/action/probe.py" "$WORK/probe-image/probe.py"
    printf 'FROM %s\nCOPY probe.py /usr/local/bin/self-heal\n' "$ACTION_IMAGE" >"$WORK/probe-image/Dockerfile"
    docker build --quiet -t "$PROBE_IMAGE" "$WORK/probe-image" >/dev/null
    IMAGE=$PROBE_IMAGE
    timing probe-image "$start"

    # One plain server stands in for both the API and the LLM: its access log
    # is the evidence that requests from the action container arrived.
    port=$(free_port)
    mkdir -p "$WORK/www"
    (cd "$WORK/www" && exec python3 -m http.server --bind 127.0.0.1 "$port") >"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 50); do
        python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/')" 2>/dev/null && break
        sleep 0.1
    done
    API_URL=http://127.0.0.1:$port/api
    LLM_URL=http://127.0.0.1:$port/v1
    EXPECT_STATUS=probe-ok
    DRY_RUN=true
    ;;
real)
    IMAGE=$ACTION_IMAGE
    API_URL=${SMOKE_API_URL:?SMOKE_API_URL: the fake GitHub API on 127.0.0.1}
    LLM_URL=${SMOKE_LLM_URL:?SMOKE_LLM_URL: the fake LLM base URL on 127.0.0.1}
    DRY_RUN=${SMOKE_DRY_RUN:-false}
    if [ "$DRY_RUN" = true ]; then EXPECT_STATUS=${SMOKE_EXPECT_STATUS:-proposed}; else EXPECT_STATUS=${SMOKE_EXPECT_STATUS:-fixed}; fi
    ;;
*) die "SMOKE_MODE must be probe or real" ;;
esac

# Optional inputs of the action step, one `key: 'value'` line each.
EXTRA_INPUTS=
add_input() {
    [ -n "$2" ] || return 0
    EXTRA_INPUTS+="          $1: '${2//\'/\'\'}'"$'\n'
}
add_input validation "${SMOKE_VALIDATION:-}"
add_input validation-image "${SMOKE_VALIDATION_IMAGE:-}"
add_input setup-command "${SMOKE_SETUP_COMMAND:-}"

# --- a repository as a user has it, with this action in it ----------------
start=$(now)
REPO=$WORK/repo
mkdir -p "$REPO/.github/workflows"
if [ -n "${SMOKE_REPO_SRC:-}" ]; then
    # real mode: the project to repair (e.g. a sample project).
    cp -a "$SMOKE_REPO_SRC/." "$REPO/"
fi
cp "$ROOT/action.yml" "$ROOT/Dockerfile" "$ROOT/entrypoint.sh" "$REPO/"
# act builds `image: Dockerfile` with the legacy builder, which cannot skip
# the compile stage (and can't pull its Rust image here): point action.yml at
# the local image instead, exactly as the release does with the GHCR image.
"$ROOT/scripts/release-action-yml.sh" "docker://$IMAGE" "$REPO/action.yml" >/dev/null
# act names its containers and volumes after the workflow and job: a name of
# its own per run keeps two smoke runs on one engine apart.
cat >"$REPO/.github/workflows/heal.yml" <<EOF
name: self-heal-smoke-$(basename "$WORK" | tr -dc 'a-zA-Z0-9')
on:
  workflow_run:
    workflows: [CI]
    types: [completed]
permissions:
  contents: write
  pull-requests: write
  actions: read
  models: read
jobs:
  heal:
    if: github.event.workflow_run.conclusion == 'failure'
    runs-on: ubuntu-latest
    steps:
      - uses: ./
        id: heal
        with:
          openai-base-url: $LLM_URL
          openai-api-key: sk-smoke-not-a-secret
          dry-run: $DRY_RUN
          max-attempts: 2
          allow-test-edits: false
${EXTRA_INPUTS}      - name: outputs are step outputs
        env:
          STATUS: \${{ steps.heal.outputs.status }}
          DIAGNOSIS: \${{ steps.heal.outputs.diagnosis }}
          REPORT: \${{ steps.heal.outputs.report }}
          PATCH: \${{ steps.heal.outputs.patch }}
        run: |
          printf 'output status=%s\n' "\$STATUS"
          printf 'output report=%s\n' "\$REPORT"
          printf 'output patch=%s\n' "\$PATCH"
          printf 'output diagnosis lines=%s\n' "\$(printf '%s\n' "\$DIAGNOSIS" | wc -l)"
          test "\$STATUS" = "$EXPECT_STATUS"
          test -n "\$DIAGNOSIS"
EOF
git -C "$REPO" init -q -b main
git -C "$REPO" add -A
git -C "$REPO" -c user.name=smoke -c user.email=smoke@example.invalid commit -q -m "repo under repair"
head_sha=$(git -C "$REPO" rev-parse HEAD)
# origin is a bare repository inside the repository's folder: with --bind the
# action container sees that folder at the same path, so a push from the
# container lands where this script (or a test) can inspect it afterwards.
ORIGIN=$REPO/.origin.git
git init -q --bare "$ORIGIN"
echo /.origin.git/ >>"$REPO/.git/info/exclude"
git -C "$REPO" remote add origin "$ORIGIN"
git -C "$REPO" push -q origin main

# The event GitHub sends when the watched workflow fails.
cat >"$WORK/event.json" <<EOF
{
  "action": "completed",
  "workflow_run": {
    "id": $RUN_ID, "name": "CI", "run_attempt": 1, "event": "push",
    "status": "completed", "conclusion": "failure",
    "head_branch": "main", "head_sha": "$head_sha",
    "path": ".github/workflows/ci.yml", "pull_requests": []
  },
  "repository": {"full_name": "acme/widgets", "name": "widgets", "owner": {"login": "acme"}}
}
EOF
timing smoke-setup "$start"

# --- act -------------------------------------------------------------------
# --network host (act's default, spelled out): the job container, and the
# action container that joins its network, see the host's 127.0.0.1.
# --no-cache-server: its server would listen on a non-loopback address.
# --pull=false: nothing can be pulled; both images are local.
# --bind: the job sees the repository itself, not a copy, so a test can
#   inspect what the action left in the workspace.
# --env GITHUB_API_URL: act sets GITHUB_API_URL itself and a step's env:
#   does not override it; --env does.
start=$(now)
set +e
(cd "$REPO" && act workflow_run \
    -e "$WORK/event.json" \
    -W .github/workflows/heal.yml \
    -P "ubuntu-latest=$BASE_IMAGE" \
    --pull=false \
    --no-cache-server \
    --network host \
    --bind \
    -s GITHUB_TOKEN=ghs_smoke_token_not_secret \
    --env GITHUB_REPOSITORY=acme/widgets \
    --env "GITHUB_API_URL=$API_URL") >"$WORK/act.log" 2>&1
act_rc=$?
set -e
timing act-run "$start"
cp "$WORK/act.log" "${SMOKE_ACT_LOG:-/tmp/self-heal-act-smoke.log}"

passed=0
failed=0
check() {
    if grep -qE -- "$2" "$WORK/act.log"; then
        printf 'ok - %s\n' "$1"
        passed=$((passed + 1))
    else
        printf 'not ok - %s (no line matching %s in the act log)\n' "$1" "$2"
        failed=$((failed + 1))
    fi
}
if [ "$act_rc" -eq 0 ]; then printf 'ok - act exited 0\n'; passed=$((passed + 1)); else printf 'not ok - act exited %s\n' "$act_rc"; failed=$((failed + 1)); fi
check "status output reaches the next step" "output status=$EXPECT_STATUS\$"
check "job succeeded" "Job succeeded"

if [ "$MODE" = probe ]; then
    check "dashed inputs reach the binary" 'probe: INPUT_DRY-RUN=true$'
    check "dashed inputs reach the binary (max-attempts)" 'probe: INPUT_MAX-ATTEMPTS=2$'
    check "github-token input defaults to github.token" 'probe: INPUT_GITHUB-TOKEN=<set>$'
    check "arguments from action.yml" 'probe: args=run$'
    check "event file has the failed run" "probe: event run id=$RUN_ID conclusion=failure\$"
    check "git accepts the workspace" "probe: git HEAD=$head_sha\$"
    check "multiline diagnosis output kept its lines" 'output diagnosis lines=2$'
    check "push from the container succeeded" 'probe: push rc=0$'
    if [ "$(git -C "$ORIGIN" rev-parse --verify -q "refs/heads/self-heal/$RUN_ID-probe" || true)" = "$head_sha" ]; then
        printf 'ok - branch pushed from the action container is in the host-side origin\n'
        passed=$((passed + 1))
    else
        printf 'not ok - branch pushed from the action container is in the host-side origin\n'
        failed=$((failed + 1))
    fi
    check "report output is a path" 'output report=/.+report\.json$'
    # The host-side server saw the container's requests: loopback reached.
    if grep -q "GET /api/repos/acme/widgets/actions/runs/$RUN_ID " "$WORK/server.log" &&
        grep -q "GET /v1/models " "$WORK/server.log"; then
        printf 'ok - container reached 127.0.0.1 servers on the host (API and LLM URLs)\n'
        passed=$((passed + 1))
    else
        printf 'not ok - container reached 127.0.0.1 servers on the host\n'
        sed 's/^/#   /' "$WORK/server.log"
        failed=$((failed + 1))
    fi
fi

if ((failed)); then
    log "act log: ${SMOKE_ACT_LOG:-/tmp/self-heal-act-smoke.log}"
    tail -n 60 "$WORK/act.log" | sed 's/^/#   /' >&2
fi
printf '%d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
