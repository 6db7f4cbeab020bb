#!/usr/bin/env bash
# Checks the Action image as the runner uses it: `docker run` with the inputs
# as INPUT_* variables (dashes kept), the workspace bind-mounted and owned by
# another user, HOME elsewhere. Each check has a control that shows the check
# can fail (the bug it guards against, reproduced).
#
# Needs: a running engine, the image (scripts/docker-env.sh all) and
# dist/self-heal (scripts/build-static.sh).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
IMAGE=${ACTION_IMAGE_TAG:-self-heal-action:test}
BINARY=${SELF_HEAL_BINARY:-$ROOT/dist/self-heal}

passed=0
failed=0
ok() { printf 'ok - %s\n' "$1"; passed=$((passed + 1)); }
not_ok() { printf 'not ok - %s\n' "$1"; [ -z "${2:-}" ] || printf '%s\n' "$2" | sed 's/^/#   /'; failed=$((failed + 1)); }

docker image inspect "$IMAGE" >/dev/null 2>&1 || { echo "image $IMAGE missing: run scripts/docker-env.sh all" >&2; exit 1; }

TMP=$(mktemp -d)
cleanup() {
    rm -rf "$TMP" 2>/dev/null || sudo -n rm -rf "$TMP" 2>/dev/null || true
    docker image rm -f self-heal-bare:test >/dev/null 2>&1 || true
}
trap cleanup EXIT

# --- the image carries what validation and publishing need -----------------
# One container for all of them: on the vfs storage driver every container
# start copies the whole image.
tools=$(docker run --rm --entrypoint /bin/bash "$IMAGE" -c '
probe() { local name=$1; shift; out=$("$@" 2>&1); printf "%s\t%s\t%s\n" "$name" "$?" "$(printf "%s" "$out" | head -n1 | tr "\t" " ")"; }
probe git git --version
probe python3 python3 --version
probe "python (as CI steps call it)" python --version
probe pip python3 -m pip --version
probe pytest python3 -m pytest --version
probe "docker client" docker --version
probe "CA bundle" test -s /etc/ssl/certs/ca-certificates.crt
probe "self-heal binary" /usr/local/bin/self-heal --version
# setup-command may pip install into the system Python (throwaway container).
probe "pip install allowed" python3 -m pip install --no-index --dry-run pip
' 2>&1) || true
for name in git python3 "python (as CI steps call it)" pip pytest "docker client" "CA bundle" "self-heal binary" "pip install allowed"; do
    line=$(awk -F'\t' -v n="$name" '$1 == n' <<<"$tools")
    rc=$(cut -f2 <<<"$line")
    if [ "$rc" = 0 ]; then
        ok "image has $name${line:+: $(cut -f3 <<<"$line")}"
    else
        not_ok "image has $name" "${line:-$tools}"
    fi
done

# --- the binary is static: it runs in an image with no libc at all ---------
if [ -x "$BINARY" ]; then
    mkdir -p "$TMP/bare"
    cp "$BINARY" "$TMP/bare/self-heal"
    cp "$(command -v env)" "$TMP/bare/dynamic-env"
    tar -C "$TMP/bare" -c . | docker import - self-heal-bare:test >/dev/null
    if out=$(docker run --rm --entrypoint /self-heal self-heal-bare:test --version 2>&1); then
        ok "static binary runs without libc${out:+: $out}"
    else
        not_ok "static binary runs without libc" "$out"
    fi
    # Control: a dynamically linked program cannot start there.
    if out=$(docker run --rm --entrypoint /dynamic-env self-heal-bare:test 2>&1); then
        not_ok "control: a dynamic binary fails in the bare image" "$out"
    else
        ok "control: a dynamic binary fails in the bare image"
    fi
else
    not_ok "static binary at $BINARY" "run scripts/build-static.sh first"
fi

# --- entrypoint: INPUT_WITH-DASHES reach the binary, the workspace is trusted -
# A stand-in for the binary (bind-mounted over it) prints what it received:
# the variables, its arguments, and whether git accepts the workspace.
cat >"$TMP/fake-self-heal" <<'EOF'
#!/usr/bin/python3
import os, subprocess, sys
print("args=" + " ".join(sys.argv[1:]))
for k in sorted(os.environ):
    if k.startswith("INPUT_"):
        print(f"{k}={os.environ[k]}")
ws = os.environ.get("GITHUB_WORKSPACE", "/github/workspace")
git = subprocess.run(["git", "-C", ws, "rev-parse", "HEAD"], capture_output=True, text=True)
print(f"git-rc={git.returncode} {git.stdout.strip()}{git.stderr.strip()}")
EOF
chmod 0755 "$TMP/fake-self-heal"

# A checkout owned by the runner's user (1001), as on GitHub's runners.
mkdir -p "$TMP/ws" "$TMP/home"
git -C "$TMP/ws" init -q
git -C "$TMP/ws" -c user.name=t -c user.email=t@example.invalid commit -q --allow-empty -m init
head_sha=$(git -C "$TMP/ws" rev-parse HEAD)
# Run as root (test machines) the checkout is handed to uid 1001; on a CI
# runner the runner's user already is 1001, and the container's user is root.
if [ "$(id -u)" = 0 ]; then chown -R 1001:1001 "$TMP/ws"; fi

run_image() {
    docker run --rm \
        -e 'INPUT_DRY-RUN=true' -e 'INPUT_MAX-ATTEMPTS=2' -e 'INPUT_MODEL=small-model' \
        -e GITHUB_WORKSPACE=/srv/checkout -e HOME=/github/home \
        -v "$TMP/ws:/srv/checkout" -v "$TMP/home:/github/home" \
        -v "$TMP/fake-self-heal:/usr/local/bin/self-heal:ro" \
        "$@"
}

# has_lines NAME LINE...: every LINE is a whole line of $out.
has_lines() {
    local name=$1 line
    shift
    for line in "$@"; do
        if ! grep -qxF -- "$line" <<<"$out"; then
            not_ok "$name" "missing line: $line"$'\n'"$out"
            return
        fi
    done
    ok "$name"
}

out=$(run_image "$IMAGE" run 2>&1) || true
has_lines "entrypoint passes INPUT_DRY-RUN, INPUT_MAX-ATTEMPTS to the binary" \
    'INPUT_DRY-RUN=true' 'INPUT_MAX-ATTEMPTS=2' 'INPUT_MODEL=small-model'
has_lines "entrypoint passes the arguments (run)" 'args=run'
has_lines "git accepts a workspace owned by another user" "git-rc=0 $head_sha"
if [ -z "$(ls -A "$TMP/home")" ]; then
    ok "entrypoint writes nothing into HOME"
else
    not_ok "entrypoint writes nothing into HOME" "$(ls -A "$TMP/home")"
fi

# Control: exec through Debian's /bin/sh (dash) loses the dashed names, which
# is why entrypoint.sh is a bash script.
out=$(run_image --entrypoint /bin/sh "$IMAGE" -c 'exec /usr/local/bin/self-heal run' 2>&1) || true
if grep -q '^INPUT_DRY-RUN=' <<<"$out"; then
    not_ok "control: /bin/sh drops INPUT_DRY-RUN" "$out"
elif grep -qx 'INPUT_MODEL=small-model' <<<"$out"; then
    ok "control: /bin/sh drops INPUT_DRY-RUN (keeps INPUT_MODEL)"
else
    not_ok "control: /bin/sh drops INPUT_DRY-RUN" "$out"
fi
# Control: without the entrypoint, git refuses the foreign-owned checkout.
out=$(run_image --entrypoint /usr/local/bin/self-heal "$IMAGE" run 2>&1) || true
if grep -q '^git-rc=0' <<<"$out"; then
    not_ok "control: git refuses the workspace without the entrypoint" "$out"
else
    ok "control: git refuses the workspace without the entrypoint"
fi

printf '%d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
