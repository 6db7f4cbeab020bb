#!/usr/bin/env bash
# Puts this machine's Rust toolchain into $1/rust: rustc, cargo and rustdoc (a
# lib crate's `cargo test` runs doctests), the compiler's shared libraries and
# the host target's std and linker (rust-lld). No docs, sources, musl std or
# other tools: about half the toolchain's size.
set -euo pipefail
command -v rustc >/dev/null 2>&1 || { echo "no rustc on this machine" >&2; exit 3; }
command -v cargo >/dev/null 2>&1 || { echo "no cargo on this machine" >&2; exit 3; }
sysroot=$(rustc --print sysroot)
host=$(rustc -vV | sed -n 's/^host: //p')
[ -d "$sysroot/lib/rustlib/$host/lib" ] || { echo "no std for $host in $sysroot" >&2; exit 3; }
# rustup's `cargo` on PATH is a proxy; the toolchain's own is next to rustc.
cargo=$sysroot/bin/cargo
[ -x "$cargo" ] || cargo=$(command -v cargo)
dest=$1/rust
mkdir -p "$dest/bin" "$dest/lib/rustlib/$host"
# Hard links where the context is on the same filesystem: 500 MB copied in no time.
link() { cp -al "$@" 2>/dev/null || cp -a "$@"; }
link "$sysroot/bin/rustc" "$sysroot/bin/rustdoc" "$dest/bin/"
cp -L "$cargo" "$dest/bin/cargo"
link "$sysroot"/lib/*.so* "$dest/lib/"
link "$sysroot/lib/rustlib/$host/lib" "$dest/lib/rustlib/$host/"
if [ -d "$sysroot/lib/rustlib/$host/bin" ]; then
    link "$sysroot/lib/rustlib/$host/bin" "$dest/lib/rustlib/$host/"
fi
