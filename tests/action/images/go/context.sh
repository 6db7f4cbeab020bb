#!/usr/bin/env bash
# Puts this machine's Go toolchain into the build context ($1/go).
set -euo pipefail
command -v go >/dev/null 2>&1 || { echo "no go on this machine" >&2; exit 3; }
goroot=$(go env GOROOT)
[ -x "$goroot/bin/go" ] || { echo "GOROOT $goroot has no bin/go" >&2; exit 3; }
cp -a "$goroot" "$1/go"
# Tests and the module cache are not needed to build and test small projects.
rm -rf "$1/go/test" "$1/go/pkg/mod"
