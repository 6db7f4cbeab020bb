#!/usr/bin/env bash
# Builds the statically linked release binary into dist/self-heal.
#
# Preferred: x86_64-unknown-linux-musl (fully static, no NSS, runs anywhere).
# Its Rust std must be installed (`rustup target add x86_64-unknown-linux-musl`)
# and ring's C/asm needs musl-gcc (Debian: musl-tools). When the musl std can't
# be had, falls back to glibc with crt-static: also a single static file, but
# getaddrinfo then loads the NSS modules of the glibc it was built with at run
# time; the Action image is Debian bookworm, the same glibc as the build
# machine, so DNS works there (see docs/action.md, "Packaging").
#
# Environment:
#   SELF_HEAL_STATIC_TARGET  force a target triple (musl or gnu)
#   CARGO_TARGET_DIR         shared with the other cargo runs (default target/)
#   DIST_DIR                 output folder (default dist/)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DIST=${DIST_DIR:-$ROOT/dist}
MUSL=x86_64-unknown-linux-musl
GNU=x86_64-unknown-linux-gnu

# shellcheck source=scripts/lib.sh
. "$ROOT/scripts/lib.sh"

log() { printf '[build-static] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

musl_ready() {
    rustup target list --installed 2>/dev/null | grep -qx "$MUSL" || return 1
    command -v musl-gcc >/dev/null 2>&1 || apt_install musl-tools
    command -v musl-gcc >/dev/null 2>&1
}

pick_target() {
    if [ -n "${SELF_HEAL_STATIC_TARGET:-}" ]; then
        echo "$SELF_HEAL_STATIC_TARGET"
        return
    fi
    if ! rustup target list --installed 2>/dev/null | grep -qx "$MUSL"; then
        # May fail on machines that only reach package registries; that's fine.
        timeout 120 rustup target add "$MUSL" >/dev/null 2>&1 || true
    fi
    if musl_ready; then echo "$MUSL"; else echo "$GNU"; fi
}

TARGET=$(pick_target)
log "target $TARGET"
case "$TARGET" in
"$MUSL")
    musl_ready || die "musl target or musl-gcc missing"
    export CC_x86_64_unknown_linux_musl=musl-gcc
    ;;
"$GNU")
    # --target (set below) keeps these flags off build scripts and proc
    # macros, which must stay dynamic.
    export CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS="-C target-feature=+crt-static"
    ;;
*) die "unsupported target $TARGET" ;;
esac

start=$(date +%s)
cargo build --release --locked --target "$TARGET" --bin self-heal --manifest-path "$ROOT/Cargo.toml"
end=$(date +%s)

TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=$TARGET_DIR/$TARGET/release/self-heal
[ -x "$BIN" ] || die "cargo did not produce $BIN"

mkdir -p "$DIST"
install -m 0755 "$BIN" "$DIST/self-heal"

# Static means: no program interpreter, nothing for the dynamic loader.
desc=$(file -b "$DIST/self-heal" 2>/dev/null || true)
if readelf -l "$DIST/self-heal" | grep -q 'Requesting program interpreter'; then
    die "dist/self-heal is dynamically linked: $desc"
fi
if ldd "$DIST/self-heal" >/dev/null 2>&1 && ! ldd "$DIST/self-heal" 2>&1 | grep -q 'statically linked'; then
    die "ldd lists shared libraries for dist/self-heal"
fi
echo "$TARGET" >"$DIST/self-heal.target"
size=$(stat -c %s "$DIST/self-heal")
printf 'timing: build-static %ss\n' "$((end - start))"
awk -v s="$size" -v t="$TARGET" 'BEGIN { printf "size: dist/self-heal %d bytes (%.1f MiB) target %s\n", s, s / 1048576, t }'
log "${desc:-static binary}"
