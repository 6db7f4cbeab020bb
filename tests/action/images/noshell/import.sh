#!/usr/bin/env bash
# An image with no shell at all: one text file.
set -euo pipefail
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
echo "no shell here" >"$dir/README"
tar -C "$dir" -c . | docker import --change 'CMD ["/README"]' - "$1" >/dev/null
